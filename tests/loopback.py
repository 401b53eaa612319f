"""The site on loopback, for the browser tests and the reports (Lighthouse): the `flask`
commands an operator runs, and gunicorn on a free port until /healthz answers."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import gunicorn

from asti.config import PROJECT_ROOT

HOST = "127.0.0.1"
STARTUP_SECONDS = 30
# Since 25.1 gunicorn opens a control socket in ~/.gunicorn/ by default, shared by every
# gunicorn of the user (`make run`, another test run): a test server keeps out of it.
NO_CONTROL_SOCKET = ["--no-control-socket"] if gunicorn.version_info >= (25, 1) else []


class SiteError(RuntimeError):
    """A command failed, or the server did not start."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def flask_cli(env: dict, *args: str, stdin: str | None = None) -> str:
    """`python -m flask --app asti ARGS`, as an operator runs it; its output."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "asti", *args],
        cwd=PROJECT_ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise SiteError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout.strip()


def log_tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def start_gunicorn(env: dict, log: Path, workers: int = 2) -> tuple[str, subprocess.Popen]:
    """gunicorn serving the site with ``env``; its base URL once /healthz answers 200."""
    port = free_port()
    base = f"http://{HOST}:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}", "--workers",
             str(workers), *NO_CONTROL_SOCKET, "wsgi:app"],
            cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            raise SiteError(f"gunicorn exited with {process.returncode}:\n{log_tail(log)}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return base, process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            stop(process)
            raise SiteError(f"no answer from /healthz in {STARTUP_SECONDS} s:\n{log_tail(log)}")
        time.sleep(0.1)
