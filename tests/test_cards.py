"""Photos where readers expect them (issue #16): every card of news and programs shows its
item's photo, responsive and sized before it arrives, or a stand-in in its program's colour;
the home page opens with the latest story large, its photo fetched first; an article's lead
photo fits the text column and leaves the text on the first screen, in Chromium."""

import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image as Pil
from sqlalchemy import select

from asti.extensions import db
from asti.images import store_image
from asti.models import Image, News, NewsTranslation, Program, ProgramTranslation
from tests.fixtures.html import Page, get_page
from tests.fixtures.items import add_news, image_bytes
from tests.fixtures.pagetypes import photo_file
from tests.fixtures.staff import create, edit

#: The demo's news about a program (the newest of them on the home page and the list).
SECURITY = "Community security in the Ferghana valley"
#: Where the browser tests ask for pages: answered by the app's test client (route()).
BASE = "http://asti.test"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


# --- helpers -----------------------------------------------------------------------------


def cards(page: Page, kind: str = "card") -> dict[str, dict]:
    """Each card of the page (news, programs, search results; ``kind="lead-story"``: the
    home page's latest story) by its title: its photo (the <picture>'s WebP <source> and
    its <img>) or its stand-in (the <span>), which comes first in a card."""
    found = {}
    for i, (tag, attrs, _) in enumerate(page.tags):
        if tag not in ("li", "div") or attrs.get("class") != kind:
            continue
        following = page.tags[i + 1 : i + 12]
        title = next(" ".join(t.split()) for tag, _, t in following if tag == "a")
        (first, attrs, _), *rest = following
        card = {"kind": first, "box": attrs}
        if first == "picture":
            assert [tag for tag, _, _ in rest[:2]] == ["source", "img"]
            card["source"], card["img"] = rest[0][1], rest[1][1]
        found[title] = card
    return found


def widths(srcset: str) -> list[int]:
    return [int(w) for w in re.findall(r" (\d+)w(?:,|$)", srcset)]


def assert_photo(card: dict, width: int, height: int, lazy: bool) -> None:
    """A responsive photo: WebP renditions in srcset with sizes, a JPEG fallback of known
    size (so its box never moves), decorative (its title is the card's link)."""
    assert card["kind"] == "picture", card
    source, img = card["source"], card["img"]
    assert source["type"] == "image/webp" and source["sizes"]
    candidates = [c.split() for c in source["srcset"].split(", ")]
    assert all(re.fullmatch(r"/media/\w+/\d+\.webp", url) for url, _ in candidates)
    assert len(candidates) >= 2 and widths(source["srcset"]) == sorted(widths(source["srcset"]))
    assert re.fullmatch(r"/media/\w+/fallback\.jpg", img["src"])
    assert (img["width"], img["height"]) == (str(width), str(height))
    assert img["alt"] == ""
    assert (img.get("loading") == "lazy") is lazy


def make_current(app, title: str) -> None:
    with app.app_context():
        query = select(Program).join(Program.translations).where(ProgramTranslation.title == title)
        db.session.scalar(query).is_current = True
        db.session.commit()


def give_photo(app, model, item_id: int, size=(1200, 800)) -> None:
    """A photo of ``size``, stored as uploads are, described "A photo": the item's lead."""
    with app.app_context():
        item = db.session.get(model, item_id)
        media = Path(app.instance_path) / "media"
        stored = store_image(photo_file(item_id + 1000 * size[1], size), media, 10**7)
        image = Image(key=stored.key, width=stored.width, height=stored.height)
        image.set_text("en", alt="A photo")
        item.photos.append(item.photo_class(image=image))
        item.image = image
        db.session.commit()


# --- cards in the HTML -------------------------------------------------------------------


def test_a_photo_added_in_the_editor_shows_on_the_home_page_and_the_news_list(admin, client):
    """Staff add a photo to a news item: the home page opens with it, large and fetched
    first; once a newer story takes its place, it is a card there, loaded lazily; on the
    news list it is a card too, among the first ones (not lazy)."""
    photo = Pil.linear_gradient("L").resize((1600, 1000)).convert("RGB")
    upload = (io.BytesIO(image_bytes(photo, "JPEG")), "well.jpg")
    item = create(admin, "news", {"en-title": "A new well", "en-body": "Text.", "upload": [upload]})
    edit(admin, "news", item, {"photos-0-en-alt": "The well"})

    home = get_page(client, "/en/")
    story = cards(home, "lead-story")["A new well"]
    assert_photo(story, 1600, 1000, lazy=False)
    assert story["img"]["fetchpriority"] == "high"
    assert max(widths(story["source"]["srcset"])) == 1600  # a large screen gets a sharp one

    create(admin, "news", {"en-title": "Later news", "en-body": "Text."})
    home = get_page(client, "/en/")
    assert "Later news" in cards(home, "lead-story")
    shown = cards(home)
    assert_photo(shown["A new well"], 1600, 1000, lazy=True)
    assert max(widths(shown["A new well"]["source"]["srcset"])) <= 960  # a card is small
    assert not any(a.get("fetchpriority") == "high" for a, _ in home.find_all("img"))

    listed = cards(get_page(client, "/en/news/"))
    assert list(listed)[:2] == ["Later news", "A new well"]
    assert_photo(listed["A new well"], 1600, 1000, lazy=False)  # on the first screen


