"""Security headers, request limits, and the SQLite settings that make concurrent writes
safe."""

import io
import re

import pytest
from sqlalchemy import text

from asti.extensions import db
from tests.fixtures.html import Page, csrf_of, get_page, html_of
from tests.fixtures.staff import ADMIN, add_account, login

PAGES = ["/en/", "/tg/news/", "/ru/search/?q=ашт", "/en/regions/", "/editor/login", "/healthz",
         "/sitemap.xml", "/en/news/feed.atom", "/en/no-such-page/"]  # fmt: skip


@pytest.mark.parametrize("url", PAGES)
def test_security_headers(client, url):
    """Every response forbids framing, sniffing, inline scripts and foreign hosts."""
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert not re.search(r"https?://|\*", csp), "no other host may serve anything"
    assert re.search(r"script-src 'self'(;|$)", csp)
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain HTTP here


def test_pages_have_no_inline_script_or_style(client):
    """The strict policy breaks nothing: no page relies on inline scripts, handlers or styles."""
    for url in ("/en/", "/en/news/trening-po-zhurnalistike/", "/editor/login"):
        page = get_page(client, url)
        for tag, attrs, _ in page.tags:
            assert tag != "script" or attrs.get("type") == "application/ld+json", url
            assert tag != "style" and "style" not in attrs, url
            assert not any(name.startswith("on") for name in attrs), url


def test_oversized_request_is_a_localized_413(app):
    """A body over MAX_CONTENT_LENGTH gets 413 and a clear page in the reader's language."""
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = app.test_client().post(
        "/editor/login", data={"email": "x" * 5000}, headers={"Accept-Language": "ru"}
    )
    assert response.status_code == 413
    page = Page(response.get_data(as_text=True))
    assert page.lang == "ru" and page.text("h1") == "Слишком много данных"


@pytest.mark.parametrize(
    "url",
    ["/en/news/?page=0", "/en/news/?page=-3", "/en/news/?page=9" * 40, "/en/news/?page=%00",
     "/en/news/Bad-Slug/", "/en/news/%F0%9F%98%80/", "/en/programs/x'or'1/", "/en/9999999/",
     "/en/news/?program=nothing", "/en/search/?q=x&page=abc", "/xx/", "/en/news/feed.atom/x"],
)  # fmt: skip
def test_bad_parameters_are_4xx(client, url):
    """Bad page numbers, slugs and parameters are client errors, never a 500."""
    assert 400 <= client.get(url).status_code < 500


def test_sqlite_is_set_up_for_concurrent_workers(app):
    """WAL, a busy timeout and foreign keys on every connection (SQLite only)."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite settings")
        connection = db.session.connection()
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_scanner_probes_are_not_500s(app, client):
    """Found by the security audit: a newline in the editor's ?next= (header injection)
    and text fields sent as file parts (as wapiti does) are refused, never a 500."""
    response = client.get("/editor/language/en?next=%2Feditor%2F%3F%0Aenv%3B")
    assert response.status_code == 302 and response.headers["Location"] == "/editor/"
    add_account(app, ADMIN, "admin")
    assert login(client, ADMIN).status_code == 302
    token = csrf_of(html_of(client.get("/editor/news/1")))
    as_files = {
        name: (io.BytesIO(value.encode()), "field.txt")
        for name, value in {"csrf_token": token, "en-title": "x", "action": "publish",
                            "published_at": "2020-01-01T00:00", "version": "1"}.items()
    }  # fmt: skip
    response = client.post("/editor/news/1", data=as_files, content_type="multipart/form-data")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("url", ["/en/", "/editor/login", "/healthz"])
def test_https_pages_tell_browsers_never_to_use_http(client, url):
    """Over HTTPS, every response asks browsers to come back over HTTPS only, for a year,
    on subdomains too; over plain HTTP it cannot, and does not."""
    headers = client.get(url, base_url="https://localhost").headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get(url).headers
