"""search: the columns beside the words in a plain table (SQLite)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 11:00:00.000000

On SQLite the FTS5 table kept kind, item, language, status, date and the trash flag as
unindexed columns, which a search read, for every match, from FTS5's content table: most
of the time of a search with many matches (docs/performance.md). They move to a plain
table, ``search_row``, keyed by the FTS rowid; ``search_fts`` keeps only the words. The
rows keep their ids and contents: nothing is indexed again. PostgreSQL's ``search_entry``
is unchanged.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TABLE search_row ("
        "id INTEGER PRIMARY KEY, kind VARCHAR(16) NOT NULL, item_id INTEGER NOT NULL, "
        "lang VARCHAR(2) NOT NULL, status VARCHAR(16) NOT NULL, published_at TEXT NOT NULL, "
        "deleted INTEGER NOT NULL)"
    )
    # An item's rows are found by it when it is saved; one row per item and language.
    op.execute("CREATE UNIQUE INDEX search_row_item ON search_row (kind, item_id, lang)")
    op.execute(
        "INSERT INTO search_row (id, kind, item_id, lang, status, published_at, deleted) "
        "SELECT rowid, kind, item_id, lang, status, published_at, deleted FROM search_fts"
    )
    op.execute(f"CREATE VIRTUAL TABLE search_words USING fts5(title, body, {TOKENIZE})")
    op.execute(
        "INSERT INTO search_words (rowid, title, body) SELECT rowid, title, body FROM search_fts"
    )
    op.execute("DROP TABLE search_fts")
    op.execute("ALTER TABLE search_words RENAME TO search_fts")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE search_old USING fts5("
        "title, body, kind UNINDEXED, item_id UNINDEXED, lang UNINDEXED, "
        f"status UNINDEXED, published_at UNINDEXED, deleted UNINDEXED, {TOKENIZE})"
    )
    op.execute(
        "INSERT INTO search_old (rowid, title, body, kind, item_id, lang, status, "
        "published_at, deleted) SELECT f.rowid, f.title, f.body, r.kind, r.item_id, r.lang, "
        "r.status, r.published_at, r.deleted FROM search_fts AS f JOIN search_row AS r "
        "ON r.id = f.rowid"
    )
    op.execute("DROP TABLE search_fts")
    op.execute("DROP TABLE search_row")
    op.execute("ALTER TABLE search_old RENAME TO search_fts")
