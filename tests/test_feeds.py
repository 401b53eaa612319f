"""Being found: the sitemap, robots.txt, and the Atom feed of the news in each language."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest

from asti.extensions import db
from asti.models import News, Page, Program, Region, utcnow
from asti.registry import kinds
from tests.fixtures.html import Page as HTMLPage
from tests.fixtures.html import get_page
from tests.fixtures.items import add_news
from tests.fixtures.pagetypes import RUSSIAN_ONLY

LANGS = ("tg", "ru", "en")
HOST = "http://localhost"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
W3C = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def sitemap(client) -> dict[str, dict]:
    """Each <url> of the sitemap by its address: its lastmod and its hreflang links."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{SM}urlset"
    urls = {}
    for url in root.findall(f"{SM}url"):
        loc = url.findtext(f"{SM}loc")
        assert loc not in urls, f"{loc} listed twice"
        links = url.findall(f"{XHTML}link")
        assert all(link.get("rel") == "alternate" for link in links)
        urls[loc] = {
            "lastmod": url.findtext(f"{SM}lastmod"),
            "alternates": {link.get("hreflang"): link.get("href") for link in links},
        }
    return urls


def feed(client, lang: str) -> ET.Element:
    response = client.get(f"/{lang}/news/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    return root


def texts(app, model) -> list[dict[str, str]]:
    """Each demo item's URL in each language it is written in, and under x-default its
    original's."""
    with app.test_request_context():
        items = db.session.scalars(db.select(model)).all()
        found = []
        for item in items:
            versions = {
                lang: HOST + f"/{lang}/{kinds.of(model).key}/{t.slug}/"
                if model is not Page
                else HOST + f"/{lang}/{item.key}/"
                for lang, t in item.translations.items()
            }
            found.append({**versions, "x-default": versions[item.source_lang]})
        return found


# --- the sitemap ------------------------------------------------------------------------


@pytest.mark.parametrize("model", [News, Program, Region, Page])
def test_sitemap_lists_every_translation_with_its_alternates(app, client, model):
    """Each item is listed once per language it is written in, never at a fallback URL, and
    names all its language versions plus x-default (the original)."""
    urls = sitemap(client)
    for versions in texts(app, model):
        for loc in versions.values():
            assert loc in urls, loc
            assert urls[loc]["alternates"] == versions, loc
            assert W3C.fullmatch(urls[loc]["lastmod"]), loc


def test_russian_only_article_is_only_under_ru(client):
    """The Russian-only article appears once, at its Russian URL, which is its x-default."""
    urls = sitemap(client)
    assert [u for u in urls if RUSSIAN_ONLY in u] == [f"{HOST}/ru/news/{RUSSIAN_ONLY}/"]
    assert urls[f"{HOST}/ru/news/{RUSSIAN_ONLY}/"]["alternates"] == {
        "ru": f"{HOST}/ru/news/{RUSSIAN_ONLY}/",
        "x-default": f"{HOST}/ru/news/{RUSSIAN_ONLY}/",
    }


def test_sitemap_lists_the_lists_in_every_language(app, client):
    """Home and the news, programs, regions and partners lists, in each language, with
    alternates."""
    urls = sitemap(client)
    lists = ("", "news/", "programs/", "regions/", "partners/")
    for path in lists:
        versions = {lang: f"{HOST}/{lang}/{path}" for lang in LANGS}
        for loc in versions.values():
            assert urls[loc]["alternates"] == {**versions, "x-default": versions["tg"]}
            assert W3C.fullmatch(urls[loc]["lastmod"])
    # Every text of every item, and the lists in 3 languages.
    items = sum((texts(app, kind.model) for kind in kinds), [])
    assert len(urls) == sum(len(versions) - 1 for versions in items) + len(lists) * 3


def test_sitemap_lastmod(app, client):
    """lastmod is when the text or the item last changed; a list's is its newest item's."""
    when = datetime(2031, 5, 6, 7, 8, 9)  # later than anything else the demo has
    with app.app_context():
        item = db.session.scalar(db.select(News).order_by(News.id))
        item.translations["ru"].updated_at = when
        db.session.commit()
        ru, en = item.translations["ru"].slug, item.translations["en"].slug
    urls = sitemap(client)
    assert urls[f"{HOST}/ru/news/{ru}/"]["lastmod"] == "2031-05-06T07:08:09Z"
    assert urls[f"{HOST}/en/news/{en}/"]["lastmod"] != "2031-05-06T07:08:09Z"
    assert urls[f"{HOST}/en/news/"]["lastmod"] == "2031-05-06T07:08:09Z"
    assert urls[f"{HOST}/tg/"]["lastmod"] == "2031-05-06T07:08:09Z"
    assert urls[f"{HOST}/tg/programs/"]["lastmod"] != "2031-05-06T07:08:09Z"


def test_sitemap_leaves_out_what_the_public_cannot_see(app, client):
    """Drafts, scheduled items and the trash are not in the sitemap."""
    for status, published_at, deleted_at in [
        ("draft", datetime(2020, 1, 1), None),
        ("published", utcnow() + timedelta(days=1), None),
        ("published", datetime(2020, 1, 1), utcnow()),
    ]:
        title = f"Hidden {status} {published_at.year}"
        add_news(app, {"en": title}, body="", status=status, published_at=published_at,
                 deleted_at=deleted_at)  # fmt: skip
    assert not [u for u in sitemap(client) if "hidden" in u]


def test_sitemap_pages_answer(client):
    """Every address in the sitemap is a page that answers 200 (no redirect)."""
    for loc in sitemap(client):
        assert client.get(urlsplit(loc).path).status_code == 200, loc


# --- robots.txt -------------------------------------------------------------------------


def test_robots_txt(client):
    """Crawlers are kept out of the editor and search results, and pointed at the sitemap;
    nothing else is closed to them."""
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /editor/" in lines
    assert f"Sitemap: {HOST}/sitemap.xml" in lines
    search = [f"Disallow: /{lang}/search/" for lang in ("tg", "ru", "en")]
    assert set(search) <= set(lines)
    disallowed = {line for line in lines if line.startswith("Disallow:")}
    assert disallowed == {"Disallow: /editor/", *search}


# --- the Atom feed ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_feed_in_each_language(client, lang):
    """The feed speaks the URL's language, links itself and the news list, and lists the
    news newest first, each entry complete."""
    root = feed(client, lang)
    assert root.get(XML_LANG) == lang
    assert root.findtext(f"{ATOM}id")
    assert root.findtext(f"{ATOM}title")
    assert W3C.fullmatch(root.findtext(f"{ATOM}updated"))
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"self": f"{HOST}/{lang}/news/feed.atom", "alternate": f"{HOST}/{lang}/news/"}
    assert root.findtext(f"{ATOM}author/{ATOM}name")

    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    published = [e.findtext(f"{ATOM}published") for e in entries]
    assert published == [
        "2022-09-16T00:00:00Z",
        "2017-05-29T00:00:00Z",
        "2011-10-01T00:00:00Z",
    ]
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 3 and all(i.startswith("tag:localhost,") for i in ids)
    for entry in entries:
        assert entry.findtext(f"{ATOM}title")
        assert entry.findtext(f"{ATOM}summary")
        assert W3C.fullmatch(entry.findtext(f"{ATOM}updated"))
        assert entry.find(f"{ATOM}content").get("type") == "html"
        assert entry.findtext(f"{ATOM}content").startswith("<p>")
        link = entry.find(f"{ATOM}link")
        assert link.get("rel") == "alternate"
        assert link.get("href").startswith(f"{HOST}/{lang}/news/")


