"""The durable side of the integrity engine: the event journal and the decision runtime that writes it.

``DecisionRuntime`` is the one runner behind HTTP ingestion, bulk imports and
the service half's own events; ``Journal`` is its file, which the risk
console, the backtest and shadow reports read.
"""

from anxin.integrity.journal.codec import event_from_json
from anxin.integrity.journal.runtime import DecisionRuntime, Outcome
from anxin.integrity.journal.store import Journal, StoredDecision

__all__ = ["DecisionRuntime", "Journal", "Outcome", "StoredDecision", "event_from_json"]
