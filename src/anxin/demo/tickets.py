"""Demo repair tickets: seeded customers (names, mobiles, street addresses) and requests in 安途's cities.

Seeded and deterministic, so tests can look for exactly these phone numbers
and addresses in the raw database file and find none of them in clear.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.auth import tenancy
from anxin.clocks.zones import CHINA
from anxin.privacy.crypto import KeyRing
from anxin.service.tickets import service as tickets
from anxin.service.tickets.schemas import Fault, RepairRequest

FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超"]
STREETS = {
    "330102": ["望江路", "清泰街", "解放路"],
    "330105": ["湖墅南路", "莫干山路", "大关路"],
    "330106": ["文三路", "天目山路", "教工路"],
    "330108": ["江南大道", "滨盛路"],
    "330110": ["文一西路", "良渚路"],  # no station covers 余杭区: these wait in the queue with a reason
    "510107": ["科华北路", "武侯祠大街"],
    "510104": ["春熙路", "东大街"],
}
MODELS = ["S1", "S2 Pro", "S3 Max"]
MOBILE_PREFIXES = ["131", "135", "138", "139", "150", "155", "158", "186", "188"]  # assigned mobile ranges


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    phone: str
    address: str


def demo_customers(count: int, *, seed: int = 7) -> list[DemoCustomer]:
    """The same customers for the same seed: the privacy test searches the database for these values."""
    rng = random.Random(seed)
    people = []
    for _ in range(count):
        region = rng.choice(sorted(STREETS))
        street = rng.choice(STREETS[region])
        phone = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
        address = f"{street}{rng.randrange(1, 400)}号{rng.randrange(1, 30)}幢{rng.randrange(101, 2800)}室|{region}"
        people.append(DemoCustomer(rng.choice(FAMILY) + rng.choice(GIVEN), phone, address))
    return people


def create_demo_tickets(session: Session, keys: KeyRing, *, count: int = 40, seed: int = 7) -> int:
    """Requests from the demo customers, by phone (agent) and online, spread over the last two days."""
    brand = tenancy.get_brand_by_slug(session, slug="antu")
    agent_user = auth.get_user_by_username(session, username="antu-agent")
    assert brand is not None and agent_user is not None, "demo accounts come first"
    agent = auth.principal_of(agent_user)
    rng = random.Random(seed + 1)
    start = datetime(2026, 11, 23, 8, 0, tzinfo=CHINA)
    for i, person in enumerate(demo_customers(count, seed=seed)):
        street_address, region = person.address.split("|")
        request = RepairRequest(
            brand_id=brand.id,
            phone=person.phone,
            name=person.name,
            region_code=region,
            address=street_address,
            lock_model=rng.choice(MODELS),
            fault=rng.choice(list(Fault)),
            description=f"{person.name}反映：门锁{rng.choice(['早上', '晚上', '刚才'])}出现问题，请尽快上门。",
        )
        online = i % 3 == 0
        tickets.create_ticket(
            session,
            keys,
            request=request,
            channel="online" if online else "phone",
            actor=None if online else agent,
            now=start + timedelta(minutes=37 * i),
        )
    return count
