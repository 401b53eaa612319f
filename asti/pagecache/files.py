"""The pages folder (PAGE_CACHE_DIR): public pages written as files that nginx sends
without asking the application (deploy/nginx.conf). The folder is labelled with the
content token its pages belong to, and emptied when the content changes."""

import secrets
import shutil
from pathlib import Path

import click
from flask import current_app, has_app_context
from flask.cli import with_appcontext

from ..extensions import db
from .state import CHANGED_KEY, STATE, current_state, listen

TOKEN_FILE = ".token"


def clear(folder: Path, token: str) -> None:
    """Empty the folder of pages and label it with the token its next pages belong to."""
    folder.mkdir(parents=True, exist_ok=True)
    for child in folder.iterdir():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        elif child.name != TOKEN_FILE:
            child.unlink(missing_ok=True)
    write_atomically(folder / TOKEN_FILE, token.encode())


def folder_token(folder: Path) -> str | None:
    try:
        return (folder / TOKEN_FILE).read_text()
    except OSError:
        return None


def write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    temporary.write_bytes(data)
    temporary.replace(path)


def clear_after_commit(session):
    """A committed change of the content empties the folder at once."""
    if session.info.pop(CHANGED_KEY, False) and has_app_context():
        folder = current_app.config["PAGE_CACHE_DIR"]
        if folder:
            with db.engine.connect() as connection:
                clear(Path(folder), connection.execute(STATE).one().token)


@click.command("pages-refresh")
@with_appcontext
def pages_refresh():
    """Make the scheduled items that are due appear, and empty PAGE_CACHE_DIR if the
    content changed (here or on another server). Run every minute by deploy/asti-pages.timer."""
    state = current_state(db.engine)
    folder = current_app.config["PAGE_CACHE_DIR"]
    if folder and folder_token(Path(folder)) != state.token:
        clear(Path(folder), state.token)
        click.echo("Pages folder emptied.")


def init_app(app) -> None:
    listen(db.session, "after_commit", clear_after_commit)
    app.cli.add_command(pages_refresh)
