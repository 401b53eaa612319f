"""the media library: texts per photo and language, a gallery per item

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 19:00:00

An item's image description (``image_alt`` of each translation) becomes the description
of the photo itself, in the same language, and an item's photo becomes the first photo of
its gallery: nothing staff wrote is dropped.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("news", "program", "region", "page")


def upgrade():
    with op.batch_alter_table("image", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(255), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("bytes", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "image_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("alt", sa.String(300), nullable=False),
        sa.Column("caption", sa.String(1000), nullable=False),
        sa.Column("credit", sa.String(300), nullable=False),
        sa.ForeignKeyConstraint(["image_id"], ["image.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("image_id", "lang"),
    )
    for table in TABLES:
        op.create_table(
            f"{table}_photo",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column(f"{table}_id", sa.Integer(), nullable=False),
            sa.Column("image_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint([f"{table}_id"], [f"{table}.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["image_id"], ["image.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table(f"{table}_photo", schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_photo_{table}_id", [f"{table}_id"])
            batch_op.create_index(f"ix_{table}_photo_image_id", ["image_id"])
        op.execute(
            f"INSERT INTO {table}_photo (position, {table}_id, image_id) "
            f"SELECT 0, id, image_id FROM {table} WHERE image_id IS NOT NULL"
        )
        # The first description written for a photo wins, language by language.
        op.execute(
            f"INSERT INTO image_text (image_id, lang, alt, caption, credit) "
            f"SELECT i.image_id, t.lang, MIN(t.image_alt), '', '' "
            f"FROM {table}_translation t JOIN {table} i ON i.id = t.{table}_id "
            f"WHERE i.image_id IS NOT NULL AND t.image_alt <> '' "
            f"AND NOT EXISTS (SELECT 1 FROM image_text x "
            f"WHERE x.image_id = i.image_id AND x.lang = t.lang) "
            f"GROUP BY i.image_id, t.lang"
        )
        with op.batch_alter_table(f"{table}_translation", schema=None) as batch_op:
            batch_op.drop_column("image_alt")


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(f"{table}_translation", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("image_alt", sa.String(300), nullable=False, server_default="")
            )
        op.execute(
            f"UPDATE {table}_translation SET image_alt = COALESCE((SELECT x.alt FROM "
            f"image_text x JOIN {table} i ON x.image_id = i.image_id "
            f"WHERE i.id = {table}_translation.{table}_id "
            f"AND x.lang = {table}_translation.lang), '')"
        )
        op.drop_table(f"{table}_photo")
    op.drop_table("image_text")
    with op.batch_alter_table("image", schema=None) as batch_op:
        batch_op.drop_column("bytes")
        batch_op.drop_column("name")
