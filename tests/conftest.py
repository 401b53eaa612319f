"""Fixtures: each test gets its own copy of a database built by the real migrations and
filled by the real demo loader, so tests are isolated and still fast.

With ASTI_TEST_DATABASE_URL set to a PostgreSQL server (``.ci/run`` starts one), the same
tests run on PostgreSQL: the copies are databases made from a template database."""

import contextlib
import itertools
import os
import shutil

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from asti import create_app, demo
from asti.extensions import db

POSTGRES = os.environ.get("ASTI_TEST_DATABASE_URL")


def make_app(database, **config):
    """The app on a database: a SQLite file path, or a database URL."""
    url = database if isinstance(database, str) and "://" in database else f"sqlite:///{database}"
    return create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": url, **config})


def build(database):
    """Migrate to the latest schema and load the demo content."""
    app = make_app(database)
    with app.app_context():
        upgrade()
        demo.load()
        db.session.commit()
        db.engine.dispose()


class Postgres:
    """Databases on the test server: one template, then a cheap copy per test."""

    def __init__(self, url: str):
        self.url = make_url(url)
        self.admin = create_engine(self.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        self.names = (f"asti_test_{os.getpid()}_{n}" for n in itertools.count())
        self.template = f"asti_template_{os.getpid()}"

    def run(self, sql: str):
        with self.admin.connect() as connection:
            connection.execute(text(sql))

    def create(self, name: str, template: str | None = None) -> str:
        self.run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.run(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, name: str):
        self.run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres():
    if not POSTGRES:
        yield None
        return
    server = Postgres(POSTGRES)
    build(server.create(server.template))
    yield server
    server.drop(server.template)
    server.admin.dispose()


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory, postgres):
    """A SQLite database file migrated and filled with the demo content (also built when
    the tests run on PostgreSQL: some tests are about SQLite files themselves)."""
    path = tmp_path_factory.mktemp("template") / "asti.db"
    build(path)
    return path


@pytest.fixture
def app(seeded_db, postgres, tmp_path):
    if postgres is not None:
        name = next(postgres.names)
        database = postgres.create(name, template=postgres.template)
    else:
        database = tmp_path / "asti.db"
        shutil.copy(seeded_db, database)
    app = make_app(database)
    yield app
    with app.app_context():
        db.engine.dispose()
    if postgres is not None:
        postgres.drop(name)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def say(config, *lines: str) -> None:
    """Write lines to the terminal, past pytest's output capture."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        reporter.ensure_newline()
        for line in lines:
            reporter.write_line(line)


def pytest_report_header(config):
    return f"database: {'PostgreSQL at ' + POSTGRES if POSTGRES else 'SQLite files'}"
