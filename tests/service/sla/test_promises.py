"""The arrival promise on a station's calendar, and pauses: off-hours, holidays, make-up days, across midnight."""

from __future__ import annotations

from datetime import datetime

from anxin.clocks.sla import Pause
from anxin.service.sla.service import Moments, arrival_sla, response_sla, station_calendar

WEEKDAYS = {day: ["09:00", "18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
STATION = station_calendar(WEEKDAYS)


def at(day: str, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"2026-{day}T{hhmm}:00+08:00")


def test_arrival_dispatched_off_hours_counts_from_the_next_opening():
    moments = Moments(received=at("11-23", "17:00"), dispatched=at("11-23", "17:30"))  # a Monday
    view = arrival_sla(moments, at("11-24", "08:00"), 120, STATION)
    assert view.elapsed_minutes == 30 and view.deadline == at("11-24", "10:30") and not view.breached


def test_arrival_skips_the_national_day_holiday_and_counts_the_make_up_saturday():
    moments = Moments(received=at("09-30", "16:00"), dispatched=at("09-30", "17:00"))
    view = arrival_sla(moments, at("10-07", "12:00"), 120, STATION)
    assert view.elapsed_minutes == 60 and view.deadline == at("10-08", "10:00")  # 1–7 Oct are off
    saturday = Moments(received=at("10-09", "17:00"), dispatched=at("10-09", "17:30"))  # Fri; Sat 10 Oct is worked
    assert arrival_sla(saturday, at("10-09", "17:30"), 120, STATION).deadline == at("10-10", "10:30")


def test_arrival_is_none_before_dispatch_and_met_or_late_at_check_in():
    assert arrival_sla(Moments(received=at("11-24", "10:00")), at("11-24", "11:00"), 120, STATION) is None
    dispatched = at("11-24", "10:00")
    on_time = Moments(received=dispatched, dispatched=dispatched, on_site=at("11-24", "11:30"))
    assert arrival_sla(on_time, at("11-25", "10:00"), 120, STATION).met
    late = Moments(received=dispatched, dispatched=dispatched, on_site=at("11-24", "12:30"))
    assert arrival_sla(late, at("11-24", "12:30"), 120, STATION).breached


def test_a_pause_across_midnight_stops_the_24x7_response_clock():
    received = at("11-24", "23:50")
    pauses = (Pause(at("11-24", "23:55"), "customer_later", at("11-25", "00:40")),)
    view = response_sla(received, None, at("11-25", "01:00"), 30, pauses)
    assert view.elapsed_minutes == 25 and not view.breached and view.deadline == at("11-25", "01:05")
    assert response_sla(received, None, at("11-25", "01:00"), 30).breached  # the same ticket without the pause


def test_a_paused_clock_has_no_deadline_and_does_not_breach():
    received = at("11-24", "10:00")
    pauses = (Pause(at("11-24", "10:20"), "waiting_parts"),)
    view = response_sla(received, None, at("11-24", "15:00"), 30, pauses)
    assert view.paused and view.deadline is None and view.elapsed_minutes == 20 and view.running


def test_a_pause_over_off_hours_and_a_holiday_takes_only_working_minutes_away():
    moments = Moments(
        received=at("09-30", "09:00"),
        dispatched=at("09-30", "09:00"),
        pauses=(Pause(at("09-30", "17:00"), "customer_absent", at("10-08", "09:30")),),
    )
    view = arrival_sla(moments, at("10-08", "10:00"), 600, STATION)
    assert view.elapsed_minutes == 480 + 30  # 09:00–17:00, then 09:30–10:00 after the holiday


def test_a_pause_begun_before_dispatch_counts_for_arrival_from_dispatch_only():
    moments = Moments(
        received=at("11-24", "09:00"),
        dispatched=at("11-24", "10:00"),
        pauses=(Pause(at("11-24", "09:30"), "customer_later", at("11-24", "11:00")),),
    )
    assert arrival_sla(moments, at("11-24", "12:00"), 120, STATION).elapsed_minutes == 60
    assert response_sla(moments.received, moments.dispatched, at("11-24", "12:00"), 30, moments.pauses).met


def test_a_station_without_hours_keeps_a_round_the_clock_deadline():
    moments = Moments(received=at("10-01", "22:00"), dispatched=at("10-01", "22:00"))
    assert arrival_sla(moments, at("10-01", "22:00"), 120, station_calendar({})).deadline == at("10-02", "00:00")
