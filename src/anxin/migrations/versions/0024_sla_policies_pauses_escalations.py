"""sla policies, clock pauses, escalations: a brand's response and arrival promise, the arrival minutes each ticket
took at intake, pause/resume events, and the escalation and breach records

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 10:00:00

Columns are added in place on both dialects (SQLite's ADD COLUMN with a constant
default needs no rebuild), so a database in use keeps every row: earlier tickets
take the standard 120-minute arrival promise and earlier events are moves.
"""

import sqlalchemy as sa
from alembic import op

import anxin.store.base

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sla_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("response_minutes", sa.Integer(), nullable=False),
        sa.Column("arrival_minutes", sa.Integer(), nullable=False),
        sa.Column("warn_percent", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", anxin.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"], name=op.f("fk_sla_policies_brand_id_brands")),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name=op.f("fk_sla_policies_updated_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policies")),
        sa.UniqueConstraint("brand_id", name=op.f("uq_sla_policies_brand_id")),
    )
    op.create_table(
        "sla_escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("clock", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("notify_role", sa.String(length=16), nullable=False),
        sa.Column("promised_minutes", sa.Integer(), nullable=False),
        sa.Column("elapsed_minutes", sa.Float(), nullable=False),
        sa.Column("due_at", anxin.store.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("detected_at", anxin.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"], name=op.f("fk_sla_escalations_brand_id_brands")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_sla_escalations_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_escalations")),
        sa.UniqueConstraint("ticket_id", "clock", "step", name="uq_sla_escalations_ticket_clock_step"),
    )
    op.create_index(op.f("ix_sla_escalations_brand_id"), "sla_escalations", ["brand_id"], unique=False)
    op.create_index(op.f("ix_sla_escalations_detected_at"), "sla_escalations", ["detected_at"], unique=False)
    op.add_column("tickets", sa.Column("arrival_minutes", sa.Integer(), server_default="120", nullable=False))
    op.add_column("ticket_events", sa.Column("kind", sa.String(length=8), server_default="move", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("arrival_minutes")
    op.drop_index(op.f("ix_sla_escalations_detected_at"), table_name="sla_escalations")
    op.drop_index(op.f("ix_sla_escalations_brand_id"), table_name="sla_escalations")
    op.drop_table("sla_escalations")
    op.drop_table("sla_policies")
