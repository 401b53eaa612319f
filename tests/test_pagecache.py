"""The page cache (asti.pagecache) over HTTP: how few SQL statements each public page
needs, that a kept page is sent again without rendering, that every kind of change made
in the editor (or on another worker, or by the clock) reaches readers at once, that
nothing private is kept or shared, the HTTP validators, the language cookie, and the
folder of pages written for nginx."""

import contextlib
import gzip
import io
from datetime import timedelta

import pytest
from flask import g, make_response
from PIL import Image
from sqlalchemy import DateTime, bindparam, event, select, text
from werkzeug.http import http_date, parse_date
from werkzeug.test import EnvironBuilder

from asti.extensions import db
from asti.models import ContentState, News, utcnow
from asti.pagecache import middleware
from asti.pagecache.files import write_atomically
from asti.pagecache.middleware import PageCache
from asti.pagecache.state import content_changed
from bench.data import bench_data
from tests.fixtures.apps import make_app
from tests.fixtures.html import Page, csrf_of, get_page, html_of, link_texts
from tests.fixtures.staff import ADMIN, create, edit, local_time, press, staff_client

ARTICLE = "/en/news/community-security-in-the-ferghana-valley/"
ARTICLE_TITLE = "Community security in the Ferghana valley"
#: The demo's Russian-only article, shown on the English site in Russian with a notice.
FALLBACK = "/en/news/trening-po-zhurnalistike/"

#: SQL statements per GET with the page cache off (transaction control not counted), the
#: first time after a change of the content, measured on the demo content, the same on
#: SQLite and PostgreSQL. The content token is read below SQLAlchemy (PageCache.state,
#: ``read_state``), so it is not counted here. Every page reads the site settings; what a
#: worker keeps per content version (``per_version``: the layout's parts, the home page's
#: sections, the news lists' cards, total and years, the cards an article links to) is read
#: again here, as after every save. The same limits hold with 60 more news: nothing is read
#: once per item shown (cards load their photos with their items). NEWS_PER_PAGE is 2 in
#: these measurements, so that page 2 of the news list exists on the demo content. An
#: item's page reads its gallery with itself; the home and program pages read their
#: partners in two.
LIMITS = {
    "/en/": 9,
    "/en/news/": 5,
    "/en/news/?page=2": 5,
    ARTICLE: 9,
    FALLBACK: 9,
    "/en/programs/community-security-in-the-ferghana-valley/": 7,
    "/en/regions/sughd-region/": 8,
    "/en/about/": 4,
    "/en/search/?q=training": 6,
    "/en/news/feed.atom": 2,
    "/sitemap.xml": 10,
}
#: Statements that only open or close a transaction, or check a pooled connection.
NOT_COUNTED = ("BEGIN", "COMMIT", "ROLLBACK", "SELECT 1")


# --- helpers -----------------------------------------------------------------------------


@contextlib.contextmanager
def statements(app):
    """The SQL statements the app's engine runs inside the block (a list, filled as it runs)."""
    seen = []

    def note(connection, cursor, statement, parameters, context, executemany):
        if statement.strip().upper() not in NOT_COUNTED:
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def from_cache(app, client, url, **kwargs):
    """GET ``url``, checking that the page cache answered: no SQL but the token's read."""
    with statements(app) as seen:
        response = client.get(url, **kwargs)
    assert len(seen) <= 1 and all("content_state" in s for s in seen), seen
    return response


def page_cache(app) -> PageCache:
    """The app's PageCache middleware (inside WhiteNoise)."""
    layer = app.wsgi_app
    while not isinstance(layer, PageCache):
        layer = layer.application
    return layer


def token(app) -> str:
    with app.app_context():
        return db.session.scalar(select(ContentState.token))


def move_to_the_past(app, news_id):
    """As if an hour had passed: the item's date and the token's next change are now past
    (raw SQL, which the cache does not notice, as it does not notice the clock)."""
    past = bindparam("past", utcnow() - timedelta(minutes=1), type_=DateTime())
    with app.app_context():
        db.session.execute(
            text("UPDATE news SET published_at = :past WHERE id = :id").bindparams(past),
            {"id": news_id},
        )
        db.session.execute(
            text("UPDATE content_state SET next_change_at = :past WHERE id = 1").bindparams(past)
        )
        db.session.commit()


