"""Security audit of the running site: Debian's wapiti and sqlmap against a real gunicorn on
loopback, serving a database prepared by the real `flask --app asti` commands.

Run with `make audit` (it installs wapiti and sqlmap when missing), which runs
`python -m bench.audit`. Not a test: it takes minutes, needs the Debian packages, and writes
docs/security-audit.md.

1. A temporary instance folder and SQLite database: init-db, seed-demo, create-user (admin).
2. gunicorn, 2 workers, on a free 127.0.0.1 port; login throttling raised for the run.
3. wapiti: the public site and the login form anonymously, then the editor logged in.
4. sqlmap: the login form, the search form and URL, and one editor item form logged in.
5. Checks of its own: the transport-dependent header and cookie flags over HTTPS
   (X-Forwarded-Proto), a replay of the malformed multipart requests that unpatched wapiti
   sends, and a news item saved with script payloads, then looked for on every page.
6. gunicorn's output: any traceback or 500 is a finding.
7. docs/security-audit.md; exit 0 only when there are no findings and every tool ran.

Only 127.0.0.1 is ever contacted.
"""

import argparse
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.reports import run_facts, run_rows, table, version
from tests.fixtures.server import HOST, Gunicorn, flask_cli, poll, site_env, stop_group

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "security-audit.md"

EMAIL = "auditor@example.org"
PASSWORD = secrets.token_urlsafe(18)
NEW_PASSWORD = secrets.token_urlsafe(18)  # for the forms that set one
USER_AGENT = "ASTI-security-audit"

#: Raised for the run only: the scanners send thousands of failed logins from one address,
#: and the normal limits (5 per account, 20 per address in 15 minutes) would lock them out
#: of the login form after a few requests, so they would test only the "429" page.
THROTTLING = {"LOGIN_MAX_FAILURES": "100000", "LOGIN_MAX_FAILURES_PER_IP": "100000"}

#: `blindsql` is wapiti 3.0.4's time-based blind module (its `sql` is error-based only);
#: `ssrf` asks a loopback endpoint of the audit's own whether the site fetched its URLs.
#: 3.0.4 has no `timesql` (later versions renamed `blindsql` so).
WAPITI_MODULES = [
    "sql", "blindsql", "xss", "permanentxss", "csrf", "exec", "file", "redirect", "crlf",
    "ssrf", "http_headers", "cookieflags",
]  # fmt: skip
#: Time limits, seconds: crawling, then each attack module. On 2 cores the two wapiti runs
#: take about 14 minutes, sqlmap about 20, the whole audit about 35.
WAPITI_RUNS = {
    "public": {"crawl": 60, "attack": 25, "depth": 3, "links": 20, "files": 8},
    "editor": {"crawl": 60, "attack": 40, "depth": 3, "links": 25, "files": 6},
}
WAPITI_REQUEST_TIMEOUT = 10
#: Never crawled nor attacked: logging out ends the scanners' session, and so may "sign out
#: everywhere"; requiring two-factor sign-in would send it to enrolment (its account, made
#: by create-user, has two-factor sign-in off, so it logs in with the password alone);
#: deleting or restoring would change what is scanned while it is scanned.
EXCLUDED = ["/editor/logout*", "/editor/account/sign-out-everywhere", "/editor/users/two-factor",
            "/editor/*/delete", "/editor/*/restore"]  # fmt: skip

#: Search words for sqlmap's first request: one the demo content holds, one nothing holds.
#: A boolean-blind injection shows only where a true and a false condition answer
#: differently, so a value that finds nothing hides it (true and false both find nothing);
#: a value that finds nothing is kept too, as readers type such words. Both are checked
#: against the site before they are used.
SEARCH_HIT = "training"
SEARCH_MISS = "quokka"


@dataclass
class SqlmapSpec:
    name: str
    path: str  # with a `*` where a part of the path itself is attacked
    #: `--forms`, limited to the forms whose action matches this regex (`--scope`): not the
    #: logout or delete forms of the same page. None: the URL's own parameters, or `data`.
    forms: str | None = None
    #: POST data given explicitly; {csrf_token}: a token valid for the run's session.
    data: str | None = None
    #: POST the page's own form (the one without an action), urlencoded, as it stands;
    #: unless `params` says otherwise, every field but the token and the Tajik and Russian
    #: sections (one form class with the English one) is attacked, and the session cookie.
    own_form: bool = False
    #: Values put into the own form's fields before it is sent: an empty form is refused
    #: by its validation before any query, and so would every attack be.
    fill: dict[str, str] = field(default_factory=dict)
    #: `-p`: only these parameters (None: all, cookies included).
    params: str | None = None
    logged_in: bool = False
    budget: int = 150  # seconds
    required: bool = True  # must end within its budget, or the audit is incomplete
    #: The path parameter at the `*` (reported by sqlmap as "URI parameter '#1*'").
    marker: str = ""
    #: The values the attacks start from, and what the site answers to them.
    seeds: str = ""


def sqlmap_runs(seeds: "Seeds") -> list[SqlmapSpec]:
    """What sqlmap attacks: every parameter of the public pages, started from values that
    find something (and, for search, from one that finds nothing), then the login form and
    the editor's forms."""
    s = seeds
    return [
        SqlmapSpec("search form", f"/en/search/?q={SEARCH_HIT}", forms=r"/en/search/",
                   seeds=s.about.get("search_hit", "")),
        SqlmapSpec("search URL, words found", f"/en/search/?q={SEARCH_HIT}&page=1",
                   seeds=s.about.get("search_hit", "")),
        SqlmapSpec("search URL, nothing found", f"/en/search/?q={SEARCH_MISS}&page=1",
                   seeds=s.about.get("search_miss", "")),
        SqlmapSpec("news list, program", f"/en/news/?program={s.program}&page=1",
                   seeds=s.about.get("program", "")),
        SqlmapSpec("news list, region", f"/en/news/?region={s.region}&page=1",
                   seeds=s.about.get("region", "")),
        SqlmapSpec("news of a year", f"/en/news/{s.year}*/", marker="year",
                   seeds=s.about.get("year", "")),
        *[SqlmapSpec(f"{kind} item", f"{path[:-1]}*/", marker=marker, seeds=s.about[kind])
          for kind, (path, marker) in s.items.items()],
        SqlmapSpec("login form", "/editor/login", forms=r"/editor/login$", budget=300),
        # sqlmap 1.7.2 fills blank form fields with random values but misses the last one
        # (password): with --forms, the attacks on the email are refused by the form's
        # validation (400) before any query. The same form with both fields filled
        # reaches the throttling and account queries with every payload.
        SqlmapSpec("login form, fields filled", "/editor/login", budget=300,
                   data="csrf_token={csrf_token}&email=nobody%40example.org"
                        "&password=not-the-password"),
        # sqlmap 1.7.2 sends the item forms (multipart) with a boundary that does not
        # match their body (dashes missing), so the app sees no field at all (400, CSRF
        # token missing). The same fields, urlencoded, reach the form code: Flask reads
        # both. Their many fields do not all fit in the budget: not required to end.
        *[SqlmapSpec(f"editor {kind} form", f"/editor/{kind}/1", own_form=True,
                     logged_in=True, budget=180, required=False, seeds="the demo item 1")
          for kind in ("news", "programs", "regions", "pages")],
        # Filled in as staff would: the first request saves, the next ones reach the
        # check for an existing account or address (a query with the attacked value).
        SqlmapSpec("editor new user form", "/editor/users/new", own_form=True,
                   logged_in=True, fill={"email": "new.person@example.org",
                                         "new_password": NEW_PASSWORD, "repeat": NEW_PASSWORD},
                   seeds="a new account, valid"),
        SqlmapSpec("editor old addresses form", "/editor/redirects/", own_form=True,
                   logged_in=True, fill={"old_path": "/en/old-page.html", "target": "/en/about/"},
                   seeds="a new old address, valid"),
        # A wrong current password: the right one would let a payload become the
        # auditor's password.
        SqlmapSpec("editor password form", "/editor/password", own_form=True,
                   logged_in=True, fill={"current_password": "not-the-password",
                                         "new_password": NEW_PASSWORD, "repeat": NEW_PASSWORD},
                   seeds="a wrong current password, a valid new one"),
        SqlmapSpec("editor two-factor form", "/editor/account/two-factor", own_form=True,
                   logged_in=True, fill={"code": "123456"}, seeds="a code of the right form"),
        SqlmapSpec("editor photo library search", f"/editor/library/?q={SEARCH_HIT}&unused=1",
                   logged_in=True),
        SqlmapSpec("editor revisions compared", f"/editor/news/1/compare?{s.compare}",
                   logged_in=True, seeds=s.about.get("compare", "")),
    ]  # fmt: skip


