"""The verified-hotline registry: brands register numbers, platform admins review them, anyone checks one.

Services never commit.

States: pending → verified | rejected; verified → revoked; a rejected or revoked
number may be registered again (back to pending, with new evidence). Only
verified numbers count as official anywhere (check, scanner).
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.auth.models import Brand
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.hotline.models import FakeHotlineReport, Hotline, HotlineEvent, HotlineEvidence
from anxin.hotline.phones import PhoneNumber, normalize_phone
from anxin.hotline.schemas import BrandNumbers, CheckResult, CheckVerdict, EvidenceIn, HotlineStatus
from anxin.store.base import utcnow
from anxin.uploads.store import StoredFile

TRANSITIONS: dict[str, frozenset[str]] = {
    HotlineStatus.pending: frozenset({HotlineStatus.verified, HotlineStatus.rejected}),
    HotlineStatus.verified: frozenset({HotlineStatus.revoked}),
    HotlineStatus.rejected: frozenset(),
    HotlineStatus.revoked: frozenset(),
}

_DEMO_SUFFIX = re.compile(r"[（(](演示|demo)[)）]\s*$", re.IGNORECASE)


def number_key(phone: PhoneNumber) -> str:
    """The registry's key for a number: E.164, or the national digits of a short number (95555)."""
    return phone.e164 or phone.digits


def _record(session: Session, hotline: Hotline, to_status: str, actor_id: int, note: str) -> None:
    session.add(
        HotlineEvent(
            hotline_id=hotline.id, from_status=hotline.status, to_status=to_status, actor_id=actor_id, note=note
        )
    )
    hotline.status = to_status
    hotline.updated_at = utcnow()


def _add_evidence(
    session: Session, hotline: Hotline, evidence: list[EvidenceIn], actor_id: int, file: StoredFile | None = None
) -> None:
    for item in evidence:
        session.add(
            HotlineEvidence(
                hotline_id=hotline.id,
                kind=item.kind.value,
                url=str(item.url) if item.url else None,
                description=item.description,
                file_sha256=file.sha256 if file else None,
                file_type=file.content_type if file else None,
                added_by=actor_id,
            )
        )


def register_hotline(
    session: Session,
    *,
    number: str,
    evidence: list[EvidenceIn],
    actor: auth.Principal,
    file: StoredFile | None = None,
) -> Hotline:
    """A brand's staff register one of its numbers; it waits as ``pending`` for a platform admin's review.

    ``file`` (a stored upload: manual photo, licence scan) is attached to the evidence given with it.
    """
    if actor.brand_id is None:
        raise Forbidden(
            "only a brand's own staff register its numbers", message_zh="只有品牌自己的管理员可以登记品牌号码"
        )
    if not evidence:
        raise InvalidInput("give at least one piece of evidence", message_zh="请至少提供一项证明材料")
    phone = normalize_phone(number)
    key = number_key(phone)
    hotline = session.scalar(select(Hotline).where(Hotline.brand_id == actor.brand_id, Hotline.number_key == key))
    if hotline is not None and hotline.status in (HotlineStatus.pending, HotlineStatus.verified):
        raise Conflict(
            f"{phone.display} is already {hotline.status} for this brand",
            message_zh=f"{phone.display} 已登记（状态：{hotline.status}）",
            detail={"hotline_id": hotline.id, "status": hotline.status},
        )
    if hotline is None:
        hotline = Hotline(
            brand_id=actor.brand_id,
            number_key=key,
            display=phone.display,
            kind=phone.kind,
            status=HotlineStatus.pending,
            created_by=actor.user_id,
        )
        session.add(hotline)
        session.flush()
        session.add(HotlineEvent(hotline_id=hotline.id, from_status=None, to_status="pending", actor_id=actor.user_id))
    else:
        _record(session, hotline, HotlineStatus.pending, actor.user_id, "registered again with new evidence")
    _add_evidence(session, hotline, evidence, actor.user_id, file)
    session.flush()
    return hotline


def get_hotline(session: Session, *, hotline_id: int, viewer: auth.Principal) -> Hotline:
    hotline = session.get(Hotline, hotline_id)
    if hotline is None or not viewer.can_see_brand(hotline.brand_id):
        raise NotFound(f"hotline {hotline_id} does not exist", message_zh=f"号码登记 {hotline_id} 不存在")
    return hotline


def list_hotlines(session: Session, *, viewer: auth.Principal, status: str | None = None) -> list[Hotline]:
    query = select(Hotline).order_by(Hotline.updated_at.desc(), Hotline.id.desc())
    if viewer.brand_id is not None:
        query = query.where(Hotline.brand_id == viewer.brand_id)
    if status is not None:
        query = query.where(Hotline.status == status)
    return list(session.scalars(query))


