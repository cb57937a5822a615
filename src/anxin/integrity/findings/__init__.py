"""Detector runs over the journal, their stored findings, analysts' verdicts, and the labels rules read."""
