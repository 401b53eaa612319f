"""What a page tells search engines and link previews: description, Open Graph, Twitter
cards, schema.org data and the canonical address."""

import io
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image as PILImage

from asti.extensions import db
from asti.images import store_image
from asti.models import Image, News, NewsTranslation
from tests.fixtures.html import Page, get_page
from tests.fixtures.items import add_news
from tests.fixtures.pagetypes import RUSSIAN_ONLY

LANGS = ("tg", "ru", "en")
UPSHIFT_EN = "upshift-is-a-4-day-training-conducted-at-the-innovation-labs"
HOST = "http://localhost"
LOCALES = {"tg": "tg_TJ", "ru": "ru_RU", "en": "en_US"}


def meta(html: Page, key: str) -> list[str]:
    """The content of each <meta> named (or, for Open Graph, with the property) ``key``."""
    return [
        a["content"]
        for a, _ in html.find_all("meta")
        if a.get("name") == key or a.get("property") == key
    ]


def one(html: Page, key: str) -> str:
    values = meta(html, key)
    assert len(values) == 1, f"{key}: {values}"
    return values[0]


def json_ld(html: Page) -> list[dict]:
    return [json.loads(text) for _, text in html.find_all("script", type="application/ld+json")]


# --- an article -------------------------------------------------------------------------


def test_article_metadata(client):
    """An English article: its summary as description, an article for Open Graph, a summary
    card, and the locales of the three languages."""
    html = get_page(client, f"/en/news/{UPSHIFT_EN}/")
    summary = (
        "A training at the Innovation Lab of Asht district with 32 adolescents, with the "
        "support of UNICEF Tajikistan."
    )
    url = f"{HOST}/en/news/{UPSHIFT_EN}/"
    assert html.canonical == url
    assert one(html, "description") == summary
    assert one(html, "og:type") == "article"
    assert one(html, "og:title") == "UPSHIFT is a 4-day training conducted at the Innovation Labs"
    assert one(html, "og:description") == summary
    assert one(html, "og:url") == url
    assert one(html, "og:site_name") == "ASTI"
    assert one(html, "og:locale") == "en_US"
    assert sorted(meta(html, "og:locale:alternate")) == ["ru_RU", "tg_TJ"]
    assert meta(html, "og:image") == []
    assert one(html, "twitter:card") == "summary"
    assert one(html, "twitter:title") == one(html, "og:title")
    assert one(html, "twitter:description") == summary
    assert meta(html, "twitter:image") == []


def test_article_json_ld(client):
    """NewsArticle data: headline, dates, language, address and the publisher."""
    html = get_page(client, f"/ru/news/{RUSSIAN_ONLY}/")
    [data] = json_ld(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Тренинг по журналистике"
    assert data["description"] == one(html, "description")
    assert data["datePublished"] == "2017-05-29T00:00:00Z"
    assert data["dateModified"] >= data["datePublished"]
    assert data["inLanguage"] == "ru"
    assert data["url"] == data["mainEntityOfPage"] == f"{HOST}/ru/news/{RUSSIAN_ONLY}/"
    assert "image" not in data
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization"
    assert publisher["name"] == "Общественная организация «АНТИ»"
    assert publisher["url"] == f"{HOST}/ru/"


@pytest.mark.parametrize("lang", ["tg", "en"])
def test_fallback_article_points_at_the_original(client, lang):
    """A Russian-only article on another language's site: the description is marked ru, the
    shared address is the original's, the data says the text is Russian."""
    html = get_page(client, f"/{lang}/news/{RUSSIAN_ONLY}/")
    description = html.find("meta", name="description")[0]
    assert description["lang"] == "ru"
    assert description["content"].startswith("Тренинг по журналистике для 20 подростков")
    assert html.canonical == one(html, "og:url") == f"{HOST}/ru/news/{RUSSIAN_ONLY}/"
    # The locale is the text's; it has no other translation to name.
    assert one(html, "og:locale") == "ru_RU"
    assert html.find_all("meta", property="og:locale:alternate") == []
    assert html.find("title")[0]["lang"] == "ru"
    assert json_ld(html)[0]["inLanguage"] == "ru"


def test_description_falls_back_to_the_text(app, client):
    """Without a summary, the description is the start of the text, tags stripped, cut
    after a whole word; without either, the site's description."""
    body = "**Bold** start & " + " ".join(f"word{n}" for n in range(60))
    add_news(app, {"en": "No summary"}, body=body)
    add_news(app, {"en": "Nothing at all"}, body="")
    description = one(get_page(client, "/en/news/no-summary/"), "description")
    assert description.startswith("Bold start & word0 word1")
    assert description.endswith("…") and len(description) <= 160
    assert description.removesuffix("…").split()[-1] in body.split()
    assert "<" not in description and "**" not in description
    site = one(get_page(client, "/en/news/"), "description")
    assert one(get_page(client, "/en/news/nothing-at-all/"), "description") == site


def test_one_description_per_page(client):
    """The layout's description replaces the old per-template ones: exactly one per page."""
    for url in (
        f"/en/news/{UPSHIFT_EN}/",
        "/en/programs/peace-and-cooperation-begins-with-us/",
        "/en/regions/isfara/",
        "/en/about/",
        "/en/",
        "/en/news/",
        "/en/news/2017/",
        "/en/no-such-page/",
    ):
        html = get_page(client, url, 404 if "no-such" in url else 200)
        assert len(meta(html, "description")) == 1, url
        assert one(html, "og:description") == one(html, "description"), url


# --- other pages ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_home_is_the_organization(client, lang):
    """The home page describes ASTI as an Organization, in the page's language."""
    html = get_page(client, f"/{lang}/")
    assert one(html, "og:type") == "website"
    assert one(html, "og:url") == html.canonical == f"{HOST}/{lang}/"
    assert one(html, "og:locale") == LOCALES[lang]
    assert sorted(meta(html, "og:locale:alternate")) == sorted(
        v for k, v in LOCALES.items() if k != lang
    )
    [data] = json_ld(html)
    assert data["@type"] == "Organization"
    assert data["url"] == f"{HOST}/{lang}/"
    assert data["foundingDate"] == "1995"
    assert data["foundingLocation"]["@type"] == "Place"
    assert data["foundingLocation"]["name"]
    assert data["name"] and data["alternateName"]
    assert re.fullmatch(rf"{HOST}/static/favicon\.[0-9a-f]{{10}}\.svg", data["logo"])


def test_organization_names_are_translated(client):
    [tg] = json_ld(get_page(client, "/tg/"))
    [en] = json_ld(get_page(client, "/en/"))
    assert tg["name"] == "Ташкилоти ҷамъиятии «АЗИТ»"
    assert en["name"] == "Public Organization “ASTI”"
    assert en["alternateName"] == "ASTI"


def test_logo_exists(client):
    """The logo the data names is served."""
    [data] = json_ld(get_page(client, "/en/"))
    with client.get(urlsplit(data["logo"]).path) as response:
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/en/news/", "News"),
        ("/en/programs/", "Programs"),
        ("/en/regions/isfara/", "Isfara"),
        (
            "/en/programs/peace-and-cooperation-begins-with-us/",
            "Peace and cooperation begins with us",
        ),
    ],
)
def test_other_pages_are_websites(client, url, title):
    """Lists and other items: a website, titled as the page, with no article data."""
    html = get_page(client, url)
    assert one(html, "og:type") == "website"
    assert one(html, "og:title") == title
    assert one(html, "og:url") == html.canonical
    assert json_ld(html) == []


