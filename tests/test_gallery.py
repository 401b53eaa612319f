"""An item's photos on its public page: the lead photo with its description, caption and
credit in the reader's language; the gallery under the text, thumbnails in order that link
to their large renditions; another language's text marked with its ``lang``."""

import re

import pytest
from sqlalchemy import select

from asti.extensions import db
from asti.models import News, Program, Region
from asti.models import Page as PageItem
from tests.fixtures.html import Page, get_page
from tests.fixtures.items import add_news
from tests.fixtures.pagetypes import add_photos

#: The five photos of the test article: language -> description, caption, credit.
FIVE = [
    {
        "en": {
            "alt": "Girls at a table, writing",
            "caption": "The opening",
            "credit": "A. Karimov",
        },
        "ru": {"alt": "Девушки за столом пишут", "caption": "Открытие", "credit": "А. Каримов"},
        "tg": {"alt": "Духтарон дар сари миз", "caption": "Кушодашавӣ", "credit": "А. Каримов"},
    },
    {"en": {"alt": "A map on the wall", "caption": "Planning"}, "ru": {"caption": "Планы"}},
    {
        "en": {"alt": "Tea in the garden"},
        "ru": {"alt": "Чай в саду", "caption": "Только по-русски"},
    },
    {"tg": {"alt": "Гурӯҳ дар назди мактаб", "caption": "Гурӯҳ"}},
    {"en": {"alt": "The closing", "caption": "Certificates"}},
]


def thumbnails(page: Page) -> list[dict]:
    """Each thumbnail of the page's gallery, in order: its link, what a screen reader names
    the link, its image's attributes and its caption (and that caption's ``lang``)."""
    start = next(i for i, (_, a, _) in enumerate(page.tags) if a.get("class") == "gallery-grid")
    found = []
    for tag, attrs, text in page.tags[start + 1 :]:
        if tag not in {"li", "figure", "a", "img", "span", "figcaption"}:
            break
        if tag == "li":
            found.append({})
        elif tag == "a":
            found[-1].update(href=attrs["href"], text=" ".join(text.split()))
        elif tag == "img":
            found[-1]["img"] = attrs
            found[-1]["name"] = f"{attrs['alt']} {found[-1]['text']}".strip()
        elif attrs.get("class") == "caption":
            found[-1].update(caption=text, caption_lang=attrs.get("lang"))
    return found


def lead(page: Page) -> tuple[dict, str]:
    """The lead photo's <img> and the text of its caption."""
    img = next(a for a, _ in page.find_all("img") if a.get("fetchpriority") == "high")
    return img, page.text("figure", class_="lead-image")


def og(page: Page, key: str) -> list[dict]:
    return [a for a, _ in page.find_all("meta") if a.get("property") == key]


@pytest.fixture
def article(app):
    """A news item in three languages with the five photos FIVE, the first its lead: its
    address in each language, and the photos' keys in order."""
    news_id = add_news(app, {"en": "Youth camp", "ru": "Молодёжный лагерь", "tg": "Лагери ҷавонон"})
    with app.app_context():
        item = db.session.get(News, news_id)
        keys = [image.key for image in add_photos(app, item, FIVE)]
        db.session.commit()
        urls = {lang: f"/{lang}/news/{t.slug}/" for lang, t in item.translations.items()}
    return urls, keys


def test_gallery_shows_every_photo_in_order(client, article):
    """Five thumbnails, the lead photo first: responsive WebP, loaded lazily, in a box of
    known size, each linking to its largest rendition, which is served."""
    urls, keys = article
    page = get_page(client, urls["en"])
    assert page.text("h2", id="gallery-title") == "Photos"
    shown = thumbnails(page)
    assert [re.search(r"/media/(\w+)/", t["href"]).group(1) for t in shown] == keys
    for thumbnail, key in zip(shown, keys, strict=True):
        img = thumbnail["img"]
        assert thumbnail["href"] == f"/media/{key}/1200.webp"
        assert re.fullmatch(
            rf"/media/{key}/480\.webp 480w, /media/{key}/720\.webp 720w, "
            rf"/media/{key}/960\.webp 960w",
            img["srcset"],
        )
        assert img["sizes"] and img["loading"] == "lazy"
        assert img["src"] == f"/media/{key}/fallback.jpg"
        assert (img["width"], img["height"]) == ("1200", "800")
    with client.get(shown[0]["href"]) as response:
        assert response.status_code == 200
        assert response.mimetype == "image/webp"


