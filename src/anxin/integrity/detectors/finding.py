"""What every detector returns: a group of entities, a score, and reasons a person can read.

Why one shape: the risk console, the case builder and the engine's labels
treat a template-review cluster, a sock-puppet ring and a dense block alike —
"these members, this strong, because of these shared things". Reasons are a
translatable template plus values (``Reason(N_("{n} accounts share device
{device}"), {"n": 7, "device": "d-19"})``) so the UI can show them in Chinese
or English without the detector knowing the locale.

>>> f = Finding("ring", "ring_member", (Member("account", "a1"), Member("account", "a2")), 0.8,
...             (Reason("{n} accounts share device {device}", {"n": 2, "device": "d-1"}),))
>>> f.size, f.reasons[0].render()
(2, '2 accounts share device d-1')
>>> sorted(f.to_dict())
['evidence', 'kind', 'label', 'members', 'reasons', 'score']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Member:
    """One entity in a finding: its kind (account, shop, item, device, ip, review…) and id."""

    kind: str
    id: str


@dataclass(frozen=True, slots=True)
class Reason:
    """A readable reason: an English template marked for translation and the values it formats."""

    template: str
    values: dict[str, Any] = field(default_factory=dict)

    def render(self, translate=None) -> str:
        """The reason as text; ``translate`` (e.g. gettext) maps the template first."""
        text = translate(self.template) if translate else self.template
        return text.format(**self.values)


@dataclass(frozen=True, slots=True)
class Finding:
    """A group a detector found.

    ``kind`` names the detector's pattern (``template_cluster``, ``ring``,
    ``dense_block``, ``lockstep``…); ``label`` is the engine label its account
    members receive; ``score`` is in [0, 1], higher is more suspicious;
    ``evidence`` holds the structured details the UI draws (the shared
    template text, the shared identifiers, the block's shops and hours).
    """

    kind: str
    label: str
    members: tuple[Member, ...]
    score: float
    reasons: tuple[Reason, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.members)

    def member_ids(self, kind: str = "account") -> list[str]:
        """Ids of the members of one kind, in order: what a label is written for."""
        return [m.id for m in self.members if m.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict for the API, stored findings and case evidence."""
        return {
            "kind": self.kind,
            "label": self.label,
            "members": [{"kind": m.kind, "id": m.id} for m in self.members],
            "score": self.score,
            "reasons": [{"template": r.template, "values": r.values, "text": r.render()} for r in self.reasons],
            "evidence": self.evidence,
        }
