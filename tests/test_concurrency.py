"""Concurrency against a real server: gunicorn with two sync workers on a loopback port,
on the same kind of database as the rest of the suite (a copy of the seeded SQLite file, or
a PostgreSQL database made from the template), with accounts created in it beforehand.

Clients are plain urllib browsers with their own cookie jars. The access log names the
worker (pid) that served each request, so the tests can tell where requests landed.

1. Two editors save the same item at the same moment: one save wins (302), the other gets
   the conflict page (409) with both texts; the database holds the winner's text and its
   revision. No lost update, no silent overwrite.
2. A stream of saves while workers are killed with SIGKILL, mid-request: every save that
   was acknowledged (302 received) is in the database, the last one is the item's text,
   and the SQLite file passes its integrity check.
3. A burst of reads and saves from six clients at once: no 5xx, and no "database is
   locked" anywhere in the server's log.
"""

import contextlib
import functools
import http.cookiejar
import os
import re
import signal
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from asti.extensions import db
from asti.models import News, Revision
from tests.fixtures.apps import database_copy, dispose, make_app
from tests.fixtures.html import form_fields
from tests.fixtures.server import Gunicorn, poll, site_env
from tests.fixtures.staff import add_account, login_data, theirs

EDITORS = ("alice@asti.tj", "bob@asti.tj", "carol@asti.tj")
TIMEOUT = 30  # seconds for one HTTP request
ROUNDS = 10  # simultaneous saves of the same item
KILLS = 3
KILL_TRIES = 10  # saves tried, at most, until one kill lands in the middle of the save
SAVES_BETWEEN_KILLS = 6
READERS, READS_EACH = 4, 50
WRITERS, SAVES_EACH = 2, 25  # a save is two requests: the form, then the POST
# pid of the worker, request line, status: <4242> "POST /editor/news/1?who=0 HTTP/1.1" 302
ACCESS_LOG = '%(p)s "%(r)s" %(s)s'
ACCESS_LINE = re.compile(r'^<(\d+)> "(\S+) (\S+) HTTP/[\d.]+" (\d{3})$')


# --- the server ----------------------------------------------------------------------------


def established_sockets(port: int) -> set[str]:
    """Inodes of the TCP connections accepted on `port` that are open right now."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            next(lines)
            for line in lines:
                parts = line.split()
                local_port = int(parts[1].rsplit(":", 1)[1], 16)
                if local_port == port and parts[3] == "01":  # 01: ESTABLISHED
                    inodes.add(parts[9])
    return inodes


def serving(pid: int, inodes: set[str]) -> bool:
    """Does process `pid` hold one of these connections, that is, serve a request now?"""
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return True
    return False


class Server(Gunicorn):
    """gunicorn with two sync workers on the test's database; its access log names the
    worker that served each request."""

    def __init__(self, database: str, sqlite_file: Path | None, folder: Path, news: list[int]):
        super().__init__(
            site_env(folder / "instance", database=database),
            folder / "gunicorn.log",
            workers=2,
            args=["--access-logfile", "-", "--access-logformat", ACCESS_LOG,
                  "--graceful-timeout", "10"],
        )  # fmt: skip
        self.database, self.sqlite_file, self.news = database, sqlite_file, news

    def served_by(self, method: str, target: str) -> list[int]:
        """The pids of the workers that logged a request for `target`."""
        return [
            int(m[1])
            for line in self.log_text().splitlines()
            if (m := ACCESS_LINE.match(line)) and m[2] == method and m[3] == target
        ]

    def served_each(self, method: str, targets: list[str]) -> list[list[int]]:
        """served_by() of each target, once each is in the log (a worker writes its line
        just after its answer)."""

        def logged(_log: str):
            pids = [self.served_by(method, target) for target in targets]
            return pids if all(pids) else None

        return self.wait_for_log(logged, what=f"access-log lines of {targets}")

    def wait_for_replacement(self, killed: int) -> None:
        """Wait until gunicorn has started a worker in place of ``killed``."""
        poll(lambda: killed not in (now := self.workers()) and len(now) >= 2, 20,
             f"new worker in place of the killed {killed}")  # fmt: skip


@pytest.fixture
def server(seeded_db, postgres, tmp_path):
    """gunicorn, two workers, on a fresh copy of the seeded database with three editors."""
    with database_copy(seeded_db, postgres, tmp_path) as database:
        app = make_app(database)
        for email in EDITORS:
            add_account(app, email)
        with app.app_context():
            news = list(db.session.scalars(select(News.id).order_by(News.id)))
            db.session.remove()
        dispose(app)
        sqlite_file = None if postgres is not None else database
        url = str(database) if postgres is not None else f"sqlite:///{database}"
        with Server(url, sqlite_file, tmp_path, news) as server:
            yield server


@contextlib.contextmanager
def database(server: Server):
    """An app context on the server's database, to read what was stored."""
    app = make_app(server.database)
    try:
        with app.app_context():
            yield
    finally:
        with app.app_context():
            db.engine.dispose()


