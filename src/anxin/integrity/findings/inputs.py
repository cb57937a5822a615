"""What each batch detector reads from the journal's events: the one place that turns events into its input.

Every entry takes the events (in arrival order) and returns findings; the
detectors themselves stay pure and know nothing about the journal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from anxin.integrity.detectors import brushing, cashback, dense_blocks, rings, spikes, templates
from anxin.integrity.detectors.finding import Finding
from anxin.integrity.events.schema import Event


def ring_findings(events: Sequence[Event]) -> list[Finding]:
    return rings.detect(events)


def template_findings(events: Sequence[Event]) -> list[Finding]:
    return templates.detect([e for e in events if e.type == "review" and e.attrs.get("text")])


DETECTORS: dict[str, Callable[[Sequence[Event]], list[Finding]]] = {
    "rings": ring_findings,
    "templates": template_findings,
    "dense_blocks": dense_blocks.detect,
    "lockstep": dense_blocks.detect_lockstep,
    "cashback": cashback.detect,
    "brushing": brushing.detect,
    "spikes": spikes.detect,
}
"""Detector name (as the CLI, the API and the console say it) → how it runs over journal events."""