def test_program_description_is_its_summary(client):
    html = get_page(client, "/ru/programs/bezopasnost-soobshchestv-v-ferganskoy-doline/")
    assert one(html, "description") == html.text("p", class_="lead")


def test_canonical_on_every_page_type(client):
    """Every public page keeps its one canonical address."""
    for url in ("/tg/", "/tg/news/", "/tg/news/2022/", "/tg/news/?region=isfara",
                "/tg/regions/", "/tg/about/"):  # fmt: skip
        html = get_page(client, url)
        assert len(html.find_all("link", rel="canonical")) == 1, url
        assert html.canonical == HOST + url


# --- an article with an image -----------------------------------------------------------


def attach_image(app, slug: str) -> str:
    """Store a JPEG made with Pillow as the news item's image; its key."""
    picture = PILImage.new("RGB", (1200, 800), (200, 60, 30))
    data = io.BytesIO()
    picture.save(data, "JPEG")
    data.seek(0)
    with app.app_context():
        stored = store_image(data, Path(app.instance_path) / "media", 10 * 1024 * 1024)
        image = Image(key=stored.key, width=stored.width, height=stored.height)
        item = db.session.scalar(
            db.select(News).join(NewsTranslation).where(NewsTranslation.slug == slug)
        )
        item.image = image
        image.set_text("en", alt="A red square")
        db.session.commit()
        return stored.key


def test_article_image_is_shared(app, client):
    """With an image: og:image and twitter:image name the JPEG rendition, which is served;
    the card is a large one, and the article's data names the image too."""
    key = attach_image(app, UPSHIFT_EN)
    html = get_page(client, f"/en/news/{UPSHIFT_EN}/")
    image = one(html, "og:image")
    assert image == f"{HOST}/media/{key}/fallback.jpg"
    assert one(html, "og:image:alt") == "A red square"
    assert one(html, "twitter:card") == "summary_large_image"
    assert one(html, "twitter:image") == image
    assert json_ld(html)[0]["image"] == [image]
    with client.get(urlsplit(image).path) as response:
        assert response.status_code == 200
        assert response.mimetype == "image/jpeg"
    # The photo is described in English only: the Tajik page gives that, marked as English.
    tajik = get_page(client, "/tg/news/upshift-omuzishi-chorruza-dar-laboratoriyahoi-innovatsioni/")
    assert one(tajik, "og:image") == image
    assert one(tajik, "og:image:alt") == "A red square"
    assert tajik.find("meta", property="og:image:alt")[0]["lang"] == "en"
