"""Detector runs over a real journal file and a real database: findings stored, labels derived, verdicts kept."""

from __future__ import annotations

import pytest

from anxin.demo.integrity import GANG_SHOPS, RING_SIZE, TEMPLATE_ACCOUNTS, demo_marketplace, ring_events
from anxin.errors import InvalidInput
from anxin.integrity.findings import service as findings
from anxin.integrity.journal import DecisionRuntime
from anxin.integrity.rules.language import compile_ruleset

T0 = 1767225600000
RING = {f"ring-{i:02d}" for i in range(RING_SIZE)}


def journal_with_a_ring(tmp_path):
    path = tmp_path / "journal.sqlite3"
    runtime = DecisionRuntime(path, compile_ruleset(""))
    runtime.start()
    runtime.decide(sorted(ring_events(T0), key=lambda e: e.time_ms))
    runtime.decide(sorted(ring_events(T0, tenant="other-mall"), key=lambda e: e.time_ms))
    runtime.close()
    return path


def test_a_run_stores_the_ring_and_its_accounts_get_the_label(db, principal, demo, tmp_path):
    journal = journal_with_a_ring(tmp_path)
    run = findings.run_detector(db, journal=journal, detector="rings", tenant="demo-mall", actor=principal("risk"))
    assert (run.events_read, run.findings) == (RING_SIZE * 3, 1)
    [finding] = findings.list_findings(db)
    assert finding.label == "ring_member" and finding.tenant == "demo-mall"
    assert {m["id"] for m in finding.members if m["kind"] == "account"} == RING
    assert any("card-ring-1" in r["text"] for r in finding.reasons)
    assert findings.labels(db)["ring_member"] == RING


def test_dismissed_findings_lose_the_label_and_confirmed_ones_survive_new_runs(db, principal, demo, tmp_path):
    journal = journal_with_a_ring(tmp_path)
    analyst = principal("risk")
    findings.run_detector(db, journal=journal, detector="rings", tenant="demo-mall", actor=analyst)
    [first] = findings.list_findings(db)
    findings.review(db, first.id, status="dismissed", actor=analyst)
    assert findings.labels(db)["ring_member"] == frozenset()
    findings.review(db, first.id, status="confirmed", actor=analyst)
    empty = tmp_path / "none.sqlite3"  # a later run that finds nothing
    findings.run_detector(db, journal=empty, detector="rings", tenant=None, actor=analyst)
    assert [f.id for f in findings.list_findings(db)] == [first.id]
    assert findings.labels(db)["ring_member"] == RING


def test_unknown_detectors_and_statuses_are_refused(db, principal, demo, tmp_path):
    with pytest.raises(InvalidInput, match="unknown detector"):
        findings.run_detector(db, journal=tmp_path / "j", detector="telepathy", tenant=None, actor=None)
    with pytest.raises(InvalidInput, match="status must be"):
        findings.review(db, 1, status="maybe", actor=principal("risk"))


def test_each_detector_finds_its_planted_case_among_the_demo_marketplace(db, demo, tmp_path):
    path = tmp_path / "journal.sqlite3"
    runtime = DecisionRuntime(path, compile_ruleset(""))
    runtime.start()
    market = demo_marketplace()
    for start in range(0, len(market.events), 5_000):
        runtime.decide(market.events[start : start + 5_000])
    runtime.close()
    planted = {
        "templates": market.planted["template_accounts"],
        "dense_blocks": market.planted["gang_accounts"],
        "lockstep": market.planted["lockstep_accounts"],
        "cashback": market.planted["cashback_payers"],
        "brushing": market.planted["brushing_accounts"],
        "spikes": market.planted["spike_accounts"],
        "insider": market.planted["insider_merchants"],
        "extortion": market.planted["extortion_accounts"],
    }
    for detector, accounts in planted.items():
        run = findings.run_detector(db, journal=path, detector=detector, tenant=None, actor=None)
        assert run.findings == 1, detector
        [finding] = findings.list_findings(db, detector=detector)
        assert {m["id"] for m in finding.members if m["kind"] == "account"} == set(accounts), detector
    [template] = findings.list_findings(db, detector="templates")
    assert len(market.planted["template_accounts"]) == TEMPLATE_ACCOUNTS and "五星好评" in template.evidence["template"]
    [channel] = findings.list_findings(db, detector="cashback")
    paid = {m["id"] for m in channel.members if m["kind"] == "reviewer"}
    assert paid == set(market.planted["cashback_reviewers"])
    [brushing] = findings.list_findings(db, detector="brushing")
    assert brushing.evidence["query"] == "c9 指纹锁 旗舰款" and len(brushing.evidence["session_list"]) == 16
    [spike] = findings.list_findings(db, detector="spikes")
    assert set(spike.evidence["contexts"]) == {"new_accounts", "one_region"}
    assert {m["id"] for m in spike.members if m["kind"] == "shop"} == market.planted["spike_shops"]
    [insider] = findings.list_findings(db, detector="insider")
    assert [m["id"] for m in insider.members if m["kind"] == "staff"] == market.planted["insider_staff"]
    assert any("insider-phone" in r["text"] for r in insider.reasons)
    assert findings.labels(db)["insider_collusion"] == {
        *market.planted["insider_staff"],
        *market.planted["insider_merchants"],
    }
    [crew] = findings.list_findings(db, detector="extortion")
    assert len([m for m in crew.members if m["kind"] == "shop"]) == 9
    [gang] = findings.list_findings(db, detector="dense_blocks")
    assert {m["id"] for m in gang.members if m["kind"] == "shop"} == set(GANG_SHOPS)