#: wapiti's http_headers/cookieflags messages that depend on the transport or on a choice
#: made on purpose; each is verified separately below, and is a finding when that fails.
HSTS_MISSING = "Strict-Transport-Security is not set"
XSS_PROTECTION_MISSING = "X-XSS-Protection is not set"
SECURE_FLAG = re.compile(r"Secure flag is not set in the cookie : (\S+)")


def log(message: str) -> None:
    print(f"[audit {datetime.now():%H:%M:%S}] {message}", flush=True)


# --- the server ------------------------------------------------------------------------


#: The request that `Site.requests` makes to count the others.
COUNTING = "/healthz?counting="


class Site(Gunicorn):
    """The site as gunicorn serves it, 2 workers, with an access log of its own (its error
    output, tracebacks included, goes to gunicorn.log)."""

    def __init__(self, env: dict, tmp: Path):
        self.access_log = tmp / "access.log"
        super().__init__(env, tmp / "gunicorn.log", workers=2, args=[
            "--timeout", "30", "--access-logfile", str(self.access_log),
            "--access-logformat", '%(s)s %(h)s "%(r)s" %(B)s %(M)sms "%(a)s"',
        ])  # fmt: skip

    def requests(self) -> int:
        """Requests answered so far: one access-log line each, those of this count left out.
        A worker writes its line just after the response: once the line of a request made
        here shows, the lines of the requests answered before it are there too."""
        mark = f"{COUNTING}{secrets.token_hex(4)}"
        fetch(self.base + mark)
        poll(
            lambda: mark in self.access_log.read_text(errors="replace"),
            10,
            f"{mark} in {self.access_log}",
        )
        with self.access_log.open(errors="replace") as lines:
            return sum(COUNTING not in line for line in lines)


# --- logging in ------------------------------------------------------------------------


class Forms(HTMLParser):
    """The forms of a page, each with the fields a browser would send as they stand."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self._select: dict | None = None
        self._textarea: list | None = None
        self.feed(html)
        self.close()

    @property
    def values(self) -> dict[str, str]:
        """Every field of every form, by name (the last one wins)."""
        return {name: value for form in self.forms for name, value in form["fields"]}

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": []})
        elif not self.forms or not a.get("name") and tag != "option":
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("type") not in {"submit", "button", "file", "reset"}:
            if a.get("type") not in {"checkbox", "radio"} or "checked" in a:
                fields.append((a["name"], a.get("value", "on" if "checked" in a else "")))
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
        elif tag == "select":
            self._select = {"name": a["name"], "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._select["options"].append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            text = re.sub(r"\A\r?\n", "", self._textarea[1])  # as browsers read it
            self.forms[-1]["fields"].append((self._textarea[0], text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            options, chosen = self._select["options"], []
            chosen = [value for value, selected in options if selected]
            if not chosen and options and not self._select["multiple"]:
                chosen = [options[0][0]]
            self.forms[-1]["fields"] += [(self._select["name"], v) for v in chosen]
            self._select = None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session_cookie(
    base: str, email: str | None = None, password: str | None = None
) -> tuple[str, str]:
    """A session cookie and a CSRF token valid with it: anonymous, or logged in when given
    an account. Logs in as a person does: the form, its CSRF token, then the POST.

    Flask-WTF's tokens here live as long as the session (WTF_CSRF_TIME_LIMIT = None), so
    a scanner that keeps this cookie can send the same token with every request."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    opener.addheaders = [("User-Agent", USER_AGENT)]
    with opener.open(f"{base}/editor/login", timeout=10) as response:
        inputs = Forms(response.read().decode())
    if email is not None:
        form = {"csrf_token": inputs.values["csrf_token"], "email": email, "password": password}
        data = urllib.parse.urlencode(form).encode()
        try:
            opener.open(f"{base}/editor/login", data=data, timeout=10)
            raise SystemExit("logging in did not redirect: wrong password or form?")
        except urllib.error.HTTPError as error:
            if error.code != 302 or not error.headers["Location"].endswith("/editor/"):
                raise SystemExit(f"logging in failed: {error.code}") from None
        with opener.open(f"{base}/editor/", timeout=10) as response:
            if response.status != 200 or "logout" not in response.read().decode():
                raise SystemExit("logged in, but the editor does not show it")
    return next(c.value for c in jar if c.name == "session"), inputs.values["csrf_token"]


# --- where the attacks start ---------------------------------------------------------


@dataclass
class Seeds:
    """Values of the demo content that the public pages answer with something: sqlmap
    starts from them, and the report says what each one finds."""

    program: str = ""
    region: str = ""
    year: str = ""
    compare: str = ""
    #: kind: (the path of one of its items, the name of the path's attacked part)
    items: dict[str, tuple[str, str]] = field(default_factory=dict)
    about: dict[str, str] = field(default_factory=dict)  # seed: what the site answers


def results(html: str) -> int:
    """The number of results a search page lists."""
    listed = html.split('class="cards results"', 1)
    return listed[1].split("</ol>", 1)[0].count('class="card"') if len(listed) == 2 else 0


def links(html: str, pattern: str) -> list[str]:
    """The page's links whose path matches ``pattern``, in page order."""
    found = re.findall(r'href="([^"#]+)"', html)
    return [link for link in dict.fromkeys(found) if re.fullmatch(pattern, link)]


def news_items(html: str) -> list[str]:
    """The links to news items (not to a year's list) of a page."""
    return [p for p in links(html, r"/en/news/[a-z0-9-]+/") if not p[9:-1].isdigit()]


def find_seeds(base: str, cookie: str) -> tuple[Seeds, list[str]]:
    """Seeds read from the site as a reader finds them, each checked; and what is wrong
    with them (a seed that finds nothing would hide a boolean-blind injection)."""
    seeds, errors = Seeds(), []

    def page(path: str, session: str | None = None) -> str:
        status, _, html = fetch(base + path, cookie=session)
        if status != 200:
            errors.append(f"seed page {path} answered {status}")
        return html

    for key, word in (("search_hit", SEARCH_HIT), ("search_miss", SEARCH_MISS)):
        found = results(page(f"/en/search/?q={word}"))
        seeds.about[key] = f"`q={word}`: {found} results"
        if (found > 0) != (key == "search_hit"):
            errors.append(f"seed q={word} finds {found} results")
    years = links(page("/en/news/"), r"/en/news/\d{4}/")
    seeds.year = years[0].split("/")[3] if years else ""
    if seeds.year:
        shown = len(news_items(page(f"/en/news/{seeds.year}/")))
        seeds.about["year"] = f"`{seeds.year}`: {shown} news"
    else:
        errors.append("no year of news on /en/news/")
    for kind, marker in (("news", "slug"), ("programs", "slug"), ("regions", "slug")):
        listing = page(f"/en/{kind}/")
        item = next(iter(news_items(listing) if kind == "news" else links(
            listing, rf"/en/{kind}/[a-z0-9-]+/")), None)  # fmt: skip
        if item is None:
            errors.append(f"no item listed on /en/{kind}/")
            continue
        seeds.items[kind] = (item, marker)
        seeds.about[kind] = f"`{item.split('/')[3]}`: a published item (200)"
        if kind == "news":
            continue
        # A program or region whose news the list can be narrowed to.
        name = kind[:-1]
        for path in links(listing, rf"/en/{kind}/[a-z0-9-]+/"):
            narrowed = links(page(path), rf"/en/news/\?{name}=[a-z0-9-]+")
            if narrowed:
                value = narrowed[0].split("=", 1)[1]
                setattr(seeds, name, value)
                shown = len(news_items(page(narrowed[0])))
                seeds.about[name] = f"`{name}={value}`: {shown} news"
                if not shown:
                    errors.append(f"the news list of {name}={value} is empty")
                break
        else:
            errors.append(f"no {name} on /en/{kind}/ links to its news")
    seeds.items["pages"] = ("/en/about/", "key")
    seeds.about["pages"] = "`about`: the about page (200)"
    page("/en/about/")
    # Revisions to compare: the demo's items have none, so the news item 1 is saved twice
    # as it stands, as an editor would.
    for _ in range(2):
        form = next(f for f in Forms(page("/editor/news/1", cookie)).forms if not f["action"])
        data = urllib.parse.urlencode([*form["fields"], ("action", "save")]).encode()
        if fetch(f"{base}/editor/news/1", cookie=cookie, data=data)[0] != 302:
            errors.append("saving the demo news item 1 failed")
    revisions = links(page("/editor/news/1/revisions/", cookie), r"/editor/revisions/\d+")
    if revisions:
        numbers = [link.rsplit("/", 1)[1] for link in revisions]
        seeds.compare = f"from={numbers[-1]}&to={numbers[0]}"
        seeds.about["compare"] = f"`{seeds.compare}`: two revisions of the demo news item 1"
    else:
        errors.append("/editor/news/1/revisions/ links to no revision")
    return seeds, errors


