"""Arrange visits the way the product makes them: demo network, dispatched tickets, the technician's own steps."""

from __future__ import annotations

import io
import uuid
from datetime import datetime
from pathlib import Path

from PIL import Image
from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.clocks.zones import CHINA
from anxin.demo.network import create_demo_network
from anxin.demo.tickets import create_demo_tickets
from anxin.privacy.crypto import KeyRing
from anxin.service.dispatch import service as dispatch
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.models import Ticket
from anxin.service.visits import service as visits
from anxin.uploads.store import StoredFile, store_upload

TECHNICIAN = "antu-tech"  # linked to 郑建国, who gets work from the demo dispatch
HERE = visits.Position(latitude=30.2741, longitude=120.1551, accuracy_m=18.4)


def key() -> str:
    return uuid.uuid4().hex


def image(fmt: str = "PNG", size: tuple[int, int] = (60, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 110, 70)).save(out, format=fmt)
    return out.getvalue()


def stored(root: Path, data: bytes) -> StoredFile:
    """Through the real upload checks, as the page does."""
    return store_upload(data, root=root)


def dispatched_jobs(session: Session, keys: KeyRing, principal) -> list[Ticket]:
    """The demo network and tickets, auto-dispatched; the jobs of the demo technician."""
    create_demo_network(session)
    create_demo_tickets(session, keys, count=24)
    dispatch.auto_dispatch(session, actor=principal("antu-dispatch"), now=datetime(2026, 11, 24, 10, tzinfo=CHINA))
    session.flush()
    jobs = visits.my_jobs(session, actor=principal(TECHNICIAN))
    assert jobs, "the demo dispatch gives 郑建国 work"
    return jobs


def check_in(session: Session, keys: KeyRing, job: Ticket, me: auth.Principal) -> None:
    for step in (Status.accepted, Status.en_route):
        visits.move_job(session, ticket_id=job.id, key=key(), to=step, actor=me)
    visits.check_in(session, keys, ticket_id=job.id, key=key(), position=HERE, actor=me)


def complete_with_part(
    session: Session, keys: KeyRing, job: Ticket, me: auth.Principal, root: Path, *, price_fen: int = 3500
) -> None:
    """Check in, use two of one part, have the customer sign, finish: a completed ticket charging 2 × ``price_fen``."""
    check_in(session, keys, job, me)
    line = visits.PartLine(name="锂电池组", code="BAT-4", quantity=2, unit_price_fen=price_fen)
    visits.save_part(session, ticket_id=job.id, key=key(), part_key=key(), line=line, actor=me)
    visits.complete(session, ticket_id=job.id, key=key(), summary="更换电池", signature=stored(root, image()), actor=me)


def add_part_on_page(job, *, name: str, code: str, quantity: str, unit_price: str) -> None:
    """Open the job card's part form, fill it in and save, as the technician does on the phone."""
    job.get_by_test_id("add-part").locator("summary").click()
    part = job.get_by_test_id("add-part").get_by_test_id("part-form")
    part.locator("input[name=name]").fill(name)
    part.locator("input[name=code]").fill(code)
    part.locator("input[name=quantity]").fill(quantity)
    part.locator("input[name=unit_price]").fill(unit_price)
    part.get_by_test_id("save-part").click()


def sign_on_page(page, job) -> None:
    """The customer's zigzag on the job card's signature pad, drawn with the mouse."""
    pad = job.get_by_test_id("signature-pad").bounding_box()
    page.mouse.move(pad["x"] + 30, pad["y"] + 100)
    page.mouse.down()
    for x, y in ((80, 40), (140, 120), (200, 50), (260, 110)):
        page.mouse.move(pad["x"] + x, pad["y"] + y, steps=4)
    page.mouse.up()
