"""What each batch detector reads: the one place that turns journal events (and the run's context) into its input.

Every entry takes the events (in arrival order) and a :class:`RunContext`
and returns findings; the detectors themselves stay pure and know nothing
about the journal or the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

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


# Each entry imports its detector when it runs: together they pull in scipy.stats and numba (~1.5 s), which
# every ``anxin`` command and every server start otherwise paid before doing anything.


def _rings(events: Sequence[Event], _context: RunContext) -> list[Finding]:
    from anxin.integrity.detectors import rings

    return rings.detect(events)


def _templates(events: Sequence[Event], _context: RunContext) -> list[Finding]:
    from anxin.integrity.detectors import templates

    return templates.detect([e for e in events if e.type == "review" and e.attrs.get("text")])


def _dense_blocks(events: Sequence[Event], _context: RunContext) -> list[Finding]:
    from anxin.integrity.detectors import dense_blocks

    return dense_blocks.detect(events)


def _lockstep(events: Sequence[Event], _context: RunContext) -> list[Finding]:
    from anxin.integrity.detectors import dense_blocks

    return dense_blocks.detect_lockstep(events)


def _cashback(events: Sequence[Event], _context: RunContext) -> list[Finding]:
    from anxin.integrity.detectors import cashback

    return cashback.detect(events)


def _brushing(events: Sequence[Event], _context: RunContext) -> list[Finding]:
    from anxin.integrity.detectors import brushing

    return brushing.detect(events)


def _spikes(events: Sequence[Event], _context: RunContext) -> list[Finding]:
    from anxin.integrity.detectors import spikes

    return spikes.detect(events)


def _insider(events: Sequence[Event], context: RunContext) -> list[Finding]:
    from anxin.integrity.detectors import insider

    return insider.detect(events, rule_changes=context.rule_changes)


def _extortion(events: Sequence[Event], _context: RunContext) -> list[Finding]:
    from anxin.integrity.detectors import extortion

    return extortion.detect(events)


DETECTORS: dict[str, Callable[[Sequence[Event], RunContext], list[Finding]]] = {
    "rings": _rings,
    "templates": _templates,
    "dense_blocks": _dense_blocks,
    "lockstep": _lockstep,
    "cashback": _cashback,
    "brushing": _brushing,
    "spikes": _spikes,
    "insider": _insider,
    "extortion": _extortion,
}
"""Detector name (as the CLI, the API and the console say it) → how it runs over journal events."""