def notices(page: Page) -> list[str]:
    return [" ".join(t.split()) for _, t in page.find_all("p", class_="notice")]


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "pages"


@pytest.fixture
def site(worker, folder):
    """The site with PAGE_CACHE_DIR set: pages are also written as files for nginx."""
    return worker(PAGE_CACHE_DIR=str(folder))


# --- 1. statements per page, with the cache off -------------------------------------------


def count_statements(app) -> dict[str, int]:
    """What each page costs the first time after a change of the content: what a worker
    keeps per content version (cards, counts, the layout's parts) is read again."""
    client = app.test_client()
    counts = {}
    for url in LIMITS:
        client.get(url)  # the first request of a worker also loads the catalogs, etc.
        with app.app_context():
            content_changed(db.session)
            db.session.commit()
        with statements(app) as seen:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(seen)
    return counts


def test_pages_need_few_statements_however_many_news(app, runner, worker):
    """Each public page runs at most its few statements (cache off), and no more once 60
    news are added: nothing is read once per item shown."""
    uncached = worker(PAGE_CACHE_BYTES=0, NEWS_PER_PAGE=2)
    counts = count_statements(uncached)
    assert min(counts.values()) >= 2  # rendered: not answered by a cache
    assert {url: n for url, n in counts.items() if n > LIMITS[url]} == {}, counts

    result = runner.invoke(bench_data, ["--news", "60"])
    assert result.exit_code == 0, result.output
    counts = count_statements(uncached)
    assert {url: n for url, n in counts.items() if n > LIMITS[url]} == {}, counts


def test_without_the_page_cache_a_page_seen_again_reads_only_its_own(app, admin, worker):
    """With the page cache off (as for staff, who are never served kept pages), what pages
    share is kept per content version: the home page's sections, the list's cards, the
    article as found, its "Other news" and the program and regions it links to are not read
    again; only which regions the article names is. A save shows on all of them at once."""
    uncached = worker(PAGE_CACHE_BYTES=0)
    client = uncached.test_client()
    own = {"/en/": 0, "/en/news/": 0, FALLBACK: 1}
    for url, count in own.items():
        assert ARTICLE_TITLE in link_texts(get_page(client, url)), url
        with statements(uncached) as seen:
            assert client.get(url).status_code == 200
        assert len(seen) == count, (url, seen)

    edit(admin, "news", 1, {"en-title": "Security in the valley, revised"})
    for url in own:
        shown = link_texts(get_page(client, url))
        assert "Security in the valley, revised" in shown and ARTICLE_TITLE not in shown, url


# --- 2. a kept page is sent again as it is ---------------------------------------------


@pytest.mark.parametrize("url", LIMITS)
def test_second_request_is_answered_from_the_cache(app, client, url):
    """The second GET reads only the content token (nothing is rendered) and sends the
    same body."""
    app.config["NEWS_PER_PAGE"] = 2  # as in LIMITS: page 2 of the list exists
    first = client.get(url)
    assert first.status_code == 200
    second = from_cache(app, client, url)
    assert second.status_code == 200
    assert second.get_data() == first.get_data()


# --- 3. every change reaches readers --------------------------------------------------------


def test_edited_title_shows_everywhere(app, admin, client):
    """The article, the news list and the home page, kept with the old title, show the new
    one after a save."""
    pages = [ARTICLE, "/en/news/", "/en/"]
    for url in pages:
        client.get(url)
        assert ARTICLE_TITLE in html_of(from_cache(app, client, url))
    edit(admin, "news", 1, {"en-title": "Security in the valley, revised"})
    assert get_page(client, ARTICLE).text("h1") == "Security in the valley, revised"
    for url in pages[1:]:
        shown = link_texts(get_page(client, url))
        assert "Security in the valley, revised" in shown and ARTICLE_TITLE not in shown, url


