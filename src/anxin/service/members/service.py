"""Membership use cases: a brand admin's tiers and who holds them, and the promise a ticket takes at intake.

A tier's privileges are a faster response promise, priority in the dispatch
queue and a discount; the arrival promise is the brand's (``anxin.service.sla``).
A ticket copies them at intake (see ``promise_for``),
so editing a tier or moving a customer later never rewrites an old ticket.
Every change is audited. Services never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from anxin.audit import service as audit
from anxin.auth import service as auth
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.privacy.crypto import KeyRing
from anxin.service.customers import service as customers
from anxin.service.customers.models import Customer
from anxin.service.members.models import MemberTier
from anxin.service.members.schemas import MemberRead, TierWrite
from anxin.service.sla import service as sla
from anxin.store.base import utcnow

FASTEST_RESPONSE_MINUTES = 5
HIGHEST_RANK = 99
TIER_FIELDS = ("name", "rank", "priority_dispatch", "response_minutes", "discount_percent")


@dataclass(frozen=True)
class Promise:
    """What a ticket is promised at intake: response and arrival minutes, discount, its place in the dispatch queue."""

    tier_id: int | None
    response_minutes: int
    arrival_minutes: int
    discount_percent: int
    queue_priority: int


def promise_for(session: Session, customer: Customer) -> Promise:
    """The brand's standard promise, improved by the customer's tier; a tier never makes a promise slower."""
    terms = sla.policy_for(session, customer.brand_id)
    tier = session.get(MemberTier, customer.member_tier_id) if customer.member_tier_id is not None else None
    if tier is None:
        return Promise(None, terms.response_minutes, terms.arrival_minutes, 0, 0)
    return Promise(
        tier_id=tier.id,
        response_minutes=min(tier.response_minutes, terms.response_minutes),
        arrival_minutes=terms.arrival_minutes,
        discount_percent=tier.discount_percent,
        queue_priority=tier.rank if tier.priority_dispatch else 0,
    )


def tier_name(session: Session, tier_id: int | None) -> str | None:
    tier = session.get(MemberTier, tier_id) if tier_id is not None else None
    return tier.name if tier is not None else None


# --- tiers --------------------------------------------------------------------------------------------------------


def _own_brand(actor: auth.Principal) -> int:
    if actor.brand_id is None:
        raise Forbidden("tiers belong to a brand; use the brand's admin account", message_zh="请使用品牌管理员账号")
    return actor.brand_id


def _check(session: Session, brand_id: int, terms: TierWrite, tier_id: int | None) -> None:
    """Refuse, naming the field, terms a brand could not keep or that clash with another of its tiers."""
    if not 1 <= len(terms.name) <= 32:
        raise InvalidInput(
            "give the tier a name of 1 to 32 characters",
            message_zh="请填写等级名称（1–32 个字）",
            detail={"field": "name"},
        )
    if not 1 <= terms.rank <= HIGHEST_RANK:
        raise InvalidInput(
            f"the rank is a whole number from 1 to {HIGHEST_RANK}",
            message_zh=f"等级序号须为 1–{HIGHEST_RANK} 的整数",
            detail={"field": "rank"},
        )
    standard = sla.policy_for(session, brand_id).response_minutes
    if not FASTEST_RESPONSE_MINUTES <= terms.response_minutes <= standard:
        raise InvalidInput(
            f"the response promise is {FASTEST_RESPONSE_MINUTES} to {standard} minutes "
            "(a tier never promises slower than the brand's standard)",
            message_zh=f"响应承诺须在 {FASTEST_RESPONSE_MINUTES}–{standard} 分钟之间（不慢于标准）",
            detail={"field": "response_minutes"},
        )
    if not 0 <= terms.discount_percent <= 100:
        raise InvalidInput(
            "the discount is 0 to 100 percent", message_zh="折扣须在 0–100% 之间", detail={"field": "discount_percent"}
        )
    others = select(MemberTier).where(MemberTier.brand_id == brand_id, MemberTier.id != (tier_id or 0))
    other = session.scalars(others.where((MemberTier.name == terms.name) | (MemberTier.rank == terms.rank))).first()
    if other is not None:
        field = "name" if other.name == terms.name else "rank"
        raise Conflict(
            f"the tier {other.name} already has this {field}",
            message_zh=f"已有等级「{other.name}」使用了相同的{'名称' if field == 'name' else '序号'}",
            detail={"field": field},
        )


def create_tier(session: Session, *, actor: auth.Principal, terms: TierWrite) -> MemberTier:
    brand_id = _own_brand(actor)
    _check(session, brand_id, terms, None)
    tier = MemberTier(brand_id=brand_id, **terms.model_dump())
    session.add(tier)
    session.flush()
    audit.record(
        session,
        actor_id=actor.user_id,
        action="member_tier.create",
        subject=f"member_tier:{tier.id}",
        detail=terms.model_dump(),
    )
    return tier


def edit_tier(session: Session, *, actor: auth.Principal, tier_id: int, terms: TierWrite) -> MemberTier:
    """Change a tier from now on; tickets already taken keep the promise they were given."""
    tier = get_tier(session, tier_id=tier_id, viewer=actor)
    _check(session, _own_brand(actor), terms, tier.id)
    before = {f: getattr(tier, f) for f in TIER_FIELDS}
    for field, value in terms.model_dump().items():
        setattr(tier, field, value)
    tier.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor_id=actor.user_id,
        action="member_tier.edit",
        subject=f"member_tier:{tier.id}",
        detail={"before": before, "after": terms.model_dump()},
    )
    return tier


def get_tier(session: Session, *, tier_id: int, viewer: auth.Principal) -> MemberTier:
    tier = session.get(MemberTier, tier_id)
    if tier is None or not viewer.can_see_brand(tier.brand_id):
        raise NotFound(
            f"tier {tier_id} does not exist", message_zh=f"会员等级 {tier_id} 不存在", detail={"field": "tier_id"}
        )
    return tier


def list_tiers(session: Session, *, viewer: auth.Principal) -> list[MemberTier]:
    """The viewer's brand's tiers, best first."""
    query = select(MemberTier).order_by(MemberTier.brand_id, MemberTier.rank.desc())
    if viewer.brand_id is not None:
        query = query.where(MemberTier.brand_id == viewer.brand_id)
    return list(session.scalars(query))


def member_counts(session: Session, *, viewer: auth.Principal) -> dict[int, int]:
    """Tier id → customers holding it, in one grouped query."""
    query = (
        select(Customer.member_tier_id, func.count())
        .where(Customer.member_tier_id.is_not(None))
        .group_by(Customer.member_tier_id)
    )
    if viewer.brand_id is not None:
        query = query.where(Customer.brand_id == viewer.brand_id)
    return dict(session.execute(query).all())


# --- members ------------------------------------------------------------------------------------------------------


def assign(
    session: Session, keys: KeyRing, *, actor: auth.Principal, phone: str, name: str, tier_id: int | None
) -> Customer:
    """Give the brand's customer with this number a tier, or take it away (``tier_id`` None).

    The customer is found by the phone's blind index, as intake finds them; a
    number new to the brand is enrolled as a customer when a name is given.
    """
    brand_id = _own_brand(actor)
    tier = get_tier(session, tier_id=tier_id, viewer=actor) if tier_id is not None else None
    customer = customers.find_customer(session, keys, brand_id=brand_id, phone=phone)
    if customer is None:
        if not name.strip():
            raise InvalidInput(
                "this number is not yet a customer of the brand; give a name to enroll them",
                message_zh="该号码还不是本品牌客户，请填写姓名以登记为会员",
                detail={"field": "name"},
            )
        customer = customers.find_or_create_customer(session, keys, brand_id=brand_id, phone=phone, name=name)
    before = customer.member_tier_id
    customer.member_tier_id = tier.id if tier is not None else None
    session.flush()
    audit.record(
        session,
        actor_id=actor.user_id,
        action="member.assign",
        subject=f"customer:{customer.id}",
        detail={"phone": customer.phone_masked, "from_tier": before, "to_tier": customer.member_tier_id},
    )
    return customer


def to_read(keys: KeyRing, customer: Customer, tier: MemberTier | None) -> MemberRead:
    """A member as staff see them: phone and name masked."""
    return MemberRead(
        customer_id=customer.id,
        phone=customer.phone_masked,
        name=customers.masked_name(keys, customer),
        tier_id=tier.id if tier is not None else None,
        tier_name=tier.name if tier is not None else None,
    )


def members_of(session: Session, keys: KeyRing, *, viewer: auth.Principal, limit: int = 200) -> list[MemberRead]:
    """The brand's members with their tier, best tier first, newest customer first within a tier (one query)."""
    query = (
        select(Customer, MemberTier)
        .join(MemberTier, MemberTier.id == Customer.member_tier_id)
        .order_by(MemberTier.rank.desc(), Customer.id.desc())
        .limit(limit)
    )
    if viewer.brand_id is not None:
        query = query.where(Customer.brand_id == viewer.brand_id)
    return [to_read(keys, customer, tier) for customer, tier in session.execute(query)]
