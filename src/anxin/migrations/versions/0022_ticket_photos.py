"""ticket photos: the customer's own photos of the lock, attached at booking

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 20:10:00

A JSON list of upload digests on the ticket, added in place (SQLite's ADD COLUMN
with a constant default needs no table rebuild, so ticket events are untouched).
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("photos", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("photos")
