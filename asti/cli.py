"""Commands for ``flask --app asti ...``: schema, demo content, users and catalogs."""

import subprocess
import sys

import click
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from . import demo
from .config import LANGUAGES, PROJECT_ROOT
from .extensions import db
from .models import ROLES, News, User

MIN_PASSWORD = 10


@click.command("init-db")
@with_appcontext
def init_db():
    """Create the schema, or upgrade it to the latest migration."""
    upgrade()
    click.echo("Database schema is up to date.")


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
    click.echo(f"Demo content: {created} new items." if created else "Demo content present.")


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
@click.option("--role", type=click.Choice(ROLES), default="editor", show_default=True)
@with_appcontext
def create_user(email, role):
    """Create a staff account that can log in to the editor."""
    email = email.strip().lower()
    if "@" not in email.strip("@"):
        raise click.ClickException(f"{email!r} is not an email address.")
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


translate = AppGroup("translate", help="Extract, update and compile the interface catalogs.")
POT = "translations/messages.pot"


def pybabel(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args], cwd=PROJECT_ROOT, check=True
    )


@translate.command("extract")
def extract():
    """Collect the interface strings into translations/messages.pot."""
    pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "-o", POT, ".")


@translate.command("update")
def update():
    """Extract, then merge new strings into every language's catalog."""
    extract.callback()
    for lang in LANGUAGES:
        pybabel("update", "-i", POT, "-d", "translations", "-l", lang, "--no-fuzzy-matching",
                "--ignore-pot-creation-date")  # fmt: skip


@translate.command("compile")
def compile_():
    """Compile the catalogs to the .mo files the site reads."""
    pybabel("compile", "-d", "translations", "--statistics")


def init_app(app) -> None:
    for command in (init_db, seed_demo, create_user, translate):
        app.cli.add_command(command)