# --- running the tools -----------------------------------------------------------------


@dataclass
class Run:
    tool: str
    name: str
    target: str
    logged_in: bool
    seconds: float = 0.0
    requests: int = 0
    status: str = "ok"  # ok, timed out, failed
    vulns: dict[str, list[dict]] = field(default_factory=dict)
    anomalies: dict[str, list[dict]] = field(default_factory=dict)
    resources: int | None = None
    injectable: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    attempts: list["Attempt"] = field(default_factory=list)


@dataclass
class Attempt:
    """What a tool tried on one parameter: `count` payloads of a wapiti module, or the
    `count` techniques of a sqlmap run (started from `seed`)."""

    method: str
    path: str  # as requested; the report groups paths by the route that answers them
    parameter: str
    tool: str  # "wapiti <module>", "sqlmap"
    count: int
    seed: str = ""


def run_tool(command: list[str], output: Path, budget: float, env: dict | None = None):
    """Run a scanner with its output in a file; stop its whole process group at the budget.
    Returns (exit code or None when stopped, seconds)."""
    started = time.monotonic()
    with output.open("wb") as out:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            env=env, start_new_session=True,
        )  # fmt: skip
        try:
            exit_code = process.wait(timeout=budget)
        except subprocess.TimeoutExpired:
            stop_group(process, grace=10)
            exit_code = None
    return exit_code, time.monotonic() - started


#: Debian's wapiti 3.0.4 has three problems that this shim works around before running it:
#: - it compiles `-x` patterns as `...\\Z(?ms)`, which Python 3.11 refuses ("global flags
#:   not at the start of the expression"): any `-x` stops it. Same match, flags first.
#: - it sends every field of a multipart form as a file upload (requests names the file
#:   after the field), so the app never sees the CSRF token nor any text field: every
#:   attack on the item forms would end at "CSRF token missing". Sent as plain fields.
#: - it fills every file input with a 6-byte "pix.gif" that is no image, so the app
#:   rightly refuses every item form (400) whatever else was sent. Unless the file name
#:   itself is attacked, the file input is sent as a browser does when no file is chosen.
#: What the unpatched multipart encoding does to the app is replayed by `multipart_probes`.
WAPITI_SHIM = """
import re, sys
import requests
from wapitiCore.net import crawler

def wildcard_translate(pattern):
    return re.compile("(?ms)" + ".*".join(map(re.escape, pattern.split("*"))) + r"\\Z")

crawler.wildcard_translate = wildcard_translate
_post = requests.Session.post

NO_FILE = ("", b"", "application/octet-stream")

def field(value):
    if value is None or isinstance(value, str):
        return (None, value or "")
    return NO_FILE if list(value[:2]) == ["pix.gif", "GIF89a"] else value

def post(self, url, data=None, json=None, files=None, **kwargs):
    if files:
        files = [(k, field(v)) for k, v in files]
    return _post(self, url, data=data, json=json, files=files, **kwargs)

requests.Session.post = post

# Every attack request, with the module, the method, the URL and the parameter it puts its
# payload in, one JSON line each: what the report lists per parameter.
import json, os
from wapitiCore.attack import attack, mod_ssrf
TRIED = open(os.environ["ASTI_WAPITI_TRIED"], "a", buffering=1)

def logged(mutate):
    def each(self, request):
        module = getattr(sys._getframe(1).f_locals.get("self"), "name", "?")
        for mutated, parameter, *rest in mutate(self, request):
            TRIED.write(json.dumps([module, mutated.method, mutated.url, parameter]) + "\\n")
            yield (mutated, parameter, *rest)
    return each

attack.Mutator.mutate = logged(attack.Mutator.mutate)
mod_ssrf.SsrfMutator.mutate = logged(mod_ssrf.SsrfMutator.mutate)
from wapitiCore.main.wapiti import wapiti_main
sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
"""


def tool_env() -> dict:
    """The scanners are Debian's programs: the system Python, English messages."""
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env["PATH"] = "/usr/bin:/bin:/usr/sbin:/sbin"
    env.update(LANG="C.UTF-8", LANGUAGE="en", LC_ALL="C.UTF-8", HOME=env.get("HOME", "/root"))
    return env


class SsrfEndpoint(ThreadingHTTPServer):
    """The endpoint of wapiti's `ssrf` module, on loopback: wapiti puts the URL of one of
    its paths (/ssrf/<session>/<request>/<parameter in hex>/) into every parameter, then
    asks /get_ssrf.php?id=<session> which of them the site fetched. Its default endpoint is
    on the Internet, and the audit contacts nothing but 127.0.0.1."""

    def __init__(self):
        self.fetched: dict[str, dict] = {}  # session: request: parameter: [request seen]
        super().__init__((HOST, 0), SsrfHandler)
        self.base = f"http://{HOST}:{self.server_address[1]}/"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def hits(self) -> int:
        return sum(
            len(seen) for r in self.fetched.values() for p in r.values() for seen in p.values()
        )


class SsrfHandler(BaseHTTPRequestHandler):
    def answer(self):
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        if url.path == "/get_ssrf.php":
            session = urllib.parse.parse_qs(url.query).get("id", [""])[0]
            body = json.dumps(self.server.fetched.get(session, {})).encode()
        elif len(parts) >= 4 and parts[0] == "ssrf":
            session, request, parameter = parts[1:4]
            seen = {
                "url": self.path, "date": datetime.now().isoformat(), "ip": self.client_address[0],
                "method": self.command, "size": int(self.headers.get("Content-Length") or 0),
            }  # fmt: skip
            fetched = self.server.fetched.setdefault(session, {}).setdefault(request, {})
            fetched.setdefault(parameter, []).append(seen)
            body = b"{}"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = answer

    def log_message(self, *args):
        pass  # wapiti's requests are counted in `hits`, not printed


