"""The page cache's WSGI layer, in front of the Flask application, and the mark by which
the application says that a response may be kept (``mark_public``)."""

import gzip
import re
import threading
from collections import OrderedDict
from pathlib import Path

from flask import current_app, request
from werkzeug.http import http_date, parse_cookie, parse_date, parse_etags

from ..extensions import db
from .files import clear, folder_token, write_atomically
from .state import STATE_KEY, current_state, read_state

#: Browsers keep public pages but ask each time whether they changed (a 304 is cheap).
PUBLIC = "public, no-cache"
#: Set in the WSGI environ by ``mark_public``: the response may be kept.
CACHEABLE_KEY = "asti.cacheable"
#: Addresses kept as files: plain page paths, which nginx can map to a file name.
FILE_PATH = re.compile(r"/(?:[a-z0-9-]+/)*")
COMPRESSIBLE = ("text/", "application/xml", "application/atom+xml", "application/json")
MIN_COMPRESS = 512
#: Headers a 304 repeats from the full response (RFC 9110, 15.4.5).
NOT_MODIFIED_HEADERS = {"cache-control", "etag", "last-modified", "vary", "content-location"}


class Entry:
    """A kept response: its status, headers and body (and the body gzipped)."""

    __slots__ = ("token", "status", "headers", "body", "gzipped", "etag", "lang", "modified")

    def __init__(self, token, status, headers, body, lang):
        self.token, self.status, self.body, self.lang = token, status, body, lang
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        self.gzipped = None
        if len(body) >= MIN_COMPRESS and content_type.startswith(COMPRESSIBLE):
            self.gzipped = gzip.compress(body, 6, mtime=0)
        vary = [v for k, v in headers if k.lower() == "vary"]
        self.headers = [
            (k, v)
            for k, v in headers
            if k.lower() not in {"content-length", "date", "set-cookie", "vary"}
        ]
        if self.gzipped is not None:
            vary.append("Accept-Encoding")
        if vary:
            self.headers.append(("Vary", ", ".join(vary)))
        self.etag = next((v for k, v in headers if k.lower() == "etag"), None)
        self.modified = parse_date(
            next((v for k, v in headers if k.lower() == "last-modified"), "")
        )

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"") + 1024  # headers, key, object


