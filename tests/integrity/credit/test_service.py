"""Penalties on a real database: the list the engine reads, the score consumers see, appeals with a reviewer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from anxin.audit import service as audit
from anxin.auth import service as auth
from anxin.auth.permissions import Role
from anxin.errors import Conflict, Forbidden, InvalidInput
from anxin.integrity.credit import service as credit
from anxin.integrity.credit.models import Penalty
from anxin.integrity.rules import service as rules


@pytest.fixture
def second_analyst(db, demo):
    user = auth.create_user(db, username="risk2", password="another-long-pass-1", role=Role.risk_analyst)
    db.commit()
    return auth.principal_of(user)


def test_suspension_lowers_credit_lists_the_shop_and_an_overturned_appeal_undoes_both(
    db, demo, principal, second_analyst
):
    analyst = principal("risk")
    assert credit.credit(db, kind="shop", subject_id="shop-007").level == "B"
    penalty = credit.impose(
        db, kind="shop", subject_id="shop-007", level="suspension", reason="刷单: 12 个小号集中下单", actor=analyst
    )
    result = credit.credit(db, kind="shop", subject_id="shop-007")
    assert result.score == pytest.approx(50.0) and result.level == "D"
    assert [c.item.reason for c in result.public_reasons()] == ["刷单: 12 个小号集中下单"]
    assert "shop-007" in rules.list_values(db, "suspended_shops")

    credit.appeal(db, penalty.id, text="订单为真实团购", actor=analyst)
    with pytest.raises(Forbidden, match="another analyst"):
        credit.decide_appeal(db, penalty.id, overturn=True, note="", actor=analyst)
    credit.decide_appeal(db, penalty.id, overturn=True, note="团购凭证属实", actor=second_analyst)
    assert credit.credit(db, kind="shop", subject_id="shop-007").score == pytest.approx(80.0)
    assert "shop-007" not in rules.list_values(db, "suspended_shops")
    actions = [e.action for e in reversed(audit.recent(db))]
    assert actions.index("penalty.appeal") < actions.index("penalty.overturned")
    assert audit.verify(db)[0] == []


def test_appeals_have_a_deadline_and_bad_input_is_refused(db, demo, principal):
    analyst = principal("risk")
    penalty = credit.impose(db, kind="technician", subject_id="7", level="warning", reason="多次超时", actor=analyst)
    db.execute(
        update(Penalty).where(Penalty.id == penalty.id).values(appeal_deadline=penalty.created_at - timedelta(days=1))
    )
    db.expire_all()
    with pytest.raises(Conflict, match="deadline"):
        credit.appeal(db, penalty.id, text="late", actor=analyst)
    with pytest.raises(InvalidInput, match="level must be"):
        credit.impose(db, kind="shop", subject_id="s", level="jail", reason="x", actor=analyst)
    with pytest.raises(InvalidInput, match="subject kind"):
        credit.credit(db, kind="planet", subject_id="x")


def test_a_failed_inspection_weighs_more_than_a_passed_one(db, demo, principal):
    analyst = principal("risk")
    credit.inspect(
        db,
        kind="shop",
        subject_id="shop-3",
        sample="门锁 S1 批次 2026-11",
        passed=True,
        evidence="检测报告 A-1",
        actor=analyst,
    )
    assert credit.credit(db, kind="shop", subject_id="shop-3").score == pytest.approx(83.0)
    credit.inspect(
        db, kind="shop", subject_id="shop-3", sample="门锁 S2", passed=False, evidence="检测报告 A-2", actor=analyst
    )
    result = credit.credit(db, kind="shop", subject_id="shop-3")
    assert result.score == pytest.approx(68.0) and result.level == "C"
    assert result.public_reasons()[0].item.reason == "抽检不合格: 门锁 S2"
    with pytest.raises(InvalidInput, match="sample and the evidence"):
        credit.inspect(db, kind="shop", subject_id="shop-3", sample=" ", passed=True, evidence="", actor=analyst)
