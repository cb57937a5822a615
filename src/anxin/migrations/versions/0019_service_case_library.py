"""service case library: write-ups of solved repairs, with a full-text index per dialect

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 10:00:00

The table is what autogenerate writes for ``anxin.service.knowledge.models``.
The search index is not an ORM object, so it is made here by hand: an FTS5
table on SQLite, a GIN expression index on PostgreSQL (see that module).
"""

import sqlalchemy as sa
from alembic import op

import anxin.store.base

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# Copied, not imported: a migration must keep meaning what it meant when it was written.
FTS5_TABLE = "CREATE VIRTUAL TABLE library_search USING fts5(title, body, tokenize = 'unicode61')"
PG_INDEX = (
    "CREATE INDEX ix_library_articles_search ON library_articles USING gin ("
    "(setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'B')))"
)


def upgrade() -> None:
    op.create_table(
        "library_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("ticket_number", sa.String(length=24), nullable=False),
        sa.Column("lock_model", sa.String(length=64), nullable=False),
        sa.Column("fault", sa.String(length=32), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("symptom", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("fix", sa.Text(), nullable=False),
        sa.Column("parts", sa.String(length=512), nullable=False),
        sa.Column("search_title", sa.Text(), nullable=False),
        sa.Column("search_body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=64), nullable=False),
        sa.Column("created_at", anxin.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", anxin.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_library_articles_author_id_users")),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"], name=op.f("fk_library_articles_brand_id_brands")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_library_articles_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_articles")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_library_articles_ticket_id")),
    )
    with op.batch_alter_table("library_articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_library_articles_brand_id"), ["brand_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_library_articles_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_library_articles_fault"), ["fault"], unique=False)
        batch_op.create_index(batch_op.f("ix_library_articles_lock_model"), ["lock_model"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(FTS5_TABLE)
    else:
        op.execute(PG_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE library_search")  # an FTS5 table takes its shadow tables with it
    else:
        op.execute("DROP INDEX ix_library_articles_search")
    with op.batch_alter_table("library_articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_library_articles_lock_model"))
        batch_op.drop_index(batch_op.f("ix_library_articles_fault"))
        batch_op.drop_index(batch_op.f("ix_library_articles_created_at"))
        batch_op.drop_index(batch_op.f("ix_library_articles_brand_id"))
    op.drop_table("library_articles")
