"""`make bench`: how fast the site answers on this machine, next to a bare Flask app.

    .venv/bin/python bench/run.py [--news 10000] [--rounds 3] [--duration 5] [--keep]

Builds two databases in temporary instance folders ("small": 100 news, "large": --news),
starts gunicorn servers on loopback one at a time (ours with the page cache on and off, on
each database, and bench/baseline.py), plus nginx for the static-speed comparison, then
runs wrk against each row's two servers in turn, alternating which goes first, for several
rounds. Prints a Markdown table (also written to bench/results.md) of the medians over the
rounds. Standard library only; needs wrk and nginx (`make bench` installs them).
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
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent  # the virtualenv's bin/: flask and gunicorn
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WORKERS = 4
CONNECTIONS = 16
SMALL_NEWS = 100
NEWS_PER_PAGE = 10  # asti.config.Defaults.NEWS_PER_PAGE
LIST_PAGE = 400
START_TIMEOUT = 60


class BenchError(Exception):
    """A measurement that cannot be trusted: a wrong status, socket errors, a dead server."""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


@dataclass
class Server:
    """A process group listening on a loopback port: gunicorn or nginx."""

    name: str
    command: list[str]
    env: dict
    port: int
    log: Path
    process: subprocess.Popen | None = None
    cold_start: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str | None) -> None:
        """Spawn; with ``ready_path``, wait for its first 200 and time it (cold start)."""
        say(f"starting {self.name} on port {self.port}")
        started = time.perf_counter()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log,
                start_new_session=True,  # its own group: stopped as one, spared the Ctrl-C
            )  # fmt: skip
        if ready_path is None:
            self.wait_for_port()
            return
        while True:
            self.check_alive()
            try:
                if fetch(self.url + ready_path).status == 200:
                    break
            except OSError:
                pass  # not listening yet
            if time.perf_counter() - started > START_TIMEOUT:
                raise BenchError(f"{self.name}: no 200 from {ready_path} in {START_TIMEOUT} s")
            time.sleep(0.01)
        self.cold_start = time.perf_counter() - started

    def wait_for_port(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            self.check_alive()
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.01)
        raise BenchError(f"{self.name}: port {self.port} not open in {START_TIMEOUT} s")

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            tail = self.log.read_text(errors="replace")[-2000:]
            raise BenchError(f"{self.name} exited ({self.process.returncode}):\n{tail}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def worker_rss(self) -> list[int]:
        """VmRSS in KiB of each child of the master (gunicorn's workers)."""
        sizes = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                status = (proc / "status").read_text()
            except OSError:
                continue  # gone meanwhile
            if re.search(rf"^PPid:\s+{self.process.pid}$", status, re.M):
                rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
                sizes.append(int(rss.group(1)) if rss else 0)
        return sizes


def clean_env(**extra: str) -> dict:
    """This environment without any ASTI_* setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASTI_")}
    return env | extra


def gunicorn(name: str, app: str, env: dict, tmp: Path, workers: int = WORKERS) -> Server:
    """The same settings for every server: sync workers, no access log."""
    port = free_port()
    slug = re.sub(r"\W+", "-", name).strip("-")
    config = tmp / "gunicorn.conf.py"
    config.touch()  # empty: never ./gunicorn.conf.py or $GUNICORN_CMD_ARGS settings
    command = [
        str(BIN / "gunicorn"), "-c", str(config), "-w", str(workers), "-k", "sync",
        "--bind", f"127.0.0.1:{port}", "--error-logfile", str(tmp / f"{slug}.log"), app,
    ]  # fmt: skip
    return Server(name, command, env, port, tmp / f"{slug}.out")


# --- Instances ----------------------------------------------------------------------------


def flask(instance: Path, *args: str) -> subprocess.CompletedProcess:
    env = clean_env(ASTI_INSTANCE_PATH=str(instance), ASTI_SECRET_KEY="bench")
    return subprocess.run(
        [str(BIN / "flask"), "--app", "asti", *args],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip


def make_instance(folder: Path, news: int) -> None:
    """A new database with the demo content and ``news`` news made from it."""
    say(f"building {folder.name}: {news} news")
    folder.mkdir()
    for args in (("init-db",), ("bench-data", "--news", str(news))):
        done = flask(folder, *args)
        if done.returncode:
            raise BenchError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


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
        "@PAGES@": app.env["ASTI_PAGE_CACHE_DIR"],
        "@APP_PORT@": str(app.port),
    }
    conf = (BENCH / "nginx.conf.template").read_text()
    for name, value in values.items():
        conf = conf.replace(name, value)
    (folder / "nginx.conf").write_text(conf)
    command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"),
               "-e", str(folder / "error.log")]  # fmt: skip
    process = Server("nginx", command, clean_env(), front_port, folder / "nginx.out")
    written = Path(app.env["ASTI_PAGE_CACHE_DIR"]) / article.strip("/") / "index.html"
    static_view = Server("nginx (static file)", [], {}, static_port, process.log)
    return process, static_view, written


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
        return self.server.url + self.path


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
    ratio = median(o.rps / r.rps for o, r in row.runs)  # each round's own pair
    return (
        f"| {row.label} | {median(o.rps for o in ours):.0f} | {ms(median(o.p50 for o in ours))}"
        f" | {ms(median(o.p99 for o in ours))} | {row.ref_label}"
        f" | {median(r.rps for r in refs):.0f} | {ms(median(r.p50 for r in refs))}"
        f" | {ms(median(r.p99 for r in refs))} | {ratio:.2f} |"
    )


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


def version_of(command: list[str], pattern: str) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True)
    except OSError:
        return "missing"
    found = re.search(pattern, done.stdout + done.stderr)
    return found.group(1) if found else "?"


def environment() -> list[str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.M)
    packages = ", ".join(f"{p} {metadata.version(p)}" for p in ("flask", "sqlalchemy", "gunicorn"))
    wrk_version = version_of(["wrk", "--version"], r"wrk (\S+)")
    nginx_version = version_of([NGINX, "-v"], r"nginx/(\S+)")
    return [
        f"- Machine: {len(os.sched_getaffinity(0))} cores (nproc),"
        f" {model.group(1) if model else platform.machine()}",
        f"- Python {platform.python_version()}, {packages}, SQLite {sqlite3.sqlite_version},"
        f" wrk {wrk_version}, nginx {nginx_version}",
    ]


def rss_lines(servers: list[Server]) -> list[str]:
    lines = ["| Server | Workers | RSS per worker (median) | max |", "|---|---:|---:|---:|"]
    for server in servers:
        sizes = server.worker_rss()
        if sizes:
            lines.append(
                f"| {server.name} | {len(sizes)} | {median(sizes) / 1024:.1f} MiB"
                f" | {max(sizes) / 1024:.1f} MiB |"
            )
    return lines


def report(args, rows, servers, sizes, load) -> str:
    started = [s for s in servers if s.cold_start is not None]
    lines = [
        "# Benchmark: ASTI vs bare Flask",
        "",
        f"`bench/run.py --news {args.news} --rounds {args.rounds} --duration {args.duration}`:"
        f" gunicorn -w {WORKERS} (sync) on loopback, `wrk -t2 -c{CONNECTIONS}"
        f" -d{args.duration}s`; medians of {args.rounds} round(s), the two sides of a row"
        " measured one after the other, alternating which goes first. Ratio: ours / reference"
        " requests per second, measured in the same round (median over rounds).",
        "",
        *environment(),
        f"- Load average before the run (other work on the machine skews every figure):"
        f" {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}",
    ]
    lines += table(rows)
    lines += ["", "### Page sizes (bytes)", "", "| Page | Bytes |", "|---|---:|"]
    lines += [f"| {name} | {size} |" for name, size in sizes]
    lines += ["", "### Cold start (spawn to the first 200 from /en/; baseline: /hello)", "",
              "| Server | Seconds |", "|---|---:|"]  # fmt: skip
    lines += [f"| {s.name} | {s.cold_start:.2f} |" for s in started]
    lines += ["", "### Memory after the load", "", *rss_lines(servers), ""]
    return "\n".join(lines)


# --- Main ---------------------------------------------------------------------------------


def start_servers(tmp: Path, instances: dict, servers: dict) -> None:
    """One at a time, each idle while the next starts: ours on both databases with the page
    cache on and off, the baseline, and ours with the page folder (for nginx). Each goes
    into ``servers`` before it starts, so that it is stopped whatever happens."""
    for db in ("small", "large"):
        for cache in ("off", "on"):
            env = clean_env(ASTI_INSTANCE_PATH=str(instances[db]), ASTI_SECRET_KEY="bench")
            if cache == "off":
                env["ASTI_PAGE_CACHE_BYTES"] = "0"
            servers[db, cache] = gunicorn(f"ours, {db}, cache {cache}", "wsgi:app", env, tmp)
            servers[db, cache].start("/en/")
    # A worker started alone, as after a restart of one (max_requests): 4 workers starting
    # at once on 2 cores share them, so the first 200 comes later.
    env = clean_env(ASTI_INSTANCE_PATH=str(instances["large"]), ASTI_SECRET_KEY="bench")
    servers["one"] = gunicorn("ours, large, one worker", "wsgi:app", env, tmp, workers=1)
    servers["one"].start("/en/")
    servers["one"].stop()
    servers["baseline"] = gunicorn("baseline", "bench.baseline:app", clean_env(), tmp)
    servers["baseline"].start("/hello")
    env = clean_env(ASTI_INSTANCE_PATH=str(instances["large"]), ASTI_SECRET_KEY="bench",
                    ASTI_PAGE_CACHE_DIR=str(tmp / "pages"))  # fmt: skip
    servers["folder"] = gunicorn("ours, large, cache on, page folder", "wsgi:app", env, tmp)
    servers["folder"].start("/en/")


def etag_of(url: str) -> str | None:
    return fetch(url).headers.get("ETag")


def setup_static(tmp: Path, servers: dict, article: str) -> tuple | str:
    """nginx, the article saved as a file, and the page folder warmed by one request."""
    page = fetch(servers["large", "on"].url + article).body
    front, static, written = nginx(tmp, servers["folder"], article, page)
    servers["nginx"] = front
    front.start(None)
    reply = fetch(front.url + article)
    if reply.status != 200:
        return f"n/a (status {reply.status} through nginx)"
    if not written.is_file():
        return "n/a (static file not written)"
    # nginx's own ETag for a file is strong ("mtime-size"); the application's is weak (W/).
    if fetch(front.url + article).headers.get("ETag", "W/").startswith("W/"):
        return "n/a (nginx did not send the saved page)"
    return Target(front, article), Target(static, article)


def page_sizes(servers: dict, paths: dict, base_article: str) -> list[tuple[str, int]]:
    sizes = []
    for db in ("large", "small"):
        for name in ("article", "fallback"):
            path = getattr(paths[db], name)
            if path:
                sizes.append((f"ours, {db}: {path}", len(fetch(servers[db, "on"].url + path).body)))
    body = fetch(servers["baseline"].url + base_article).body
    return [*sizes, (f"bare Flask: {base_article}", len(body))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--news", type=int, default=10000, help="news in the large database")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    for stop in (signal.SIGTERM, signal.SIGHUP):  # like Ctrl-C: the servers get stopped
        signal.signal(stop, lambda number, frame: sys.exit(128 + number))

    load = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="asti-bench-"))
    servers = {}
    try:
        instances = {"small": tmp / "small", "large": tmp / "large"}
        make_instance(instances["small"], SMALL_NEWS)
        make_instance(instances["large"], args.news)
        paths = {db: discover(folder / "asti.db") for db, folder in instances.items()}
        start_servers(tmp, instances, servers)
        article = paths["large"].article  # the baseline shows its article at any slug too
        etags = {cache: etag_of(servers["large", cache].url + article) for cache in ("on", "off")}
        static = setup_static(tmp, servers, article)
        rows = build_rows(servers, paths, article, etags, static)
        run_rows(rows, args.rounds, args.duration)
        sizes = page_sizes(servers, paths, article)
        text = report(args, rows, list(servers.values()), sizes, load)
        print(text)
        (BENCH / "results.md").write_text(text)
        say(f"written to {BENCH / 'results.md'}")
        return 1 if any(row.failed for row in rows) else 0
    except BenchError as error:
        say(f"bench failed: {error}")
        return 2
    finally:
        for server in servers.values():
            server.stop()
        if args.keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
