"""Penalties, appeals and credit scores of shops and technicians. Services never commit.

A penalty lowers the subject's credit and, at the levels that need it, puts
the subject on the engine's list (``suspended_shops``, ``demoted_shops``,
``cashback_channels`` …) so rules can act on it. An appeal must come before
the deadline; a different analyst than the one who imposed the penalty decides
it; an overturned penalty leaves the list and the score. Every step is audited.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.audit import service as audit
from anxin.auth import service as auth
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.integrity.credit.models import CreditRecord, Penalty
from anxin.integrity.credit.scoring import CreditItem, CreditScore, clean_months, score
from anxin.integrity.findings.models import StoredFinding
from anxin.integrity.rules import service as rules
from anxin.integrity.rules.models import ListEntry
from anxin.store.base import utcnow

SUBJECT_KINDS = ("shop", "technician")
LEVEL_POINTS = {"warning": -5.0, "demotion": -15.0, "suspension": -30.0, "cashback_block": -20.0}
LEVEL_LISTS = {"demotion": "demoted_{kind}s", "suspension": "suspended_{kind}s", "cashback_block": "cashback_channels"}
APPEAL_DAYS = 7
FINDING_POINTS = -10.0  # per confirmed finding the subject is a member of, times the finding's score


def _check_subject(kind: str, subject_id: str) -> str:
    if kind not in SUBJECT_KINDS:
        raise InvalidInput(f"subject kind must be one of {', '.join(SUBJECT_KINDS)}", message_zh="对象类型无效")
    subject_id = subject_id.strip()
    if not subject_id or len(subject_id) > 128:
        raise InvalidInput("name the shop or technician (at most 128 characters)", message_zh="请填写店铺或师傅编号")
    return subject_id


def impose(
    session: Session, *, kind: str, subject_id: str, level: str, reason: str, actor: auth.Principal,
    finding_id: int | None = None,
) -> Penalty:  # fmt: skip
    subject_id = _check_subject(kind, subject_id)
    if level not in LEVEL_POINTS:
        raise InvalidInput(f"level must be one of {', '.join(LEVEL_POINTS)}", message_zh="处罚等级无效")
    if not reason.strip():
        raise InvalidInput("give the reason consumers will see", message_zh="请填写处罚原因")
    now = utcnow()
    penalty = Penalty(
        subject_kind=kind, subject_id=subject_id, level=level, reason=reason.strip()[:2000], finding_id=finding_id,
        created_by=actor.user_id, created_at=now, appeal_deadline=now + timedelta(days=APPEAL_DAYS),
    )  # fmt: skip
    session.add(penalty)
    session.flush()
    if level in LEVEL_LISTS:
        list_name = LEVEL_LISTS[level].format(kind=kind)
        rules.add_entries(
            session, list_name=list_name, values=[subject_id], reason=f"penalty {penalty.id}", actor=actor
        )
    audit.record(
        session, actor_id=actor.user_id, action="penalty.impose", subject=f"{kind}:{subject_id}",
        detail={"penalty": penalty.id, "level": level, "reason": penalty.reason},
    )  # fmt: skip
    return penalty


def get_penalty(session: Session, penalty_id: int) -> Penalty:
    penalty = session.get(Penalty, penalty_id)
    if penalty is None:
        raise NotFound(f"no penalty {penalty_id}", message_zh=f"没有处罚 {penalty_id}")
    return penalty


def appeal(session: Session, penalty_id: int, *, text: str, actor: auth.Principal) -> Penalty:
    """The subject (or staff on its behalf) appeals before the deadline."""
    penalty = get_penalty(session, penalty_id)
    if penalty.status != "active":
        raise Conflict(
            f"this penalty is {penalty.status}; only an active one can be appealed", message_zh="该处罚不能申诉"
        )
    if utcnow() > penalty.appeal_deadline:
        raise Conflict(
            "the appeal deadline has passed",
            message_zh="已超过申诉期限",
            detail={"deadline": penalty.appeal_deadline.isoformat()},
        )
    if not text.strip():
        raise InvalidInput("say why the penalty is wrong", message_zh="请填写申诉理由")
    penalty.status, penalty.appeal_text, penalty.appealed_at = "appealed", text.strip()[:5000], utcnow()
    session.flush()
    audit.record(session, actor_id=actor.user_id, action="penalty.appeal", subject=f"penalty:{penalty.id}")
    return penalty


def decide_appeal(session: Session, penalty_id: int, *, overturn: bool, note: str, actor: auth.Principal) -> Penalty:
    """A reviewer other than the one who imposed the penalty upholds or overturns it."""
    penalty = get_penalty(session, penalty_id)
    if penalty.status != "appealed":
        raise Conflict("there is no pending appeal on this penalty", message_zh="该处罚没有待处理的申诉")
    if actor.user_id == penalty.created_by:
        raise Forbidden(
            "another analyst must review an appeal against your own penalty", message_zh="申诉须由其他分析师复核"
        )
    penalty.status = "overturned" if overturn else "upheld"
    penalty.decided_by, penalty.decided_at, penalty.decision_note = actor.user_id, utcnow(), note.strip()[:5000]
    if overturn and penalty.level in LEVEL_LISTS:
        list_name = LEVEL_LISTS[penalty.level].format(kind=penalty.subject_kind)
        entry = session.scalar(
            select(ListEntry).where(ListEntry.list_name == list_name, ListEntry.value == penalty.subject_id)
        )
        if entry is not None:
            rules.remove_entry(session, entry.id, actor=actor)
    session.flush()
    audit.record(
        session, actor_id=actor.user_id, action=f"penalty.{penalty.status}", subject=f"penalty:{penalty.id}",
        detail={"note": penalty.decision_note},
    )  # fmt: skip
    return penalty


def penalties(session: Session, *, kind: str | None = None, subject_id: str | None = None) -> list[Penalty]:
    query = select(Penalty).order_by(Penalty.created_at.desc(), Penalty.id.desc())
    if kind is not None:
        query = query.where(Penalty.subject_kind == kind)
    if subject_id is not None:
        query = query.where(Penalty.subject_id == subject_id)
    return list(session.scalars(query.limit(500)))


INSPECTION_POINTS = {"pass": 3.0, "fail": -15.0}


def record(
    session: Session, *, kind: str, subject_id: str, item: str, points: float, reason: str,
    evidence: str | None = None, public: bool = True, actor_id: int | None = None,
) -> CreditRecord:  # fmt: skip
    """Store one credit item (complaint, re-repair, inspection …) for a shop or technician."""
    subject_id = _check_subject(kind, subject_id)
    CreditItem(item, points, 0, reason)  # validates the kind and the points
    row = CreditRecord(
        subject_kind=kind, subject_id=subject_id, kind=item, points=points, reason=reason[:2000],
        evidence=evidence, public=public, recorded_by=actor_id,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def inspect(
    session: Session, *, kind: str, subject_id: str, sample: str, passed: bool, evidence: str, actor: auth.Principal
) -> CreditRecord:
    """A third-party inspection (抽检): the sample taken, the result, the evidence; a failure weighs heavily."""
    if not sample.strip() or not evidence.strip():
        raise InvalidInput("record the sample and the evidence of the inspection", message_zh="请填写抽检样品和证据")
    result = "pass" if passed else "fail"
    row = record(
        session, kind=kind, subject_id=subject_id, item="inspection", points=INSPECTION_POINTS[result],
        reason=f"抽检{'合格' if passed else '不合格'}: {sample.strip()[:200]}", evidence=evidence.strip()[:2000],
        actor_id=actor.user_id,
    )  # fmt: skip
    audit.record(
        session, actor_id=actor.user_id, action=f"inspection.{result}", subject=f"{kind}:{row.subject_id}",
        detail={"sample": sample.strip()[:200]},
    )  # fmt: skip
    return row


def credit(session: Session, *, kind: str, subject_id: str) -> CreditScore:
    """The subject's score now, from its penalties, credit records and the confirmed findings naming it."""
    subject_id = _check_subject(kind, subject_id)
    return credits(session, kind=kind, subject_ids=[subject_id])[subject_id]


