"""service visit records and complaints: check-in, photos, parts, signature, idempotent steps; complaints, refunds

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 19:00:00

The tables are what autogenerate writes for ``anxin.service.visits.models`` and
``anxin.service.complaints.models``. ``visit_steps`` is unique on (ticket, key):
that constraint is what makes a step the phone retries apply once.
"""

import sqlalchemy as sa
from alembic import op

import anxin.store.base

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=True),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("text_sealed", sa.Text(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("promised_warranty_until", anxin.store.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("promised_response_minutes", sa.Integer(), nullable=False),
        sa.Column("responded_minutes", sa.Integer(), nullable=True),
        sa.Column("parts_charged_fen", sa.Integer(), nullable=False),
        sa.Column("refund_fen", sa.Integer(), nullable=True),
        sa.Column("refund_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", anxin.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", anxin.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"], name=op.f("fk_complaints_brand_id_brands")),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["technicians.id"], name=op.f("fk_complaints_technician_id_technicians")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_complaints_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("number", name=op.f("uq_complaints_number")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaints_brand_id"), ["brand_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "visit_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", anxin.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_visit_files_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["uploaded_by"], ["users.id"], name=op.f("fk_visit_files_uploaded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_files")),
    )
    with op.batch_alter_table("visit_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_files_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "visit_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("part_key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_fen", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("created_at", anxin.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", anxin.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["added_by"], ["users.id"], name=op.f("fk_visit_parts_added_by_users")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_visit_parts_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_parts")),
        sa.UniqueConstraint("ticket_id", "part_key", name=op.f("uq_visit_parts_ticket_id")),
    )
    op.create_table(
        "visit_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("checked_in_at", anxin.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("located", sa.Boolean(), nullable=False),
        sa.Column("accuracy_m", sa.Integer(), nullable=True),
        sa.Column("position_sealed", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_visit_records_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_records")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_visit_records_ticket_id")),
    )
    op.create_table(
        "visit_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", anxin.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_visit_steps_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_visit_steps_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_steps")),
        sa.UniqueConstraint("ticket_id", "key", name=op.f("uq_visit_steps_ticket_id")),
    )
    op.create_table(
        "complaint_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=64), nullable=False),
        sa.Column("at", anxin.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_complaint_events_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_events_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_events")),
    )
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_events_complaint_id"), ["complaint_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_events_complaint_id"))

    op.drop_table("complaint_events")
    op.drop_table("visit_steps")
    op.drop_table("visit_records")
    op.drop_table("visit_parts")
    with op.batch_alter_table("visit_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_files_ticket_id"))

    op.drop_table("visit_files")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaints_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_complaints_status"))
        batch_op.drop_index(batch_op.f("ix_complaints_created_at"))
        batch_op.drop_index(batch_op.f("ix_complaints_category"))
        batch_op.drop_index(batch_op.f("ix_complaints_brand_id"))

    op.drop_table("complaints")
