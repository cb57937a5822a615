"""The case review queue: every open case is due on the business calendar, the most urgent first, overdue flagged."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from anxin.clocks.zones import CHINA
from anxin.demo.integrity import ring_events
from anxin.errors import InvalidInput
from anxin.integrity.cases import service as cases
from anxin.integrity.findings import service as findings
from anxin.integrity.journal import DecisionRuntime
from anxin.integrity.rules.language import compile_ruleset
from anxin.integrity.server.live import journal_path
from anxin.store.base import utcnow

T0 = 1767225600000


def test_due_times_skip_nights_and_weekends():
    friday_5pm = datetime(2026, 12, 4, 17, 0, tzinfo=CHINA)
    assert cases.due_after("open", friday_5pm) == datetime(2026, 12, 7, 17, 0, tzinfo=CHINA)  # Monday 17:00
    assert cases.due_after("investigating", friday_5pm) == datetime(2026, 12, 11, 17, 0, tzinfo=CHINA)
    assert cases.due_after("closed", friday_5pm) is None


@pytest.fixture
def two_findings(settings, db, demo, principal):
    journal = journal_path(settings)
    runtime = DecisionRuntime(journal, compile_ruleset(""))
    runtime.start()
    runtime.decide(sorted(ring_events(T0, "mall-a") + ring_events(T0, "mall-b"), key=lambda e: e.time_ms))
    runtime.close()
    analyst = principal("risk")
    found = []
    for tenant in ("mall-a", "mall-b"):  # a newer run hides older open findings, not confirmed ones
        findings.run_detector(db, journal=journal, detector="rings", tenant=tenant, actor=analyst)
        [new] = [f for f in findings.list_findings(db) if f.tenant == tenant]
        findings.review(db, new.id, status="confirmed", actor=analyst)
        found.append(new.id)
    return found


def test_the_queue_orders_by_due_time_and_forgets_closed_cases(db, principal, two_findings):
    analyst = principal("risk")
    first, second = (cases.open_from_finding(db, f, actor=analyst) for f in two_findings)
    assert first.due_at is not None and first.due_at > utcnow()
    cases.set_status(db, first.id, status="investigating", actor=analyst)
    assert first.due_at > second.due_at  # five business days now, against one for triage
    assert [c.id for c in cases.queue(db)] == [second.id, first.id]
    second.due_at = utcnow() - timedelta(hours=1)  # a case nobody triaged in time
    cases.set_status(db, first.id, status="closed", actor=analyst)
    assert first.due_at is None and [c.id for c in cases.queue(db)] == [second.id]
    cases.set_status(db, first.id, status="open", actor=analyst)  # reopened: due again
    assert first.due_at is not None and [c.id for c in cases.queue(db)] == [second.id, first.id]


def test_cases_are_assigned_to_analysts_only_and_the_queue_filters_by_assignee(db, principal, two_findings):
    analyst = principal("risk")
    case = cases.open_from_finding(db, two_findings[0], actor=analyst)
    with pytest.raises(InvalidInput, match="not an analyst"):
        cases.assign(db, case.id, username="antu-dispatch", actor=analyst)
    with pytest.raises(InvalidInput):
        cases.assign(db, case.id, username="nobody-here", actor=analyst)
    assert cases.queue(db, assignee_id=analyst.user_id) == []
    cases.assign(db, case.id, username="risk", actor=analyst)
    assert [c.id for c in cases.queue(db, assignee_id=analyst.user_id)] == [case.id]
