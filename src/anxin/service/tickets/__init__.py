"""Repair tickets: intake from agents and online (有问题必受理), numbering, the lifecycle, tracking."""