def test_captions_in_the_readers_language(client, article):
    """Each caption in the page's language, else along its fallbacks (English: Russian,
    then Tajik), then marked with its language; each link is named by the photo's
    description, or by its number when no language describes it, and says where it leads."""
    urls, _ = article
    english = thumbnails(get_page(client, urls["en"]))
    assert [(t["caption"], t["caption_lang"]) for t in english] == [
        ("The opening", None),
        ("Planning", None),
        ("Только по-русски", "ru"),
        ("Гурӯҳ", "tg"),
        ("Certificates", None),
    ]
    assert english[0]["name"] == "Girls at a table, writing (opens the large photo)"
    assert english[1]["img"]["alt"] == "A map on the wall" and "lang" not in english[1]["img"]
    assert english[3]["img"]["alt"] == "Гурӯҳ дар назди мактаб"
    assert english[3]["img"]["lang"] == "tg"
    russian = thumbnails(get_page(client, urls["ru"]))
    assert [t["caption"] for t in russian][:3] == ["Открытие", "Планы", "Только по-русски"]
    assert [t["caption_lang"] for t in russian] == [None, None, None, "tg", "en"]
    # Photo 2 is described in English only; photo 5 too: Russian falls back to English.
    assert russian[1]["img"]["lang"] == "en"
    tajik = thumbnails(get_page(client, urls["tg"]))
    assert tajik[0]["caption"] == "Кушодашавӣ" and tajik[0]["caption_lang"] is None
    assert tajik[1]["caption"] == "Планы" and tajik[1]["caption_lang"] == "ru"


def test_a_photo_without_description_is_named_by_its_number(app, client):
    news_id = add_news(app, {"en": "Two photos"})
    with app.app_context():
        item = db.session.get(News, news_id)
        add_photos(app, item, [{"en": {"alt": "First"}}, {"en": {"caption": "No alt"}}])
        db.session.commit()
    first, second = thumbnails(get_page(client, "/en/news/two-photos/"))
    assert second["img"]["alt"] == ""
    assert second["name"] == "Photo 2 (opens the large photo)"


def test_lead_photo_texts_come_from_the_photo(client, article):
    """The lead photo's description, caption and credit in the page's language, and the
    same description for link previews."""
    urls, _ = article
    page = get_page(client, urls["en"])
    img, caption = lead(page)
    assert img["alt"] == "Girls at a table, writing" and "lang" not in img
    assert caption == "The opening Photo: A. Karimov"
    assert og(page, "og:image:alt") == [{"property": "og:image:alt", "content": img["alt"]}]
    page = get_page(client, urls["tg"])
    img, caption = lead(page)
    assert img["alt"] == "Духтарон дар сари миз"
    assert caption.startswith("Кушодашавӣ ") and caption.endswith(": А. Каримов")
    assert og(page, "og:image:alt")[0]["content"] == "Духтарон дар сари миз"


def test_lead_photo_described_in_another_language(app, client):
    """Described in Russian only: the English page shows that description, marked as
    Russian, on the image and for link previews."""
    news_id = add_news(app, {"en": "Only Russian words"})
    with app.app_context():
        item = db.session.get(News, news_id)
        add_photos(app, item, [{"ru": {"alt": "Река", "caption": "Сырдарья", "credit": "АНТИ"}}])
        db.session.commit()
    page = get_page(client, "/en/news/only-russian-words/")
    img, caption = lead(page)
    assert (img["alt"], img["lang"]) == ("Река", "ru")
    assert page.find("span", class_="caption")[0]["lang"] == "ru"
    assert caption == "Сырдарья Photo: АНТИ"
    assert og(page, "og:image:alt") == [
        {"property": "og:image:alt", "content": "Река", "lang": "ru"}
    ]


def test_no_gallery_when_the_only_photo_is_the_lead(app, client):
    news_id = add_news(app, {"en": "One photo"})
    with app.app_context():
        item = db.session.get(News, news_id)
        add_photos(app, item, [{"en": {"alt": "Alone", "caption": "Just this one"}}])
        db.session.commit()
    page = get_page(client, "/en/news/one-photo/")
    assert lead(page)[0]["alt"] == "Alone"
    assert page.find_all("section", class_="gallery") == []
    assert len(page.find_all("img")) == 1


def test_gallery_without_a_lead_photo(app, client):
    """One photo that is not the lead one: it is the gallery."""
    news_id = add_news(app, {"en": "No lead"})
    with app.app_context():
        item = db.session.get(News, news_id)
        add_photos(app, item, [{"en": {"alt": "Only in the gallery"}}], lead=False)
        db.session.commit()
    page = get_page(client, "/en/news/no-lead/")
    assert page.find_all("figure", class_="lead-image") == []
    assert [t["img"]["alt"] for t in thumbnails(page)] == ["Only in the gallery"]


@pytest.mark.parametrize("model", [Program, Region, PageItem])
def test_every_kind_shows_its_gallery(app, client, model):
    """A program's, a region's and a page's gallery, like a news item's."""
    with app.app_context():
        visible = db.session.scalars(select(model).where(model.visible())).all()
        item = next(
            i for i in visible if "en" in i.translations and getattr(i, "key", "") != "home"
        )
        add_photos(app, item, FIVE[:3])
        db.session.commit()
        address = {Program: "programs/{}/", Region: "regions/{}/", PageItem: "{}/"}[model]
        slug = item.key if model is PageItem else item.translations["en"].slug
    page = get_page(client, "/en/" + address.format(slug))
    assert lead(page)[0]["alt"] == "Girls at a table, writing"
    assert [t["caption"] for t in thumbnails(page)] == [
        "The opening",
        "Planning",
        "Только по-русски",
    ]
