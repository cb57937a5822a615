"""Supervised fraud scoring: a platform's labelled rows → calibrated, explained probabilities (issue 7)."""
