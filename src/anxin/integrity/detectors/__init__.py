"""Batch detectors for 刷单炒信 that no single event shows; one vocabulary: ``detect(batch) -> list[Finding]``.

Each detector is a pure module (no web, database or clock): it takes plain
records, returns :class:`Finding` objects, and the runners (CLI, API, risk
console) persist them and publish each finding's ``label`` to the engine's
labels so rules can read ``label(actor, "ring_member")``.
"""

from anxin.integrity.detectors.finding import Finding, Member, Reason
from anxin.text import N_

DETECTOR_LABELS = frozenset(
    {
        "template_review",
        "ring_member",
        "dense_block",
        "lockstep",
        "cashback_channel",
        "brushing",
        "spike_buyer",
        "insider_collusion",
        "subsidy_farming",
        "extortion_reviewer",
    }
)
"""Labels the batch detectors write; rules read them as ``label(actor, "ring_member")``."""

SPIKE_CONTEXT_LABELS = {
    "new_accounts": N_("new accounts"),
    "linked_accounts": N_("linked accounts"),
    "one_region": N_("one region"),
    "discount_refund": N_("discounted, then refunded"),
}
"""What made a sales spike's buyers unusual (``spikes`` evidence), as the finding page names it.

Here rather than in ``spikes`` so the page shows it without importing the detector (and scipy.stats).
"""

__all__ = ["DETECTOR_LABELS", "SPIKE_CONTEXT_LABELS", "Finding", "Member", "Reason"]
