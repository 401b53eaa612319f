"""`make bench`: how fast the site answers on this machine, next to a bare Flask app.

    .venv/bin/python -m bench.run [--news 10000] [--rounds 3] [--duration 5] [--keep]

Builds two databases in temporary instance folders ("small": 100 news, "large": --news,
made by bench/data.py), starts gunicorn servers on loopback one at a time (ours with the
page cache on and off, on each database, and bench/baseline.py), plus nginx for the
static-speed comparison, then runs wrk against each row's two servers in turn, alternating
which goes first, for several rounds. Writes the medians over the rounds into
docs/performance.md, above the part written by hand, which it keeps. Needs wrk and nginx
(`make bench` installs them).
"""

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench.reports import version
from tests.fixtures.server import (
    HOST,
    Gunicorn,
    SiteError,
    children,
    flask_cli,
    free_port,
    run_module,
    site_env,
    stop_group,
)

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
REPORT = ROOT / "docs" / "performance.md"
#: The line of docs/performance.md after which everything is written by hand.
HAND_WRITTEN = "<!-- Everything below is written by hand; bench/run.py keeps it. -->"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WORKERS = 4
CONNECTIONS = 16
SMALL_NEWS = 100
NEWS_PER_PAGE = 10  # asti.config.Defaults.NEWS_PER_PAGE
LIST_PAGE = 400
START_TIMEOUT = 60
#: Making 100,000 news takes minutes.
DATA_TIMEOUT = 3600


class BenchError(Exception):
    """A measurement that cannot be trusted: a wrong status, socket errors, a dead server."""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- HTTP ---------------------------------------------------------------------------------


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is an answer to report, not to follow


OPENER = urllib.request.build_opener(NoRedirects)


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes


def fetch(url: str, headers: dict | None = None, timeout: float = 60) -> Reply:
    """One request, redirects not followed; any status is returned, never raised."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return Reply(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers), error.read())


# --- Servers ------------------------------------------------------------------------------


class Nginx:
    """nginx in the foreground (gunicorn is started by tests.fixtures.server), in a process
    group of its own: stopped as one, spared the terminal's Ctrl-C."""

    started_in = None  # its cold start is not measured

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Spawn, and return once its port takes connections."""
        command = [NGINX, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"),
                   "-e", str(self.folder / "error.log")]  # fmt: skip
        with (self.folder / "nginx.out").open("ab") as out:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = (self.folder / "error.log").read_text(errors="replace")[-2000:]
                raise BenchError(f"nginx exited ({self.process.returncode}):\n{tail}")
            with socket.socket() as sock:
                if sock.connect_ex((HOST, self.port)) == 0:
                    return
            time.sleep(0.01)
        raise BenchError(f"nginx: port {self.port} not open in {START_TIMEOUT} s")

    def workers(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process)


@dataclass
class Server:
    """A server as the report names it, and the process answering at ``base`` (one nginx
    answers on two ports)."""

    name: str
    process: Gunicorn | Nginx
    base: str

    def start(self) -> None:
        say(f"starting {self.name} on {self.base}")
        self.process.start()


def gunicorn(name: str, env: dict, tmp: Path, app="wsgi:app", ready="/en/", workers=WORKERS):
    """A server with the same settings as every other: sync workers, no access log. Ready
    (and its cold start timed) at the first 200 from ``ready``."""
    log = tmp / (re.sub(r"\W+", "-", name).strip("-") + ".log")
    process = Gunicorn(env, log, app=app, workers=workers, args=["-k", "sync"], ready=ready)
    return Server(name, process, process.base)


def worker_rss(server: Server) -> list[int]:
    """VmRSS in KiB of each of the server's workers."""
    sizes = []
    for pid in server.process.workers():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue  # gone meanwhile
        rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        sizes.append(int(rss.group(1)) if rss else 0)
    return sizes


# --- Instances ----------------------------------------------------------------------------


def make_instance(folder: Path, news: int) -> None:
    """A new database with the demo content and ``news`` news made from it."""
    say(f"building {folder.name}: {news} news")
    folder.mkdir()
    env = site_env(folder)
    flask_cli(env, "init-db")
    run_module(env, "bench.data", "--news", str(news), timeout=DATA_TIMEOUT)


VISIBLE = (
    "n.status = 'published' AND n.deleted_at IS NULL"
    " AND n.published_at <= strftime('%Y-%m-%d %H:%M:%f', 'now')"
)


