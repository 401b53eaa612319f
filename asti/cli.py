"""Commands for ``flask --app asti ...``: schema, demo content, stored HTML, photo files
(unused ones removed, missing renditions written), the database copied into PostgreSQL,
users and catalogs."""

import csv
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po
from flask import current_app, url_for
from flask.cli import AppGroup, ScriptInfo, with_appcontext
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from wtforms.i18n import messages_path as wtforms_messages_path

from . import backup, demo
from .config import LANGUAGES, PROJECT_ROOT
from .database import migrations, upgrade
from .extensions import db
from .images import add_missing_renditions
from .models import (
    MIN_PASSWORD,
    ROLES,
    AuditEntry,
    Image,
    LegacyRedirect,
    News,
    ResetLink,
    User,
    email_address,
    legacy_paths,
)
from .registry import kinds
from .search import index


@click.command("init-db")
@with_appcontext
def init_db():
    """Create the schema, or upgrade it to the latest migration, and fill the search index."""
    upgrade()
    click.echo("Database schema is up to date.")
    # A database from before the search index (or restored without it) gets one now.
    if not index.find_any(db.session):
        count = index.rebuild(db.session)
        db.session.commit()
        click.echo(f"Search index built: {count} items.")


@click.command("search-rebuild")
@with_appcontext
def search_rebuild():
    """Index every item for search again."""
    count = index.rebuild(db.session)
    db.session.commit()
    click.echo(f"Search index rebuilt: {count} items.")


@click.command("redirects-import")
@click.argument("csv_file", type=click.File(encoding="utf-8-sig"))
@with_appcontext
def redirects_import(csv_file):
    """Import old-site addresses from a CSV file of rows: old path, new path."""
    added = updated = 0
    for number, row in enumerate(csv.reader(csv_file), start=1):
        if not row or row[0].strip().lower() in {"old", "old_path", "from"}:
            continue  # blank line or header
        if len(row) < 2:
            raise click.ClickException(f"Line {number}: expected two columns, old and new.")
        try:
            old, target = legacy_paths(row[0], row[1])
        except ValueError as error:
            raise click.ClickException(f"Line {number}: {error}") from None
        entry = db.session.scalar(select(LegacyRedirect).where(LegacyRedirect.old_path == old))
        if entry is None:
            db.session.add(LegacyRedirect(old_path=old, target=target))
            added += 1
        elif entry.target != target:
            entry.target = target
            updated += 1
    db.session.commit()
    click.echo(f"Redirects: {added} added, {updated} changed.")


def media_folder() -> Path:
    return Path(current_app.instance_path) / "media"


#: The name of a photo's folder under media/: 16 hex digits (asti/images.py).
MEDIA_KEY = re.compile(r"[0-9a-f]{16}")
#: A folder younger than this may be a photo being uploaded right now, whose record is not
#: committed yet: it is left for the next time.
PRUNE_AFTER = 3600


@click.command("prune-media")
@click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
@with_appcontext
def prune_media(dry_run):
    """Remove the photo folders under media/ that no photo of the library uses (those of
    deleted photos): files stay on disk when a photo is deleted, until this runs."""
    root = media_folder()
    keys = set(db.session.scalars(select(Image.key)))
    recent = time.time() - PRUNE_AFTER
    folders = sorted(root.iterdir()) if root.is_dir() else []
    removed = 0
    for folder in folders:
        if folder.is_symlink() or not folder.is_dir() or not MEDIA_KEY.fullmatch(folder.name):
            continue  # not a photo's folder: never touched
        if folder.name in keys:
            continue
        if max((p.stat().st_mtime for p in [folder, *folder.iterdir()]), default=0) > recent:
            click.echo(f"Kept {folder.name}: changed in the last hour (an upload in progress?).")
            continue
        if not dry_run:
            shutil.rmtree(folder)
        click.echo(f"{'Would remove' if dry_run else 'Removed'} {folder.name}")
        removed += 1
    verb = "to remove" if dry_run else "removed"
    click.echo(f"Unused photo folders {verb}: {removed}.")


