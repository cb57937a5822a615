"""The response promise: counting, met, breached — always against the minutes the ticket itself was promised."""

from __future__ import annotations

from datetime import datetime, timedelta

from anxin.clocks.zones import CHINA
from anxin.service.sla.service import STANDARD_RESPONSE_MINUTES, response_sla

T0 = datetime(2026, 11, 24, 23, 50, tzinfo=CHINA)  # lock-outs happen at night: the line runs 24×7


def test_open_ticket_counts_down_through_midnight():
    view = response_sla(T0, None, T0 + timedelta(minutes=20), STANDARD_RESPONSE_MINUTES)
    assert (view.elapsed_minutes, view.breached, view.met, view.remaining_minutes) == (20, False, False, 10)
    assert view.deadline == T0 + timedelta(minutes=30)


def test_answered_in_time_is_met_and_stops_counting():
    view = response_sla(T0, T0 + timedelta(minutes=25), T0 + timedelta(hours=5), STANDARD_RESPONSE_MINUTES)
    assert view.met and not view.breached and view.elapsed_minutes == 25


def test_late_answer_and_silence_are_breaches():
    assert response_sla(T0, T0 + timedelta(minutes=31), T0 + timedelta(hours=1), STANDARD_RESPONSE_MINUTES).breached
    late = response_sla(T0, None, T0 + timedelta(minutes=45), STANDARD_RESPONSE_MINUTES)
    assert late.breached and not late.met and late.remaining_minutes == 0


def test_a_members_shorter_promise_is_broken_where_the_standard_one_is_kept():
    answered = T0 + timedelta(minutes=25)
    assert response_sla(T0, answered, answered, STANDARD_RESPONSE_MINUTES).met
    member = response_sla(T0, answered, answered, 20)
    assert member.breached and not member.met and member.deadline == T0 + timedelta(minutes=20)
    assert response_sla(T0, None, T0 + timedelta(minutes=5), 20).remaining_minutes == 15
