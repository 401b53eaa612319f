"""`flask --app asti check`, run as an operator runs it: a real process, a clean
environment, an instance folder of its own."""

import os
import shutil
import subprocess
import sys

import pytest

from asti.check import MTIME_SLACK, catalogs
from asti.config import LANGUAGES, PROJECT_ROOT
from tests.fixtures.apps import make_app
from tests.fixtures.server import clean_env

SECRET = "s" * 64


def flask(instance, *args, **env):
    """Run `flask --app asti ARGS` with only these ASTI_*/FLASK_* variables."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "asti", *args],
        cwd=PROJECT_ROOT,
        env=clean_env(ASTI_INSTANCE_PATH=str(instance), **env),
        capture_output=True,
        text=True,
    )


def problems(run) -> list[str]:
    return [line for line in run.stdout.splitlines() if line.startswith("PROBLEM")]


@pytest.fixture(scope="session")
def migrated(tmp_path_factory):
    """A SQLite database made by the real `init-db`, once."""
    folder = tmp_path_factory.mktemp("migrated")
    run = flask(folder, "init-db", ASTI_SECRET_KEY=SECRET)
    assert run.returncode == 0, run.stderr
    return folder / "asti.db"


@pytest.fixture
def instance(migrated, tmp_path):
    """An instance folder of its own holding a copy of that database."""
    folder = tmp_path / "instance"
    folder.mkdir()
    shutil.copy(migrated, folder / "asti.db")
    return folder


def test_good_configuration(instance):
    """A complete installation: every line ok, exit 0, and media/ made for uploads."""
    run = flask(instance, "check", ASTI_SECRET_KEY=SECRET)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) >= 9
    assert all(line.startswith("ok: ") for line in lines), run.stdout
    assert (instance / "media").is_dir()


def test_missing_secret_key(instance):
    """The app refuses to start; check says why, still checks the rest, and fails."""
    run = flask(instance, "check")
    assert run.returncode == 1
    assert [line for line in problems(run) if "ASTI_SECRET_KEY" in line]
    assert "ok: schema at the latest migration" in run.stdout


def test_short_secret_key(instance):
    run = flask(instance, "check", ASTI_SECRET_KEY="too-short")
    assert run.returncode == 1
    assert problems(run) == [
        "PROBLEM: the secret key has 9 characters: set ASTI_SECRET_KEY to a random string "
        "of at least 32 (python3 -c 'import secrets; print(secrets.token_hex(32))')"
    ]


def test_debug_mode(instance):
    run = flask(instance, "check", ASTI_SECRET_KEY=SECRET, FLASK_DEBUG="1")
    assert run.returncode == 1
    [problem] = problems(run)
    assert "debug mode is on" in problem


def test_database_never_initialised(tmp_path):
    """An empty database file: told to run init-db, for the schema and the search index."""
    (tmp_path / "asti.db").touch()
    run = flask(tmp_path, "check", ASTI_SECRET_KEY=SECRET)
    assert run.returncode == 1
    assert problems(run) == [
        "PROBLEM: the database has no schema yet: run flask --app asti init-db",
        "PROBLEM: no search index (table search_fts): run flask --app asti init-db",
    ]


def test_no_database_file_is_not_created(tmp_path):
    """Without a database file, check says so and does not leave an empty one behind."""
    run = flask(tmp_path, "check", ASTI_SECRET_KEY=SECRET)
    assert run.returncode == 1
    assert problems(run) == [
        f"PROBLEM: no database file {tmp_path / 'asti.db'} yet: run flask --app asti init-db"
    ]
    assert not (tmp_path / "asti.db").exists()


def test_unreachable_database(instance, tmp_path):
    """A SQLite file in a folder that does not exist: the database and its folder."""
    url = f"sqlite:///{tmp_path / 'missing' / 'asti.db'}"
    run = flask(instance, "check", ASTI_SECRET_KEY=SECRET, ASTI_DATABASE_URL=url)
    assert run.returncode == 1
    database, folder = problems(run)
    assert "does not answer" in database and "ASTI_DATABASE_URL" in database
    assert f"{tmp_path / 'missing'} does not exist" in folder
    assert "schema" not in run.stdout.replace("(schema and search index not checked)", "")


def test_schema_behind(instance):
    """A database one migration behind the code: back up, then init-db."""
    run = flask(instance, "db", "downgrade", ASTI_SECRET_KEY=SECRET)
    assert run.returncode == 0, run.stderr
    run = flask(instance, "check", ASTI_SECRET_KEY=SECRET)
    assert run.returncode == 1
    assert "back up the database, then run flask --app asti init-db" in run.stdout


def test_stale_catalog_is_reported(tmp_path):
    """A .po newer than its .mo means someone forgot to compile."""
    for lang in LANGUAGES:
        folder = tmp_path / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.mo").touch()
        (folder / "messages.po").touch()
    po = tmp_path / "ru" / "LC_MESSAGES" / "messages.po"
    later = po.stat().st_mtime + MTIME_SLACK + 60
    os.utime(po, (later, later))
    app = make_app(tmp_path / "asti.db", BABEL_TRANSLATION_DIRECTORIES=str(tmp_path))
    fine, message = catalogs(app)
    assert not fine
    assert message.startswith("messages.mo older than messages.po for ru:")