def test_added_translation_replaces_the_fallback(app, admin, client):
    """A /ru/ page kept as a fallback (English text, notice) gives way to the Russian text
    once it is written: the fallback URL moves to the Russian one, with no notice."""
    item = create(admin, "news", {"en-title": "Only in English", "en-body": "English text."})
    fallback = get_page(client, "/ru/news/only-in-english/")
    assert fallback.find("h1")[0].get("lang") == "en"
    assert notices(fallback) == ["Эта страница доступна только на английском языке."]
    from_cache(app, client, "/ru/news/only-in-english/")

    edit(admin, "news", item, {"ru-title": "Теперь и по-русски", "ru-body": "Русский текст."})
    response = client.get("/ru/news/only-in-english/")
    assert response.status_code == 301
    russian = get_page(client, response.headers["Location"])
    assert (russian.text("h1"), russian.text("div", class_="prose")) == (
        "Теперь и по-русски",
        "Русский текст.",
    )
    assert notices(russian) == []


def test_published_draft_appears(app, admin, client):
    """A draft is absent from the kept list; once published it is listed and served."""
    item = create(admin, "news", {"en-title": "Draft to publish", "action": "draft"})
    assert "Draft to publish" not in link_texts(get_page(client, "/en/news/"))
    from_cache(app, client, "/en/news/")
    edit(admin, "news", item, {"action": "publish"})
    assert "Draft to publish" in link_texts(get_page(client, "/en/news/"))
    assert get_page(client, "/en/news/draft-to-publish/").text("h1") == "Draft to publish"


def test_trashed_item_disappears_and_comes_back(app, admin, client):
    """Trashing a kept article makes it 404 and leaves the kept list; restoring it brings
    both back."""
    item = create(admin, "news", {"en-title": "Trashed for a while"})
    url = "/en/news/trashed-for-a-while/"
    for page in (url, "/en/news/"):
        client.get(page)
        from_cache(app, client, page)
    press(admin, f"/editor/news/{item}/delete", f"/editor/news/{item}/delete")
    get_page(client, url, 404)
    assert "Trashed for a while" not in link_texts(get_page(client, "/en/news/"))
    from_cache(app, client, "/en/news/")
    press(admin, "/editor/trash/", f"/editor/trash/news/{item}/restore")
    assert get_page(client, url).text("h1") == "Trashed for a while"
    assert "Trashed for a while" in link_texts(get_page(client, "/en/news/"))


def test_renamed_slug_redirects_from_the_kept_address(app, admin, client):
    """The old address, kept as a page, answers 301 to the new one after a rename."""
    item = create(admin, "news", {"en-title": "Old name"})
    get_page(client, "/en/news/old-name/")
    from_cache(app, client, "/en/news/old-name/")
    edit(admin, "news", item, {"en-slug": "New name"})
    response = client.get("/en/news/old-name/")
    assert (response.status_code, response.headers["Location"]) == (301, "/en/news/new-name/")
    assert get_page(client, "/en/news/new-name/").text("h1") == "Old name"


def test_list_totals_follow_the_content(app, admin, client):
    """The number of pages of the list (counted once per content version) follows new news."""
    app.config["NEWS_PER_PAGE"] = 2
    assert "Page 1 of 2" in get_page(client, "/en/news/").text("main")
    for n in (1, 2):
        create(admin, "news", {"en-title": f"One more {n}"})
    assert "Page 1 of 3" in get_page(client, "/en/news/").text("main")


def test_scheduled_item_appears_when_its_time_comes(app, admin, client):
    """An item scheduled an hour ahead sets the token's next change to its date; when that
    time has passed, the next anonymous GET lists it, with no save in between."""
    when = local_time(timedelta(hours=1))
    item = create(admin, "news", {"en-title": "Meeting in an hour", "published_at": when})
    with app.app_context():
        published_at = db.session.get(News, item).published_at
        assert db.session.scalar(select(ContentState.next_change_at)) == published_at
    assert "Meeting in an hour" not in link_texts(get_page(client, "/en/news/"))
    from_cache(app, client, "/en/news/")
    before = token(app)

    move_to_the_past(app, item)
    assert "Meeting in an hour" in link_texts(get_page(client, "/en/news/"))
    assert get_page(client, "/en/news/meeting-in-an-hour/").text("h1") == "Meeting in an hour"
    assert token(app) != before
    with app.app_context():
        assert db.session.scalar(select(ContentState.next_change_at)) is None