@dataclass
class Paths:
    """The addresses measured on one database."""

    article: str
    fallback: str | None
    search: str
    list_page: str  # page LIST_PAGE (or the last page, if fewer)
    news: int


def discover(database: Path) -> Paths:
    """Pick the addresses from the instance's SQLite database."""
    with sqlite3.connect(database) as db:
        count = db.execute(f"SELECT count(*) FROM news n WHERE {VISIBLE}").fetchone()[0]
        english = db.execute(
            "SELECT t.slug FROM news n JOIN news_translation t ON t.news_id = n.id"
            f" AND t.lang = 'en' WHERE {VISIBLE} ORDER BY n.published_at DESC LIMIT 1"
        ).fetchone()
        # An item with no English text, shown in Russian (or else Tajik) at /en/.
        fallback = db.execute(
            "SELECT t.slug FROM news n JOIN news_translation t ON t.news_id = n.id"
            f" WHERE {VISIBLE} AND NOT EXISTS (SELECT 1 FROM news_translation e"
            "  WHERE e.news_id = n.id AND e.lang = 'en')"
            " ORDER BY n.published_at DESC, t.lang = 'tg' LIMIT 1"
        ).fetchone()
        titles = db.execute(
            f"SELECT t.title FROM news n JOIN news_translation t ON t.news_id = n.id"
            f" WHERE {VISIBLE} AND t.lang = 'en'"
        ).fetchall()
    if english is None:
        raise BenchError(f"{database}: no published news in English")
    # The word (5 letters or more) in most English titles: a search with many results.
    words = Counter(w for (title,) in titles for w in set(re.findall(r"[a-z]{5,}", title.lower())))
    pages = max(1, -(-count // NEWS_PER_PAGE))
    return Paths(
        article=f"/en/news/{english[0]}/",
        fallback=f"/en/news/{fallback[0]}/" if fallback else None,
        search=f"/en/search/?q={words.most_common(1)[0][0]}",
        list_page=f"/en/news/?page={min(LIST_PAGE, pages)}",
        news=count,
    )


# --- nginx --------------------------------------------------------------------------------


def nginx(tmp: Path, app: Server, article: str, page: bytes) -> tuple[Server, Server, Path]:
    """nginx with two servers: the saved page as a file, and the app behind the page folder.
    Returns (front, static file, where the app should write the article's page)."""
    folder = tmp / "nginx"
    static = folder / "static"
    (static / article.strip("/")).mkdir(parents=True)
    (static / article.strip("/") / "index.html").write_bytes(page)
    front_port, static_port = free_port(), free_port()
    values = {
        "@USER@": "user root;" if os.geteuid() == 0 else "",  # to read the 0700 temp folder
        "@TMP@": str(folder),
        "@STATIC_PORT@": str(static_port),
        "@STATIC_ROOT@": str(static),
        "@FRONT_PORT@": str(front_port),
        "@PAGES@": app.process.env["ASTI_PAGE_CACHE_DIR"],
        "@APP_PORT@": str(app.process.port),
    }
    conf = (BENCH / "nginx.conf.template").read_text()
    for name, value in values.items():
        conf = conf.replace(name, value)
    (folder / "nginx.conf").write_text(conf)
    process = Nginx(folder, front_port)
    front = Server("nginx", process, f"http://{HOST}:{front_port}")
    static_view = Server("nginx (static file)", process, f"http://{HOST}:{static_port}")
    written = Path(app.process.env["ASTI_PAGE_CACHE_DIR"]) / article.strip("/") / "index.html"
    return front, static_view, written


# --- wrk ----------------------------------------------------------------------------------


@dataclass
class Target:
    """One address of one server, and the status it must answer with."""

    server: Server
    path: str
    headers: dict = field(default_factory=dict)
    expect: int = 200

    @property
    def url(self) -> str:
        return self.server.base + self.path


@dataclass
class Result:
    rps: float
    p50: float  # milliseconds
    p99: float


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(target: Target, duration: int) -> Result:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency"]
    for name, value in target.headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, target.url], capture_output=True, text=True)
    out = done.stdout
    if done.returncode:
        raise BenchError(f"wrk failed on {target.url}: {done.stderr or out}")
    errors = re.search(r"Socket errors: (.*)", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors or bad:
        problem = errors.group(0) if errors else bad.group(0)
        raise BenchError(f"{target.server.name} {target.path}: {problem}")

    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not found:
            raise BenchError(f"no {percent}% latency in wrk's output:\n{out}")
        return float(found.group(1)) * UNITS[found.group(2)]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not rps or float(rps.group(1)) == 0:
        raise BenchError(f"no requests answered by {target.url}:\n{out}")
    return Result(float(rps.group(1)), latency("50"), latency("99"))


# --- Rows ---------------------------------------------------------------------------------


@dataclass
class Row:
    section: str
    label: str
    ours: Target | None
    ref: Target | None
    ref_label: str
    skip: str = ""  # why the row is not measured ("n/a (...)")
    failed: str = ""
    runs: list[tuple[Result, Result]] = field(default_factory=list)

    def check(self) -> None:
        """One request to each side first: the status must be the one expected."""
        for target in (self.ours, self.ref):
            status = fetch(target.url, target.headers).status
            if status != target.expect:
                raise BenchError(
                    f"{target.server.name} {target.path}: status {status}, not {target.expect}"
                )

    @property
    def ratio(self) -> float | None:
        """Ours / reference: the median of each round's own pair."""
        if self.skip or self.failed or not self.runs:
            return None
        return median(o.rps / r.rps for o, r in self.runs)

    def measure(self, duration: int, ref_first: bool) -> None:
        pair = (self.ref, self.ours) if ref_first else (self.ours, self.ref)
        first, second = (wrk(target, duration) for target in pair)
        self.runs.append((second, first) if ref_first else (first, second))


def median(values) -> float:
    return statistics.median(list(values))


def ms(value: float) -> str:
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


def table_line(row: Row) -> str:
    if row.skip or row.failed or not row.runs:
        note = row.skip or (f"**FAILED**: {row.failed}" if row.failed else "not measured")
        return f"| {row.label} | {note} | | | {row.ref_label} | | | | |"
    ours = [o for o, _ in row.runs]
    refs = [r for _, r in row.runs]
    ratio = row.ratio
    return (
        f"| {row.label} | {median(o.rps for o in ours):.0f} | {ms(median(o.p50 for o in ours))}"
        f" | {ms(median(o.p99 for o in ours))} | {row.ref_label}"
        f" | {median(r.rps for r in refs):.0f} | {ms(median(r.p50 for r in refs))}"
        f" | {ms(median(r.p99 for r in refs))} | {ratio:.2f} |"
    )


#: The targets of issue #17: (what, the rows measured for it, at least). A row is named by
#: the start of its section and its label; a target of several rows must hold for each.
TARGETS = (
    ("Article, cache off / bare Flask article", (("Article page", "Article, cache off"),), 0.5),
    ("Home and news list, cache off / bare Flask article",
     (("Other pages", "Home, cache off"), ("Other pages", "News list p1, cache off")), 0.4),
    ("Article, cache on / bare Flask article", (("Article page", "Article, cache on"),), 2.4),
    ("nginx static-speed / nginx static file", (("Static speed", "nginx + page folder"),), 0.9),
    ("Search at {large} / at {small} news, cache off", (("Scale", "Search, cache off"),), 0.6),
    ("Search at {huge} / at {small} news, cache off",
     (("Scale", "Search at {huge} news, cache off"),), 0.3),
)  # fmt: skip


def targets(rows: list[Row], sizes: dict[str, int]) -> list[str]:
    """The targets, each with the ratios measured for it: met, or missed by how much."""
    lines = ["", "### Targets", "", "| Target | Measured | At least | |", "|---|---:|---:|---|"]
    for what, names, least in TARGETS:
        if "huge" not in sizes and "{huge}" in what:
            continue
        measured = [
            next((r.ratio for r in rows
                  if r.section.startswith(section) and r.label == label.format(**sizes)), None)
            for section, label in names
        ]  # fmt: skip
        if None in measured:
            lines.append(f"| {what.format(**sizes)} | not measured | {least} | |")
            continue
        worst = min(measured)
        verdict = "met" if worst >= least else f"**missed** (×{least / worst:.2f} short)"
        shown = " / ".join(f"{m:.2f}" for m in measured)
        lines.append(f"| {what.format(**sizes)} | {shown} | {least} | {verdict} |")
    return lines


def table(rows: list[Row]) -> list[str]:
    lines = []
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            lines += [
                "",
                f"### {section}",
                "",
                "| Row | Ours req/s | p50 | p99 | Reference | Ref req/s | p50 | p99 | Ratio |",
                "|---|---:|---:|---:|---|---:|---:|---:|---:|",
            ]
        lines.append(table_line(row))
    return lines


def build_rows(servers: dict, paths: dict, base_article: str, etags: dict, static) -> list[Row]:
    """Every row: what is measured against what. ``servers``: keyed (db, cache) and
    "baseline"; ``static``: (front target, file target) or the reason there is none."""
    base = Target(servers["baseline"], base_article)
    hello = Target(servers["baseline"], "/hello")
    large, small = paths["large"], paths["small"]
    rows = []

    def add(section, label, ours, ref, ref_label, skip=""):
        rows.append(Row(section, label, ours, ref, ref_label, skip))

    article = "Article page vs the same page from bare Flask"
    for cache in ("on", "off"):
        server = servers["large", cache]
        add(article, f"Article, cache {cache}", Target(server, large.article), base,
            "bare Flask article")  # fmt: skip
    for cache in ("on", "off"):
        server = servers["large", cache]
        fallback = Target(server, large.fallback) if large.fallback else None
        add(article, f"Fallback article, cache {cache}", fallback, base, "bare Flask article",
            "" if fallback else "n/a (every news item has English)")  # fmt: skip

    other = f"Other pages vs bare Flask article (informational; {large.news} news)"
    for label, path in (("Home", "/en/"), ("News list p1", "/en/news/"),
                        (f"News list {large.list_page.split('?')[1]}", large.list_page),
                        (f"Search {large.search.split('?')[1]}", large.search)):  # fmt: skip
        for cache in ("on", "off"):
            add(other, f"{label}, cache {cache}", Target(servers["large", cache], path), base,
                "bare Flask article")  # fmt: skip

    conditional = "Conditional GET (If-None-Match) vs Flask hello world"
    for cache in ("on", "off"):
        etag = etags.get(cache)
        ours = Target(servers["large", cache], large.article, {"If-None-Match": etag}, 304)
        add(conditional, f"Article 304, cache {cache}", ours if etag else None, hello,
            "hello world", "" if etag else "n/a (no ETag)")  # fmt: skip

    scale = f"Scale: {large.news} news vs {small.news} news (ratio large/small)"
    pairs = (
        (f"List {large.list_page.split('?')[1]} vs p1", large.list_page, "/en/news/"),
        ("Search", large.search, small.search),
        ("Home", "/en/", "/en/"),
        ("Article", large.article, small.article),
    )
    for label, big, little in pairs:
        for cache in ("off", "on"):
            add(scale, f"{label}, cache {cache}", Target(servers["large", cache], big),
                Target(servers["small", cache], little), f"small, cache {cache}")  # fmt: skip
    if "huge" in paths:
        huge = Target(servers["huge", "off"], paths["huge"].search)
        add(scale, f"Search at {paths['huge'].news} news, cache off", huge,
            Target(servers["small", "off"], small.search), "small, cache off")  # fmt: skip

    speed = "Static speed: nginx in front, anonymous article"
    if isinstance(static, str):
        add(speed, "nginx + page folder", None, None, "nginx static file", static)
    else:
        add(speed, "nginx + page folder", static[0], static[1], "nginx static file")
    return rows


def run_rows(rows: list[Row], rounds: int, duration: int) -> None:
    for row in rows:
        if not row.skip:
            try:
                row.check()
            except BenchError as error:
                row.failed = str(error)
                say(f"FAILED {row.section} / {row.label}: {error}")
    todo = [row for row in rows if not (row.skip or row.failed)]
    for number in range(rounds):
        say(f"round {number + 1} of {rounds}: {len(todo)} rows, ~{len(todo) * 2 * duration} s")
        for row in todo:
            if row.failed:
                continue
            try:
                row.measure(duration, ref_first=number % 2 == 1)
            except BenchError as error:
                row.failed = str(error)
                say(f"FAILED {row.section} / {row.label}: {error}")


# --- Report -------------------------------------------------------------------------------


HEAD = """\
# Performance

<!-- Written by `make bench` (bench/run.py) down to the line that starts the part written
by hand: run it again rather than editing this part. -->

How fast the site answers on one small server, how that is measured, what was changed to
get there, and what is still slow. Everything here is measured with `make bench` on a
2-core machine where other work runs too: compare ratios within one run, not figures
between runs.

## How to measure

    make bench                                        # about 20 minutes (installs wrk, nginx)
    make bench BENCH_ARGS="--rounds 1 --duration 3"   # a quick look
    make bench BENCH_ARGS="--news 100000 --huge 0"    # every row at 100,000 news

`python -m bench.run` builds three databases with `python -m bench.data` (100 news, 10,000
news and, for the search row at scale, 100,000 news, × up to three languages made from the
demo's texts, some items missing a language), starts gunicorn (4 sync workers, the same
settings for every server) for our site with the page cache on and off, for the bare Flask
app in `bench/baseline.py` (the site's own article template with its layout, rendered from
data held in memory, and Flask's hello world) and nginx (a saved copy of the article as a
static file, and nginx in front of our site in static-speed mode). It then runs `wrk -t2
-c16 -d5s` against each row's two servers in turn, alternating which goes first, three
rounds, and reports medians; the ratio of a row is ours / reference in the same round. It
writes the figures below into this file, the targets first (met, or missed by how much),
and keeps the part written by hand that follows them.
"""


def environment() -> list[str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.M)
    packages = ", ".join(f"{p} {metadata.version(p)}" for p in ("flask", "sqlalchemy", "gunicorn"))
    wrk_version = version(["wrk", "--version"], r"wrk \S+")
    nginx_version = version([NGINX, "-v"], r"nginx/\S+")
    return [
        f"- Machine: {len(os.sched_getaffinity(0))} cores (nproc),"
        f" {model.group(1) if model else platform.machine()}",
        f"- Python {platform.python_version()}, {packages}, SQLite {sqlite3.sqlite_version},"
        f" {wrk_version}, {nginx_version}",
    ]


def rss_lines(servers: list[Server]) -> list[str]:
    lines = ["| Server | Workers | RSS per worker (median) | max |", "|---|---:|---:|---:|"]
    for server in servers:
        sizes = worker_rss(server)
        if sizes:
            lines.append(
                f"| {server.name} | {len(sizes)} | {median(sizes) / 1024:.1f} MiB"
                f" | {max(sizes) / 1024:.1f} MiB |"
            )
    return lines


def report(args, rows, servers, sizes, load, paths) -> str:
    """The run's part of docs/performance.md: how it ran, and the figures."""
    started = [s for s in servers if s.process.started_in is not None]
    lines = [
        f"## The last run ({datetime.now(UTC):%Y-%m-%d}, {args.news:,} news)",
        "",
        f"`python -m bench.run --news {args.news} --rounds {args.rounds} --duration"
        f" {args.duration}`: gunicorn -w {WORKERS} (sync) on loopback, `wrk -t2 -c{CONNECTIONS}"
        f" -d{args.duration}s`; medians of {args.rounds} round(s), the two sides of a row"
        " measured one after the other, alternating which goes first. Ratio: ours / reference"
        " requests per second, measured in the same round (median over rounds).",
        "",
        *environment(),
        f"- Load average before the run (other work on the machine skews every figure):"
        f" {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}",
    ]
    lines += targets(rows, {db: p.news for db, p in paths.items()})
    lines += table(rows)
    lines += ["", "### Page sizes (bytes)", "", "| Page | Bytes |", "|---|---:|"]
    lines += [f"| {name} | {size} |" for name, size in sizes]
    lines += ["", "### Cold start (spawn to the first 200 from /en/; baseline: /hello)", "",
              "| Server | Seconds |", "|---|---:|"]  # fmt: skip
    lines += [f"| {s.name} | {s.process.started_in:.2f} |" for s in started]
    lines += ["", "### Memory after the load", "", *rss_lines(servers), ""]
    return "\n".join(lines)


def hand_written() -> str:
    """What follows the marker line in docs/performance.md. A file without the line would
    lose what was written by hand: BenchError."""
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else HAND_WRITTEN + "\n"
    if HAND_WRITTEN not in text:
        raise BenchError(f"{REPORT} has no line {HAND_WRITTEN!r}: nothing written")
    return text.split(HAND_WRITTEN, 1)[1]


# --- Main ---------------------------------------------------------------------------------


def start_servers(tmp: Path, instances: dict, servers: dict) -> None:
    """One at a time, each idle while the next starts: ours on both databases with the page
    cache on and off, the baseline, and ours with the page folder (for nginx). Each goes
    into ``servers`` before it starts, so that it is stopped whatever happens."""
    for db in ("small", "large", "huge"):
        for cache in ("off", "on") if db != "huge" else ("off",):  # huge: search only
            if db not in instances:
                continue
            env = site_env(instances[db], **({"PAGE_CACHE_BYTES": "0"} if cache == "off" else {}))
            servers[db, cache] = gunicorn(f"ours, {db}, cache {cache}", env, tmp)
            servers[db, cache].start()
    # A worker started alone, as after a restart of one (max_requests): 4 workers starting
    # at once on 2 cores share them, so the first 200 comes later.
    env = site_env(instances["large"])
    servers["one"] = gunicorn("ours, large, one worker", env, tmp, workers=1)
    servers["one"].start()
    servers["one"].process.stop()
    env = site_env(tmp)  # the baseline reads no setting
    servers["baseline"] = gunicorn("baseline", env, tmp, "bench.baseline:app", "/hello")
    servers["baseline"].start()
    env = site_env(instances["large"], PAGE_CACHE_DIR=tmp / "pages")
    servers["folder"] = gunicorn("ours, large, cache on, page folder", env, tmp)
    servers["folder"].start()


def etag_of(url: str) -> str | None:
    return fetch(url).headers.get("ETag")


def setup_static(tmp: Path, servers: dict, article: str) -> tuple | str:
    """nginx, the article saved as a file, and the page folder warmed by one request."""
    page = fetch(servers["large", "on"].base + article).body
    front, static, written = nginx(tmp, servers["folder"], article, page)
    servers["nginx"] = front
    front.start()
    reply = fetch(front.base + article)
    if reply.status != 200:
        return f"n/a (status {reply.status} through nginx)"
    if not written.is_file():
        return "n/a (static file not written)"
    # nginx's own ETag for a file is strong ("mtime-size"); the application's is weak (W/).
    if fetch(front.base + article).headers.get("ETag", "W/").startswith("W/"):
        return "n/a (nginx did not send the saved page)"
    return Target(front, article), Target(static, article)


def page_sizes(servers: dict, paths: dict, base_article: str) -> list[tuple[str, int]]:
    sizes = []
    for db in ("large", "small"):
        for name in ("article", "fallback"):
            path = getattr(paths[db], name)
            if path:
                sizes.append(
                    (f"ours, {db}: {path}", len(fetch(servers[db, "on"].base + path).body))
                )
    body = fetch(servers["baseline"].base + base_article).body
    return [*sizes, (f"bare Flask: {base_article}", len(body))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--news", type=int, default=10000, help="news in the large database")
    parser.add_argument(
        "--huge", type=int, default=100000, help="news in the database searched at scale (0: none)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    for stop in (signal.SIGTERM, signal.SIGHUP):  # like Ctrl-C: the servers get stopped
        signal.signal(stop, lambda number, frame: sys.exit(128 + number))

    hand_written()  # before minutes of work: the report must have its place
    load = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="asti-bench-"))
    servers = {}
    try:
        instances = {"small": tmp / "small", "large": tmp / "large"}
        make_instance(instances["small"], SMALL_NEWS)
        make_instance(instances["large"], args.news)
        if args.huge:
            instances["huge"] = tmp / "huge"
            make_instance(instances["huge"], args.huge)
        paths = {db: discover(folder / "asti.db") for db, folder in instances.items()}
        start_servers(tmp, instances, servers)
        article = paths["large"].article  # the baseline shows its article at any slug too
        etags = {cache: etag_of(servers["large", cache].base + article) for cache in ("on", "off")}
        static = setup_static(tmp, servers, article)
        rows = build_rows(servers, paths, article, etags, static)
        run_rows(rows, args.rounds, args.duration)
        sizes = page_sizes(servers, paths, article)
        text = report(args, rows, list(servers.values()), sizes, load, paths)
        print(text)
        REPORT.write_text(f"{HEAD}\n{text}\n{HAND_WRITTEN}{hand_written()}", encoding="utf-8")
        say(f"written to {REPORT}")
        return 1 if any(row.failed for row in rows) else 0
    except (BenchError, SiteError) as error:
        say(f"bench failed: {error}")
        return 2
    finally:
        for server in servers.values():
            server.process.stop()
        if args.keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
