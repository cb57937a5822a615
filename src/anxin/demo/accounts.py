"""Demo brands and one login for every role, created through the auth services so all rules really run.

The brands are fictional on purpose: a demo that claimed to be a real
brand's official service would be the very impersonation anxin fights.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.auth import tenancy
from anxin.auth.permissions import API_KEY_SCOPES, START_PAGES, Role

DEMO_PASSWORD = "anxin-demo-2026"

DEMO_BRANDS = [
    ("antu", "安途智能锁（演示）", "Antu Smart Locks (demo)"),
    ("jinghong", "璟宏家电（演示）", "Jinghong Appliances (demo)"),
]

# (username, role, display name, brand slug or None)
DEMO_ACCOUNTS = [
    ("admin", Role.platform_admin, "平台管理员 王敏", None),
    ("risk", Role.risk_analyst, "风控分析师 李强", None),
    ("auditor", Role.auditor, "审计员 赵静", None),
    ("consumer", Role.consumer, "消费者 陈晨", None),
    ("antu-admin", Role.brand_admin, "安途品牌管理员 周航", "antu"),
    ("antu-agent", Role.agent, "安途客服 孙丽", "antu"),
    ("antu-dispatch", Role.dispatcher, "安途调度 吴刚", "antu"),
    ("antu-tech", Role.technician, "安途师傅 郑建国", "antu"),
    ("jinghong-admin", Role.brand_admin, "璟宏品牌管理员 冯雪", "jinghong"),
    ("jinghong-agent", Role.agent, "璟宏客服 何芳", "jinghong"),
]


@functools.cache
def demo_password_hash() -> str:
    """The demo password hashed once per process: ten accounts share it, and argon2 is slow on purpose."""
    return auth.hash_password(DEMO_PASSWORD)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    brand: str | None
    start_page: str


@dataclass(frozen=True)
class DemoAccounts:
    logins: list[DemoLogin]
    password: str
    integrator_key: str


def create_demo_accounts(session: Session) -> DemoAccounts:
    """Brands, one account per role (two brands, so tenancy can be seen), and an integrator API key."""
    brand_ids = {
        slug: tenancy.create_brand(session, slug=slug, name_zh=zh, name_en=en).id for slug, zh, en in DEMO_BRANDS
    }
    logins = []
    users = {}
    for username, role, display, brand in DEMO_ACCOUNTS:
        users[username] = auth.create_user(
            session,
            username=username,
            password=DEMO_PASSWORD,
            password_hash=demo_password_hash(),
            role=role,
            display_name=display,
            brand_id=brand_ids[brand] if brand else None,
        )
        logins.append(DemoLogin(username, role, brand, START_PAGES[role]))
    admin = users["admin"]
    creator = auth.principal_of(admin, via="cli")
    key, _row = auth.create_api_key(
        session,
        name="demo marketplace integrator",
        scopes=sorted(p.value for p in API_KEY_SCOPES),
        creator=creator,
    )
    return DemoAccounts(logins=logins, password=DEMO_PASSWORD, integrator_key=key)
