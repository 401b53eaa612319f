"""The site's chrome, as readers see it: the header (logo, languages, menu) lined up with
the page and short on a phone; the footer's contact details on every page; the contacts
page with the office on the map; the regions map on a phone's width; the 404 page that
offers a way on."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

import asti.pages
from asti.extensions import db
from asti.i18n import ENDONYMS
from asti.models import News, Setting
from asti.regions import map as regionmap
from tests.fixtures.browser import reader_context
from tests.fixtures.html import Page, get_page, html_of
from tests.fixtures.pagetypes import add_photos, all_public_pages, public_pages
from tests.fixtures.server import fetch

LANGS = ("tg", "ru", "en")
SHORT_NAMES = {"tg": "АЗИТ", "ru": "АНТИ", "en": "ASTI"}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
WIDE = {"viewport": {"width": 1920, "height": 1080}}
#: The header and its menu end above a quarter of a 360 × 740 phone's screen.
QUARTER = 740 / 4
#: Where the text of an element starts on screen: its first line's left edge (a Range over
#: its contents), not the box of a link, which has padding.
TEXT_LEFT = """el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect().left;
}"""
HEADER_BOTTOM = "() => document.querySelector('header').getBoundingClientRect().bottom"
MAIN_MENU = "nav.menu a"
#: Site settings (asti/layout.py reads them): two numbers, an address, e-mail, networks.
CONTACTS = {
    "phones": "+992 (3422) 6-75-71\n+992 92 700 00 00",
    "email": "info@asti.example",
    "address.ru": "г. Худжанд, ул. Ленина, 1",
    "facebook": "https://www.facebook.com/asti.example",
    "telegram": "https://t.me/asti_example",
}


def live_pages(live_site: str, lang: str) -> dict[str, str]:
    return public_pages(lambda url: fetch(live_site + url)[2], lang)


def set_site(app, **values: str) -> None:
    with app.app_context():
        Setting.store("site.", values)
        db.session.commit()


# --- the header -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["tg", "ru"])
def test_the_menu_starts_where_the_page_does_on_a_wide_screen(browser, live_site, lang):
    """At 1920 px the first menu link's text starts within 2 px of the page's heading, on
    the home page and on an article."""
    pages = live_pages(live_site, lang)
    context = reader_context(browser, live_site, lang, **WIDE)
    page = context.new_page()
    try:
        for name in ("home", "article"):
            page.goto(pages[name])
            menu = page.locator(MAIN_MENU).first.evaluate(TEXT_LEFT)
            heading = page.locator("main h1").first.evaluate(
                "el => el.getBoundingClientRect().left"
            )
            assert abs(menu - heading) <= 2, f"{name}: menu text at {menu}, h1 at {heading}"
            logo = page.locator("header .logo-link").evaluate(
                "el => el.getBoundingClientRect().left"
            )
            assert abs(logo - heading) <= 2, f"{name}: logo at {logo}, h1 at {heading}"
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_header_takes_less_than_a_quarter_of_a_phone(browser, live_site, lang):
    """At 360 × 740 the header with its menu ends above 185 px on the home page, the news
    and an article: the menu is one line that scrolls sideways, the page does not."""
    pages = live_pages(live_site, lang)
    context = reader_context(browser, live_site, lang, **PHONE)
    page = context.new_page()
    try:
        for name in ("home", "news list", "article"):
            page.goto(pages[name])
            bottom = page.evaluate(HEADER_BOTTOM)
            assert bottom < QUARTER, f"{name}: the header ends at {bottom} px"
            tops = page.locator(MAIN_MENU).evaluate_all(
                "links => links.map(a => Math.round(a.getBoundingClientRect().top))"
            )
            assert len(tops) == 7 and len(set(tops)) == 1, f"{name}: menu lines at {tops}"
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
            menu = page.locator("nav.menu ul")
            assert menu.evaluate("ul => ul.scrollWidth > ul.clientWidth")  # it scrolls
        # The languages: three letters on the screen, each named by its whole endonym for
        # assistive technology (which starts with what is seen), each link at least 24 px
        # square.
        languages = page.locator("nav.langs")
        for code in LANGS:
            link = languages.get_by_role("link", name=ENDONYMS[code], exact=True)
            assert (link.get_attribute("lang"), link.get_attribute("hreflang")) == (code, code)
            box = link.bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24, (code, box)
            rest = link.locator(".lang-rest")
            assert rest.text_content() == ENDONYMS[code][3:]
            assert rest.bounding_box()["width"] <= 1, code  # out of sight
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_logo_names_the_organisation_in_the_page_language(client, lang):
    """The drawn logo is an image named by the short name in the page's language, which
    it also writes; it links to the home page."""
    page = get_page(client, f"/{lang}/news/")
    link = next(a for a, _ in page.find_all("a") if a.get("class") == "logo-link")
    assert link["href"] == f"/{lang}/"
    svg = page.find("svg", **{"class": "logo"})
    assert svg[0]["role"] == "img" and svg[0]["aria-label"] == SHORT_NAMES[lang]
    assert SHORT_NAMES[lang] in svg[1]


def test_an_uploaded_logo_replaces_the_drawn_one(app, client):
    """With a logo in the site settings, the header shows that picture (with its size,
    so nothing moves when it arrives) instead of the drawing."""
    with app.app_context():
        news = db.session.scalars(select(News)).first()
        image = add_photos(app, news, [{"en": {"alt": "Our logo"}}], lead=False)[0]
        db.session.commit()
        logo_id, fallback = image.id, image.fallback
        size = (str(image.width), str(image.height))
    set_site(app, logo=str(logo_id))
    page = get_page(client, "/ru/")
    assert not page.find_all("svg", **{"class": "logo"})
    img = page.find("img", **{"class": "logo-image"})[0]
    assert img["src"] == f"/media/{fallback}"
    assert (img["width"], img["height"]) == size
    assert img["alt"] == SHORT_NAMES["ru"]


# --- the footer and the contacts page ---------------------------------------------------------


def test_every_page_has_the_contacts_in_its_footer(app, client):
    """With telephone numbers and an e-mail address in the site settings, the footer of
    every public page type, in every language, links them (tel:, mailto:), with the
    networks and the address (marked as Russian where the page is not)."""
    set_site(app, **CONTACTS)
    pages = all_public_pages(lambda url: client.get(url).get_data(as_text=True))
    for name, url in pages.items():
        status = 404 if "not found" in name else 200
        html = html_of(client.get(url))
        assert client.get(url).status_code == status, url
        footer = Page(html[html.index("<footer") :])
        hrefs = [a["href"] for a, _ in footer.find_all("a")]
        assert "tel:+992342267571" in hrefs and "tel:+992927000000" in hrefs, name
        assert "mailto:info@asti.example" in hrefs, name
        assert CONTACTS["facebook"] in hrefs and CONTACTS["telegram"] in hrefs, name
        address = footer.find("p", **{"class": "footer-address"})
        assert address[1] == CONTACTS["address.ru"], name
        assert address[0].get("lang") == (None if url.startswith("/ru/") else "ru"), name


def test_the_footer_without_contacts(client):
    """Without contact details in the settings the footer still names the organisation and
    links its pages, and links no telephone or e-mail."""
    html = html_of(client.get("/en/"))
    footer = Page(html[html.index("<footer") :])
    hrefs = [a["href"] for a, _ in footer.find_all("a")]
    assert {"/en/about/", "/en/contacts/", "/en/partners/"} <= set(hrefs)
    assert not [h for h in hrefs if h.startswith(("tel:", "mailto:"))]
    assert footer.text("p", **{"class": "footer-name"}) == "Public Organization “ASTI”"


@pytest.mark.parametrize("lang", LANGS)
def test_the_contacts_page_shows_the_details_and_the_office_on_the_map(app, client, lang):
    """The contacts page lists the settings' details and marks the office (the demo's, in
    Khujand) on the part of the regions map around it, with a link to OpenStreetMap."""
    set_site(app, **CONTACTS)
    html = html_of(client.get(f"/{lang}/contacts/"))
    main = Page(html[html.index("<main") : html.index("</main>")])
    hrefs = [a["href"] for a, _ in main.find_all("a")]
    assert {"tel:+992342267571", "tel:+992927000000", "mailto:info@asti.example"} <= set(hrefs)
    x, y = regionmap.project(40.283, 69.622)
    circles = main.find_all("circle")
    assert [(c["cx"], c["cy"]) for c, _ in circles] == [(str(x), str(y))]
    svg = main.find("svg")[0]
    assert svg["role"] == "img"
    title = main.text("title", id=svg["aria-labelledby"])
    assert SHORT_NAMES[lang] in title
    osm = [h for h in hrefs if h.startswith("https://www.openstreetmap.org/")]
    assert osm and "mlat=40.283" in osm[0] and "mlon=69.622" in osm[0]


def test_no_office_no_map(app, client):
    """Without the office's place in the settings the contacts page has no map."""
    set_site(app, latitude="", longitude="")
    html = html_of(client.get("/en/contacts/"))
    assert "office-map" not in html and "<circle" not in html


