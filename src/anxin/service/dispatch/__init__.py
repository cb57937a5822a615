"""Dispatch (安排师傅): the pure ``optimizer`` package; the service layer that feeds it lives beside it."""
