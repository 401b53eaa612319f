"""The application factory: secret key, configuration layers, database location, health."""

import os
import subprocess
import sys

import pytest

from asti import create_app
from asti.config import PROJECT_ROOT
from tests.fixtures.apps import make_app
from tests.fixtures.server import clean_env


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An empty instance folder, and no ASTI_* setting from the environment."""
    for name in os.environ:
        if name.startswith("ASTI_"):
            monkeypatch.delenv(name)
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("ASTI_INSTANCE_PATH", str(folder))
    return folder


def import_wsgi(tmp_path, **env):
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=PROJECT_ROOT,
        env=clean_env(ASTI_INSTANCE_PATH=str(tmp_path), **env),
        capture_output=True,
        text=True,
    )


def test_wsgi_refuses_to_start_without_secret_key(tmp_path):
    """The production entry point stops with a message naming ASTI_SECRET_KEY."""
    run = import_wsgi(tmp_path)
    assert run.returncode != 0
    assert "RuntimeError" in run.stderr
    assert "ASTI_SECRET_KEY" in run.stderr


def test_wsgi_starts_with_secret_key(tmp_path):
    """The same entry point starts once ASTI_SECRET_KEY is set."""
    run = import_wsgi(tmp_path, ASTI_SECRET_KEY="a-long-random-string")
    assert run.returncode == 0, run.stderr


def test_factory_refuses_missing_secret_key(instance):
    """Outside debug and testing, a missing secret key is an error."""
    with pytest.raises(RuntimeError, match="ASTI_SECRET_KEY"):
        create_app({"SECRET_KEY": None, "TESTING": False})


def test_configuration_layers(instance, monkeypatch):
    """Defaults, then instance/config.py, then ASTI_* variables, then the test mapping."""
    (instance / "config.py").write_text('SECRET_KEY = "from-file"\nNEWS_PER_PAGE = 3\n')
    config = create_app().config
    assert (config["SECRET_KEY"], config["NEWS_PER_PAGE"], config["OTHER_NEWS"]) == (
        "from-file",
        3,
        5,
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'asti.db'}"

    monkeypatch.setenv("ASTI_SECRET_KEY", "from-env")
    monkeypatch.setenv("ASTI_NEWS_PER_PAGE", "4")
    config = create_app().config
    assert (config["SECRET_KEY"], config["NEWS_PER_PAGE"]) == ("from-env", 4)

    config = create_app({"SECRET_KEY": "from-test", "NEWS_PER_PAGE": 7}).config
    assert (config["SECRET_KEY"], config["NEWS_PER_PAGE"]) == ("from-test", 7)


def test_database_url_from_environment(instance, monkeypatch, tmp_path):
    """ASTI_DATABASE_URL replaces the default SQLite file."""
    monkeypatch.setenv("ASTI_SECRET_KEY", "x")
    monkeypatch.setenv("ASTI_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    uri = create_app().config["SQLALCHEMY_DATABASE_URI"]
    assert uri == f"sqlite:///{tmp_path / 'other.db'}"


def test_healthz(client):
    """The health check answers 200 when the database does."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_without_database(tmp_path):
    """An unreachable database gives 503, not an error page."""
    app = make_app(tmp_path / "missing" / "asti.db")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "database unavailable"}
    assert not (tmp_path / "missing").exists()


def test_empty_secret_key_is_refused(monkeypatch, tmp_path):
    """ASTI_SECRET_KEY= left empty (an env template not filled in) is no secret either."""
    monkeypatch.setenv("ASTI_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ASTI_SECRET_KEY", "")
    with pytest.raises(RuntimeError, match="ASTI_SECRET_KEY"):
        create_app({"TESTING": False, "DATABASE_URL": "sqlite://"})


def test_hsts_only_over_https(client):
    """Strict-Transport-Security is sent over HTTPS, never over plain HTTP."""
    secure = client.get("/en/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/en/").headers


def test_proxy_fix_is_opt_in(seeded_db, tmp_path):
    """X-Forwarded-Proto makes the request secure only with ASTI_PROXY_FIX."""
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    for trusted in (False, True):
        app = make_app(seeded_db, PROXY_FIX=trusted)
        response = app.test_client().get("/en/", headers=forwarded)
        assert ("Strict-Transport-Security" in response.headers) is trusted