def english_title(news_id: int) -> str:
    return db.session.get(News, news_id).translations["en"].title


def revision_titles(news_id: int) -> list[str]:
    query = select(Revision.data).where(Revision.kind == "news", Revision.item_id == news_id)
    return [data["translations"]["en"]["title"] for data in db.session.scalars(query)]


def assert_clean_log(server: Server):
    log = server.log_text()
    assert "database is locked" not in log, log[-5000:]
    assert "Traceback" not in log, log[-5000:]
    assert not [line for line in log.splitlines() if (m := ACCESS_LINE.match(line))
                and m[4].startswith("5")], log[-5000:]  # fmt: skip


# --- a browser -------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to look at, not to follow


class Browser:
    """One person's browser: its own cookies, no proxy, redirects not followed."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect,
        )

    def request(self, path: str, data=None, timeout=TIMEOUT) -> tuple[int, dict, str]:
        body = None if data is None else urllib.parse.urlencode(data, doseq=True).encode()
        try:
            with self.opener.open(self.base + path, body, timeout=timeout) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read().decode()

    def get(self, path: str, timeout=TIMEOUT):
        return self.request(path, timeout=timeout)

    def post(self, path: str, data: dict, timeout=TIMEOUT):
        return self.request(path, data, timeout=timeout)

    def login(self, email: str) -> "Browser":
        """Log in through the login form, over HTTP."""
        status, _, html = self.get("/editor/login")
        assert status == 200
        status, headers, html = self.post("/editor/login", login_data(html, email))
        assert status == 302 and headers["Location"] == "/editor/", html[-2000:]
        return self

    def form(self, path: str) -> dict:
        status, _, html = self.get(path)
        assert status == 200, (path, status)
        return form_fields(html)


def retrying(call, attempts=20):
    """Call again after a dropped connection (a killed worker's), a little later."""
    for attempt in range(attempts):
        try:
            return call()
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.2)


