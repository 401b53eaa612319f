"""Fixtures: each test gets its own copy of a database built by the real migrations and
filled by the real demo loader (``tests/fixtures/apps.py``), so tests are isolated and
still fast; staff accounts and logged-in browsers; the site on loopback in Chromium.

Helpers that test modules share live in ``tests/fixtures/``: no test module imports from
another test module, nor from this file."""

import contextlib

import pytest

from tests.fixtures import browser as chromium
from tests.fixtures.apps import POSTGRES, Postgres, build, database_copy, dispose, make_app
from tests.fixtures.server import SiteError
from tests.fixtures.staff import ADMIN, EDITOR, SECOND, add_account, staff_client


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
    """The app on a fresh copy of the demo database, with its instance folder (uploaded
    images) in the test's own folder, never in the checkout's."""
    with database_copy(seeded_db, postgres, tmp_path) as database:
        app = make_app(database)
        app.instance_path = str(tmp_path / "instance")
        yield app
        dispose(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def worker(app):
    """Makes another app instance (another gunicorn worker) on the test's database."""
    made = []

    def make(**config):
        made.append(make_app(app.config["SQLALCHEMY_DATABASE_URI"], **config))
        return made[-1]

    yield make
    for other in made:
        dispose(other)


@pytest.fixture
def accounts(app) -> dict[str, int]:
    """An administrator and two editors, created directly in the database."""
    roles = {ADMIN: "admin", EDITOR: "editor", SECOND: "editor"}
    return {email: add_account(app, email, role) for email, role in roles.items()}


@pytest.fixture
def admin(app, accounts):
    """A browser logged in to the editor (in English) as the administrator ADMIN."""
    return staff_client(app, ADMIN)


@pytest.fixture
def editor(app, accounts):
    """A browser logged in to the editor (in English) as the editor EDITOR."""
    return staff_client(app, EDITOR)


@pytest.fixture(scope="session")
def say(pytestconfig):
    """Writes lines to the terminal, past pytest's output capture."""

    def write(*lines: str) -> None:
        reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
        capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
        if reporter is None:
            return
        with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
            reporter.ensure_newline()
            for line in lines:
                reporter.write_line(line)

    return write


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, driven by Playwright; CI installs it, so its absence fails."""
    if not chromium.CHROMIUM.exists():
        pytest.fail(chromium.MISSING)
    with chromium.chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    """gunicorn serving a fresh demo site (``tests/fixtures/browser.py``) on a free loopback
    port; its base URL."""
    with contextlib.ExitStack() as stack:
        try:
            base = stack.enter_context(chromium.demo_site(tmp_path_factory.mktemp("server")))
        except SiteError as error:
            pytest.fail(str(error))
        yield base


def pytest_report_header(config):
    return f"database: {'PostgreSQL at ' + POSTGRES if POSTGRES else 'SQLite files'}"