def credits(session: Session, *, kind: str, subject_ids: list[str]) -> dict[str, CreditScore]:
    """:func:`credit` for many subjects of one kind, reading each source once (the dispatcher scores a whole crew)."""
    wanted = {_check_subject(kind, s) for s in subject_ids}
    items: dict[str, list[CreditItem]] = {s: [] for s in wanted}
    for p in session.scalars(
        select(Penalty).where(
            Penalty.subject_kind == kind, Penalty.subject_id.in_(wanted), Penalty.status != "overturned"
        )
    ):
        items[p.subject_id].append(
            CreditItem("penalty", LEVEL_POINTS[p.level], int(p.created_at.timestamp() * 1000), p.reason)
        )
    for r in session.scalars(
        select(CreditRecord).where(CreditRecord.subject_kind == kind, CreditRecord.subject_id.in_(wanted))
    ):
        items[r.subject_id].append(
            CreditItem(r.kind, r.points, int(r.at.timestamp() * 1000), r.reason, public=r.public)
        )
    for f in session.scalars(select(StoredFinding).where(StoredFinding.status == "confirmed")):
        named = {m["id"] for m in f.members if m["kind"] == kind} & wanted
        reason = f.reasons[0]["text"] if f.reasons else f.kind
        for subject_id in named:
            items[subject_id].append(
                CreditItem(
                    "finding", FINDING_POINTS * f.score, int(f.created_at.timestamp() * 1000), reason, public=False
                )
            )
    now_ms = int(utcnow().timestamp() * 1000)
    return {s: score(found + clean_months(found, now_ms=now_ms), now_ms=now_ms) for s, found in items.items()}