def test_change_saved_by_another_worker(app, admin, worker):
    """Worker A keeps a page; worker B saves a change in its editor; A sends the new page."""
    reader = app.test_client()
    reader.get(ARTICLE)
    from_cache(app, reader, ARTICLE)
    other = worker()
    edit(staff_client(other, ADMIN), "news", 1, {"en-title": "Saved on worker B"})
    assert get_page(reader, ARTICLE).text("h1") == "Saved on worker B"


# --- 4. nothing leaks ----------------------------------------------------------------------


def test_previewed_draft_never_reaches_readers(app, admin, client):
    """A draft the editor previews is neither served, listed nor kept for readers."""
    get_page(client, "/en/news/")
    item = create(admin, "news", {"en-title": "Secret draft", "action": "draft"})
    assert get_page(admin, f"/editor/news/{item}/preview/en").text("h1") == "Secret draft"
    get_page(client, "/en/news/secret-draft/", 404)
    assert "Secret draft" not in link_texts(get_page(client, "/en/news/"))
    assert client.get(f"/editor/news/{item}/preview/en").status_code == 302  # to the login
    assert not any(b"Secret draft" in e.body for e in page_cache(app).entries.values())


def test_staff_requests_bypass_the_cache(app, admin, client):
    """With a session cookie a page is neither sent from the cache nor kept in it."""
    client.get(ARTICLE)
    cache = page_cache(app)
    kept = dict(cache.entries)
    for url in (ARTICLE, "/en/news/"):  # one kept page, one not yet
        response = admin.get(url)
        assert response.status_code == 200
        assert "public" not in response.headers.get("Cache-Control", "")
    assert dict(cache.entries) == kept


def test_login_form_is_never_kept(app):
    """Two anonymous visitors of the login form get their own CSRF tokens and sessions."""
    pages = [app.test_client().get("/editor/login") for _ in range(2)]
    assert [p.headers["Cache-Control"] for p in pages] == ["no-store", "no-store"]
    tokens = {csrf_of(html_of(p)) for p in pages}
    assert len(tokens) == 2
    assert page_cache(app).entries == {}


def test_uploads_are_not_kept(app, admin, client, tmp_path):
    """An uploaded image is sent by the application each time, never kept as a page."""
    app.instance_path = str(tmp_path / "instance")  # uploads go to the test's own folder
    picture = io.BytesIO()
    Image.radial_gradient("L").convert("RGB").save(picture, "PNG")
    picture.seek(0)
    create(admin, "news", {"en-title": "With a picture", "upload": [(picture, "picture.png")]})
    src = get_page(client, "/en/news/with-a-picture/").find("img")[0]["src"]
    assert src.startswith("/media/")
    for _ in range(2):
        with client.get(src) as response:  # a file: closed when the response is
            assert response.status_code == 200
    assert [key for key in page_cache(app).entries if key[2].startswith("/media/")] == []


def test_languages_of_one_url_are_kept_apart(app, client):
    """The same slug under /en/ and /ru/, both kept, keep their own language and text."""
    for _ in range(2):  # rendered, then from the cache
        english = get_page(client, FALLBACK)
        russian = get_page(client, FALLBACK.replace("/en/", "/ru/"))
        assert (english.lang, russian.lang) == ("en", "ru")
        assert notices(english) == ["This page is available in Russian only."]
        assert notices(russian) == []
        assert english.text("h1") == russian.text("h1") == "Тренинг по журналистике"
    from_cache(app, client, FALLBACK)


def test_hosts_are_kept_apart(app, client):
    """The same path under another host name is another page: its links name its host."""
    for host in ("localhost", "www.asti.tj", "localhost", "www.asti.tj"):
        response = client.get(ARTICLE, base_url=f"http://{host}")
        assert Page(html_of(response)).canonical.startswith(f"http://{host}/")


def test_query_strings_are_kept_apart(app, client):
    """Each page of a list, and each search, is kept as itself."""
    app.config["NEWS_PER_PAGE"] = 2
    urls = ["/en/news/", "/en/news/?page=2", "/en/search/?q=training", "/en/search/?q=peace"]
    for _ in range(2):  # rendered, then from the cache
        bodies = {client.get(url).get_data() for url in urls}
        assert len(bodies) == len(urls)
    from_cache(app, client, urls[-1])


