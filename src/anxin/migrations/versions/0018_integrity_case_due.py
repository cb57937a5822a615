"""integrity cases: when the review queue expects the next step

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 15:40:00
"""

import sqlalchemy as sa
from alembic import op

import anxin.store.base

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("integrity_cases") as batch:
        batch.add_column(sa.Column("due_at", anxin.store.base.UtcDateTime(), nullable=True))
        batch.create_index(batch.f("ix_integrity_cases_due_at"), ["due_at"], unique=False)
    # Cases opened before the queue had an SLA are due at once: nobody has promised them a later date.
    op.execute("UPDATE integrity_cases SET due_at = updated_at WHERE status != 'closed'")


def downgrade() -> None:
    with op.batch_alter_table("integrity_cases") as batch:
        batch.drop_index(batch.f("ix_integrity_cases_due_at"))
        batch.drop_column("due_at")
