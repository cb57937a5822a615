"""Tiers and requests the membership tests share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from anxin.auth import tenancy
from anxin.privacy.crypto import KeyRing
from anxin.service.members.schemas import TierWrite
from anxin.service.tickets import service as tickets
from anxin.service.tickets.models import Ticket
from anxin.service.tickets.schemas import RepairRequest

KEYS = KeyRing.generate()
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 in China: technicians are on shift
GOLD = TierWrite(name="金卡会员", rank=3, priority_dispatch=True, response_minutes=20, discount_percent=10)
SILVER = TierWrite(name="银卡会员", rank=2, priority_dispatch=False, response_minutes=25, discount_percent=5)


def intake(session: Session, phone: str, *, minutes: int = 0) -> Ticket:
    """An online request of 安途's from this phone, ``minutes`` after T0."""
    request = RepairRequest(
        brand_id=tenancy.get_brand_by_slug(session, slug="antu").id,
        phone=phone,
        name="陈晨",
        region_code="330102",
        address="望江路 18 号 3 幢 502 室",
        lock_model="S1",
        fault="lock_wont_open",
    )
    ticket, _duplicate = tickets.create_ticket(
        session, KEYS, request=request, channel="online", actor=None, now=T0 + timedelta(minutes=minutes)
    )
    return ticket
