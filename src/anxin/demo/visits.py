"""A demo visit and a complaint about it: 郑建国 repairs a lock on his phone and the customer complains.

The visit goes through the technician's own steps (accept, leave, check in,
a part, the customer's signature, done) and the complaint through the real
service, so the demo brand console has a visit record and a complaint to
investigate. Needs the demo accounts, network and tickets first.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.auth import tenancy
from anxin.demo.history import date_moves
from anxin.privacy.crypto import KeyRing
from anxin.service.complaints import service as complaints
from anxin.service.technicians.models import Technician
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.models import Ticket
from anxin.service.visits import service as visits
from anxin.service.visits.models import VisitRecord
from anxin.uploads.store import store_upload


def _signature_png() -> bytes:
    """A drawn stroke, as the canvas on the job page sends it."""
    image = Image.new("RGB", (360, 120), "white")
    ImageDraw.Draw(image).line([(20, 90), (80, 30), (140, 95), (200, 35), (260, 90), (330, 40)], fill="black", width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def create_demo_visits(session: Session, keys: KeyRing, *, root: Path) -> str | None:
    """Repair the first waiting 安途 battery ticket with a part and a signature, then complain; its number or None."""
    brand = tenancy.get_brand_by_slug(session, slug="antu")
    tech_user = auth.get_user_by_username(session, username="antu-tech")
    dispatch_user = auth.get_user_by_username(session, username="antu-dispatch")
    assert brand is not None and tech_user is not None and dispatch_user is not None, "demo accounts come first"
    technician = session.scalar(select(Technician).where(Technician.user_id == tech_user.id))
    assert technician is not None, "the demo network comes first"
    ticket = session.scalar(
        select(Ticket)
        .where(Ticket.brand_id == brand.id, Ticket.fault == "battery", Ticket.status == Status.received.value)
        .where(Ticket.queue_reason.is_(None))  # in a district the brand serves
        .order_by(Ticket.id)
        .limit(1)
    )
    if ticket is None:
        return None
    tech = auth.principal_of(tech_user)
    ticket.technician_id = technician.id
    ticket.dispatch_note = "演示：指派给郑建国"
    tickets.move(session, ticket_id=ticket.id, to=Status.dispatched, version=ticket.version, note="",
                 actor=auth.principal_of(dispatch_user))  # fmt: skip
    for step in (Status.accepted, Status.en_route):
        visits.move_job(session, ticket_id=ticket.id, key=f"demo-{step}", to=step, actor=tech)
    place = visits.Position(note="小区东门，3 幢楼下")
    visits.check_in(session, keys, ticket_id=ticket.id, key="demo-check-in", position=place, actor=tech)
    battery = visits.PartLine(name="碱性电池（8 节）", code="BAT-AA8", quantity=1, unit_price_fen=4800)
    visits.save_part(session, ticket_id=ticket.id, key="demo-part", part_key="demo-battery", line=battery, actor=tech)
    signature = store_upload(_signature_png(), root=root)
    summary = "打磨电池仓触点，换装碱性电池，供电 6.2V，开锁测试正常"
    visits.complete(session, ticket_id=ticket.id, key="demo-complete", summary=summary, signature=signature, actor=tech)
    # On the demo's own timeline, like the other carried-forward requests: answered 48 minutes after the call
    # (late, which the complaint is about), not at the moment the demo is loaded.
    reached = date_moves(session, ticket, answer_in=48, rng=random.Random(5))
    record = session.scalar(select(VisitRecord).where(VisitRecord.ticket_id == ticket.id))
    assert record is not None
    record.checked_in_at = reached[Status.on_site.value]
    text = "约好上午十点，师傅十一点才到，也没有提前打电话。"
    complaints.file_complaint(session, keys, ticket=ticket, category="late", text=text, files=[], actor=None)
    return ticket.number