@click.command("regenerate-renditions")
@with_appcontext
def regenerate_renditions():
    """Write the photo files that the current rendition widths call for and that are
    missing (after an upgrade that adds a width), each from its photo's largest stored
    file. Safe while the site runs; a second run writes nothing."""
    root = media_folder()
    query = select(Image.id, Image.key, Image.width).order_by(Image.id)
    written = problems = 0
    for image_id, key, width in db.session.execute(query).all():
        try:
            made = add_missing_renditions(root, key, width)
        except (OSError, ValueError) as error:
            # Reported, and the next photo is done all the same; the exit status says it.
            made = getattr(error, "written", [])
            problems += 1
            click.echo(f"Photo {image_id} ({key}): {error}.", err=True)
        if made:
            click.echo(f"Photo {image_id} ({key}): wrote {', '.join(made)}")
        written += len(made)
    click.echo(f"Rendition files written: {written}.")
    if problems:
        raise click.ClickException(f"Photos that could not be completed: {problems} (see above).")


@click.command("backup")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(folder):
    """Back up the database and the uploaded images into FOLDER (new or empty)."""
    try:
        made = backup.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], media_folder(), folder)
    except (FileExistsError, subprocess.CalledProcessError, sqlite3.Error) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup of the {made['engine']} database and the images written to {folder}.")


@click.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(folder, yes):
    """Replace the database and the uploaded images by the backup in FOLDER."""
    if not yes:
        click.confirm("This replaces all content and images by the backup. Continue?", abort=True)
    db.session.remove()
    db.engine.dispose()  # no pooled connection may keep the old database open
    try:
        made = backup.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], media_folder(), folder)
    except (FileNotFoundError, ValueError, subprocess.CalledProcessError, sqlite3.Error) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored the backup of {made['created']}.")


@click.command("copy-data")
@click.option(
    "--to",
    "url",
    required=True,
    metavar="URL",
    help="An empty PostgreSQL database, e.g. postgresql+psycopg://asti:PASSWORD@10.0.0.5/asti.",
)
@with_appcontext
def copy_data(url):
    """Copy everything in this site's database into an empty PostgreSQL database: migrate
    it to the latest schema, copy every table, build its search index and compare the row
    counts, all in one transaction (nothing is written unless all of it succeeds)."""
    from . import copydata  # it imports Alembic, which the web workers never load

    try:
        counts = copydata.copy(db.engine, url, click.echo)
    except copydata.CopyError as error:
        raise click.ClickException(f"Nothing copied: {error}.") from None
    except DBAPIError as error:  # the server refused, a value does not fit...
        raise click.ClickException(f"Nothing copied: {error.orig}") from None
    total = sum(mine for mine, _ in counts.values())
    where = make_url(url).render_as_string(hide_password=True)
    click.echo(f"Copied {total} rows of {len(counts)} tables into {where}.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing if the site has any news yet.")
@with_appcontext
def seed_demo(if_empty):
    """Load the demo content; items that already exist are left as they are."""
    if if_empty and db.session.scalar(select(News.id).limit(1)) is not None:
        click.echo("The site has content already: demo content not loaded.")
        return
    created = demo.load()
    db.session.commit()
    click.echo(
        f"Demo content: {created} items and old addresses added."
        if created
        else "Demo content present."
    )


@click.command("rerender")
@with_appcontext
def rerender():
    """Render every stored text's HTML again with the current Markdown renderer, and list
    the texts whose HTML changed. No translation becomes outdated: the texts are the same."""
    changed = 0
    for kind in kinds:
        texts = kind.model.translation_class
        for t in db.session.scalars(select(texts).order_by(texts.parent_id, texts.lang)):
            if t.render():
                changed += 1
                click.echo(f"{kind.key} {t.parent_id} {t.lang}: {t.title}")
    db.session.commit()
    click.echo(f"Texts rendered again: {changed} changed.")