# --- the regions map on a phone ---------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_regions_map_fits_a_phone(browser, live_site, lang):
    """At 360 px neither the map nor the page scrolls sideways, and the names the map
    shows are at least 12 px high."""
    context = reader_context(browser, live_site, lang, **PHONE)
    page = context.new_page()
    try:
        page.goto(f"/{lang}/regions/")
        figure = page.locator(".region-map")
        width, inner = figure.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert width <= inner, f"the map is {width} px wide in {inner} px"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        names = page.locator(".region-map svg:visible .map-place text")
        assert names.count() == len(regionmap_places(page))
        sizes = names.evaluate_all(
            "texts => texts.map(t => t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize))"
        )
        assert min(sizes) >= 12, sizes
    finally:
        context.close()


def regionmap_places(page) -> list[str]:
    """The places' links of the map's view that shows."""
    return page.locator(".region-map svg:visible a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


# --- the page not found ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_404_page_offers_search_and_the_latest_news(client, lang):
    """An address that leads nowhere: a 404 with the search form of the search page and
    links to the latest news, in the page's language."""
    page = get_page(client, f"/{lang}/no-such-page/", 404)
    form = page.find("form", role="search")[0]
    assert form["action"] == f"/{lang}/search/" and form["method"] == "get"
    field = page.find("input", name="q")[0]
    assert field["type"] == "search" and page.find("label", **{"for": field["id"]})
    html = html_of(client.get(f"/{lang}/no-such-page/"))
    news = Page(html[html.index('<section class="error-news"') :])
    links = [a["href"] for a, _ in news.find_all("a")]
    articles = [h for h in links if h.startswith(f"/{lang}/news/") and h.count("/") == 4]
    assert 1 <= len(articles) <= asti.pages.NOT_FOUND_NEWS, links
    assert f"/{lang}/news/" in links  # all the news


def test_the_404_page_survives_a_database_failure(client, monkeypatch):
    """When the database does not answer the 404 page's lookups, it is still a 404 (with
    its search form), without news, never a 500."""

    def broken(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("the database is gone"))

    monkeypatch.setattr(asti.pages, "moved_to", broken)
    monkeypatch.setattr(News, "newest_first", classmethod(broken))
    page = get_page(client, "/en/no-such-page/", 404)
    assert page.find("form", role="search")
    assert not page.find_all("section", **{"class": "error-news"})


def test_a_missing_photo_gets_the_404_page_in_the_readers_language(client):
    """An address outside the languages (a photo that is gone) gets the same page, in the
    language the browser asks for, its search in that language."""
    response = client.get("/media/gone.jpg", headers={"Accept-Language": "ru"})
    assert response.status_code == 404
    page = Page(html_of(response))
    assert page.lang == "ru"
    assert page.find("form", role="search")[0]["action"] == "/ru/search/"
