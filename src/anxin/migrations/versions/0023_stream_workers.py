"""stream workers: decisions written by scaled-out workers, and their partitions' snapshots

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 22:00:00

Two new tables; nothing existing changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "integrity_stream_decisions",
        sa.Column("tenant", sa.String(128), primary_key=True),
        sa.Column("event_id", sa.String(128), primary_key=True),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("time_ms", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("fired", sa.Text(), nullable=False),
        sa.Column("ruleset", sa.String(32), nullable=False),
        sa.Column("enqueued_ms", sa.BigInteger(), nullable=False),
        sa.Column("decided_ms", sa.BigInteger(), nullable=False),
        sa.Column("worker", sa.String(64), nullable=False),
    )
    op.create_index("ix_integrity_stream_decisions_action", "integrity_stream_decisions", ["action"])
    op.create_index("ix_integrity_stream_decisions_decided_ms", "integrity_stream_decisions", ["decided_ms"])
    op.create_table(
        "integrity_stream_snapshots",
        sa.Column("namespace", sa.String(64), primary_key=True),
        sa.Column("partition", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("entry_ms", sa.BigInteger(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.Column("features", sa.LargeBinary(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("integrity_stream_snapshots")
    op.drop_index("ix_integrity_stream_decisions_decided_ms", table_name="integrity_stream_decisions")
    op.drop_index("ix_integrity_stream_decisions_action", table_name="integrity_stream_decisions")
    op.drop_table("integrity_stream_decisions")