def wapiti(server: Site, tmp: Path, name: str, cookie: str | None, ssrf: SsrfEndpoint) -> Run:
    limits = WAPITI_RUNS[name]
    folder = tmp / f"wapiti-{name}"
    folder.mkdir()
    base = server.base
    if cookie is None:
        scope_url, starts = f"{base}/", ["/en/", "/tg/", "/ru/", "/editor/login"]
    else:
        scope_url, starts = f"{base}/editor/", ["/editor/"]
    run = Run("wapiti", name, ", ".join(base + s for s in starts), cookie is not None)
    command = [
        "/usr/bin/python3", "-c", WAPITI_SHIM, "-u", scope_url, "--scope", "folder",
        "-m", ",".join(WAPITI_MODULES),
        "-d", str(limits["depth"]), "--max-links-per-page", str(limits["links"]),
        "--max-files-per-dir", str(limits["files"]),
        "--max-scan-time", str(limits["crawl"]), "--max-attack-time", str(limits["attack"]),
        "-t", str(WAPITI_REQUEST_TIMEOUT), "-A", USER_AGENT,
        "-f", "json", "-o", str(folder / "report.json"),
        "--store-session", str(folder / "session"), "--store-config", str(folder / "config"),
        "--flush-session", "--no-bugreport", "-v", "1", "--endpoint", ssrf.base,
    ]  # fmt: skip
    for start in starts:
        command += ["-s", base + start]
    for pattern in EXCLUDED:
        command += ["-x", base + pattern]
    if cookie is not None:
        jar = folder / "cookies.json"
        jar.write_text(json.dumps({HOST: {"/": {"session": {
            "value": cookie, "expires": None, "secure": False, "port": None, "version": 0,
        }}}}))  # fmt: skip
        command += ["-c", str(jar)]
    (folder / "command.txt").write_text(" ".join(command) + "\n")
    budget = limits["crawl"] + len(WAPITI_MODULES) * (limits["attack"] + 30) + 120
    before = server.requests()
    log(f"wapiti {name}: {run.target}")
    tried = folder / "tried.jsonl"
    env = tool_env() | {"ASTI_WAPITI_TRIED": str(tried)}
    exit_code, run.seconds = run_tool(command, folder / "output.txt", budget, env=env)
    run.requests = server.requests() - before
    output = (folder / "output.txt").read_text(errors="replace")
    counted: dict[tuple, int] = {}
    for line in tried.read_text().splitlines() if tried.exists() else []:
        module, method, url, parameter = json.loads(line)
        key = (method, urllib.parse.urlsplit(url).path, parameter, f"wapiti {module}")
        counted[key] = counted.get(key, 0) + 1
    run.attempts = [Attempt(*key, count) for key, count in counted.items()]
    if found := re.search(r"Wapiti found (\d+) URLs and forms", output):
        run.resources = int(found.group(1))
    for module in WAPITI_MODULES:
        if f"Max attack time was reached for module {module}" in output:
            run.notes.append(f"module {module} stopped at its time limit")
    if exit_code is None:
        run.status = f"stopped after {run.seconds:.0f} s"
    elif not (folder / "report.json").exists():
        run.status = f"failed (exit {exit_code}, no report)"
    else:
        report = json.loads((folder / "report.json").read_text())
        run.vulns = report.get("vulnerabilities", {})
        run.anomalies = report.get("anomalies", {})
        if "Traceback" in output:
            run.notes.append("wapiti printed a traceback (a module crashed): see output.txt")
    log(f"wapiti {name}: {run.status}, {run.requests} requests, {run.seconds:.0f} s")
    return run


INJECTABLE = [
    re.compile(r"parameter '([^']+)' (?:is|appears to be) '[^']*' injectable"),
    re.compile(r"parameter '([^']+)' is vulnerable"),
    re.compile(r"Parameter: ([^\n]+) \(\w+\)\n\s+Type:"),
]
HEURISTIC = re.compile(r"heuristic \((?:basic|XSS|FI)\) test shows that (.+ might be .+)")


def sqlmap(server: Site, tmp: Path, index: int, spec: SqlmapSpec, session) -> Run:
    cookie, token = session
    name, budget = spec.name, spec.budget
    folder = tmp / f"sqlmap-{index}"
    folder.mkdir()
    url = server.base + spec.path
    target = url + (" (its forms)" if spec.forms else f" POST {spec.data}" if spec.data else "")
    target = target.replace("{csrf_token}", "…") + (" POST its form" if spec.own_form else "")
    run = Run("sqlmap", name, target, spec.logged_in)
    command = [
        "sqlmap", "-u", url, "--batch", "--level", "2", "--risk", "1", "--crawl=0",
        "--output-dir", str(folder / "out"), "--flush-session",
        "--timeout", "10", "--retries", "1", "--time-sec", "2",
        "--cookie", f"session={cookie}", "--drop-set-cookie",
        "--ignore-code", "401", "--user-agent", USER_AGENT,
        "--disable-coloring", "-v", "1",
    ]  # fmt: skip
    params = spec.params
    if spec.forms:
        command += ["--forms", "--scope", spec.forms]
    if spec.data:
        command += ["--data", spec.data.format(csrf_token=token)]
    if spec.own_form:
        forms = Forms(fetch(url, cookie=cookie)[2]).forms
        form = next(f for f in forms if not f["action"])
        fields = [(name, spec.fill.get(name, value)) for name, value in form["fields"]]
        command += ["--data", urllib.parse.urlencode(fields)]
        names = dict.fromkeys(name for name, _ in form["fields"])
        params = params or ",".join(
            [n for n in names if n != "csrf_token" and not n.startswith(("tg-", "ru-"))]
            + ["session"]
        )
    if params:
        command += ["-p", params]
    (folder / "command.txt").write_text(" ".join(command) + "\n")
    before = server.requests()
    log(f"sqlmap {name}: {run.target}")
    exit_code, run.seconds = run_tool(command, folder / "output.txt", budget, env=tool_env())
    run.requests = server.requests() - before
    text = (folder / "output.txt").read_text(errors="replace")
    for log_file in (folder / "out").rglob("log"):
        text += "\n" + log_file.read_text(errors="replace")
    for csv in (folder / "out").rglob("results-*.csv"):
        rows = [line for line in csv.read_text().splitlines()[1:] if line.strip()]
        run.injectable += [f"results CSV: {row}" for row in rows]
    for pattern in INJECTABLE:
        run.injectable += [f"parameter {m.group(1)}" for m in pattern.finditer(text)]
    run.injectable = sorted(set(run.injectable))
    run.notes += sorted({m.group(1) for m in HEURISTIC.finditer(text)})
    tested = sorted(set(re.findall(r"testing if (\S+ parameter '[^']+') is dynamic", text)))
    tested += sorted(set(re.findall(r"(\S+ parameter '[^']+') does not seem to be inj", text)))
    run.resources = len(set(tested))
    run.attempts = sqlmap_attempts(text, spec)
    if "all tested parameters do not appear to be injectable" in text:
        run.notes.append("sqlmap: all tested parameters do not appear to be injectable")
    if codes := re.search(r"HTTP error codes detected during run:\n(.+)", text):
        run.notes.append(f"HTTP error codes sqlmap received: {codes.group(1).strip()}")
    if critical := sorted(set(re.findall(r"\[CRITICAL\] (.+)", text))):
        run.notes += [f"sqlmap critical: {line}" for line in critical]
    if exit_code is None:
        run.status = f"stopped at its time budget ({budget} s)"
    elif exit_code != 0:
        run.status = f"failed (exit {exit_code})"
    log(f"sqlmap {name}: {run.status}, {run.requests} requests, {run.seconds:.0f} s, "
        f"injectable: {run.injectable or 'none'}")  # fmt: skip
    return run


TESTING_PARAMETER = re.compile(r"testing for SQL injection on (\S+) parameter '([^']+)'")
TECHNIQUE = re.compile(r"\[INFO\] testing '([^']+)'")


def sqlmap_attempts(output: str, spec: SqlmapSpec) -> list[Attempt]:
    """The techniques sqlmap tried on each parameter, read from its log: each parameter's
    part starts with "testing for SQL injection on GET parameter 'q'"."""
    tried: dict[tuple[str, str], set[str]] = {}
    current = None
    for line in output.splitlines():
        if found := TESTING_PARAMETER.search(line):
            place, name = found.groups()
            current = tried.setdefault((place, name), set())
        elif current is not None and (found := TECHNIQUE.search(line)):
            current.add(found.group(1))
    method = "POST" if spec.data or spec.own_form or spec.path == "/editor/login" else "GET"
    path = urllib.parse.urlsplit(spec.path.replace("*", "")).path
    attempts = []
    for (place, name), techniques in tried.items():
        if place == "URI":
            name = spec.marker or name
        elif place == "Cookie":
            name = f"cookie {name}"
        elif place in {"User-Agent", "Referer", "Host"}:
            name = f"header {place}"
        attempts.append(Attempt(method, path, name, "sqlmap", len(techniques), spec.seeds))
    return attempts


# --- checks of our own: transport-dependent flags, multipart replay ----------------------


def fetch(url: str, https: bool = False, cookie: str | None = None, data=None, headers=None):
    """One request, redirects not followed; "HTTPS" as nginx forwards it (X-Forwarded-Proto).
    Returns (status, headers, body)."""
    headers = {"User-Agent": USER_AGENT, **(headers or {})}
    if https:
        headers["X-Forwarded-Proto"] = "https"
    if cookie:
        headers["Cookie"] = f"session={cookie}"
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with opener.open(request, timeout=15) as response:
            return response.status, response.headers, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


def cookie_flags(headers, name: str) -> set[str] | None:
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith(f"{name}="):
            return {part.strip().split("=")[0].lower() for part in value.split(";")[1:]}
    return None


@dataclass
class Check:
    what: str
    http: str
    https: str
    ok: bool


