"""An upheld report costs the reported shop or technician credit once, publicly; a rejected one costs nothing."""

from __future__ import annotations

from anxin.integrity.credit import service as credit
from anxin.integrity.reports import service as reports


def test_upheld_reports_lower_credit_once_and_rejected_ones_do_not(db, demo, principal):
    analyst = principal("risk")
    before = credit.credit(db, kind="shop", subject_id="shop-007").score
    upheld, _ = reports.submit(db, kind="brushed_shop", target="shop-007", description="二十个新号同一天好评")
    rejected, _ = reports.submit(db, kind="brushed_shop", target="shop-007", description="评价太多了")
    hotline, _ = reports.submit(db, kind="fake_hotline", target="400-000-0000", description="冒充官方")
    reports.answer(db, upheld.id, status="upheld", text="已核实，店铺已处罚", actor=analyst)
    reports.answer(db, upheld.id, status="upheld", text="补充：已立案", actor=analyst)  # a second answer
    reports.answer(db, rejected.id, status="rejected", text="未发现异常", actor=analyst)
    reports.answer(db, hotline.id, status="upheld", text="已加入诈骗号码库", actor=analyst)  # not a credit subject
    after = credit.credit(db, kind="shop", subject_id="shop-007")
    assert after.score == before + reports.UPHELD_POINTS
    assert [c.item.reason for c in after.public_reasons()] == [f"举报属实 {upheld.number}"]
