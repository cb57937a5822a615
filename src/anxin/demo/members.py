"""Demo membership: tiers for both demo brands, and some of 安途's demo customers enrolled as members.

Run before the demo tickets, so the members' requests take their tier's
promise at intake the way a real member's would. Made through the service,
so every tier and enrolment is validated and audited like a brand admin's.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.demo.tickets import demo_customers
from anxin.privacy.crypto import KeyRing
from anxin.service.members import service as members
from anxin.service.members.schemas import TierWrite

# brand admin → tiers (name, rank, priority dispatch, response minutes, discount %)
DEMO_TIERS = {
    "antu-admin": [
        ("普通会员", 1, False, 30, 0),
        ("银卡会员", 2, False, 25, 5),
        ("金卡会员", 3, True, 20, 10),
    ],
    "jinghong-admin": [
        ("会员", 1, False, 30, 0),
        ("尊享会员", 2, True, 15, 15),
    ],
}
DEMO_MEMBERS = {
    0: "金卡会员",
    3: "金卡会员",
    5: "银卡会员",
    8: "金卡会员",
    11: "银卡会员",
    14: "普通会员",
    20: "金卡会员",
}
"""Index among 安途's demo customers → their tier; the others stay standard customers."""


def create_demo_members(session: Session, keys: KeyRing) -> int:
    """The demo tiers and 安途's demo members; returns the number of members enrolled."""
    tiers = {}
    for username, rows in DEMO_TIERS.items():
        user = auth.get_user_by_username(session, username=username)
        assert user is not None, "demo accounts come first"
        admin = auth.principal_of(user, via="cli")
        for name, rank, priority, minutes, discount in rows:
            terms = TierWrite(
                name=name, rank=rank, priority_dispatch=priority, response_minutes=minutes, discount_percent=discount
            )
            tiers[username, name] = members.create_tier(session, actor=admin, terms=terms)
    antu_user = auth.get_user_by_username(session, username="antu-admin")
    assert antu_user is not None
    antu = auth.principal_of(antu_user, via="cli")
    people = demo_customers(max(DEMO_MEMBERS) + 1)
    for index, tier_name in DEMO_MEMBERS.items():
        person = people[index]
        members.assign(
            session, keys, actor=antu, phone=person.phone, name=person.name, tier_id=tiers["antu-admin", tier_name].id
        )
    return len(DEMO_MEMBERS)