def test_feed_links_lead_to_pages(client):
    """Every entry's link is a page of the feed's language that answers 200."""
    for lang in LANGS:
        for entry in feed(client, lang).findall(f"{ATOM}entry"):
            path = urlsplit(entry.find(f"{ATOM}link").get("href")).path
            assert get_page(client, path).lang == lang


def test_fallback_entry_keeps_its_language(client):
    """In the English feed the Russian-only item is marked ru and shown in Russian; the
    others are in English."""
    entries = feed(client, "en").findall(f"{ATOM}entry")
    langs = {e.find(f"{ATOM}link").get("href").split("/")[-2]: e.get(XML_LANG) for e in entries}
    assert langs[RUSSIAN_ONLY] == "ru"
    assert [lang for slug, lang in langs.items() if slug != RUSSIAN_ONLY] == ["en", "en"]
    training = next(e for e in entries if e.get(XML_LANG) == "ru")
    assert training.findtext(f"{ATOM}title") == "Тренинг по журналистике"
    assert training.find(f"{ATOM}link").get("href") == f"{HOST}/en/news/{RUSSIAN_ONLY}/"


def test_feed_entry_ids_are_stable(app, client):
    """An entry keeps its id when its title (and so its slug) changes."""
    before = [e.findtext(f"{ATOM}id") for e in feed(client, "en").findall(f"{ATOM}entry")]
    with app.app_context():
        item = db.session.scalar(db.select(News).order_by(News.published_at.desc()))
        item.set_translation("en", "A new title")
        db.session.commit()
    entries = feed(client, "en").findall(f"{ATOM}entry")
    assert entries[0].findtext(f"{ATOM}title") == "A new title"
    assert [e.findtext(f"{ATOM}id") for e in entries] == before


