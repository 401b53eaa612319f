"""The full-text index: one row per item and language, written on every flush so it never
lags behind a save, and queried with the database's own engine (SQLite FTS5, or
PostgreSQL's tsvector). Text is folded first, so that a Tajik word typed with Russian
look-alike letters (и for ӣ, х for ҳ, к for қ ...) and any case or accent still match."""

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select, text

from ..config import LANGUAGES
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


def tables(connectable) -> list[str]:
    """Where the index lives (for a connection or an engine): in SQLite an FTS5 table of the
    words and a plain table of the rest (search_row); elsewhere one tsvector table."""
    if connectable.dialect.name == "sqlite":
        return ["search_fts", "search_row"]
    return ["search_entry"]


def table_name(connectable) -> str:
    """The table of the words."""
    return tables(connectable)[0]


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
    if connection.dialect.name != "sqlite":
        connection.execute(
            text(
                "INSERT INTO search_entry (kind, item_id, lang, title, body, status, "
                "published_at, deleted) VALUES (:kind, :item_id, :lang, :title, :body, :status, "
                ":published_at, :deleted)"
            ),
            rows,
        )
        return
    # SQLite: the words in FTS5, the rest in a plain table (search_row) that a search reads
    # far faster, under the same id. The ids are the next free ones, chosen here: a write
    # holds SQLite's one write lock, and an executemany returns no ids.
    first = connection.execute(text("SELECT coalesce(max(id), 0) + 1 FROM search_row")).scalar()
    rows = [
        {**row, "id": first + n,
         # as in the database before search_row: the date a sortable string, a flag 0 or 1
         "published_at": row["published_at"].strftime("%Y-%m-%d %H:%M:%S"),
         "deleted": int(row["deleted"])}
        for n, row in enumerate(rows)
    ]  # fmt: skip
    connection.execute(
        text(
            "INSERT INTO search_row (id, kind, item_id, lang, status, published_at, deleted) "
            "VALUES (:id, :kind, :item_id, :lang, :status, :published_at, :deleted)"
        ),
        rows,
    )
    connection.execute(
        text("INSERT INTO search_fts (rowid, title, body) VALUES (:id, :title, :body)"), rows
    )


def write(connection, items) -> None:
    """Replace the index rows of these items."""
    of_item = "kind = :kind AND item_id = :item_id"
    if connection.dialect.name == "sqlite":
        # FTS5 rows are found by id only: through search_row, before its rows go.
        removals = [
            f"DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_row WHERE {of_item})",
            f"DELETE FROM search_row WHERE {of_item}",
        ]
    else:
        removals = [f"DELETE FROM search_entry WHERE {of_item}"]
    for item in items:
        for removal in removals:
            connection.execute(text(removal), {"kind": kinds.of(item).key, "item_id": item.id})
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
    for table in tables(connection):
        connection.execute(text(f"DELETE FROM {table}"))
    count = 0
    for model in kinds.models("search"):
        items = session.scalars(select(model)).all()
        write(connection, items)
        count += len(items)
    content_changed(session)  # search results may differ
    return count


#: How many matching texts are ranked at most: the most recently written ones. Ranking
#: costs about a microsecond per match, so a word found in a third of 100,000 news would
#: cost each search more than all the rest of its page; such a search says that it shows
#: the best of the most recent matches, and that another word narrows it.
MOST_RANKED = 1000


@dataclass
class Hit:
    kind: str
    item_id: int
    lang: str


@dataclass
class Found:
    hits: list[Hit]  # one page
    total: int  # items found (among the ranked texts)
    #: More texts matched than were ranked (MOST_RANKED): the best of the most recent shown.
    narrowed: bool = False


def find(session, query: str, lang: str, page: int, per_page: int) -> Found:
    """Visible items matching every word of the query (as prefixes), best first: each item
    once, in the reader's language ``lang`` if that text matches, else in the language
    that matched best. Returns one page and the total."""
    words = terms(query)
    if not words:
        return Found([], 0)
    connection = session.connection()
    now = utcnow()
    # The most recent visible matching rows (MOST_RANKED), scored so that lower is better:
    # text in the reader's language first (its score is below 1000), then the best match.
    if connection.dialect.name == "sqlite":
        match = " ".join(f'"{w}"*' for w in words)
        params = {"match": match, "now": now.strftime("%Y-%m-%d %H:%M:%S"), "lang": lang}
        visible = (
            "search_fts MATCH :match AND status = 'published' AND deleted = 0 "
            "AND published_at <= :now"
        )
        # bm25() is negative, lower for a better match; the other columns come from the
        # plain table, by the FTS rowid (FTS5 reads its own stored columns far slower).
        # FTS5 walks its matches newest row first and stops at the limit: only those are
        # scored.
        matched = (
            "SELECT kind, item_id, lang, "
            "CASE WHEN lang = :lang THEN 0 ELSE 1000 END + bm25(search_fts, 4.0, 1.0) AS score "
            f"FROM search_fts JOIN search_row ON search_row.id = search_fts.rowid WHERE {visible} "
            "ORDER BY search_fts.rowid DESC LIMIT :most"
        )
    else:
        params = {"match": " & ".join(f"{w}:*" for w in words), "now": now, "lang": lang}
        matched = (
            "SELECT kind, item_id, lang, "
            "CASE WHEN lang = :lang THEN 0 ELSE 1000 END - ts_rank(document, q) AS score "
            "FROM search_entry, to_tsquery('simple', :match) AS q "
            "WHERE document @@ q AND status = 'published' AND NOT deleted "
            "AND published_at <= :now ORDER BY published_at DESC LIMIT :most"
        )
    offset = (page - 1) * per_page
    # The matches are scored once (a CTE that is MATERIALIZED) and read twice: for the
    # total, and for the page. Sorting every match by item to keep each item's best row
    # would cost as much as scoring them; an item has at most one row per language, so the
    # best rows of the first N items are among the first N x languages rows: only those are
    # sorted by item. The LEFT JOIN gives the total even past the last page.
    rows = connection.execute(
        text(
            f"WITH m AS MATERIALIZED ({matched}), "
            "total AS (SELECT (SELECT count(*) FROM m) AS ranked, "
            "count(*) AS n FROM (SELECT DISTINCT kind, item_id FROM m) AS d), "
            "ahead AS (SELECT * FROM m ORDER BY score, kind, item_id LIMIT :ahead), "
            "best AS (SELECT *, row_number() OVER ("
            "PARTITION BY kind, item_id ORDER BY score) AS nth FROM ahead), "
            "hits AS (SELECT * FROM best WHERE nth = 1 "
            "ORDER BY score, kind, item_id LIMIT :limit OFFSET :offset) "
            "SELECT hits.kind, hits.item_id, hits.lang, total.n, total.ranked FROM total "
            "LEFT JOIN hits ON 1 = 1 ORDER BY hits.score, hits.kind, hits.item_id"
        ),
        {**params, "most": MOST_RANKED, "ahead": len(LANGUAGES) * (offset + per_page),
         "limit": per_page, "offset": offset},
    ).all()  # fmt: skip
    hits = [Hit(kind, item_id, lang) for kind, item_id, lang, _n, _ranked in rows if kind]
    return Found(hits, rows[0][3], narrowed=rows[0][4] >= MOST_RANKED)
