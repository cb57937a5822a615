"""Demo hotline registry: verified and pending numbers for the demo brands, and reports against the seed's number.

The seed page's 400-1865-909 posed as the official line of dozens of lock brands;
the demo shows it unregistered and reported, next to the brands' real numbers.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.hotline import service as hotlines
from anxin.hotline.schemas import EvidenceIn, EvidenceKind, HotlineStatus

SEED_FAKE_NUMBER = "400-1865-909"

# (brand admin, number, final status or None for pending, evidence description)
DEMO_HOTLINES = [
    ("antu-admin", "400-000-1234", HotlineStatus.verified, "官网“服务支持”页公布的全国售后热线"),
    ("antu-admin", "0571-87000000", HotlineStatus.verified, "杭州服务中心座机，见产品说明书第 12 页"),
    ("antu-admin", "400-000-5678", None, "新开通的会员专线，运营商合同已上传"),
    ("jinghong-admin", "400-000-8888", HotlineStatus.verified, "营业执照与运营商合同同名"),
]

DEMO_REPORTS = [
    (SEED_FAKE_NUMBER, "索立捷", "搜索“索立捷售后电话”排第一的页面，自称全国统一服务热线"),
    (SEED_FAKE_NUMBER, "安途智能锁", "同一个号码又自称安途官方售后，上门收费 300 元"),
    (SEED_FAKE_NUMBER, "德施曼", "电话里不肯说公司名称"),
]


def _principal(session: Session, username: str) -> auth.Principal:
    user = auth.get_user_by_username(session, username=username)
    assert user is not None, f"demo account {username} must exist first"
    return auth.principal_of(user, via="cli")


def create_demo_hotlines(session: Session) -> None:
    """Register, review and report through the hotline services, so the demo obeys every rule."""
    reviewer = _principal(session, "admin")
    for username, number, status, description in DEMO_HOTLINES:
        evidence = [EvidenceIn(kind=EvidenceKind.official_site, description=description)]
        row = hotlines.register_hotline(session, number=number, evidence=evidence, actor=_principal(session, username))
        if status is not None:
            hotlines.decide(session, hotline_id=row.id, status=status, note="材料核实无误", actor=reviewer)
    consumer = _principal(session, "consumer")
    for number, brand, note in DEMO_REPORTS:
        hotlines.report_fake(session, number=number, claimed_brand=brand, note=note, reporter=consumer)
