"""service members: a brand's membership tiers, the customer's tier, the promise each ticket took at intake

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 19:00:00

Tickets opened before tiers existed took the standard promise: 30 minutes to
respond, no discount, no queue priority — the server defaults fill them in.
The upgrade adds columns in place on both dialects, so a database in use keeps
every row; the downgrade rebuilds the two tables on SQLite (batch mode).
"""

import sqlalchemy as sa
from alembic import op

import anxin.store.base

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_tiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("priority_dispatch", sa.Boolean(), nullable=False),
        sa.Column("response_minutes", sa.Integer(), nullable=False),
        sa.Column("discount_percent", sa.Integer(), nullable=False),
        sa.Column("created_at", anxin.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", anxin.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"], name=op.f("fk_member_tiers_brand_id_brands")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_tiers")),
        sa.UniqueConstraint("brand_id", "name", name="uq_member_tiers_brand_name"),
        sa.UniqueConstraint("brand_id", "rank", name="uq_member_tiers_brand_rank"),
    )
    with op.batch_alter_table("member_tiers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_tiers_brand_id"), ["brand_id"], unique=False)

    _add_tier_reference("customers")
    _add_tier_reference("tickets")
    op.add_column("tickets", sa.Column("response_minutes", sa.Integer(), server_default="30", nullable=False))
    op.add_column("tickets", sa.Column("discount_percent", sa.Integer(), server_default="0", nullable=False))
    op.add_column("tickets", sa.Column("queue_priority", sa.Integer(), server_default="0", nullable=False))


def _add_tier_reference(table: str) -> None:
    """A nullable ``member_tier_id`` with its foreign key, added in place.

    Not a batch rebuild on SQLite: copying and dropping a table other tables
    point at (ticket events cascade from tickets) would fail or lose rows of a
    database in use, while ADD COLUMN … REFERENCES needs no rebuild.
    """
    foreign_key = f"fk_{table}_member_tier_id_member_tiers"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN member_tier_id INTEGER CONSTRAINT {foreign_key} REFERENCES member_tiers (id)"
        )
    else:
        op.add_column(table, sa.Column("member_tier_id", sa.Integer(), nullable=True))
        op.create_foreign_key(foreign_key, table, "member_tiers", ["member_tier_id"], ["id"])
    op.create_index(f"ix_{table}_member_tier_id", table, ["member_tier_id"], unique=False)


def downgrade() -> None:
    _drop_tier_reference("tickets", "queue_priority", "discount_percent", "response_minutes")
    _drop_tier_reference("customers")
    with op.batch_alter_table("member_tiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_tiers_brand_id"))
    op.drop_table("member_tiers")


def _drop_tier_reference(table: str, *other_columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":  # SQLite reports no name for a column's key; it goes with it
            batch_op.drop_constraint(f"fk_{table}_member_tier_id_member_tiers", type_="foreignkey")
        batch_op.drop_index(f"ix_{table}_member_tier_id")
        for column in (*other_columns, "member_tier_id"):
            batch_op.drop_column(column)
