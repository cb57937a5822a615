"""What the seeded behaviour streams share: their start, shop ids with long-tailed popularity, and an event log.

Each detector's benchmark stream (``demo.money``, ``demo.brushing``,
``demo.spikes``, ``demo.subsidies``, ``demo.extortion``) builds its events
the same way; only the patterns planted differ.

>>> log = EventLog("x")
>>> log.add(1_000, "review", "u1", {"rating": 5}), log.n, log.events[0].time_ms - START_MS
('x0', 1, 1000)
>>> ids, weights = shops(3)
>>> ids, [round(w, 2) for w in weights]
(['s00000', 's00001', 's00002'], [1.0, 0.57, 0.42])
"""

from __future__ import annotations

from anxin.integrity.events.schema import Event

START_MS = 1_767_196_800_000  # 2026-01-01 00:00 China time


def shops(n: int, exponent: float = 0.8) -> tuple[list[str], list[float]]:
    """``n`` shop ids and weights ``1 / rank^exponent``: a few big shops and a long tail, as on real platforms."""
    return [f"s{i:05d}" for i in range(n)], [1 / (i + 1) ** exponent for i in range(n)]


class EventLog:
    """Appends events with ids ``<prefix><n>`` and times counted from :data:`START_MS`."""

    def __init__(self, prefix: str, tenant: str = "demo") -> None:
        self.prefix, self.tenant = prefix, tenant
        self.events: list[Event] = []

    @property
    def n(self) -> int:
        """How many events so far: also a cheap unique number for order ids."""
        return len(self.events)

    def add(self, t: int, etype: str, actor: str, attrs: dict, subject: str | None = None) -> str:
        eid = f"{self.prefix}{len(self.events)}"
        self.events.append(Event(eid, START_MS + t, self.tenant, etype, actor, subject, attrs))
        return eid