def test_items_without_a_photo_have_their_programs_colour(app, client):
    """A card without a photo has a stand-in of the same box: the colour of its program
    (one of six, by the program's id), ASTI's green without one; never an empty gap."""
    add_news(app, {"en": "No program, no photo"}, published_at=datetime(2025, 1, 1))
    with app.app_context():
        program_id = db.session.scalar(
            select(News.program_id).where(News.translations.any(NewsTranslation.title == SECURITY))
        )
    assert program_id
    for url in ("/en/", "/en/news/"):
        shown = cards(get_page(client, url))
        assert shown, url
        for title, card in shown.items():
            assert card["kind"] == "span", (url, title)
            assert card["box"]["aria-hidden"] == "true"
            assert "card-photo" in card["box"]["class"].split()
            assert "no-photo" in card["box"]["class"].split()
    news_list = cards(get_page(client, "/en/news/"))
    assert "tone-0" in news_list["No program, no photo"]["box"]["class"].split()
    assert f"tone-{program_id % 6 + 1}" in news_list[SECURITY]["box"]["class"].split()
    home = get_page(client, "/en/")
    box = home.find("span", class_="lead-story-photo no-photo tone-0")[0]
    assert box["aria-hidden"] == "true"


def test_program_cards_and_page_show_the_cover(app, client):
    """A program's cover (its lead photo) on its card, on the home page and the list of
    programs, and at the top of its page, fetched first; a band of its colour without one."""
    make_current(app, "Skills for future and transition to work life")
    with app.app_context():
        skills = db.session.scalar(
            select(Program.id)
            .join(Program.translations)
            .where(ProgramTranslation.title == "Skills for future and transition to work life")
        )
    give_photo(app, Program, skills)
    for url in ("/en/", "/en/programs/"):
        card = cards(get_page(client, url))["Skills for future and transition to work life"]
        assert_photo(card, 1200, 800, lazy=True)
    page = get_page(client, "/en/programs/skills-for-future-and-transition-to-work-life/")
    lead = next(a for a, _ in page.find_all("img") if a.get("fetchpriority") == "high")
    assert lead["alt"] == "A photo" and (lead["width"], lead["height"]) == ("1200", "800")
    past = get_page(client, "/en/programs/peace-and-cooperation-begins-with-us/")
    band = past.find("span", **{"aria-hidden": "true"})[0]
    assert band["class"].startswith("lead-image no-photo tone-")
    assert not past.find_all("img")


def test_home_page_shows_recent_programs_when_none_is_current(client):
    """The demo has no current program: the home page says so, and shows the latest ones
    as cards, so it is never without programs."""
    home = get_page(client, "/en/")
    assert home.text("section", **{"aria-labelledby": "current"}) == (
        "Current programs No current programs. All programs"
    )
    recent = [a for t, a, _ in home.tags if t == "section" and a.get("aria-labelledby") == "recent"]
    assert recent
    shown = cards(home)
    assert "Women's Resource Center" in shown  # the latest to start, in the demo


def test_search_results_have_photos(app, client):
    """A search result shows its item's photo, or the stand-in."""
    news_id = add_news(app, {"en": "Orchard planting"}, published_at=datetime(2025, 1, 1))
    give_photo(app, News, news_id)
    shown = cards(get_page(client, "/en/search/?q=orchard"))
    assert_photo(shown["Orchard planting"], 1200, 800, lazy=False)
    others = cards(get_page(client, "/en/search/?q=youth"))
    assert len(others) > 3
    assert all(c["kind"] == "span" for t, c in others.items() if t != "Orchard planting")


