"""A brand appeals penalties on its own technicians only; the analysts' rules (deadline, reviewer) still apply."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from anxin.demo.network import DEMO_STATIONS, WEEKDAYS, create_demo_network
from anxin.errors import Conflict, NotFound
from anxin.integrity.credit import service as credit
from anxin.integrity.credit.models import Penalty
from anxin.service.stations import service as stations
from anxin.service.technicians import service as technicians


@pytest.fixture
def crews(db, demo, principal):
    """安途's demo network, and one 璟宏 technician at a station of its own."""
    create_demo_network(db)
    jinghong_admin = principal("jinghong-admin")
    name, code, address, phone, hours, cover = DEMO_STATIONS[0]
    station = stations.create_station(db, actor=jinghong_admin, name="璟宏" + name, region_code=code, address=address,
                                      phone=phone, opening_hours=hours, coverage=cover)  # fmt: skip
    technicians.create_technician(db, actor=jinghong_admin, name="吴磊", skills=["智能锁"], home_station_id=station.id,
                                  shifts=WEEKDAYS, territory=[])  # fmt: skip
    db.flush()
    antu = technicians.list_technicians(db, viewer=principal("antu-admin"))
    jinghong = technicians.list_technicians(db, viewer=jinghong_admin)
    assert antu and [t.name for t in jinghong] == ["吴磊"]
    return antu, jinghong


def test_a_brand_sees_and_appeals_its_own_technicians_penalties_only(db, principal, crews):
    analyst, antu_admin = principal("risk"), principal("antu-admin")
    antu, jinghong = crews
    own = credit.impose(db, kind="technician", subject_id=str(antu[0].id), level="warning", reason="超时 3 次",
                        actor=analyst)  # fmt: skip
    other = credit.impose(db, kind="technician", subject_id=str(jinghong[0].id), level="warning", reason="返修",
                          actor=analyst)  # fmt: skip
    shop = credit.impose(db, kind="shop", subject_id="7", level="warning", reason="刷单", actor=analyst)
    assert [p.id for _, p in technicians.penalties_of_brand(db, viewer=antu_admin)] == [own.id]
    for foreign in (other, shop):  # another brand's technician, and a shop whose id looks like a technician's
        with pytest.raises(NotFound):
            technicians.appeal_for_technician(db, foreign.id, text="不是我们的", actor=antu_admin)
    appealed = technicians.appeal_for_technician(db, own.id, text="客户改约，非师傅原因", actor=antu_admin)
    assert appealed.status == "appealed" and appealed.appeal_text == "客户改约，非师傅原因"
    with pytest.raises(Conflict):  # once is enough: an analyst decides now
        technicians.appeal_for_technician(db, own.id, text="再次申诉", actor=antu_admin)


def test_the_deadline_holds_for_brands_too(db, principal, crews):
    analyst, antu_admin = principal("risk"), principal("antu-admin")
    penalty = credit.impose(db, kind="technician", subject_id=str(crews[0][0].id), level="demotion", reason="x",
                            actor=analyst)  # fmt: skip
    db.execute(
        update(Penalty).where(Penalty.id == penalty.id).values(appeal_deadline=penalty.created_at - timedelta(1))
    )
    db.expire_all()
    with pytest.raises(Conflict, match="deadline"):
        technicians.appeal_for_technician(db, penalty.id, text="太晚了", actor=antu_admin)
