"""The integrity engine served: the app's live decision runtime, its HTTP API and the risk console pages.

This layer sits above every other integrity package (events, rules, engine,
journal, backtest, detectors) and is the only one that knows about FastAPI.
"""
