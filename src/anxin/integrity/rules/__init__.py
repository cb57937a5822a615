"""Rules as data: the rule language, and beside it versions, shadow mode and backtests.

``language/`` parses, type-checks and compiles rules (pure); the rules runtime
(versions, activation, shadow, backtest) is written beside it.

See :mod:`anxin.integrity.rules.language` for the language itself.
"""