def get_evidence(session: Session, *, evidence_id: int, viewer: auth.Principal) -> HotlineEvidence:
    """One piece of evidence, within the viewer's tenancy (a brand sees only its own)."""
    item = session.get(HotlineEvidence, evidence_id)
    if item is None:
        raise NotFound(f"evidence {evidence_id} does not exist", message_zh="证明材料不存在")
    get_hotline(session, hotline_id=item.hotline_id, viewer=viewer)
    return item


def evidence_of(session: Session, *, hotline_id: int) -> list[HotlineEvidence]:
    return list(session.scalars(select(HotlineEvidence).where(HotlineEvidence.hotline_id == hotline_id)))


def history_of(session: Session, *, hotline_id: int) -> list[HotlineEvent]:
    query = select(HotlineEvent).where(HotlineEvent.hotline_id == hotline_id).order_by(HotlineEvent.id)
    return list(session.scalars(query))


def decide(session: Session, *, hotline_id: int, status: HotlineStatus, note: str, actor: auth.Principal) -> Hotline:
    """A platform admin verifies, rejects or revokes; anything else is refused with the allowed moves."""
    hotline = get_hotline(session, hotline_id=hotline_id, viewer=actor)
    allowed = TRANSITIONS[HotlineStatus(hotline.status)]
    if status not in allowed:
        raise Conflict(
            f"a {hotline.status} number cannot become {status}; allowed: {sorted(allowed) or 'none'}",
            message_zh=f"状态为 {hotline.status} 的号码不能改为 {status}",
            detail={"from": hotline.status, "to": status.value, "allowed": sorted(allowed)},
        )
    if status in (HotlineStatus.rejected, HotlineStatus.revoked) and not note.strip():
        raise InvalidInput(
            "say why when rejecting or revoking", message_zh="驳回或撤销时请填写原因", detail={"field": "note"}
        )
    _record(session, hotline, status, actor.user_id, note.strip())
    session.flush()
    return hotline


def without_demo_marker(name: str) -> str:
    """``安途智能锁（演示）`` → ``安途智能锁``: demo brands are fictional and say so; look-ups ignore the marker."""
    return _DEMO_SUFFIX.sub("", name).strip()


def find_brand(session: Session, name: str) -> Brand | None:
    """A brand by slug, Chinese or English name (case-insensitive; a trailing "(demo)" marker may be left off)."""
    wanted = without_demo_marker(name.strip()).casefold()
    if not wanted:
        return None
    for brand in session.scalars(select(Brand)):
        names = {brand.slug, brand.name_zh, brand.name_en}
        if wanted in {without_demo_marker(n).casefold() for n in names}:
            return brand
    return None


def _verified_numbers_by_brand(session: Session, brand_ids: list[int]) -> dict[int, list[str]]:
    rows = session.execute(
        select(Hotline.brand_id, Hotline.display)
        .where(Hotline.brand_id.in_(brand_ids), Hotline.status == HotlineStatus.verified)
        .order_by(Hotline.id)
    )
    out: dict[int, list[str]] = {}
    for brand_id, display in rows:
        out.setdefault(brand_id, []).append(display)
    return out


def check_number(session: Session, *, number: str, brand: str | None = None) -> CheckResult:
    """Is this number official? For the brand asked about, for another brand, or for none; plus fake reports."""
    phone = normalize_phone(number)
    key = number_key(phone)
    verified = list(
        session.execute(
            select(Brand)
            .join(Hotline, Hotline.brand_id == Brand.id)
            .where(Hotline.number_key == key, Hotline.status == HotlineStatus.verified)
            .order_by(Brand.id)
        ).scalars()
    )
    asked = find_brand(session, brand) if brand else None
    numbers = _verified_numbers_by_brand(session, [b.id for b in verified] + ([asked.id] if asked else []))
    if not verified:
        verdict = CheckVerdict.not_registered
    elif brand and (asked is None or asked.id not in {b.id for b in verified}):
        verdict = CheckVerdict.other_brand
    else:
        verdict = CheckVerdict.verified
    reports = session.scalar(select(func.count()).where(FakeHotlineReport.number_key == key)) or 0
    return CheckResult(
        number=key,
        display=phone.display,
        kind=phone.kind,
        verdict=verdict,
        brand_asked=brand,
        brand_known=(asked is not None) if brand else None,
        verified_for=[BrandNumbers(brand_id=b.id, brand=b.name_zh, numbers=numbers.get(b.id, [])) for b in verified],
        real_numbers=numbers.get(asked.id, []) if asked else [],
        fake_reports=reports,
    )


def report_fake(
    session: Session,
    *,
    number: str,
    claimed_brand: str = "",
    source_url: str | None = None,
    note: str = "",
    reporter: auth.Principal | None = None,
) -> FakeHotlineReport:
    """Record a report that a number posed as a brand's line; check results show the count."""
    phone = normalize_phone(number)
    report = FakeHotlineReport(
        number_key=number_key(phone),
        claimed_brand=claimed_brand.strip(),
        source_url=source_url,
        note=note.strip(),
        reporter_id=reporter.user_id if reporter and reporter.via == "session" else None,
    )
    session.add(report)
    session.flush()
    return report
