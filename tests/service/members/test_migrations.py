"""Migration 0020: tiers and the promise columns come and go; a database in use keeps its rows through the upgrade,
and its earlier tickets take the standard promise."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from anxin.auth import tenancy
from anxin.store.db import make_engine
from anxin.store.migrate import alembic_config, upgrade

PROMISE_COLUMNS = {"member_tier_id", "response_minutes", "discount_percent", "queue_priority"}
AT = "2026-11-24 02:00:00"


def _shape(url: str) -> tuple[bool, set[str], bool]:
    """(tiers table exists, promise columns on tickets, tier column on customers)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        schema = inspect(conn)
        tables = set(schema.get_table_names())
        ticket_columns = {c["name"] for c in schema.get_columns("tickets")} & PROMISE_COLUMNS
        customer_tier = "member_tier_id" in {c["name"] for c in schema.get_columns("customers")}
    engine.dispose()
    return "member_tiers" in tables, ticket_columns, customer_tier


def _ticket_before_tiers(url: str, brand_id: int) -> None:
    """A customer, a ticket and its intake event written the way revision 0019 stored them."""
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
                " VALUES (9, 'received', 'agent', '', :at)"
            ),
            {"at": AT},
        )
    engine.dispose()


def test_upgrade_keeps_a_databases_rows_and_gives_earlier_tickets_the_standard_promise(settings, db, demo):
    brand_id = tenancy.get_brand_by_slug(db, slug="antu").id
    db.close()
    url = settings.resolved_database_url
    assert _shape(url) == (True, PROMISE_COLUMNS, True)
    command.downgrade(alembic_config(url), "0019")
    assert _shape(url) == (False, set(), False)
    _ticket_before_tiers(url, brand_id)
    upgrade(url)
    assert _shape(url) == (True, PROMISE_COLUMNS, True)
    engine = make_engine(url)
    with engine.connect() as conn:
        promise = conn.execute(
            text("SELECT member_tier_id, response_minutes, discount_percent, queue_priority FROM tickets WHERE id = 9")
        ).one()
        events = conn.execute(text("SELECT count(*) FROM ticket_events WHERE ticket_id = 9")).scalar_one()
        tier_of_customer = conn.execute(text("SELECT member_tier_id FROM customers WHERE id = 7")).scalar_one()
    engine.dispose()
    assert tuple(promise) == (None, 30, 0, 0) and tier_of_customer is None
    assert events == 1  # the intake event survived: no table was rebuilt under it


def test_a_downgrade_rebuilding_tickets_keeps_their_events(settings, db, demo):
    """Going back below 0020 rebuilds ``tickets`` on SQLite; its events must not cascade away with the old table."""
    brand_id = tenancy.get_brand_by_slug(db, slug="antu").id
    db.close()
    url = settings.resolved_database_url
    command.downgrade(alembic_config(url), "0019")
    _ticket_before_tiers(url, brand_id)
    upgrade(url)
    command.downgrade(alembic_config(url), "0019")
    engine = make_engine(url)
    with engine.connect() as conn:
        events = conn.execute(text("SELECT count(*) FROM ticket_events WHERE ticket_id = 9")).scalar_one()
        keys_on = conn.exec_driver_sql("PRAGMA foreign_keys").scalar() if conn.dialect.name == "sqlite" else 1
    engine.dispose()
    assert events == 1 and keys_on == 1  # and the app's connections still enforce foreign keys
