"""The database: Flask-SQLAlchemy bound to the app, Alembic when a command needs it, and
the SQLite settings that let several gunicorn workers write without "database is locked"."""

from pathlib import Path

from flask import current_app, has_request_context, request
from sqlalchemy import event

from .extensions import db

MIGRATIONS = Path(__file__).parent / "migrations"

#: How long a writer waits for another worker's write to finish before giving up.
SQLITE_BUSY_MS = 15_000
READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}


def sqlite_connect(dbapi_connection, connection_record):
    # Transactions are begun below, by SQLAlchemy's "begin" event, not by the driver.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL: readers never wait for the writer; a busy timeout: writers queue instead of
    # failing; foreign keys: SQLite ignores them unless told.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode across app crashes
    cursor.close()


def sqlite_begin(connection):
    # A request that may write takes the write lock at once (BEGIN IMMEDIATE): a deferred
    # transaction that reads, then writes, can fail at once with "database is locked" when
    # another worker wrote meanwhile, whatever the busy timeout. Reads stay deferred, and
    # so do commands (one person at a time, often with two connections open).
    writes = has_request_context() and request.method not in READ_ONLY_METHODS
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def init_app(app) -> None:
    """Bind the database; give SQLite engines the settings above."""
    app.config["SQLALCHEMY_DATABASE_URI"] = (
        app.config["DATABASE_URL"] or f"sqlite:///{Path(app.instance_path) / 'asti.db'}"
    )
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", sqlite_connect)
                event.listen(engine, "begin", sqlite_begin)


def migrations(app=None):
    """Flask-Migrate bound to ``app`` (default: the current one), on first use: by the
    commands that migrate or check the schema, never by a request. Importing it imports
    Alembic, which would be an eighth of each web worker's memory."""
    app = app or current_app
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    return app.extensions["migrate"]


def upgrade(revision: str = "head") -> None:
    """Migrate the current app's database up to ``revision``."""
    migrations()
    from flask_migrate import upgrade

    upgrade(revision=revision)


def downgrade(revision: str) -> None:
    """Migrate the current app's database down to ``revision``."""
    migrations()
    from flask_migrate import downgrade

    downgrade(revision=revision)
