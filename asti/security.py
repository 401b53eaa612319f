"""Response headers that tell browsers what this site may do, and SQLite settings that
let several gunicorn workers write without "database is locked"."""

import sqlite3

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

#: No inline scripts or styles and no other hosts: the site needs none. JSON-LD blocks
#: are data, not scripts, and are not affected.
CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
#: How long a writer waits for another worker's write to finish before giving up.
SQLITE_BUSY_MS = 15_000
READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}


def init_app(app) -> None:
    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        # Once a browser has seen the site over HTTPS, it must never fall back to HTTP.
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
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


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name != "sqlite":
        return
    # A request that may write takes the write lock at once (BEGIN IMMEDIATE): a deferred
    # transaction that reads, then writes, can fail at once with "database is locked" when
    # another worker wrote meanwhile, whatever the busy timeout. Reads stay deferred, and
    # so do commands (one person at a time, often with two connections open).
    writes = has_request_context() and request.method not in READ_ONLY_METHODS
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