def test_other_news_beside_an_article_are_titles(client):
    """The article's other news: titles and dates only (bytes on a slow network), with the
    program's and regions' facts beside the text."""
    page = get_page(client, "/en/news/community-security-in-the-ferghana-valley/")
    assert [a for a, _ in page.find_all("ul") if a.get("class") == "cards titles"]
    assert not page.find_all("picture") and not page.find_all("span", class_="card-photo")
    assert "Sughd region" in page.text("dl", class_="facts")


# --- in Chromium -------------------------------------------------------------------------


def route(context, client) -> None:
    """Every request of ``context`` to BASE answered by the app (its test client)."""

    def answer(request_route):
        path = request_route.request.url.removeprefix(BASE)
        with client.get(path) as response:
            request_route.fulfill(
                status=response.status_code,
                headers={k: v for k, v in response.headers.items() if k != "Content-Length"},
                body=response.get_data(),
            )

    context.route(f"{BASE}/**", answer)


@pytest.fixture
def tab(browser, client):
    """A Chromium tab whose pages come from the test's app; ``tab(viewport)``."""
    contexts = []

    def open_tab(viewport):
        context = browser.new_context(viewport=viewport, base_url=BASE)
        contexts.append(context)
        route(context, client)
        return context.new_page()

    yield open_tab
    for context in contexts:
        context.close()


#: What a page's layout shifts add up to (CLS), from the browser's own record.
LAYOUT_SHIFT = """() => new Promise(done => {
    let sum = 0;
    new PerformanceObserver(list => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value;
    }).observe({type: "layout-shift", buffered: true});
    setTimeout(() => done(sum), 300);
})"""


def box(page, selector) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("size", [(1200, 800), (900, 1200)])
def test_article_lead_photo_fits_the_first_screen(app, tab, size):
    """At 1280×800 the lead photo, landscape or portrait, is no wider than the text column
    and no taller than three quarters of the screen, so the text starts on the first
    screen; on a phone it spans the screen's width. It is loaded, and nothing moves."""
    news_id = add_news(app, {"en": "Water for Khujand"}, body="First paragraph.\n\nSecond.")
    give_photo(app, News, news_id, size)
    page = tab(DESKTOP)
    page.goto("/en/news/water-for-khujand/")
    page.wait_for_load_state("networkidle")
    img = box(page, "article .lead-image img")
    text = box(page, "article .prose")
    assert img["width"] <= text["width"] + 0.5 and img["x"] >= text["x"] - 0.5
    assert img["height"] <= 0.75 * DESKTOP["height"]
    assert text["y"] < DESKTOP["height"]  # the text starts on the first screen
    assert page.locator("article .lead-image img").evaluate("i => i.complete && i.naturalWidth > 0")
    assert page.locator("article .lead-image img").evaluate("i => i.currentSrc").endswith(".webp")

    phone = tab(PHONE)
    phone.goto("/en/news/water-for-khujand/")
    phone.wait_for_load_state("networkidle")
    img = box(phone, "article .lead-image img")
    assert (img["x"], img["width"]) == (0, PHONE["width"])
    assert img["height"] <= 0.75 * PHONE["height"]
    assert phone.evaluate(LAYOUT_SHIFT) == 0


def test_cards_line_up_in_boxes_of_three_by_two(app, tab):
    """On the news list, cards with a photo (landscape or portrait) and without one have
    photo boxes of one size, 3:2, three across on a wide screen, beside the text on a phone;
    the stand-in shows the map outline; nothing moves as the photos arrive."""
    for n, size in enumerate([(1200, 800), (900, 1200)]):
        news_id = add_news(app, {"en": f"Photo {n}"}, published_at=datetime(2025, 1, 1 + n))
        give_photo(app, News, news_id, size)
    for viewport, across in ((DESKTOP, 3), (PHONE, 1)):
        page = tab(viewport)
        page.goto("/en/news/")
        page.wait_for_load_state("networkidle")
        boxes = [b.bounding_box() for b in page.locator(".cards .card-photo").all()[:3]]
        assert len({round(b["width"]) for b in boxes}) == 1, boxes
        assert len({round(b["height"]) for b in boxes}) == 1, boxes
        assert abs(boxes[0]["width"] / boxes[0]["height"] - 1.5) < 0.02
        assert len({round(b["y"]) for b in boxes}) == (1 if across == 3 else 3)
        if across == 1:
            assert boxes[0]["width"] < viewport["width"] / 2  # beside the text
        stand_in = page.locator(".cards .no-photo").first
        assert "data:image/svg+xml" in stand_in.evaluate("e => getComputedStyle(e).backgroundImage")
        assert page.evaluate(LAYOUT_SHIFT) == 0
