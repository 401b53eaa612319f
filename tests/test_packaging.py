"""A plain `pip install .` is a complete site: gunicorn, started with the repository's
gunicorn.conf.py outside the checkout, serves pages in Tajik (compiled catalogs inside the
wheel), fingerprinted static files with long cache headers, and /healthz."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request

import pytest

from asti.config import PROJECT_ROOT


def test_every_package_is_built():
    """Every package under asti/ is listed in pyproject.toml, or the wheel would lack it."""
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {
        ".".join(p.parent.relative_to(PROJECT_ROOT).parts)
        for p in (PROJECT_ROOT / "asti").rglob("__init__.py")
    }
    assert found <= set(config["packages"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read().decode()


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel built from this checkout, installed (without dependencies: they are the
    test environment's) into a folder of its own."""
    tmp = tmp_path_factory.mktemp("installed")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp / "wheel", "."],
        cwd=PROJECT_ROOT, check=True, capture_output=True,
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
    instance = installed / "instance"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ASTI_", "FLASK_"))},
        "PYTHONPATH": str(installed / "site"),
        "ASTI_SECRET_KEY": secrets.token_hex(32),
        "ASTI_INSTANCE_PATH": str(instance),
        "ASTI_BIND": f"127.0.0.1:{free_port()}",
        "ASTI_WORKERS": "2",
    }
    where = subprocess.run(
        [sys.executable, "-c", "import asti; print(asti.__file__)"],
        cwd=installed, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(installed / "site")), "the checkout was imported"
    for args in (["init-db"], ["seed-demo"]):
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "asti", *args],
            cwd=installed, env=env, check=True, capture_output=True,
        )  # fmt: skip
    log = installed / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", PROJECT_ROOT / "deploy" / "gunicorn.conf.py",
             "wsgi:app"],
            cwd=installed, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://{env['ASTI_BIND']}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if fetch(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield base, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_health(server):
    """/healthz answers 200 with the database."""
    base, _ = server
    status, _, body = fetch(base + "/healthz")
    assert status == 200 and '"ok"' in body


def test_home_page_in_tajik(server):
    """The installed package renders the Tajik interface from its compiled catalog."""
    base, _ = server
    status, headers, body = fetch(base + "/tg/")
    assert status == 200
    assert "Ахбори охирин" in body
    assert headers["Content-Language"] == "tg"


def test_static_file_has_a_hashed_name_and_long_cache(server):
    """Stylesheets are linked by content hash and may be cached for years."""
    base, _ = server
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
    base, log = server
    fetch(base + "/ru/news/")
    time.sleep(0.5)
    lines = [line for line in log.read_text().splitlines() if '"GET /ru/news/ ' in line]
    assert lines, log.read_text()
    assert re.search(r'"GET /ru/news/ HTTP/1\.1" 200 \d+ \d+ms lang=ru$', lines[-1])