def transport_checks(base: str) -> dict[str, Check]:
    """What a browser gets over plain HTTP and over HTTPS behind nginx (ASTI_PROXY_FIX=1)."""
    checks = {}
    plain, secure = fetch(f"{base}/en/")[1], fetch(f"{base}/en/", https=True)[1]
    hsts = secure.get("Strict-Transport-Security", "")
    max_age = int(m.group(1)) if (m := re.search(r"max-age=(\d+)", hsts)) else 0
    checks["hsts"] = Check(
        "`Strict-Transport-Security` on /en/",
        plain.get("Strict-Transport-Security") or "absent",
        hsts or "absent",
        "Strict-Transport-Security" not in plain and max_age >= 180 * 86400,
    )
    for name, path in (("lang", "/en/"), ("session", "/editor/login")):
        plain, secure = fetch(base + path)[1], fetch(base + path, https=True)[1]
        flags_plain, flags_secure = cookie_flags(plain, name), cookie_flags(secure, name)
        checks[name] = Check(
            f"cookie `{name}` attributes ({path})",
            ", ".join(sorted(flags_plain)) if flags_plain is not None else "not set",
            ", ".join(sorted(flags_secure)) if flags_secure is not None else "not set",
            flags_plain is not None
            and flags_secure is not None
            and {"httponly", "samesite"} <= flags_plain
            and "secure" not in flags_plain
            and {"secure", "httponly", "samesite"} <= flags_secure,
        )
    headers = fetch(f"{base}/en/")[1]
    csp = headers.get("Content-Security-Policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    scripts = directives.get("script-src", directives.get("default-src", "")).split()
    checks["xss-protection"] = Check(
        "`X-XSS-Protection` (obsolete) and the `Content-Security-Policy` that replaces it",
        f"X-XSS-Protection: {headers.get('X-XSS-Protection') or 'absent'}; CSP script-src "
        f"{' '.join(scripts) or 'absent'}, object-src {directives.get('object-src', 'absent')}",
        "same",
        bool(scripts)
        and not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(scripts)
        and directives.get("object-src") == "'none'",
    )
    return checks


def multipart(parts: list[tuple[str, str, bool]]) -> tuple[bytes, str]:
    """A multipart/form-data body: (name, value, as a file part named after the field)."""
    boundary = secrets.token_hex(16)
    body = b""
    for name, value, as_file in parts:
        filename = f'; filename="{name}"' if as_file else ""
        body += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"{filename}\r\n\r\n'
            ).encode()
            + value.encode()
            + b"\r\n"
        )
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@dataclass
class Probe:
    what: str
    request: str
    status: int

    @property
    def ok(self) -> bool:
        return self.status < 500


def multipart_probes(base: str, cookie: str) -> list[Probe]:
    """The news form sent as unpatched wapiti 3.0.4 sends multipart forms: every field a
    file part. A browser never does that, but nothing a client sends may cause a 500."""
    url = f"{base}/editor/news/1"
    form = next(f for f in Forms(fetch(url, cookie=cookie)[2]).forms if not f["action"])
    fields = form["fields"]
    probes = []
    variants = [
        ("every field a file part (as wapiti 3.0.4 sends it)", lambda name: True),
        ("valid CSRF token, `published_at` a file part", lambda name: name == "published_at"),
        ("valid CSRF token, `en-title` a file part", lambda name: name == "en-title"),
    ]
    for what, as_file in variants:
        body, content_type = multipart([(n, v, as_file(n)) for n, v in fields])
        status = fetch(url, cookie=cookie, data=body, headers={"Content-Type": content_type})[0]
        probes.append(Probe(what, "POST /editor/news/1 (logged in)", status))
    return probes


class ActiveMarkup(HTMLParser):
    """Where a marker became markup that runs, as a browser parses the page: an event
    handler attribute, a javascript: URL, a script element, or a JSON-LD block broken out
    of. A marker shown as text or inside a quoted attribute value is harmless."""

    def __init__(self, mark: str, html: str):
        super().__init__(convert_charrefs=True)
        self.mark, self.found = mark, []
        self._script: list | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and self.mark in value:
                self.found.append(f"<{tag} {name}=...{self.mark}...>")
            elif (
                name in {"href", "src", "action", "formaction"}
                and value.strip().lower().startswith("javascript:")
                and self.mark in value
            ):
                self.found.append(f"<{tag} {name}=javascript:...{self.mark}...>")
        if tag == "script":
            self._script = [dict(attrs).get("type") or "", ""]

    def handle_data(self, data):
        if self._script is not None:
            self._script[1] += data

    def handle_endtag(self, tag):
        if tag != "script" or self._script is None:
            return
        kind, text = self._script
        self._script = None
        if self.mark not in text:
            return
        if kind != "application/ld+json":
            self.found.append(f"<script> running {text.strip()[:80]!r}")
            return
        try:
            json.loads(text)
        except ValueError:
            self.found.append("a JSON-LD block broken out of (not JSON any more)")


@dataclass
class Stored:
    """The stored-payload probe: where it looked, and what it found unescaped."""

    saved: str = ""
    pages: list[tuple[str, int]] = field(default_factory=list)
    raw: list[tuple[str, str]] = field(default_factory=list)  # (page, what was found raw)
    error: str = ""


def stored_payload_probe(base: str, cookie: str) -> Stored:
    """Save a published news item with script payloads in every text field of the three
    languages, as an editor could, then read every page that shows it. A payload that comes
    back unescaped (or a javascript: link) is stored XSS.

    wapiti's `permanentxss` can hardly do this here: its payloads reach the item forms, but
    an edit form's version is stale after the crawler's first save (409, nothing saved) and
    wapiti leaves titles empty while it fills the summaries (400, a title is needed)."""
    result = Stored()
    mark = f"asti{secrets.token_hex(4)}"
    payloads = (
        f'<script>alert("{mark}")</script> "><img src=x onerror=alert("{mark}")> '
        f'" autofocus onfocus=alert("{mark}") x=" </script><script>alert(\'{mark}\')</script>'
    )
    page = fetch(f"{base}/editor/news/new", cookie=cookie)[2]
    form = next(f for f in Forms(page).forms if not f["action"])
    values = dict(form["fields"])
    fields = []
    for name, value in form["fields"]:
        lang, _, part = name.partition("-")
        if part == "title":
            value = f"Audit {lang} {mark} {payloads}"
        elif part == "summary":
            value = payloads
        elif part == "body":
            value = f'{payloads}\n\n[a link](javascript:alert("{mark}"))\n\n<b>{mark}</b>'
        fields.append((name, value))
    if "en-title" not in values:
        result.error = "the news form has no English title"
        return result
    fields.append(("action", "publish"))  # the form's Publish button
    body, content_type = multipart([(n, v, False) for n, v in fields])
    status, headers, _ = fetch(
        f"{base}/editor/news/new", cookie=cookie, data=body,
        headers={"Content-Type": content_type},
    )  # fmt: skip
    location = urllib.parse.urlparse(headers.get("Location") or "").path
    if status != 302 or not re.fullmatch(r"/editor/news/\d+", location):
        result.error = f"the news item was not saved ({status})"
        return result
    result.saved = location
    edit = Forms(fetch(base + location, cookie=cookie)[2]).values
    slugs = {lang: edit.get(f"{lang}-slug", "") for lang in ("tg", "ru", "en")}
    public = [f"/{lang}/news/{slug}/" for lang, slug in slugs.items()]
    public += ["/tg/", "/en/", "/en/news/", f"/en/search/?q={mark}", "/en/news/feed.atom",
               "/sitemap.xml"]  # fmt: skip
    editor = [location, "/editor/", "/editor/news/", f"{location}/revisions/",
              f"{location}/preview/en", "/editor/audit/"]  # fmt: skip
    for path, session in [(p, None) for p in public] + [(p, cookie) for p in editor]:
        status, _, text = fetch(base + path, cookie=session)
        result.pages.append((path, status))
        result.raw += [(path, what) for what in ActiveMarkup(mark, text).found]
        if status >= 400:
            result.error = f"{path} answered {status}"
    return result


# --- what was tried, per parameter -------------------------------------------------------

#: Every parameter of the public pages: a full audit is incomplete unless sqlmap attacked
#: each of them (routes as `route` names them).
PUBLIC_PARAMETERS = [
    ("GET", "/<lang>/search/", "q"),
    ("GET", "/<lang>/search/", "page"),
    ("GET", "/<lang>/news/", "program"),
    ("GET", "/<lang>/news/", "region"),
    ("GET", "/<lang>/news/", "page"),
    ("GET", "/<lang>/news/<year>/", "year"),
    ("GET", "/<lang>/news/<slug>/", "slug"),
    ("GET", "/<lang>/programs/<slug>/", "slug"),
    ("GET", "/<lang>/regions/<slug>/", "slug"),
    ("GET", "/<lang>/<key>/", "key"),
]