class PageCache:
    """WSGI middleware in front of the Flask application (see the package's docstring)."""

    def __init__(self, app, inner):
        self.flask_app, self.app = app, inner
        self.budget = app.config["PAGE_CACHE_BYTES"]
        self.folder = Path(app.config["PAGE_CACHE_DIR"]) if app.config["PAGE_CACHE_DIR"] else None
        self.session_cookie = app.config["SESSION_COOKIE_NAME"]
        self.lang_cookie = app.config["LANGUAGE_COOKIE"]
        self.entries: OrderedDict = OrderedDict()
        self.size = 0
        #: The language cookie as the application sets it, per scheme and language.
        self.cookies: dict = {}
        self.lock = threading.Lock()  # gthread workers share one cache
        self.engine = None

    def __call__(self, environ, start_response):
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD") or self.session_cookie in cookies:
            return self.app(environ, start_response)
        try:
            state = self.state()
        except Exception:  # no database: the application answers (the health check: 503)
            state = None
        if state is None:
            return self.app(environ, start_response)
        environ[STATE_KEY] = state
        scheme = environ["wsgi.url_scheme"]
        key = (scheme, environ.get("HTTP_HOST", ""), environ["PATH_INFO"], environ["QUERY_STRING"])
        entry = self.entries.get(key)
        if entry is not None and entry.token == state.token:
            with self.lock:
                if key in self.entries:
                    self.entries.move_to_end(key)
        elif environ["REQUEST_METHOD"] == "HEAD":
            return self.app(environ, start_response)
        else:
            entry = self.render(environ, start_response, state)
            if not isinstance(entry, Entry):
                return entry  # not to be kept: the application's own response
            self.keep(key, entry)
            if self.folder and not environ["QUERY_STRING"] and FILE_PATH.fullmatch(key[2]):
                self.write_file(key[2], entry)
        cookie = None
        if entry.lang and cookies.get(self.lang_cookie) != entry.lang:
            cookie = self.cookies.get((scheme, entry.lang))
            if cookie is None:  # not yet seen: let the application set it
                return self.app(environ, start_response)
        return self.send(entry, environ, start_response, cookie)

    def state(self):
        if self.engine is None:
            with self.flask_app.app_context():
                self.engine = db.engine
        return read_state(self.engine)

    def render(self, environ, start_response, state):
        """Run the application; return an Entry if its response may be kept, else the
        response itself (already started)."""
        # Render in full even for a conditional request: the kept page must be whole.
        conditions = {
            k: environ.pop(k)
            for k in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
            if k in environ
        }
        captured = {}

        def capture(status, headers, exc_info=None):
            if not environ.get(CACHEABLE_KEY) or not status.startswith("200"):
                captured["passed"] = True
                environ.update(conditions)
                return start_response(status, headers, exc_info)
            captured["status"], captured["headers"] = status, headers
            return captured.setdefault("written", []).append

        body = self.app(environ, capture)
        if captured.get("passed"):
            return body
        try:
            data = b"".join([*captured.get("written", []), *body])
        finally:
            if hasattr(body, "close"):
                body.close()
        environ.update(conditions)
        headers = captured["headers"]
        lang = next((v for k, v in headers if k.lower() == "content-language"), None)
        set_cookies = [v for k, v in headers if k.lower() == "set-cookie"]
        for value in set_cookies:
            if lang and value.startswith(f"{self.lang_cookie}={lang};"):
                self.cookies[(environ["wsgi.url_scheme"], lang)] = value
            else:  # any other cookie is someone's own: never keep that page
                start_response(captured["status"], headers)
                return [data]
        return Entry(state.token, captured["status"], headers, data, lang)

    def keep(self, key, entry) -> None:
        if entry.size > self.budget:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= old.size
            self.entries[key] = entry
            self.size += entry.size
            while self.size > self.budget:
                _, dropped = self.entries.popitem(last=False)
                self.size -= dropped.size

    def send(self, entry, environ, start_response, cookie):
        headers = list(entry.headers)
        if cookie:
            headers.append(("Set-Cookie", cookie))
        if self.not_modified(entry, environ):
            start_response(
                "304 Not Modified",
                [
                    h
                    for h in headers
                    if h[0].lower() in NOT_MODIFIED_HEADERS or h[0] == "Set-Cookie"
                ],
            )
            return []
        body = entry.body
        if entry.gzipped is not None and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
            body = entry.gzipped
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        start_response(entry.status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    @staticmethod
    def not_modified(entry, environ) -> bool:
        if "HTTP_IF_NONE_MATCH" in environ:
            return entry.etag is not None and parse_etags(
                environ["HTTP_IF_NONE_MATCH"]
            ).contains_weak(entry.etag.removeprefix("W/").strip('"'))
        since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
        return since is not None and entry.modified is not None and entry.modified <= since

    def write_file(self, path: str, entry) -> None:
        """Keep the page as a file for nginx, unless the content changed meanwhile."""
        if folder_token(self.folder) != entry.token:
            if current_state(self.engine).token != entry.token:
                return
            clear(self.folder, entry.token)
        target = self.folder / path.strip("/") / "index.html"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, entry.body)
            if entry.gzipped is not None:
                write_atomically(target.with_name("index.html.gz"), entry.gzipped)
        except FileNotFoundError:
            # Another worker's save emptied the folder meanwhile: the reader still gets the
            # page, and the check below removes what was written of it.
            pass
        # A change committed after this page was rendered may have emptied the folder
        # before the file was written: then the file must go.
        if current_state(self.engine).token != entry.token:
            target.unlink(missing_ok=True)
            target.with_name("index.html.gz").unlink(missing_ok=True)


def accepts_gzip(header: str) -> bool:
    for part in header.lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def mark_public(response):
    """A public page for an anonymous reader: validators for a 304, and a mark that it
    may be kept."""
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and "Cache-Control" not in response.headers
        and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies
        and not response.direct_passthrough
        and not response.is_streamed
    ):
        response.headers["Cache-Control"] = PUBLIC
        response.add_etag(weak=True)
        state = request.environ.get(STATE_KEY)
        if state is not None:
            response.headers["Last-Modified"] = http_date(state.changed_at)
        request.environ[CACHEABLE_KEY] = True
        response.make_conditional(request)
    return response
