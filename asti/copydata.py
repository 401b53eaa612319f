"""``flask --app asti copy-data --to URL``: the site's database (normally SQLite) copied
into an empty PostgreSQL database, for a site that outgrows one server (docs/deploy.md,
"Scaling out").

All of it happens in one transaction of the target, schema included (PostgreSQL's DDL is
transactional): the target is migrated to the latest schema, every table is copied with its
primary keys, the id sequences are moved past the copied ids, the search index is built,
and the rows are counted on both sides. Any error or difference rolls all of it back."""

from collections.abc import Callable

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    bindparam,
    create_engine,
    delete,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from .database import migrations
from .extensions import db
from .models import ContentState
from .search import index

#: Rows read and written at a time: memory stays small on a site of any size.
BATCH = 1000
#: The one row a migration writes itself (the content token): the source's replaces it.
MIGRATION_ROWS = {ContentState.__tablename__}


class CopyError(Exception):
    """Why nothing was written to the target."""


def copy(source: Engine, url: str, echo: Callable[[str], None]) -> dict[str, tuple[int, int]]:
    """Copy every table of ``source`` into the empty PostgreSQL database at ``url``; the
    rows of each table on both sides (equal, or CopyError and nothing written)."""
    if make_url(url).get_backend_name() != "postgresql":
        raise CopyError("the target must be a PostgreSQL database (postgresql+psycopg://...)")
    try:
        target = create_engine(url)
    except ImportError:
        raise CopyError("the PostgreSQL driver is missing: pip install '.[postgres]'") from None
    config = migrations().migrate.get_config()
    try:
        # The source is read in one transaction: every table from the same moment.
        with source.connect() as reading, target.connect() as writing, writing.begin():
            at_head(reading, config)
            refuse_content(writing)
            # Migrations run on this connection, inside its transaction (asti/migrations/env.py).
            config.attributes["connection"] = writing
            command.upgrade(config, "head")
            echo("Target migrated to the latest schema.")
            writing.execute(delete(ContentState.__table__))
            for table in db.metadata.sorted_tables:
                copy_table(reading, writing, table)
            reset_sequences(writing)
            with Session(bind=writing) as session:  # joins the transaction, never commits it
                echo(f"Search index built: {index.rebuild(session)} items.")
            counts = {
                table.name: (rows(reading, table), rows(writing, table))
                for table in db.metadata.sorted_tables
            }
            report(counts, echo)
            differ = [name for name, (mine, theirs) in counts.items() if mine != theirs]
            if differ:
                raise CopyError(f"the row counts differ in {', '.join(differ)}")
    finally:
        target.dispose()
    return counts


def at_head(connection: Connection, config) -> None:
    """The source must have the schema of this code: its tables are read with the models'."""
    heads = set(ScriptDirectory.from_config(config).get_heads())
    if set(MigrationContext.configure(connection).get_current_heads()) != heads:
        raise CopyError("this site's database is not at the latest migration: run init-db first")


def refuse_content(connection: Connection) -> None:
    """A target with any row in it (but the migration's own) is someone's site: refused
    before anything is written, so a mistyped URL cannot mix two sites or lose one."""
    present = set(inspect(connection).get_table_names())
    found = [
        f"{table.name} ({n})"
        for table in db.metadata.sorted_tables
        if table.name in present and table.name not in MIGRATION_ROWS
        if (n := rows(connection, table))
    ]
    if "search_entry" in present and connection.scalar(text("SELECT count(*) FROM search_entry")):
        found.append("search_entry")
    if found:
        raise CopyError(f"the target database is not empty: {', '.join(found)}")


def rows(connection: Connection, table) -> int:
    return connection.scalar(select(func.count()).select_from(table))


def copy_table(reading: Connection, writing: Connection, table) -> None:
    """Every row, with its primary key, in batches. A reference to a row of the same
    table (a region's parent) may point forward: it is written once every row is in."""
    own = [fk.parent for fk in table.foreign_keys if fk.column.table is table]
    later = []
    key = list(table.primary_key.columns)
    result = reading.execution_options(yield_per=BATCH).execute(select(table).order_by(*key))
    for batch in result.mappings().partitions():
        values = [dict(row) for row in batch]
        for row in values:
            if any(row[c.key] is not None for c in own):
                later.append({f"_{c.key}": row[c.key] for c in [*key, *own]})
                row.update({c.key: None for c in own})
        writing.execute(insert(table), values)
    if later:
        # Every other column keeps its value: no "updated now" from a column's onupdate.
        kept = {c.key: c for c in table.columns if c.onupdate is not None}
        fill = (
            update(table)
            .where(*(c == bindparam(f"_{c.key}") for c in key))
            .values({c.key: bindparam(f"_{c.key}") for c in own} | kept)
        )
        writing.execute(fill, later)


def reset_sequences(connection: Connection) -> None:
    """Rows were written with their ids, which leaves PostgreSQL's id sequences at 1: each
    goes past the largest id, so that the next new row gets a fresh one."""
    quote = connection.dialect.identifier_preparer.format_table
    for table in db.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer):
            continue  # a link table or a named setting: no sequence
        sequence = connection.scalar(select(func.pg_get_serial_sequence(quote(table), key[0].name)))
        if sequence:
            largest = select(func.coalesce(func.max(key[0]), 0)).scalar_subquery()
            connection.execute(select(func.setval(sequence, largest + 1, False)))


def report(counts: dict[str, tuple[int, int]], echo: Callable[[str], None]) -> None:
    width = max(map(len, counts))
    echo(f"{'table':<{width}}  {'source':>8}  {'target':>8}")
    for name, (mine, theirs) in counts.items():
        mark = "" if mine == theirs else "  DIFFERENT"
        echo(f"{name:<{width}}  {mine:>8}  {theirs:>8}{mark}")
