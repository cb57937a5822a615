"""Migration 0024: policies, escalations, the arrival promise and event kinds come and go; rows in use survive."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from anxin.auth import tenancy
from anxin.store.db import make_engine
from anxin.store.migrate import alembic_config, upgrade

AT = "2026-11-24 02:00:00"


def _shape(url: str) -> tuple[set[str], bool, bool]:
    engine = make_engine(url)
    with engine.connect() as conn:
        schema = inspect(conn)
        tables = set(schema.get_table_names()) & {"sla_policies", "sla_escalations"}
        arrival = "arrival_minutes" in {c["name"] for c in schema.get_columns("tickets")}
        kind = "kind" in {c["name"] for c in schema.get_columns("ticket_events")}
    engine.dispose()
    return tables, arrival, kind


def test_up_and_down_keep_tickets_and_their_events(settings, db, demo):
    brand_id = tenancy.get_brand_by_slug(db, slug="antu").id
    db.close()
    url = settings.resolved_database_url
    assert _shape(url) == ({"sla_policies", "sla_escalations"}, True, True)
    command.downgrade(alembic_config(url), "0023")
    assert _shape(url) == (set(), False, False)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO customers (id, brand_id, phone_sealed, phone_index, phone_masked, name_sealed, created_at)"
                " VALUES (7, :brand, 'sealed', 'index', '138****8000', 'sealed', :at)"
            ),
            {"brand": brand_id, "at": AT},
        )
        conn.execute(
            text(
                "INSERT INTO tickets (id, number, brand_id, customer_id, channel, region_code, address_sealed,"
                " lock_model, fault, description_sealed, status, version, created_at, updated_at)"
                " VALUES (9, 'AX20261124000009', :brand, 7, 'phone', '330102', 'sealed', 'S1', 'battery', 'sealed',"
                " 'received', 1, :at, :at)"
            ),
            {"brand": brand_id, "at": AT},
        )
        conn.execute(
            text(
                "INSERT INTO ticket_events (ticket_id, to_status, actor_label, note, at)"
                " VALUES (9, 'received', 'a', '', :at)"
            ),
            {"at": AT},
        )
    engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        arrival = conn.execute(text("SELECT arrival_minutes FROM tickets WHERE id = 9")).scalar_one()
        kinds = conn.execute(text("SELECT kind FROM ticket_events WHERE ticket_id = 9")).scalars().all()
    engine.dispose()
    assert arrival == 120 and kinds == ["move"]  # earlier tickets take the standard promise; earlier events are moves
    command.downgrade(alembic_config(url), "0023")
    engine = make_engine(url)
    with engine.connect() as conn:
        events = conn.execute(text("SELECT count(*) FROM ticket_events WHERE ticket_id = 9")).scalar_one()
    engine.dispose()
    assert events == 1
