"""Visit steps over real HTTP as the phone's script sends them: JSON answers, a retried key answered once."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from tests.service.visits.helpers import TECHNICIAN, check_in, dispatched_jobs, image

from anxin.privacy.keyfile import load_key_ring
from anxin.service.visits.models import VisitPart, VisitStep


@pytest.fixture
def on_site(live_server, db, demo, principal):
    keys = load_key_ring(key_file=live_server.settings.resolved_key_file, create=False)
    job = dispatched_jobs(db, keys, principal)[0]
    check_in(db, keys, job, principal(TECHNICIAN))
    db.commit()
    return job


def test_a_retried_step_is_answered_once_and_bad_files_are_refused(live_server, on_site, login_as):
    tech = login_as(TECHNICIAN)
    url = f"/tech/jobs/{on_site.id}/steps"
    part = {"csrf_token": tech.csrf, "kind": "part", "part_key": uuid.uuid4().hex, "name": "锂电池组",
            "code": "BAT-4", "quantity": "2", "unit_price": "35.50", "step_key": uuid.uuid4().hex}  # fmt: skip
    json_please = {"Accept": "application/json"}
    with tech.client(live_server.url) as phone:
        first = phone.post(url, data=part, headers=json_please)
        again = phone.post(url, data=part | {"quantity": "9"}, headers=json_please)  # the answer was lost; resent
        assert first.status_code == again.status_code == 200, first.text
        assert first.json() == {"kind": "part", "status": "on_site", "replayed": False}
        assert again.json()["replayed"] is True
        comma = part | {"step_key": uuid.uuid4().hex, "unit_price": "3,5"}
        bad_price = phone.post(url, data=comma, headers=json_please)
        assert bad_price.status_code == 422
        assert bad_price.json()["detail"]["field"] == "unit_price" and "元" in bad_price.json()["message"]
        pdf = phone.post(
            url,
            data={"csrf_token": tech.csrf, "kind": "photo", "photo_kind": "fault", "step_key": uuid.uuid4().hex},
            files={"file": ("fault.jpg", b"%PDF-1.7 not a photo", "image/jpeg")},
            headers=json_please,
        )
        assert pdf.status_code == 422 and pdf.json()["message"] == "只能上传照片"
        photo = phone.post(
            url,
            data={"csrf_token": tech.csrf, "kind": "photo", "photo_kind": "fault", "step_key": uuid.uuid4().hex},
            files={"file": ("fault.jpg", image("JPEG"), "image/jpeg")},
            headers=json_please,
        )
        assert photo.status_code == 200
        no_js = phone.post(url, data=part | {"step_key": uuid.uuid4().hex, "quantity": "0"})  # a plain form post
        assert no_js.status_code == 422 and "数量为 1 到 99" in no_js.text and 'value="锂电池组"' in no_js.text
    admin = login_as("antu-admin")
    with admin.client(live_server.url) as brand:
        record = brand.get(f"/tickets/{on_site.id}/visit")
        assert record.status_code == 200 and "锂电池组" in record.text and "¥71.00" in record.text
        link = record.text.split('<img src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        shown = brand.get(link)
        assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
        assert brand.get(link[:-4] + "AAAA").status_code == 404  # a tampered link shows nothing
    with login_as("jinghong-admin").client(live_server.url) as other_brand:
        assert other_brand.get(f"/tickets/{on_site.id}/visit").status_code == 404


def test_the_same_step_sent_twice_at_once_is_applied_once(live_server, on_site, login_as, db):
    """A phone on a flaky line may resend before the first answer arrives: the key makes one of them the step."""
    tech = login_as(TECHNICIAN)
    part = {"csrf_token": tech.csrf, "kind": "part", "part_key": uuid.uuid4().hex, "name": "把手", "code": "",
            "quantity": "1", "unit_price": "80", "step_key": uuid.uuid4().hex}  # fmt: skip

    def send() -> int:
        with tech.client(live_server.url) as phone:
            url = f"/tech/jobs/{on_site.id}/steps"
            return phone.post(url, data=part, headers={"Accept": "application/json"}).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: send(), range(2)))
    assert 200 in answers and all(a == 200 or a >= 500 for a in answers)  # a loser may be told to retry later
    with tech.client(live_server.url) as phone:
        retried = phone.post(f"/tech/jobs/{on_site.id}/steps", data=part, headers={"Accept": "application/json"})
    assert retried.json()["replayed"] is True
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(VisitPart).where(VisitPart.ticket_id == on_site.id)) == 1
    assert db.scalar(select(func.count()).select_from(VisitStep).where(VisitStep.key == part["step_key"])) == 1
