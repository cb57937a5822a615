"""The hotline registry against a real database: register, review, check, report."""

from __future__ import annotations

from pathlib import Path

import pytest

from anxin.auth import service as auth
from anxin.auth import tenancy
from anxin.auth.permissions import Role
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.hotline import scans
from anxin.hotline import service as hotlines
from anxin.hotline.scanner import scan_page
from anxin.hotline.schemas import CheckVerdict, EvidenceIn, EvidenceKind, HotlineStatus

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "fake-hotline-page-1.txt"
EVIDENCE = [EvidenceIn(kind=EvidenceKind.official_site, description="官网服务支持页")]


@pytest.fixture
def people(db, demo, principal):
    return {name: principal(name) for name in ("admin", "antu-admin", "jinghong-admin", "consumer", "risk")}


def register(db, people, number="400-111-2222", who="antu-admin"):
    return hotlines.register_hotline(db, number=number, evidence=EVIDENCE, actor=people[who])


class TestRegister:
    def test_registration_is_pending_with_evidence_and_history(self, db, people):
        row = register(db, people, "４００－１１１－２２２２")  # full-width, as pasted from a page
        assert (row.status, row.number_key, row.display) == ("pending", "+864001112222", "400-111-2222")
        assert [e.kind for e in hotlines.evidence_of(db, hotline_id=row.id)] == ["official_site"]
        assert [(h.from_status, h.to_status) for h in hotlines.history_of(db, hotline_id=row.id)] == [(None, "pending")]

    def test_only_brand_staff_register(self, db, people):
        with pytest.raises(Forbidden):
            register(db, people, who="admin")

    def test_bad_number_is_refused_with_the_reason(self, db, people):
        with pytest.raises(InvalidInput) as err:
            register(db, people, "400-XXX-XXXX")
        assert "placeholder" in err.value.message

    def test_twice_conflicts_but_after_rejection_it_may_come_back(self, db, people):
        row = register(db, people)
        with pytest.raises(Conflict):
            register(db, people)
        hotlines.decide(db, hotline_id=row.id, status=HotlineStatus.rejected, note="证据不足", actor=people["admin"])
        again = register(db, people)
        assert again.id == row.id and again.status == "pending"
        assert [h.to_status for h in hotlines.history_of(db, hotline_id=row.id)] == ["pending", "rejected", "pending"]

    def test_two_brands_may_claim_one_number_separately(self, db, people):
        a = register(db, people, who="antu-admin")
        b = register(db, people, who="jinghong-admin")
        assert a.id != b.id


class TestDecide:
    def test_allowed_and_illegal_transitions(self, db, people):
        row = register(db, people)
        with pytest.raises(Conflict) as err:
            hotlines.decide(db, hotline_id=row.id, status=HotlineStatus.revoked, note="x", actor=people["admin"])
        assert err.value.detail["allowed"] == ["rejected", "verified"]
        hotlines.decide(db, hotline_id=row.id, status=HotlineStatus.verified, note="", actor=people["admin"])
        with pytest.raises(InvalidInput):
            hotlines.decide(db, hotline_id=row.id, status=HotlineStatus.revoked, note=" ", actor=people["admin"])
        hotlines.decide(db, hotline_id=row.id, status=HotlineStatus.revoked, note="号码已停用", actor=people["admin"])
        assert row.status == "revoked"

    def test_other_brand_cannot_see_registration(self, db, people):
        row = register(db, people)
        with pytest.raises(NotFound):
            hotlines.get_hotline(db, hotline_id=row.id, viewer=people["jinghong-admin"])
        assert hotlines.list_hotlines(db, viewer=people["jinghong-admin"]) == []
        assert len(hotlines.list_hotlines(db, viewer=people["risk"])) == 1


class TestCheck:
    def test_unregistered_number_with_reports(self, db, people):
        for _ in range(2):
            hotlines.report_fake(db, number="400-1865-909", claimed_brand="索立捷", reporter=people["consumer"])
        result = hotlines.check_number(db, number="(1)400-1865-909", brand="索立捷")
        assert result.verdict is CheckVerdict.not_registered
        assert result.brand_known is False and result.fake_reports == 2 and result.real_numbers == []

    def test_pending_numbers_are_not_official(self, db, people):
        register(db, people)
        assert hotlines.check_number(db, number="4001112222").verdict is CheckVerdict.not_registered

    def test_verified_for_the_brand_and_for_another(self, db, people):
        row = register(db, people)
        hotlines.decide(db, hotline_id=row.id, status=HotlineStatus.verified, note="", actor=people["admin"])
        mine = hotlines.check_number(db, number="400 111 2222", brand="安途智能锁")
        assert mine.verdict is CheckVerdict.verified and mine.real_numbers == ["400-111-2222"]
        assert hotlines.check_number(db, number="4001112222", brand="antu").verdict is CheckVerdict.verified
        other = hotlines.check_number(db, number="4001112222", brand="璟宏家电")
        assert other.verdict is CheckVerdict.other_brand
        assert [b.brand for b in other.verified_for] == ["安途智能锁（演示）"]
        assert other.real_numbers == []  # 璟宏 has verified nothing yet
        assert hotlines.check_number(db, number="4001112222").verdict is CheckVerdict.verified


class TestScans:
    def test_verified_numbers_reach_the_scanner(self, db, people, principal):
        brand = tenancy.create_brand(db, slug="kaadas", name_zh="凯迪仕", name_en="Kaadas")
        auth.create_user(db, username="kd-admin", password="long-enough", role=Role.brand_admin, brand_id=brand.id)
        row = hotlines.register_hotline(db, number="400-1865-909", evidence=EVIDENCE, actor=principal("kd-admin"))
        hotlines.decide(db, hotline_id=row.id, status=HotlineStatus.verified, note="", actor=people["admin"])
        registry = scans.registry_for_scanner(db)
        assert registry.numbers_for("凯迪仕") == frozenset({"+864001865909"})
        page = "凯迪仕智能锁全国统一售后服务热线：400-1865-909（点击咨询）"
        assert scan_page(page, registry=registry).verdict == "clean"
        assert scan_page(page).verdict == "impersonation"  # the same page when nothing is verified

    def test_stored_page_confirmed_raises_reports(self, db, people):
        result = scan_page(SEED.read_bytes(), source="https://example.invalid/suolijie")
        assert result.verdict == "impersonation"
        [stored] = scans.store_results(db, [result, scan_page("今天天气很好", source="clean.txt")])
        assert stored.claims and all(number == "+864001865909" for number, _brand in stored.claims)
        scans.review_page(db, page_id=stored.id, confirm=True, actor=people["risk"])
        check = hotlines.check_number(db, number="400-1865-909")
        assert check.fake_reports == len(stored.claims)
        with pytest.raises(Conflict):
            scans.review_page(db, page_id=stored.id, confirm=False, actor=people["risk"])
        assert scans.list_scanned(db) == [] and len(scans.list_scanned(db, review="confirmed")) == 1
