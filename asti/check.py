"""``flask --app asti check``: is this installation ready to serve?

Registered through the ``flask.commands`` entry point rather than by the app, so that it
still runs, and says what is wrong, when the app itself refuses to start."""

import contextlib
import getpass
import os
import tempfile
from pathlib import Path

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from . import create_app
from .config import LANGUAGES
from .database import migrations
from .extensions import db
from .registry import kinds
from .search import index

MIN_SECRET = 32
GENERATE_SECRET = "python3 -c 'import secrets; print(secrets.token_hex(32))'"
INIT_DB = "flask --app asti init-db"
#: pip writes a wheel's files in one go, .po possibly just after its .mo: not "stale".
MTIME_SLACK = 10

Result = tuple[bool, str]  # (True, what is fine) or (False, what to do)


def secret_key(app: Flask, refusal: str | None) -> Result:
    """Sessions and CSRF tokens are signed with it: long, random, and set."""
    if refusal:
        return False, refusal
    key = app.config["SECRET_KEY"] or ""
    if len(key) < MIN_SECRET:
        return False, (
            f"the secret key has {len(key)} characters: set ASTI_SECRET_KEY to a random "
            f"string of at least {MIN_SECRET} ({GENERATE_SECRET})"
        )
    return True, f"secret key set ({len(key)} characters)"


def switched_off(app: Flask, name: str, how: str) -> Result:
    """DEBUG and TESTING change error handling and security checks: never in production."""
    if app.config[name]:
        config_file = Path(app.instance_path) / "config.py"
        return False, f"{name.lower()} mode is on: remove {how}, and {name} from {config_file}"
    return True, f"{name} off"


def sqlite_file() -> Path | None:
    """The SQLite database file, if the database is one."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).resolve()


def database_answers() -> Result:
    """The same question /healthz asks."""
    url = db.engine.url.render_as_string(hide_password=True)
    path = sqlite_file()
    # Connecting would create an empty file, owned by whoever runs the check (root?).
    if path and path.parent.is_dir() and not path.exists():
        return False, f"no database file {path} yet: run {INIT_DB}"
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        reason = " ".join(str(getattr(error, "orig", None) or error).split())
        return False, (
            f"the database {url} does not answer ({reason}): check ASTI_DATABASE_URL and that "
            "the database server runs (schema and search index not checked)"
        )
    return True, f"database answers ({url})"


def schema_current() -> Result:
    """The database's Alembic revision is the newest one this code ships."""
    script = ScriptDirectory.from_config(migrations().migrate.get_config())
    heads = set(script.get_heads())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current == heads:
        return True, f"schema at the latest migration ({', '.join(sorted(heads))})"
    if not current:
        return False, f"the database has no schema yet: run {INIT_DB}"
    if current <= {revision.revision for revision in script.walk_revisions()}:
        return False, (
            f"the schema is at migration {', '.join(sorted(current))}, this code needs "
            f"{', '.join(sorted(heads))}: back up the database, then run {INIT_DB}"
        )
    return False, (
        f"the database is at migration {', '.join(sorted(current))}, which this code does "
        "not know: install the version that migrated it, or restore the backup"
    )


def search_index() -> Result:
    """The index table exists, and is filled when there is content to find."""
    table = index.table_name(db.engine)
    if not inspect(db.engine).has_table(table):
        return False, f"no search index (table {table}): run {INIT_DB}"
    content = any(db.session.scalar(select(m.id).limit(1)) for m in kinds.models())
    if content and not index.find_any(db.session):
        return False, "the search index is empty but the site has content: run search-rebuild"
    return True, "search index present"


def catalogs(app: Flask) -> Result:
    """A compiled, current catalog per language, where Flask-Babel looks for it."""
    folders = [
        Path(app.root_path, folder)  # relative folders count from the package, as in Babel
        for folder in app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
    ]
    missing, stale = [], []
    for lang in LANGUAGES:
        found = [f / lang / "LC_MESSAGES" for f in folders]
        found = [d for d in found if (d / "messages.mo").is_file()]
        if not found:
            missing.append(lang)
            continue
        mo, po = found[0] / "messages.mo", found[0] / "messages.po"
        if po.is_file() and po.stat().st_mtime > mo.stat().st_mtime + MTIME_SLACK:
            stale.append(lang)
    where = ";".join(str(f) for f in folders)
    compile_hint = "run `flask --app asti translate compile` in a checkout, or reinstall"
    if missing:
        return False, f"no messages.mo for {', '.join(missing)} in {where}: {compile_hint}"
    if stale:
        return False, f"messages.mo older than messages.po for {', '.join(stale)}: {compile_hint}"
    return True, f"catalogs compiled for {', '.join(LANGUAGES)}"


def writable(folder: Path) -> bool:
    """Can this process create a file there? (Asked by trying: permissions alone miss
    read-only mounts and systemd's ProtectSystem.)"""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def folder_writable(folder: Path, why: str, create: bool = False) -> Result:
    """The folder exists (made if asked) and this user can write there."""
    if create:
        with contextlib.suppress(OSError):  # a failure is reported just below
            if not folder.exists():
                folder.mkdir()
                # Made by root (sudo flask ...)? Give it to the service, who owns the parent.
                owner = folder.parent.stat()
                os.chown(folder, owner.st_uid, owner.st_gid)
    if not folder.is_dir():
        return False, f"{why} {folder} does not exist: create it, owned by {getpass.getuser()}"
    if not writable(folder):
        return False, f"{why} {folder} is not writable by {getpass.getuser()}: chown it"
    return True, f"{why} {folder} writable"


def sqlite_folder() -> Result | None:
    """SQLite writes its journal beside the database file."""
    path = sqlite_file()
    return path and folder_writable(path.parent, "database folder (SQLite's journal)")


def results(app: Flask, refusal: str | None):
    """Every check's result in turn."""
    yield secret_key(app, refusal)
    yield switched_off(app, "DEBUG", "FLASK_DEBUG and ASTI_DEBUG from the environment")
    yield switched_off(app, "TESTING", "ASTI_TESTING from the environment")
    answered = database_answers()
    yield answered
    if answered[0]:
        yield schema_current()
        yield search_index()
    yield catalogs(app)
    instance = Path(app.instance_path)
    yield folder_writable(instance, "instance folder")
    yield folder_writable(instance / "media", "media folder", create=True)
    yield sqlite_folder()


def load_app() -> tuple[Flask, str | None]:
    """The app as configured, and its refusal to start if it refused."""
    try:
        return create_app(), None
    except RuntimeError as error:  # no secret key: report that, and check the rest
        return create_app({"SECRET_KEY": "check-only"}), str(error)


@click.command("check")
def check():
    """Check the configuration, database, catalogs and folders before serving."""
    try:
        app, refusal = load_app()
    except Exception as error:  # whatever stops the app from starting is the answer here
        click.echo(f"PROBLEM: the app does not start: {type(error).__name__}: {error}")
        raise SystemExit(1) from None
    problems = 0
    with app.app_context():
        try:
            for result in results(app, refusal):
                if result is None:
                    continue
                fine, message = result
                problems += not fine
                click.echo(f"ok: {message}" if fine else f"PROBLEM: {message}")
        finally:
            db.engine.dispose()
    if problems:
        raise SystemExit(1)
