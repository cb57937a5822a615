"""Membership endpoints for the brand admin: tiers with their privileges, and members by phone number."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from anxin.api.deps import KeyRingDep, SessionDep
from anxin.api.errors import error_schema
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.service.members import service as members
from anxin.service.members.models import MemberTier
from anxin.service.members.schemas import MemberAssign, MemberRead, TierRead, TierWrite

router = APIRouter(prefix="/api", tags=["members"])

MemberManager = Annotated[auth.Principal, Depends(Allow(Permission.members_manage))]


def _tier_read(tier: MemberTier, counts: dict[int, int]) -> TierRead:
    return TierRead.model_validate({**TierRead.model_validate(tier).model_dump(), "members": counts.get(tier.id, 0)})


@router.get("/member-tiers", response_model=list[TierRead])
def list_tiers(session: SessionDep, caller: MemberManager):
    """The brand's tiers, best first, each with how many customers hold it."""
    counts = members.member_counts(session, viewer=caller)
    return [_tier_read(t, counts) for t in members.list_tiers(session, viewer=caller)]


@router.post(
    "/member-tiers", response_model=TierRead, status_code=201, responses=error_schema(InvalidInput, Conflict, Forbidden)
)
def create_tier(body: TierWrite, session: SessionDep, caller: MemberManager):
    return _tier_read(members.create_tier(session, actor=caller, terms=body), {})


@router.put(
    "/member-tiers/{tier_id}", response_model=TierRead, responses=error_schema(InvalidInput, Conflict, NotFound)
)
def edit_tier(tier_id: int, body: TierWrite, session: SessionDep, caller: MemberManager):
    """New terms apply to tickets taken from now on; earlier tickets keep what they were promised."""
    tier = members.edit_tier(session, actor=caller, tier_id=tier_id, terms=body)
    return _tier_read(tier, members.member_counts(session, viewer=caller))


@router.get("/members", response_model=list[MemberRead])
def list_members(session: SessionDep, keys: KeyRingDep, caller: MemberManager):
    return members.members_of(session, keys, viewer=caller)


@router.put("/members", response_model=MemberRead, responses=error_schema(InvalidInput, NotFound, Forbidden))
def assign_member(body: MemberAssign, session: SessionDep, keys: KeyRingDep, caller: MemberManager):
    """Give the customer with this phone number a tier, or none (``tier_id`` null); found by the phone's blind index."""
    customer = members.assign(session, keys, actor=caller, **body.model_dump())
    tier = session.get(MemberTier, customer.member_tier_id) if customer.member_tier_id is not None else None
    return members.to_read(keys, customer, tier)