def simultaneously(calls: list) -> list:
    """Run the calls in threads released at the same moment; their results."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index):
        barrier.wait(timeout=10)
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * TIMEOUT)
    return results


# --- 1. two editors, one item, one moment -----------------------------------------------------


def test_two_editors_saving_the_same_item_at_once(say, server):
    """Both load version v and save at the same moment (a barrier): exactly one 302 and one
    409 whose page shows both texts; the database holds the winner's title and its revision,
    never the loser's. Ten rounds."""
    item = server.news[0]
    url = f"/editor/news/{item}"
    people = [Browser(server.base).login(EDITORS[0]), Browser(server.base).login(EDITORS[1])]
    outcomes, parallel, bad = Counter(), 0, []
    for round_ in range(ROUNDS):
        forms = [person.form(url) for person in people]
        assert forms[0]["version"] == forms[1]["version"]
        titles = [f"Alice's title, round {round_}", f"Bob's title, round {round_}"]
        targets = [f"{url}?round={round_}&who={who}" for who in (0, 1)]
        results = simultaneously(
            [
                functools.partial(people[who].post, targets[who], {**forms[who], "en-title": t})
                for who, t in enumerate(titles)
            ]
        )
        assert all(results), "a save did not answer"
        statuses = [status for status, _, _ in results]
        outcomes.update(statuses)
        assert statuses.count(302) == 1, statuses  # never both: that would overwrite silently
        winner = statuses.index(302)
        loser = 1 - winner
        with database(server):  # no lost update: the winner's text and its revision
            assert english_title(item) == titles[winner]
            stored = revision_titles(item)
        assert titles[winner] in stored and titles[loser] not in stored
        if statuses[loser] == 409:
            conflict = results[loser][2]
            assert form_fields(conflict)["en-title"] == titles[loser]  # their text is kept
            assert titles[winner] in theirs(conflict, "en")  # and the other's is shown
        else:
            bad.append(statuses)

        pids = server.served_each("POST", targets)
        if len(pids[0]) == len(pids[1]) == 1 and pids[0] != pids[1]:
            parallel += 1
    say(
        f"concurrent saves: {ROUNDS} rounds of 2 simultaneous saves: {outcomes[302]} saved "
        f"(302), {outcomes[409]} refused as conflicts (409), {outcomes[500]} failed (500); "
        f"no lost update, no overwrite; served by two different workers in {parallel} rounds",
    )
    assert bad == [], f"rounds without the 409 conflict page: {bad}"
    assert_clean_log(server)


# --- 2. workers killed in the middle of saving ------------------------------------------------


class Killer(threading.Thread):
    """Kills, with SIGKILL, the worker seen serving a request (the save being sent) within
    the window; kills none if no worker is seen serving."""

    def __init__(self, server: Server, window: float = 2.0):
        super().__init__(daemon=True)
        self.server, self.window = server, window
        self.killed: int | None = None
        self.ready = threading.Event()

    def run(self):
        workers = self.server.workers()
        self.ready.set()
        deadline = time.monotonic() + self.window
        while time.monotonic() < deadline:
            inodes = established_sockets(self.server.port)
            busy = [pid for pid in workers if inodes and serving(pid, inodes)]
            if busy:
                self.killed = busy[0]
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.killed, signal.SIGKILL)
                return
            time.sleep(0.0005)


