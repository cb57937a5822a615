"""What each batch detector reads: the one place that turns journal events (and the run's context) into its input.

Every entry takes the events (in arrival order) and a :class:`RunContext`
and returns findings; the detectors themselves stay pure and know nothing
about the journal or the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from anxin.integrity.detectors import brushing, cashback, dense_blocks, extortion, insider, rings, spikes, templates
from anxin.integrity.detectors.finding import Finding
from anxin.integrity.events.schema import Event


@dataclass
class RunContext:
    """What a detector may need beyond the events, read from the database only by the detector that asks.

    ``rule_changes``: when rulesets went live (ms), from the audit log — an
    insider times fake subsidised orders to a rule change only staff knew of.
    """

    load_rule_changes: Callable[[], tuple[int, ...]] = tuple

    @cached_property
    def rule_changes(self) -> tuple[int, ...]:
        return self.load_rule_changes()


def _events_only(detect: Callable[[Sequence[Event]], list[Finding]]):
    return lambda events, _context: detect(events)


def template_findings(events: Sequence[Event], _context: RunContext) -> list[Finding]:
    return templates.detect([e for e in events if e.type == "review" and e.attrs.get("text")])


def insider_findings(events: Sequence[Event], context: RunContext) -> list[Finding]:
    return insider.detect(events, rule_changes=context.rule_changes)


DETECTORS: dict[str, Callable[[Sequence[Event], RunContext], list[Finding]]] = {
    "rings": _events_only(rings.detect),
    "templates": template_findings,
    "dense_blocks": _events_only(dense_blocks.detect),
    "lockstep": _events_only(dense_blocks.detect_lockstep),
    "cashback": _events_only(cashback.detect),
    "brushing": _events_only(brushing.detect),
    "spikes": _events_only(spikes.detect),
    "insider": insider_findings,
    "extortion": _events_only(extortion.detect),
}
"""Detector name (as the CLI, the API and the console say it) → how it runs over journal events."""
