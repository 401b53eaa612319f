"""The full-text index: one row per item and language, written on every flush so it never
lags behind a save, and queried with the database's own engine (SQLite FTS5, or
PostgreSQL's tsvector). Text is folded first, so that a Tajik word typed with Russian
look-alike letters (и for ӣ, х for ҳ, к for қ ...) and any case or accent still match."""

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select, text

from ..extensions import db
from ..models import Publishable, Translation, utcnow
from ..pagecache.state import content_changed, listen
from ..registry import kinds

# Tajik letters whose Russian look-alike a reader may type instead (ӣ, ӯ, й and ё lose
# their marks in `fold` already).
TAJIK_TO_RUSSIAN = str.maketrans({"ҳ": "х", "қ": "к", "ғ": "г", "ҷ": "ч"})
MAX_TERMS = 10
MAX_TERM_LENGTH = 40


def fold(value: str) -> str:
    """Lowercase, without diacritics, Tajik letters as their Russian look-alikes."""
    decomposed = unicodedata.normalize("NFD", value.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.translate(TAJIK_TO_RUSSIAN)


def terms(query: str) -> list[str]:
    """The words of a query, folded; punctuation, quotes and operators are dropped, so
    nothing a reader types can reach the engine's query syntax."""
    words = re.findall(r"\w+", fold(query or ""))
    return [w[:MAX_TERM_LENGTH] for w in words[:MAX_TERMS]]


def table_name(connectable) -> str:
    """Where the index lives (for a connection or an engine): an FTS5 table in SQLite, a
    tsvector table elsewhere."""
    return "search_fts" if connectable.dialect.name == "sqlite" else "search_entry"


def body_fields(translation_model) -> list[str]:
    """What is searched besides the title: every other text staff write but the slug."""
    return [f for f in translation_model.text_fields() if f not in ("title", "slug")]


def _rows(item) -> list[dict]:
    deleted = item.deleted_at is not None
    fields = body_fields(type(item).translation_class)
    return [
        {
            "kind": kinds.of(item).key,
            "item_id": item.id,
            "lang": lang,
            "title": fold(t.title),
            "body": fold(" ".join(getattr(t, f) or "" for f in fields)),
            "status": item.status,
            # An undated draft: its rows are never shown (see status), any date will do.
            "published_at": item.published_at or item.created_at or utcnow(),
            "deleted": deleted,
        }
        for lang, t in item.translations.items()
    ]


def insert(connection, rows: list[dict]) -> None:
    """Add index rows: dicts of kind, item_id, lang, title and body (both folded), status,
    published_at and deleted."""
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        # FTS5 columns are untyped text: the date as a sortable string, a flag as 0 or 1.
        rows = [
            {**row, "published_at": row["published_at"].strftime("%Y-%m-%d %H:%M:%S"),
             "deleted": int(row["deleted"])}
            for row in rows
        ]  # fmt: skip
    connection.execute(
        text(
            f"INSERT INTO {table_name(connection)} (kind, item_id, lang, title, body, status, "
            "published_at, deleted) VALUES (:kind, :item_id, :lang, :title, :body, :status, "
            ":published_at, :deleted)"
        ),
        rows,
    )


def write(connection, items) -> None:
    """Replace the index rows of these items."""
    table = table_name(connection)
    for item in items:
        connection.execute(
            text(f"DELETE FROM {table} WHERE kind = :kind AND item_id = :item_id"),
            {"kind": kinds.of(item).key, "item_id": item.id},
        )
        insert(connection, _rows(item))


def reindex(session, flush_context):
    """Every flush that touches searched content updates its index rows in the same
    transaction."""
    items = set()
    with session.no_autoflush:
        for obj in (*session.new, *session.dirty, *session.deleted):
            if isinstance(obj, Publishable):
                items.add(obj)
            elif isinstance(obj, Translation) and obj.parent is not None:
                items.add(obj.parent)
        searched = set(kinds.models("search"))
        items = {
            i
            for i in items
            if type(i) in searched and i.id is not None and i not in session.deleted
        }
        if items:
            write(session.connection(), items)


def init_app(app) -> None:
    listen(db.session, "after_flush", reindex)


def find_any(session) -> bool:
    """Does the index hold anything at all?"""
    connection = session.connection()
    table = table_name(connection)
    return connection.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None


def rebuild(session) -> int:
    """Index every item again (after a restore, an import, or a change of folding)."""
    connection = session.connection()
    connection.execute(text(f"DELETE FROM {table_name(connection)}"))
    count = 0
    for model in kinds.models("search"):
        items = session.scalars(select(model)).all()
        write(connection, items)
        count += len(items)
    content_changed(session)  # search results may differ
    return count


@dataclass
class Hit:
    kind: str
    item_id: int
    lang: str


def find(session, query: str, lang: str, page: int, per_page: int) -> tuple[list[Hit], int]:
    """Visible items matching every word of the query (as prefixes), best first: each item
    once, in the reader's language ``lang`` if that text matches, else in the language
    that matched best. Returns one page and the total."""
    words = terms(query)
    if not words:
        return [], 0
    connection = session.connection()
    now = utcnow()
    if connection.dialect.name == "sqlite":
        match = " ".join(f'"{w}"*' for w in words)
        visible = (
            "search_fts MATCH :match AND status = 'published' AND deleted = 0 "
            "AND published_at <= :now"
        )
        params = {"match": match, "now": now.strftime("%Y-%m-%d %H:%M:%S"), "lang": lang}
        # bm25() cannot sit inside an aggregate: rank in a materialized step, then keep
        # each item's best row (SQLite returns the other columns of the MIN() row). Text in
        # the reader's language comes before text in the others (bm25 is below 1000).
        ranked = (
            "WITH m AS MATERIALIZED (SELECT kind, item_id, lang, "
            f"bm25(search_fts, 4.0, 1.0) AS score FROM search_fts WHERE {visible}) "
            "SELECT kind, item_id, lang, MIN((lang != :lang) * 1000 + score) AS score "
            "FROM m GROUP BY kind, item_id"
        )
        order = "score"
    else:
        params = {"match": " & ".join(f"{w}:*" for w in words), "now": now, "lang": lang}
        ranked = (
            "SELECT kind, item_id, lang, score FROM ("
            "SELECT kind, item_id, lang, "
            "(lang = :lang)::int * 1000 + ts_rank(document, q) AS score, row_number() OVER ("
            "PARTITION BY kind, item_id ORDER BY (lang = :lang) DESC, ts_rank(document, q) DESC"
            ") AS n "
            "FROM search_entry, to_tsquery('simple', :match) AS q "
            "WHERE document @@ q AND status = 'published' AND NOT deleted "
            "AND published_at <= :now) AS best WHERE n = 1"
        )
        order = "score DESC"
    # One pass over the matches for both the page and the total (the window counts them).
    rows = connection.execute(
        text(
            f"SELECT kind, item_id, lang, count(*) OVER () FROM ({ranked}) AS r "
            f"ORDER BY {order}, kind, item_id LIMIT :limit OFFSET :offset"
        ),
        {**params, "limit": per_page, "offset": (page - 1) * per_page},
    ).all()
    if not rows and page > 1:  # past the last page: the total is still wanted
        total = connection.execute(text(f"SELECT count(*) FROM ({ranked}) AS r"), params).scalar()
        return [], total
    return [Hit(kind, item_id, lang) for kind, item_id, lang, _total in rows], (
        rows[0][3] if rows else 0
    )