def router():
    """A function naming the route that answers a request, as the site's URL map has it
    (`/<lang>/news/<slug>/`): what the report groups the requests by; and the routes of
    the editor's forms."""
    from werkzeug.exceptions import HTTPException
    from werkzeug.routing import RoutingException

    from asti import create_app

    url_map = create_app({"SECRET_KEY": "audit"}).url_map
    adapter = url_map.bind(HOST)
    forms = {
        name(rule.rule)
        for rule in url_map.iter_rules()
        if "POST" in rule.methods and rule.rule.startswith("/editor/")
    }

    def route(method: str, path: str) -> str:
        try:
            rule, _ = adapter.match(path, method=method, return_rule=True)
        except (HTTPException, RoutingException):  # no route, or a redirect to one
            return path
        return name(rule.rule)

    return route, forms


def name(rule: str) -> str:
    """A route as the report shows it: `/<lang>/news/<slug>/`, without the converters."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"<\1>", rule)


def per_parameter(runs: list[Run], route) -> dict[tuple[str, str, str], list[Attempt]]:
    """Every attempt of every run, by (method, ``route`` it went to, parameter)."""
    tried: dict[tuple[str, str, str], list[Attempt]] = {}
    for run in runs:
        for attempt in run.attempts:
            key = (attempt.method, route(attempt.method, attempt.path), attempt.parameter)
            tried.setdefault(key, []).append(attempt)
    return tried


def tried_rows(tried: dict[tuple[str, str, str], list[Attempt]]) -> list[list]:
    """The report's table: per parameter, public pages first, what each tool sent."""
    rows = []
    for (method, route, parameter), attempts in sorted(
        tried.items(), key=lambda kv: (kv[0][1].startswith("/editor"), kv[0][1], kv[0][2])
    ):
        wapiti: dict[str, int] = {}
        for a in attempts:
            if a.tool.startswith("wapiti"):
                wapiti[a.tool[7:]] = wapiti.get(a.tool[7:], 0) + a.count
        sqlmap = sorted({f"{a.count} techniques from {a.seed or 'the page as it stands'}"
                         for a in attempts if a.tool == "sqlmap"})  # fmt: skip
        rows.append([
            f"{method} `{route}`", code(parameter),
            "; ".join(sqlmap) or "-",
            ", ".join(f"{m} {n}" for m, n in sorted(wapiti.items())) or "-",
        ])  # fmt: skip
    return rows


# --- findings --------------------------------------------------------------------------


@dataclass
class Finding:
    source: str
    what: str
    key: str  # what identical findings share: counted once per key in the report
    detail: str


def classify(runs: list[Run], checks: dict[str, Check]):
    """Findings, and wapiti's transport-dependent or by-design items (each verified)."""
    findings, explained = [], []
    for run in runs:
        label = f"{run.tool} {run.name}"
        for category, items in run.vulns.items():
            for item in items:
                info = item.get("info", "")
                where = f"{item.get('method', '')} {item.get('path', '')}"
                cookie = SECURE_FLAG.search(info)
                if info == HSTS_MISSING and checks["hsts"].ok:
                    why = "not applicable over plain HTTP, verified over HTTPS: sent there"
                elif info == XSS_PROTECTION_MISSING and checks["xss-protection"].ok:
                    why = (
                        "by design, verified: an obsolete header (browsers removed the XSS "
                        "auditor); the CSP it gave way to forbids inline and foreign scripts"
                    )
                elif cookie and cookie.group(1) in checks and checks[cookie.group(1)].ok:
                    why = (
                        "not applicable over plain HTTP, verified over HTTPS: the cookie "
                        "is Secure there"
                    )
                else:
                    parameter = item.get("parameter") or "-"
                    findings.append(
                        Finding(
                            label,
                            category,
                            f"{where} {parameter}",
                            f"{where}, parameter {parameter}: {info}",
                        )
                    )
                    continue
                explained.append((label, info, why))
        for category, items in run.anomalies.items():
            if category != "Internal Server Error":
                continue
            for item in items:
                where = f"{item.get('method')} {item.get('path')}"
                request = item.get("http_request", "").splitlines()
                findings.append(Finding(
                    label, "500 anomaly", f"{where} {item.get('parameter')}",
                    f"{where}, parameter {item.get('parameter')}: {request[0] if request else ''}",
                ))  # fmt: skip
        for parameter in run.injectable:
            findings.append(Finding(label, "SQL injection", parameter, parameter))
    findings += [
        Finding("transport check", c.what, c.what, f"plain: {c.http}; HTTPS: {c.https}")
        for c in checks.values()
        if not c.ok
    ]
    return findings, explained


ACCESS_LINE = re.compile(r'^(\d{3}) \S+ "(\S+) (\S+)')


def server_errors(server: Site) -> list[Finding]:
    """Every 500 of the access log, and every traceback of gunicorn's error output (one per
    failed request: chained exceptions count once)."""
    findings = []
    for line in server.access_log.read_text(errors="replace").splitlines():
        match = ACCESS_LINE.match(line)
        if (match and match.group(1) == "500") or " 500 " in line:
            method, path = (match.group(2), match.group(3)) if match else ("", line)
            key = f"{method} {path.split('?')[0]}"
            findings.append(Finding("access log", "HTTP 500", key, line[:400]))
    for event in tracebacks(server.log_text()):
        key = f"{event['where']}: {event['error'][:160]}"
        detail = f"{event['where']}: {event['error']} (at {event['frame']})"
        findings.append(Finding("gunicorn error output", "traceback", key, detail))
    return findings


def tracebacks(text: str) -> list[dict]:
    events: list[dict] = []
    where, current, inside, chained = "", None, False, False
    for line in text.splitlines():
        if found := re.search(r"Exception on (\S+) \[(\w+)\]", line):
            where = f"{found.group(2)} {found.group(1)}"
        elif line.startswith("Traceback (most recent call last)"):
            if current is None or not chained:
                current = {"where": where or "?", "frame": "", "error": ""}
                events.append(current)
                where = ""
            inside, chained = True, False
        elif line.startswith("During handling of the above exception") or line.startswith(
            "The above exception was the direct cause"
        ):
            chained = True
        elif inside and line.startswith("  File "):
            if str(ROOT / "asti") in line or str(ROOT / "templates") in line:
                current["frame"] = line.strip().replace(str(ROOT) + "/", "")
        elif inside and line and not line.startswith(" "):
            current["error"], inside = line.strip(), False
    return events


# --- the report ------------------------------------------------------------------------


def code(text: str) -> str:
    return f"`{text}`"