def test_root_negotiates_each_reader(app):
    """``/`` sends each reader to their language however often it was asked before."""
    for _ in range(2):
        for accept, lang in (("ru", "ru"), ("en-GB,en;q=0.9", "en"), ("tg-TJ", "tg")):
            response = app.test_client().get("/", headers={"Accept-Language": accept})
            assert (response.status_code, response.headers["Location"]) == (302, f"/{lang}/")
    chosen = app.test_client()
    chosen.set_cookie("lang", "en")
    assert chosen.get("/", headers={"Accept-Language": "ru"}).headers["Location"] == "/en/"


# --- 5. HTTP validators and compression -------------------------------------------------------


def test_public_page_headers(app, client):
    """Browsers may keep a page but must ask again; a weak ETag, and the content's last
    change as Last-Modified."""
    for response in (client.get(ARTICLE), from_cache(app, client, ARTICLE)):
        assert response.headers["Cache-Control"] == "public, no-cache"
        assert response.headers["ETag"].startswith('W/"')
        with app.app_context():
            changed_at = db.session.scalar(select(ContentState.changed_at))
        assert response.headers["Last-Modified"] == http_date(changed_at)


def test_if_none_match_gives_304(app, client, worker):
    """The page's ETag back gives 304 with no body, from the cache and with the cache off."""
    etag = client.get(ARTICLE).headers["ETag"]
    response = from_cache(app, client, ARTICLE, headers={"If-None-Match": etag})
    assert (response.status_code, response.get_data()) == (304, b"")
    assert response.headers["ETag"] == etag

    uncached = worker(PAGE_CACHE_BYTES=0).test_client()
    etag = uncached.get(ARTICLE).headers["ETag"]
    response = uncached.get(ARTICLE, headers={"If-None-Match": etag})
    assert (response.status_code, response.get_data()) == (304, b"")


