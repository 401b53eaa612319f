"""A plain `pip install .` is a complete site: gunicorn, started with the repository's
gunicorn.conf.py outside the checkout, serves pages in Tajik (compiled catalogs inside the
wheel), fingerprinted static files with long cache headers, and /healthz."""

import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from asti.config import PROJECT_ROOT
from tests.fixtures.server import Gunicorn, fetch, flask_cli, free_port, site_env


def test_every_package_is_built():
    """Every package under asti/ is listed in pyproject.toml, or the wheel would lack it."""
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {
        ".".join(p.parent.relative_to(PROJECT_ROOT).parts)
        for p in (PROJECT_ROOT / "asti").rglob("__init__.py")
    }
    assert found <= set(config["packages"])


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel built from this checkout's files (those git does not ignore), installed
    (without dependencies: they are the test environment's) into a folder of its own. Built
    from a copy: setuptools' build/ folder in the checkout may hold modules deleted since."""
    tmp = tmp_path_factory.mktemp("installed")
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT, check=True, capture_output=True, text=True,
    ).stdout.split("\0")  # fmt: skip
    for name in filter(None, files):
        if (PROJECT_ROOT / name).is_file():  # git lists a file deleted since the last commit
            (tmp / "source" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT_ROOT / name, tmp / "source" / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp / "wheel", "."],
        cwd=tmp / "source", check=True, capture_output=True,
    )  # fmt: skip
    wheel = next((tmp / "wheel").glob("*.whl"))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", tmp / "site",
         wheel],
        check=True, capture_output=True,
    )  # fmt: skip
    return tmp


@pytest.fixture(scope="module")
def server(installed):
    """gunicorn started as deploy/ says, outside the checkout, on the installed package."""
    port = free_port()
    env = site_env(installed / "instance", BIND=f"127.0.0.1:{port}", WORKERS="2")
    env["PYTHONPATH"] = str(installed / "site")
    where = subprocess.run(
        [sys.executable, "-c", "import asti; print(asti.__file__)"],
        cwd=installed, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(installed / "site")), "the checkout was imported"
    log = installed / "gunicorn.log"
    config = PROJECT_ROOT / "deploy" / "gunicorn.conf.py"
    flask_cli(env, "init-db", cwd=installed)
    flask_cli(env, "seed-demo", cwd=installed)
    with Gunicorn(env, log, config=config, port=port, cwd=installed) as gunicorn:
        yield gunicorn


def test_health(server):
    """/healthz answers 200 with the database."""
    base = server.base
    status, _, body = fetch(base + "/healthz")
    assert status == 200 and '"ok"' in body


def test_home_page_in_tajik(server):
    """The installed package renders the Tajik interface from its compiled catalog."""
    base = server.base
    status, headers, body = fetch(base + "/tg/")
    assert status == 200
    assert "Ахбори охирин" in body
    assert headers["Content-Language"] == "tg"


def test_static_file_has_a_hashed_name_and_long_cache(server):
    """Stylesheets are linked by content hash and may be cached for years."""
    base = server.base
    body = fetch(base + "/en/")[2]
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{10}\.css)"', body).group(1)
    status, headers, text = fetch(base + css)
    assert status == 200 and "body" in text
    assert "immutable" in headers["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", headers["Cache-Control"]).group(1)) >= 365 * 86400
    plain = fetch(base + "/static/css/site.css")[1]["Cache-Control"]
    assert "immutable" not in plain  # an unhashed name may change: short cache only


def test_access_log_line(server):
    """One access-log line per request: method, path, status, duration, language."""
    fetch(server.base + "/ru/news/")

    def lines(log: str) -> list[str]:
        return [line for line in log.splitlines() if '"GET /ru/news/ ' in line]

    last = server.wait_for_log(lines, what="the access-log line of GET /ru/news/")[-1]
    assert re.search(r'"GET /ru/news/ HTTP/1\.1" 200 \d+ \d+ms lang=ru$', last)