def test_feed_content_is_escaped_html(app, client):
    """The body travels as escaped HTML, sanitised: markup in a title stays text."""
    body = "**bold** <script>alert(1)</script>"
    add_news(app, {"en": "Fish & <chips>"}, body=body, published_at=datetime(2025, 1, 1))
    raw = client.get("/en/news/feed.atom").get_data(as_text=True)
    assert "<script" not in raw and "<strong>" not in raw and "<chips>" not in raw
    entry = feed(client, "en").find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Fish & <chips>"
    assert "<strong>bold</strong>" in entry.findtext(f"{ATOM}content")
    assert "script" not in entry.findtext(f"{ATOM}content")


def test_feed_holds_the_latest_twenty(app, client):
    """Only the 20 latest visible news are in the feed."""
    for n in range(25):
        add_news(app, {"en": f"Item {n:02d}"}, body="", published_at=datetime(2024, 1, 1 + n))
    add_news(app, {"en": "Draft"}, body="", status="draft", published_at=datetime(2025, 1, 1))
    titles = [e.findtext(f"{ATOM}title") for e in feed(client, "en").findall(f"{ATOM}entry")]
    assert titles == [f"Item {n:02d}" for n in range(24, 4, -1)]


# --- the feed is advertised -------------------------------------------------------------


PUBLIC_PAGES = [
    "/{lang}/",
    "/{lang}/news/",
    "/{lang}/news/2017/",
    "/{lang}/news/?region=isfara",
    f"/{{lang}}/news/{RUSSIAN_ONLY}/",
    "/{lang}/programs/",
    "/{lang}/programs/peace-and-cooperation-begins-with-us/",
    "/{lang}/regions/",
    "/{lang}/regions/isfara/",
    "/{lang}/about/",
    "/{lang}/contacts/",
]


def feed_links(html: HTMLPage) -> list[str]:
    return [a["href"] for a, _ in html.find_all("link", type="application/atom+xml")]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_links_its_feed(client, url, lang):
    """Every public page names the news feed of its language, once."""
    html = get_page(client, url.format(lang=lang), follow_redirects=True)
    assert feed_links(html) == [f"{HOST}/{html.lang}/news/feed.atom"]
    assert html.find("link", type="application/atom+xml")[0]["rel"] == "alternate"


def test_error_page_links_the_feed(client):
    """A 404 is a public page too."""
    html = get_page(client, "/ru/news/nothing/", 404)
    assert feed_links(html) == [f"{HOST}/ru/news/feed.atom"]


@pytest.mark.parametrize(
    "url", ["/editor/", "/editor/news/", "/editor/news/1", "/editor/news/1/preview/ru"]
)
def test_editor_pages_do_not_link_the_feed(admin, url):
    """Staff pages, the previews among them, carry no feed link nor any sharing metadata."""
    html = get_page(admin, url)
    assert not feed_links(html)
    assert not [a for a, _ in html.find_all("meta") if "property" in a or "name" in a
                and a["name"] in ("description", "twitter:card")]  # fmt: skip
    assert not html.find_all("script", type="application/ld+json")


def test_login_page_does_not_link_the_feed(client):
    html = get_page(client, "/editor/login")
    assert not feed_links(html)
