"""The integrity engine core: ``decide(event, state, ruleset) -> Decision`` — event time, no I/O.

Runners (HTTP, bulk import, backtest, shadow, the journal-backed decision
runtime) own I/O and persistence; they hold one :class:`EngineState` (persist
``state.features.snapshot()`` bytes beside their journal) and call
:func:`decide` per event in event-time order.

>>> from anxin.integrity.events.schema import Event
>>> from anxin.integrity.rules.language import compile_ruleset
>>> rs = compile_ruleset('rule big when amount > 100000 then review score 30 reason "large order"')
>>> decide(Event("e1", 1767225600000, "t", "order_placed", "a1", attrs={"amount": 250000}), EngineState(), rs).action
'review'
"""

from anxin.integrity.engine.decide import (
    Decision,
    EngineState,
    FiredRule,
    decide,
    decide_all,
    decide_interpreted,
    decider,
    update_features,
)

__all__ = [
    "Decision",
    "EngineState",
    "FiredRule",
    "decide",
    "decide_all",
    "decide_interpreted",
    "decider",
    "update_features",
]