def test_old_etag_gets_the_changed_page(app, admin, client):
    """After a change, the ETag of the page as it was gets the new page (200)."""
    etag = client.get(ARTICLE).headers["ETag"]
    edit(admin, "news", 1, {"en-title": "Changed since"})
    response = client.get(ARTICLE, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert Page(html_of(response)).text("h1") == "Changed since"
    assert response.headers["ETag"] != etag


@pytest.mark.parametrize("condition", ["If-None-Match", "If-Modified-Since"])
def test_a_conditional_first_request_keeps_the_whole_page(app, worker, condition):
    """A browser that read the page on another worker asks this one whether it changed:
    304, and the page is kept whole here for the next reader."""
    elsewhere = worker().test_client().get(ARTICLE)
    value = elsewhere.headers["ETag" if condition == "If-None-Match" else "Last-Modified"]
    assert app.test_client().get(ARTICLE, headers={condition: value}).status_code == 304
    assert from_cache(app, app.test_client(), ARTICLE).get_data() == elsewhere.get_data()


def test_if_modified_since(app, client):
    """A date before Last-Modified gets the page; Last-Modified itself gets 304."""
    modified = client.get(ARTICLE).headers["Last-Modified"]
    earlier = http_date(parse_date(modified) - timedelta(hours=1))
    older = from_cache(app, client, ARTICLE, headers={"If-Modified-Since": earlier})
    assert older.status_code == 200 and ARTICLE_TITLE in html_of(older)
    same = from_cache(app, client, ARTICLE, headers={"If-Modified-Since": modified})
    assert (same.status_code, same.get_data()) == (304, b"")


def test_gzip_for_those_who_accept_it(app, client):
    """With Accept-Encoding: gzip the page comes gzipped and decompresses to the plain
    page; Vary names Accept-Encoding; without it the page is plain."""
    plain = client.get(ARTICLE)
    assert "Content-Encoding" not in plain.headers
    zipped = from_cache(app, client, ARTICLE, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert int(zipped.headers["Content-Length"]) == len(zipped.get_data())
    for response in (plain, zipped):
        vary = [v.strip() for v in response.headers["Vary"].split(",")]
        assert "Accept-Encoding" in vary


@pytest.mark.parametrize(
    ("accept", "gzipped"),
    [
        ("gzip;q=0.5", True),
        ("*", True),
        ("identity, *;q=0.1", True),
        ("gzip;q=0", False),
        ("gzip; q=0", False),
        ("GZIP;Q=0.0", False),
        ("gzip;q=0.00, br", False),
        ("deflate, gzip;q=0.000", False),
        ("*;q=0", False),
        ("br", False),
    ],
)
def test_gzip_when_accept_encoding_allows_it(app, client, accept, gzipped):
    """A quality after the coding, and ``*`` for any coding, as browsers and proxies send."""
    client.get(ARTICLE)
    response = from_cache(app, client, ARTICLE, headers={"Accept-Encoding": accept})
    assert (response.headers.get("Content-Encoding") == "gzip") == gzipped


def test_kept_pages_vary_as_rendered_and_small_ones_come_plain(app, client):
    """A kept page varies on the cookie, as the application says (so that no shared cache
    gives a public page to staff), and on Accept-Encoding when it is kept gzipped too; a
    page too small to gain from gzip (robots.txt) comes plain, even to a browser that
    accepts gzip."""
    rendered = client.get("/robots.txt")
    kept = from_cache(app, client, "/robots.txt", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in kept.headers and kept.get_data() == rendered.get_data()
    assert rendered.headers["Vary"] == kept.headers["Vary"] == "Cookie"
    client.get(ARTICLE)
    assert from_cache(app, client, ARTICLE).headers["Vary"] == "Cookie, Accept-Encoding"


def wsgi(app, url, method="GET") -> tuple[str, dict, bytes]:
    """The status line, headers and body that the server (gunicorn) gets from the app's
    WSGI stack, as they are: the test client would fill in a missing status, or a body."""
    started = []
    environ = EnvironBuilder(path=url, method=method).get_environ()
    body = app.wsgi_app(environ, lambda status, headers, exc_info=None: started.append(
        (status, headers)))  # fmt: skip
    try:
        data = b"".join(body)
    finally:
        getattr(body, "close", lambda: None)()
    return started[0][0], dict(started[0][1]), data


def test_the_server_gets_a_kept_page_whole_and_a_head_without_body(app):
    """A HEAD of a page not kept yet is the application's, and keeps nothing; from the
    cache, a GET gets the page as rendered, a HEAD its headers alone."""
    status, headers, body = wsgi(app, ARTICLE, "HEAD")
    assert (status, body, headers["Cache-Control"]) == ("200 OK", b"", "public, no-cache")
    assert page_cache(app).entries == {}
    status, _, page = wsgi(app, ARTICLE)
    assert status == "200 OK" and ARTICLE_TITLE.encode() in page
    with statements(app) as seen:
        assert wsgi(app, ARTICLE)[::2] == ("200 OK", page)
        status, headers, body = wsgi(app, ARTICLE, "HEAD")
    assert (status, body, headers["Content-Length"]) == ("200 OK", b"", str(len(page)))
    assert all("content_state" in s for s in seen) and len(seen) <= 2  # nothing rendered


def test_the_memory_budget_keeps_the_pages_read_last(worker):
    """PAGE_CACHE_BYTES bounds what a worker keeps: past it, the page read longest ago
    goes; a page larger than the whole budget is not kept; a page rendered again replaces
    its old copy, counted once."""
    probe = worker()
    for url in (ARTICLE, "/en/news/", "/robots.txt"):
        probe.test_client().get(url)
    size = {key[2]: entry.size for key, entry in page_cache(probe).entries.items()}

    small = worker(PAGE_CACHE_BYTES=size["/robots.txt"])
    for url in ("/robots.txt", ARTICLE):
        small.test_client().get(url)
    assert [key[2] for key in page_cache(small).entries] == ["/robots.txt"]

    site = worker(PAGE_CACHE_BYTES=size[ARTICLE] + size["/en/news/"])
    reader = site.test_client()
    for url in (ARTICLE, "/en/news/", ARTICLE, "/robots.txt"):
        reader.get(url)
    cache = page_cache(site)
    assert [key[2] for key in cache.entries] == [ARTICLE, "/robots.txt"]
    assert cache.size == size[ARTICLE] + size["/robots.txt"]
    with site.app_context():
        db.session.execute(text("UPDATE content_state SET token = 'changed elsewhere'"))
        db.session.commit()
    reader.get(ARTICLE)
    assert cache.size == sum(entry.size for entry in cache.entries.values())
    assert [entry.token for entry in cache.entries.values()][-1] == "changed elsewhere"


def test_without_a_database_the_application_answers(tmp_path):
    """The cache cannot read the content's token: the application answers, here the health
    check's 503."""
    app = make_app(tmp_path / "missing" / "asti.db")
    assert app.test_client().get("/healthz").status_code == 503
    assert page_cache(app).entries == {}


def test_kept_pages_leave_the_date_to_the_server(app, client):
    """A kept page does not repeat the Date of its first rendering (the server dates
    each response itself)."""
    for response in (client.get("/en/news/"), from_cache(app, client, "/en/news/")):
        assert "Date" not in response.headers  # Werkzeug dates the rendering: not kept


def test_editor_pages_stay_private(app, admin):
    """Editor pages keep Cache-Control: no-store, the second time too."""
    for _ in range(2):
        assert admin.get("/editor/news/1").headers["Cache-Control"] == "no-store"


def test_health_check_is_not_kept(app, client):
    """The health check is answered by the application each time, never kept."""
    for _ in range(2):
        response = client.get("/healthz")
        assert response.get_json() == {"status": "ok"}
        assert response.headers["Cache-Control"] == "no-store"
    assert page_cache(app).entries == {}


# --- 6. the language cookie ------------------------------------------------------------------


def test_language_cookie_from_the_cache(app):
    """A newcomer served a kept page still gets the page's language as a cookie, as does a
    reader of another language; a reader whose cookie matches gets none."""
    rendered = app.test_client().get("/en/news/")
    assert rendered.headers["Set-Cookie"].startswith("lang=en;")
    newcomer = app.test_client()
    response = from_cache(app, newcomer, "/en/news/")
    assert response.headers.getlist("Set-Cookie") == [rendered.headers["Set-Cookie"]]
    assert newcomer.get_cookie("lang").value == "en"
    assert "Set-Cookie" not in from_cache(app, newcomer, "/en/news/").headers

    russian_reader = app.test_client()
    russian_reader.set_cookie("lang", "ru")
    from_cache(app, russian_reader, "/en/news/")
    assert russian_reader.get_cookie("lang").value == "en"


def test_a_304_from_the_cache_sets_the_language_cookie_too(app):
    """A reader of another language whose browser asks whether a kept page changed: 304,
    with the page's language as a cookie all the same, and no header of the full page."""
    etag = app.test_client().get("/en/news/").headers["ETag"]
    russian_reader = app.test_client()
    russian_reader.set_cookie("lang", "ru")
    response = from_cache(app, russian_reader, "/en/news/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert russian_reader.get_cookie("lang").value == "en"
    assert "Content-Language" not in response.headers


def test_a_newcomer_gets_the_cookie_of_a_page_kept_without_one(app):
    """The page was kept for a reader whose cookie said its language already, so the
    application set none: a newcomer gets the page from the application, with the cookie."""
    regular = app.test_client()
    regular.set_cookie("lang", "en")
    assert "Set-Cookie" not in regular.get("/en/news/").headers
    newcomer = app.test_client()
    assert newcomer.get("/en/news/").status_code == 200
    assert newcomer.get_cookie("lang").value == "en"


def test_a_page_that_sets_another_cookie_is_never_kept(worker):
    """Any cookie but the language's is someone's own: such a page is sent to its reader
    and never kept, and no other reader gets the cookie."""
    site = worker()

    def tracked():  # the language is taken from the URL into g.lang
        response = make_response(f"<p>{g.lang}</p>")
        response.set_cookie("seen", "1")
        return response

    site.add_url_rule("/<lang:lang>/tracked/", "tracked", tracked)
    status, headers, body = wsgi(site, "/en/tracked/")
    assert (status, headers["Cache-Control"], body) == ("200 OK", "public, no-cache", b"<p>en</p>")
    assert (
        site.test_client()
        .get("/en/tracked/")
        .headers.getlist("Set-Cookie")[0]
        .startswith("seen=1;")
    )
    other = site.test_client()
    other.set_cookie("lang", "en")
    assert other.get("/en/tracked/").headers.getlist("Set-Cookie") == ["seen=1; Path=/"]
    assert page_cache(site).entries == {}


# --- 7. the folder of pages for nginx --------------------------------------------------------


def test_anonymous_page_is_written_for_nginx(site, folder):
    """An article's page is written as index.html (and index.html.gz) under its path."""
    response = site.test_client().get(ARTICLE)
    page = folder / ARTICLE.strip("/") / "index.html"
    assert page.read_bytes() == response.get_data()
    assert gzip.decompress(page.with_name("index.html.gz").read_bytes()) == response.get_data()
    assert (folder / ".token").read_text() == token(site)


def test_query_strings_and_staff_write_no_files(admin, site, folder):
    """A URL with a query string, and any page a logged-in person asks for, write nothing."""
    reader = site.test_client()
    for url in ("/en/news/?page=1", "/en/search/?q=training"):
        assert reader.get(url).status_code == 200
    assert staff_client(site, ADMIN).get(ARTICLE).status_code == 200
    assert [p for p in folder.rglob("*") if p.is_file() and p.name != ".token"] == []


def test_save_empties_the_folder(admin, site, folder):
    """A save in the editor removes the written pages and labels the folder with the new
    token."""
    site.test_client().get(ARTICLE)
    page = folder / ARTICLE.strip("/") / "index.html"
    assert page.exists()
    edit(staff_client(site, ADMIN), "news", 1, {"en-title": "Saved with files"})
    assert not page.exists()
    assert (folder / ".token").read_text() == token(site)


def test_pages_above_and_below_a_written_page_are_written_too(site, folder):
    """Pages whose folders exist already, as those of an article's parents do once the
    article is written."""
    reader = site.test_client()
    for url in (ARTICLE, "/en/news/", "/en/"):
        response = reader.get(url)
        assert (folder / url.strip("/") / "index.html").read_bytes() == response.get_data()


@pytest.mark.parametrize(
    ("change", "after"),
    [
        ("saved", "index.html"),
        ("saved", "index.html.gz"),
        ("elsewhere", "index.html.gz"),
    ],
)  # fmt: skip
def test_a_change_while_a_page_is_written_leaves_no_file_of_it(
    monkeypatch, admin, site, folder, worker, change, after
):
    """The content changes while this worker writes an article's files: saved on another
    worker (which empties the folder), or on another server (which does not). The reader
    gets the page, and nginx finds no file of the old content."""
    other = worker(PAGE_CACHE_DIR=str(folder))
    written = []

    def write_then_change(path, data):
        write_atomically(path, data)
        written.append(path.name)
        if path.name != after:
            return
        if change == "saved":
            edit(staff_client(other, ADMIN), "news", 1, {"en-title": "Saved meanwhile"})
        else:
            with site.app_context():
                db.session.execute(text("UPDATE content_state SET token = 'changed elsewhere'"))
                db.session.commit()

    monkeypatch.setattr(middleware, "write_atomically", write_then_change)
    response = site.test_client().get(ARTICLE)
    # Saved on another worker right after index.html: its folder is gone, so is the .gz.
    files = (
        ["index.html"]
        if (change, after) == ("saved", "index.html")
        else ["index.html", "index.html.gz"]
    )
    assert response.status_code == 200 and written == files
    assert [p for p in folder.rglob("*") if p.is_file() and p.name != ".token"] == []


def test_pages_refresh_after_a_change_elsewhere(site, folder):
    """``flask pages-refresh`` empties the folder when the token changed without this
    server knowing (another server, raw SQL), and says so; then it has nothing to do."""
    site.test_client().get(ARTICLE)
    page = folder / ARTICLE.strip("/") / "index.html"
    assert page.exists()
    with site.app_context():
        db.session.execute(text("UPDATE content_state SET token = 'changed elsewhere'"))
        db.session.commit()
    assert page.exists()
    runner = site.test_cli_runner()
    assert runner.invoke(args=["pages-refresh"]).output == "Pages folder emptied.\n"
    assert not page.exists()
    assert (folder / ".token").read_text() == "changed elsewhere"
    assert runner.invoke(args=["pages-refresh"]).output == ""