def read_new_password() -> str:
    """Ask twice; from a pipe, read the two answers as two lines."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    click.echo("Password (from standard input, twice):")
    first, second = sys.stdin.readline().rstrip("\n"), sys.stdin.readline().rstrip("\n")
    if first != second:
        raise click.ClickException("The two passwords differ.")
    return first


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(list(ROLES)), default="editor", show_default=True)
@with_appcontext
def create_user(email, role):
    """Create a staff account that can log in to the editor."""
    address = email_address(email)
    if address is None:
        raise click.ClickException(f"{email.strip()!r} is not an email address.")
    email = address
    if db.session.scalar(select(User).where(User.email == email)):
        raise click.ClickException(f"A user {email} exists already.")
    password = read_new_password()
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"The password needs at least {MIN_PASSWORD} characters.")
    user = User(email=email, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email}.")


@click.command("reset-password")
@click.argument("email")
@click.option("--base-url", help="The site's address, e.g. https://asti.tj, for a full link.")
@with_appcontext
def reset_password(email, base_url):
    """Print a one-time link (24 hours) that sets a new password for an account."""
    user = db.session.scalar(select(User).where(User.email == email_address(email)))
    if user is None:
        raise click.ClickException(f"There is no account {email.strip()!r}.")
    token = ResetLink.create(user)
    db.session.add(AuditEntry(action="reset link created", detail=f"{user.email} (command line)"))
    db.session.commit()
    server = current_app.config.get("SERVER_NAME")
    scheme = current_app.config["PREFERRED_URL_SCHEME"]
    base_url = base_url or (f"{scheme}://{server}" if server else None)
    with current_app.test_request_context(base_url=base_url or "http://localhost"):
        path = url_for("editor.reset_password", token=token)
        full = url_for("editor.reset_password", token=token, _external=True)
    click.echo(f"Reset link for {user.email}, valid once within 24 hours:")
    click.echo(path)
    if base_url:
        click.echo(full)


translate = AppGroup("translate", help="Extract, update and compile the interface catalogs.")
POT = "translations/messages.pot"


def pybabel(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args], cwd=PROJECT_ROOT, check=True
    )


#: The functions that mark interface strings: Babel's own, and the lazy ones of forms and
#: module-level tables.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_ngettext": (1, 2), "lazy_pgettext": ((1, "c"), 2)}


def interface_messages() -> Catalog:
    """The interface strings of the code and templates, with where each is used and the
    comments for translators (``# TRANSLATORS:``), and WTForms' own messages, which the
    forms take from our catalogs (``asti.editor.forms.Messages``)."""
    catalog = Catalog(project="asti", charset="utf-8")
    with (PROJECT_ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(PROJECT_ROOT, method_map, options_map, keywords=KEYWORDS,
                             comment_tags=("TRANSLATORS:",))  # fmt: skip
    for path, line, message, comments, context in found:
        catalog.add(message, locations=[(path, line)], auto_comments=comments, context=context)
    with (Path(wtforms_messages_path()) / "wtforms.pot").open("rb") as f:
        for message in read_po(f):
            if message.id and message.id not in catalog:
                catalog.add(message.id, locations=message.locations, flags=message.flags,
                            auto_comments=["WTForms' own message: a form error."])  # fmt: skip
    return catalog


@translate.command("extract")
def extract():
    """Collect the interface strings into translations/messages.pot."""
    with (PROJECT_ROOT / POT).open("wb") as f:
        write_po(f, interface_messages(), sort_by_file=True, width=76)


@translate.command("update")
def update():
    """Extract, then merge new strings into every language's catalog."""
    extract.callback()
    for lang in LANGUAGES:
        pybabel("update", "-i", POT, "-d", "translations", "-l", lang, "--no-fuzzy-matching",
                "--ignore-pot-creation-date", "--ignore-obsolete")  # fmt: skip


@translate.command("compile")
def compile_():
    """Compile the catalogs to the .mo files the site reads."""
    pybabel("compile", "-d", "translations", "--statistics")


class MigrationCommands(click.Group):
    """Flask-Migrate's commands (``flask --app asti db upgrade`` ...), imported when they
    are asked for: Flask-Migrate imports Alembic, which the web workers never need."""

    def make_context(self, info_name, args, parent=None, **extra):
        migrations(parent.ensure_object(ScriptInfo).load_app())
        from flask_migrate.cli import db as commands

        return commands.make_context(info_name, args, parent=parent, **extra)


def init_app(app) -> None:
    app.cli.add_command(MigrationCommands("db", help="Migrate the database's schema (Alembic)."))
    for command in (
        init_db,
        search_rebuild,
        redirects_import,
        prune_media,
        regenerate_renditions,
        backup_command,
        restore_command,
        copy_data,
        seed_demo,
        rerender,
        create_user,
        reset_password,
        translate,
    ):
        app.cli.add_command(command)
