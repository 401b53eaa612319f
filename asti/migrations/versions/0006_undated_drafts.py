"""a draft has no publication date until staff choose one or publish it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ("news", "program", "region", "page")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("published_at", existing_type=sa.DateTime(), nullable=True)


def downgrade():
    for table in TABLES:
        op.execute(f"UPDATE {table} SET published_at = created_at WHERE published_at IS NULL")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("published_at", existing_type=sa.DateTime(), nullable=False)
