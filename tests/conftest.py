"""Fixtures: each test gets its own copy of a database built by the real migrations and
filled by the real demo loader, so tests are isolated and still fast."""

import shutil

import pytest
from flask_migrate import upgrade

from asti import create_app, demo
from asti.extensions import db


def make_app(db_path, **config):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": f"sqlite:///{db_path}",
            **config,
        }
    )


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory):
    """A database file migrated to the latest schema and filled with the demo content."""
    path = tmp_path_factory.mktemp("template") / "asti.db"
    app = make_app(path)
    with app.app_context():
        upgrade()
        demo.load()
        db.session.commit()
        db.engine.dispose()
    return path


@pytest.fixture
def app(seeded_db, tmp_path):
    path = tmp_path / "asti.db"
    shutil.copy(seeded_db, path)
    app = make_app(path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
