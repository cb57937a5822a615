"""Figures for the brand admin's dashboard, computed in SQL plus one pass over the tickets' first dispatch."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from anxin.clocks.zones import CHINA
from anxin.regions.gazetteer import default_gazetteer
from anxin.service.sla.service import response_sla
from anxin.service.tickets import service as tickets
from anxin.service.tickets.models import Ticket


@dataclass(frozen=True)
class Dashboard:
    by_status: dict[str, int]
    sla: dict[str, int]  # met / breached / open
    by_district: list[tuple[str, int]]  # most tickets first
    by_day: list[tuple[str, int]]  # intake per day (China time)
    total: int


def dashboard(session: Session, *, brand_id: int | None, now: datetime) -> Dashboard:
    base = select(Ticket)
    if brand_id is not None:
        base = base.where(Ticket.brand_id == brand_id)
    rows = list(session.scalars(base))
    status_query = select(Ticket.status, func.count()).group_by(Ticket.status)
    if brand_id is not None:
        status_query = status_query.where(Ticket.brand_id == brand_id)
    by_status = dict(session.execute(status_query).all())
    answered = tickets.answered_at(session, [t.id for t in rows])
    sla = Counter()
    for t in rows:
        if t.status == "cancelled":
            continue
        view = response_sla(t.created_at, answered.get(t.id), now)
        sla["met" if view.met else "breached" if view.breached else "open"] += 1
    gazetteer = default_gazetteer()
    districts = Counter(gazetteer.full_name(t.region_code[:6]) for t in rows)
    days = Counter(t.created_at.astimezone(CHINA).strftime("%m-%d") for t in rows)
    return Dashboard(
        by_status=by_status,
        sla={k: sla.get(k, 0) for k in ("met", "breached", "open")},
        by_district=districts.most_common(12),
        by_day=sorted(days.items()),
        total=len(rows),
    )
