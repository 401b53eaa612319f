"""content version for page caches; indexes for the lists and slug lookups

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 12:20:00

"""

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    content_state = op.create_table(
        "content_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("next_change_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_state")),
    )
    # The one row every request reads; `next_change_at` is filled by the next save (an
    # upgraded site with scheduled items: `flask --app asti pages-refresh` fills it now).
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(content_state, [{"id": 1, "token": secrets.token_hex(16), "changed_at": now}])
    op.create_index(
        "ix_news_listing", "news", ["status", "deleted_at", "published_at", "id"], unique=False
    )
    op.create_index("ix_news_translation_slug", "news_translation", ["slug"], unique=False)
    op.create_index("ix_news_region_region_id", "news_region", ["region_id"], unique=False)


def downgrade():
    op.drop_index("ix_news_region_region_id", table_name="news_region")
    op.drop_index("ix_news_translation_slug", table_name="news_translation")
    op.drop_index("ix_news_listing", table_name="news")
    op.drop_table("content_state")