def test_acknowledged_saves_survive_killed_workers(say, server):
    """Save an item again and again (title "save N"); three times, a worker is killed with
    SIGKILL in the middle of a save: while it holds the save's connection, which then
    ends without an answer (saves are tried again until a kill lands so, KILL_TRIES times
    at most). Every save whose 302 was received is in the database, the last one is the
    title, and SQLite's integrity check says ok."""
    item = server.news[1]
    url = f"/editor/news/{item}"
    editor = Browser(server.base).login(EDITORS[2])
    body = "Текст. " * 3000  # a longer save: more time for the kill to land mid-request
    acknowledged, lost, kills, mid_request, n = [], [], [], 0, 0

    def save(killer: Killer | None = None) -> bool:
        """One save; whether its 302 was received."""
        nonlocal n
        n += 1
        form = retrying(lambda: editor.form(url))
        data = {**form, "en-title": f"save {n}", "en-body": body}
        if killer is not None:
            killer.start()
            killer.ready.wait(timeout=5)
        try:
            status, headers, html = editor.post(url, data)
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            lost.append(n)  # not acknowledged: it may or may not have been stored
            answered = False
        else:
            assert status == 302, (n, status, html[-2000:])
            assert headers["Location"] == url
            acknowledged.append(n)
            answered = True
        if killer is not None:
            killer.join(timeout=10)
            assert not killer.is_alive()
        return answered

    def kill_mid_save() -> None:
        """Saves with a Killer watching until a kill drops the save's connection."""
        nonlocal mid_request
        for _ in range(KILL_TRIES):
            before = set(server.workers())
            killer = Killer(server)
            answered = save(killer)
            if killer.killed is None:
                continue  # no worker seen serving the save: try again
            kills.append(killer.killed)
            server.wait_for_replacement(killer.killed)
            assert set(server.workers()) != before
            if not answered:  # killed while serving the save, before its answer
                mid_request += 1
                return
        raise AssertionError(f"no kill in the middle of a save in {KILL_TRIES} tries")

    for _ in range(KILLS):
        for _ in range(SAVES_BETWEEN_KILLS):
            save()
        kill_mid_save()
    for _ in range(SAVES_BETWEEN_KILLS):
        save()
    assert mid_request == KILLS
    assert acknowledged[-1] == n  # the last save was acknowledged
    server.stop()

    with database(server):
        stored = set(revision_titles(item))
        title = english_title(item)
    missing = [k for k in acknowledged if f"save {k}" not in stored]
    assert missing == [], f"acknowledged saves without a revision: {missing}"
    assert title == f"save {acknowledged[-1]}"
    if server.sqlite_file is not None:
        with contextlib.closing(sqlite3.connect(server.sqlite_file)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    log = server.log_text()
    assert "database is locked" not in log
    assert not [line for line in log.splitlines() if (m := ACCESS_LINE.match(line))
                and m[4].startswith("5")], log[-5000:]  # fmt: skip
    say(
        f"kills survived: {len(kills)} SIGKILLs ({mid_request} in the middle of a save, "
        f"dropping its connection), {len(acknowledged)} saves acknowledged and all stored, "
        f"{len(lost)} in flight lost with their connection "
        f"({sum(f'save {k}' in stored for k in lost)} of them stored anyway)",
    )


# --- 3. a burst of reads and saves ------------------------------------------------------------


def test_burst_of_reads_and_saves(say, server):
    """Four readers and two editors at once, about 300 requests: no 5xx, no error, and no
    "database is locked" in the server's log."""
    with database(server):
        first = db.session.get(News, server.news[0])
        article, year = first.translations["en"].slug, first.published_at.year
    pages = ["/tg/", "/en/news/", f"/en/news/{article}/", "/ru/search/?q=%D0%98%D1%81%D1%84",
             "/en/news/feed.atom", "/tg/programs/", "/en/regions/", "/sitemap.xml",
             f"/ru/news/{year}/", "/en/search/?q=training"]  # fmt: skip
    statuses: Counter = Counter()
    failures: list = []
    lock = threading.Lock()
    start_line = threading.Barrier(READERS + WRITERS)

    def record(kind, status):
        with lock:
            statuses[(kind, status)] += 1

    def reader(index):
        browser = Browser(server.base)
        start_line.wait(timeout=30)
        for i in range(READS_EACH):
            path = pages[(index + i) % len(pages)]
            try:
                status, _, _ = browser.get(path)
            except Exception as error:  # every failure is counted
                failures.append((path, repr(error)))
                continue
            record("read", status)
            if status != 200:
                failures.append((path, status))

    def writer(index):
        editor = Browser(server.base).login(EDITORS[index])
        item = server.news[index + 1]
        url = f"/editor/news/{item}"
        start_line.wait(timeout=30)
        for i in range(SAVES_EACH):
            try:
                form = editor.form(url)
                record("form", 200)
                data = {**form, "en-title": f"burst {index}.{i}"}
                status, _, _ = editor.post(url, data)
            except Exception as error:
                failures.append((url, repr(error)))
                continue
            record("save", status)
            if status != 302:
                failures.append((url, status))

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
    threads += [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    seconds = time.monotonic() - began
    assert not any(thread.is_alive() for thread in threads)

    total = sum(statuses.values())
    assert failures == []
    assert total == READERS * READS_EACH + WRITERS * SAVES_EACH * 2
    assert not [s for (_, s) in statuses if s >= 500]
    with database(server):
        for index in range(WRITERS):
            assert english_title(server.news[index + 1]) == f"burst {index}.{SAVES_EACH - 1}"
    server.stop()
    assert_clean_log(server)
    say(
        f"burst: {total} requests tried ({READERS * READS_EACH} reads by {READERS} readers, "
        f"{WRITERS * SAVES_EACH} saves by {WRITERS} editors) in {seconds:.1f} s, "
        f"{total / seconds:.0f} requests/s, zero 5xx",
    )