def write_report(r: dict) -> None:
    runs: list[Run] = r["runs"]
    posted = {route for method, route, _ in r["tried"] if method == "POST"}
    unattacked = sorted(r["editor_forms"] - posted)
    findings: list[Finding] = r["findings"]
    grouped: dict[tuple, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault((finding.source, finding.what, finding.key), []).append(finding)
    out = [
        "# Security audit",
        "",
        "Written by `make audit` (`bench/audit.py`): Debian's wapiti and sqlmap "
        "against the site as gunicorn serves it, on loopback only. Run it again rather than "
        "editing this file.",
        "",
        f"**findings: {len(findings)}**"
        + (f" ({len(grouped)} distinct)" if findings else "")
        + (f" · **tool errors: {len(r['errors'])}**" if r["errors"] else ""),
        "",
        *(
            [f"Partial run: only {', '.join(r['partial'])} (and the probes).", ""]
            if r["partial"]
            else []
        ),
        "## Run",
        "",
        *table(
            ["", ""],
            [
                *run_rows(r),
                ["wapiti", r["versions"]["wapiti"]],
                ["sqlmap", r["versions"]["sqlmap"]],
                ["gunicorn", r["versions"]["gunicorn"]],
                ["python (site)", r["versions"]["python"]],
                [
                    "server",
                    "gunicorn, 2 sync workers, on a free port of 127.0.0.1; "
                    "`ASTI_PROXY_FIX=1` as behind nginx",
                ],
                [
                    "database",
                    "a temporary SQLite file made by the real CLI: `init-db`, "
                    f"`seed-demo`, `create-user {EMAIL} --role admin`",
                ],
                ["requests answered", f"{r['requests']} (lines of gunicorn's access log)"],
            ],
        ),  # fmt: skip
        "",
        "## What was scanned, and how",
        "",
        "- **Login throttling raised for this run only**: `ASTI_LOGIN_MAX_FAILURES=100000` "
        "and `ASTI_LOGIN_MAX_FAILURES_PER_IP=100000` (normally 5 failures per account and 20 "
        "per address in 15 minutes). The scanners send thousands of failed logins from one "
        "address: with the normal limits they would be locked out after 20 and test nothing "
        "but the 429 page. The throttling itself is covered by the test suite.",
        f"- **wapiti**, modules {', '.join(code(m) for m in WAPITI_MODULES)} (all of them "
        "exist under these names in 3.0.4), scope `folder` of the loopback site, JSON "
        "report. Run `public`, anonymous: from /en/, /tg/, /ru/ and /editor/login (the login "
        "form is only shown logged out). Run `editor`, logged in as an administrator (the "
        "session cookie of a real login through the form, given in wapiti's JSON cookie "
        "file): from /editor/. Never crawled nor attacked: "
        + ", ".join(code(p) for p in EXCLUDED)
        + " (logging out or signing out everywhere would end the session, requiring "
        "two-factor sign-in would send it to enrolment; deleting and restoring would change the "
        "content while it is scanned). Every other form is crawled and attacked with its "
        "valid CSRF token: items, users, old addresses and the password form are saved "
        "with the payloads, which `permanentxss` then looks for on every page.",
        "- wapiti's `blindsql` (3.0.4's only blind module) is time-based: it sends `sleep()` "
        "payloads, which SQLite and PostgreSQL do not run as such (PostgreSQL's is "
        "`pg_sleep`). Blind injection into SQLite is sqlmap's part: its boolean-based "
        "blind techniques compare the answers to a true and a false condition, started "
        "from the seed values below. `ssrf` puts the URL of a loopback endpoint of the "
        f"audit's own into every parameter and asks it afterwards which ones the site fetched "
        f"(the site fetched {r['ssrf']} of them; wapiti's default endpoint is on the Internet).",
        "- wapiti limits: "
        + "; ".join(
            f"`{n}` crawl {v['crawl']} s, each module {v['attack']} s, depth {v['depth']}, "
            f"{v['links']} links per page, {v['files']} pages per folder"
            for n, v in WAPITI_RUNS.items()
        )
        + f"; request timeout {WAPITI_REQUEST_TIMEOUT} s.",
        "- **sqlmap**: `--batch --level 2 --risk 1 --crawl=0 --flush-session --timeout 10 "
        "--retries 1 --time-sec 2 --ignore-code 401` (no `--smart`; 401 is the login form's "
        "answer to a wrong password), a fixed session cookie (`--cookie`, "
        "`--drop-set-cookie`: a fresh anonymous one, or the administrator's). The forms' "
        "CSRF tokens are valid for the whole session here (`WTF_CSRF_TIME_LIMIT = None`), so "
        "the token read from the page is sent with every request and sqlmap leaves it "
        "alone. `--forms` is limited by `--scope` to the target form (never the logout or "
        "delete forms of the same page). Level 2 also injects into the cookie. Parts of a "
        "path (slugs, the year) are attacked with sqlmap's `*` marker.",
        "- gunicorn's access log counts each tool's requests (one line per request); the "
        "access log is searched for status 500 and gunicorn's error output for tracebacks.",
        "",
        "Workarounds for the Debian versions of the tools (none changes what is attacked):",
        "",
        '- wapiti 3.0.4 stops at any `-x` on Python 3.11 (`\\Z(?ms)`: "global flags not at '
        'the start of the expression"); it is started through a shim that compiles the same '
        "pattern with the flags first.",
        "- wapiti 3.0.4 sends every field of a multipart form as a file upload, so the app "
        "sees neither the CSRF token nor any text field and every attack on the item forms "
        'would end at "CSRF token missing". The shim sends them as plain fields. What the '
        "unpatched encoding does to the app is replayed below (probes).",
        "- wapiti 3.0.4 fills every file input with a 6-byte `pix.gif` that is no image, so "
        "the app rightly refuses every item form (400). Unless the file name itself is "
        "attacked, the shim sends the file input as a browser does when no file is chosen.",
        "- sqlmap 1.7.2 fills blank form fields with random values but misses the last one "
        "of a form: with `--forms` on the login form, the password stays empty and the "
        "form's validation refuses every attack on the email (400). The login form is "
        "therefore also tested with both fields filled (`--data`).",
        "- sqlmap 1.7.2 sends the multipart item form with a boundary that does not match "
        "its body, so the app sees no field (400 for every request). The same fields, as "
        "the page shows them, are sent urlencoded (`--data`): Flask reads both encodings "
        "into the same form. English stands for the three language sections (one form "
        "class).",
        "",
        "## Seed values",
        "",
        "What sqlmap's attacks start from, read from the site and checked before use (a "
        "value that finds nothing would hide a boolean-blind injection: true and false "
        "conditions would both find nothing).",
        "",
        *table(
            ["seed", "what the site answers"],
            [[k.replace("_", " "), v] for k, v in r["seeds"].about.items()],
        ),  # fmt: skip
        "",
        "## What was tried, per parameter",
        "",
        "Each parameter the tools attacked, by the route that answers it: sqlmap's techniques "
        "(and the value they started from), and the payloads each wapiti module sent "
        "(counted in its own log of every attack request). Every public parameter must have "
        "sqlmap's attention, or the audit is incomplete.",
        "",
        *table(
            ["route", "parameter", "sqlmap", "wapiti (payloads per module)"], tried_rows(r["tried"])
        ),  # fmt: skip
        "",
        "The editor's forms that no tool attacked: "
        + (", ".join(code(f) for f in unattacked) or "none")
        + ". The buttons excluded above (logging out, deleting, restoring, signing out "
        "everywhere, requiring two-factor sign-in) are among them, and so are the pages "
        "that need what a scanner cannot have, such as a code from an authenticator app or "
        "a reset link.",
        "",
        "## Results per tool",
        "",
    ]
    rows = []
    for run in runs:
        rows.append([
            f"{run.tool} `{run.name}`", "yes" if run.logged_in else "no", run.status,
            f"{run.seconds:.0f} s", run.requests,
            run.resources if run.resources is not None else "-",
            ", ".join(f"{k}: {len(v)}" for k, v in run.vulns.items() if v) or "none",
            ", ".join(f"{k}: {len(v)}" for k, v in run.anomalies.items() if v) or "none",
            ", ".join(run.injectable) or ("none" if run.tool == "sqlmap" else "-"),
        ])  # fmt: skip
    out += table(
        ["run", "logged in", "status", "time", "requests", "URLs+forms found / parameters "
         "tested", "vulnerabilities (raw, by category)", "anomalies", "injectable"], rows,
    )  # fmt: skip
    categories = sorted({k for run in runs if run.tool == "wapiti" for k in run.vulns})
    out += [
        "",
        "wapiti's categories with nothing found: "
        + ", ".join(k for k in categories if not any(run.vulns.get(k) for run in runs))
        + ". Raw counts include the transport-dependent items set apart below. Anomalies: "
        "`Internal Server Error` (500s: findings) and `Resource consumption` (timeouts: "
        "listed, not findings).",
        "",
        "Targets and tools' notes:",
        "",
    ]
    for run in runs:
        out.append(f"- {run.tool} `{run.name}`: {run.target}")
        out += [f"  - {note}" for note in run.notes]
    timeouts = [
        (f"{run.tool} {run.name}", item)
        for run in runs
        for category, items in run.anomalies.items()
        if category != "Internal Server Error"
        for item in items
    ]
    if timeouts:
        out += ["", "Timeouts (not findings):", ""]
        out += [f"- {label}: {i.get('method')} {i.get('path')} {i.get('parameter')}: "
                f"{i.get('info')}" for label, i in timeouts]  # fmt: skip
    out += [
        "",
        "## Transport-dependent and by-design items",
        "",
        "The site sends `Strict-Transport-Security` and marks its cookies `Secure` only "
        "over HTTPS, which is right: browsers ignore HSTS over plain HTTP, and a Secure "
        "cookie is never sent back over it (nobody could log in). This audit runs over "
        "plain HTTP on loopback, so it asks the same server again as nginx forwards an "
        "HTTPS request (`X-Forwarded-Proto: https`, trusted with `ASTI_PROXY_FIX=1`).",
        "",
        *table(
            ["check", "plain HTTP", "HTTPS (X-Forwarded-Proto)", "verified"],
            [[c.what, c.http, c.https, "yes" if c.ok else "**no**"] for c in r["checks"].values()],
        ),  # fmt: skip
        "",
    ]
    if r["explained"]:
        out += ["What wapiti reported that these checks explain (not findings):", ""]
        out += [f'- {label}: "{info}": {why}.' for label, info, why in r["explained"]]
    else:
        out.append("wapiti reported none of these items.")
    out += [
        "",
        "## Probes: multipart fields sent as files",
        "",
        "What unpatched wapiti 3.0.4 sends (see the workarounds), replayed on the news form "
        "once with each variant. Anything but a 500 passes; a 500 appears among the "
        "findings through the access log and the traceback.",
        "",
        *table(
            ["probe", "request", "status"],
            [[p.what, p.request, p.status if p.ok else f"**{p.status}**"] for p in r["probes"]],
        ),  # fmt: skip
        "",
        "## Probe: payloads saved as an editor would",
        "",
        "wapiti's `permanentxss` finds stored XSS only where its payloads get saved, and "
        "here they hardly do: after the crawler's first save, an edit form's version is "
        "stale (409, optimistic locking: nothing saved), and in a new item wapiti leaves "
        "the titles empty while it fills the summaries (400: a title is needed). So the "
        "audit saves one published news item itself, through the editor's form, with "
        "script payloads in the title, summary, body (Markdown, raw HTML and a javascript: "
        'link) and image description of all three languages: `<script>`, `"><img '
        'onerror>`, `" onfocus=... x="` and `</script><script>` (to break out of the '
        "JSON-LD block). Then it reads every page that shows the item, as a browser parses "
        "it, for a payload that became markup: an `on...` attribute, a javascript: URL, a "
        "script element, a broken JSON-LD block.",
        "",
        f"Saved as {code(r['stored'].saved or 'nothing')}; pages read: "
        + ", ".join(f"{code(p)} ({status})" for p, status in r["stored"].pages)
        + ". Payloads that became markup: "
        + ("; ".join(f"{code(p)}: {what}" for p, what in r["stored"].raw) or "none")
        + ".",
        "",
        f"## Findings: {len(findings)}",
        "",
    ]
    if findings:
        out += [
            "Grouped: identical findings (same source, kind and place) once, with their "
            "number and one example.",
            "",
            *table(
                ["source", "what", "where", "count", "example"],
                [
                    [s, w, k, len(items), items[0].detail[:300]]
                    for (s, w, k), items in grouped.items()
                ],
            ),  # fmt: skip
        ]
    else:
        out.append("None: no vulnerability, no 500, no traceback, no injectable parameter.")
    if r["errors"]:
        out += ["", "## Tool errors (the audit is incomplete)", ""]
        out += [f"- {error}" for error in r["errors"]]
    out += [
        "",
        "## Reproduce",
        "",
        "`make audit` (installs Debian's `wapiti` and `sqlmap` when missing). The tools' "
        "commands and outputs, wapiti's JSON reports, sqlmap's output folders and "
        "gunicorn's logs are in a temporary folder, removed at the end unless "
        "`ASTI_AUDIT_KEEP=1`.",
        "",
    ]
    r["report"].write_text("\n".join(out))


# --- main ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Security audit of the site on loopback.")
    parser.add_argument(
        "--only",
        action="append",
        metavar="RUN",
        help="run only these tool runs (e.g. 'wapiti public', 'sqlmap search "
        "form'); the probes always run",
    )
    parser.add_argument("--report", type=Path, default=REPORT, help="the Markdown report")
    parser.add_argument("--findings", type=Path, help="the findings, as JSON, also here")
    args = parser.parse_args(argv)
    for tool in ("wapiti", "sqlmap"):
        if not Path("/usr/bin", tool).exists():
            raise SystemExit(f"{tool} is missing: apt-get install -y wapiti sqlmap (make audit)")
    wanted = (lambda name: name in args.only) if args.only else (lambda name: True)
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="asti-audit-"))
    log(f"working folder {tmp}")
    env = site_env(tmp / "instance", f"sqlite:///{tmp / 'asti.db'}", PROXY_FIX="1", **THROTTLING)
    log(flask_cli(env, "init-db").splitlines()[0])
    log(flask_cli(env, "seed-demo"))
    log(flask_cli(env, "create-user", EMAIL, "--role", "admin",
                  stdin=f"{PASSWORD}\n{PASSWORD}\n").splitlines()[-1])  # fmt: skip
    server = Site(env, tmp).start()
    ssrf = SsrfEndpoint()
    log(f"gunicorn on {server.base}, login throttling raised for the run")
    runs: list[Run] = []
    try:
        admin = session_cookie(server.base, EMAIL, PASSWORD)
        log("logged in as the administrator")
        seeds, errors = find_seeds(server.base, admin[0])
        specs = [spec for spec in sqlmap_runs(seeds) if wanted(f"sqlmap {spec.name}")]
        for name, cookie in (("public", None), ("editor", admin[0])):
            if wanted(f"wapiti {name}"):
                runs.append(wapiti(server, tmp, name, cookie, ssrf))
        for index, spec in enumerate(specs):
            session = admin if spec.logged_in else session_cookie(server.base)
            runs.append(sqlmap(server, tmp, index, spec, session))
        checks = transport_checks(server.base)
        probes = multipart_probes(server.base, admin[0])
        stored = stored_payload_probe(server.base, admin[0])
        requests = server.requests()
    finally:
        server.stop()
        ssrf.stop()
    errors += [
        f"wapiti {r.name}: {r.status}" for r in runs if r.tool == "wapiti" and r.status != "ok"
    ]
    for run, spec in zip([r for r in runs if r.tool == "sqlmap"], specs, strict=True):
        if run.status != "ok" and (spec.required or not run.status.startswith("stopped")):
            errors.append(f"sqlmap {run.name}: {run.status}")
    if stored.error:
        errors.append(f"stored-payload probe: {stored.error}")
    route, editor_forms = router()  # the site's URL map, built once
    tried = per_parameter(runs, route)
    if not args.only:
        for method, route, parameter in PUBLIC_PARAMETERS:
            attempts = tried.get((method, route, parameter), [])
            if not any(a.tool == "sqlmap" and a.count for a in attempts):
                errors.append(f"sqlmap never attacked {parameter} of {method} {route}")
    findings, explained = classify(runs, checks)
    findings += [Finding("stored-payload probe", "stored XSS", f"{page} {what}", f"{page}: {what}")
                 for page, what in stored.raw]  # fmt: skip
    findings += server_errors(server)
    versions = {
        "wapiti": version(["wapiti", "--version"], r"Wapiti[- ]\d[\w.]*", tool_env()),
        "sqlmap": version(["sqlmap", "--version"], r"^\d[\w.#]*", tool_env()),
        "gunicorn": version(
            [sys.executable, "-m", "gunicorn", "--version"], r"gunicorn.*", tool_env()
        ),
        "python": platform.python_version(),
    }
    seconds = time.monotonic() - started
    write_report({
        **run_facts(seconds),
        "versions": versions,
        "runs": runs,
        "checks": checks,
        "probes": probes,
        "stored": stored,
        "explained": explained,
        "findings": findings,
        "errors": errors,
        "requests": requests,
        "seeds": seeds,
        "tried": tried,
        "editor_forms": editor_forms,
        "ssrf": ssrf.hits(),
        "report": args.report,
        "partial": args.only,
    })  # fmt: skip
    if args.findings:
        args.findings.write_text(json.dumps([vars(f) for f in findings], indent=1))
    if os.environ.get("ASTI_AUDIT_KEEP") == "1":
        log(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    shown = {}
    for finding in findings:
        shown.setdefault((finding.source, finding.what, finding.key), finding)
    for finding in shown.values():
        log(f"FINDING {finding.source}: {finding.what}: {finding.detail[:300]}")
    for error in errors:
        log(f"ERROR {error}")
    log(f"findings: {len(findings)} ({len(shown)} distinct), tool errors: {len(errors)}, "
        f"{seconds / 60:.1f} min; report: {args.report}")  # fmt: skip
    return 0 if not findings and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
