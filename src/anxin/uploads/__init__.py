"""Uploaded files (evidence, repair photos): checked by content, stripped of metadata, stored by SHA-256."""
