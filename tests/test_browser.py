"""A real browser against the real server: Debian's Chromium, driven by Playwright, talks to
gunicorn serving a database prepared by the real `flask --app asti` commands.

The first scenario is what the newsroom does every week: log in, write a news item in Tajik
with an image, publish it, then read it on the public site in Tajik and in English, on a
phone's width, and without JavaScript. The others are what readers do: arrive in their
language and switch, read an untranslated page, search, page through the news, browse
without JavaScript, on a phone, and with the keyboard only.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page, expect

from asti.config import LANGUAGES
from tests.fixtures.browser import english_context, reader
from tests.fixtures.staff import EDITOR, PASSWORD

TITLE = "Ҷавонон дар Исфара омӯзиш гузаштанд"
BODY = "Ин матни озмоишӣ аст.\n\nҶавонон дар **Исфара** омӯзиш гузаштанд.\n\n- якум\n- дуюм\n"
IMAGE_ALT = "Ҷавонон дар синфхона"
#: The article's lead image.
IMG = "article picture > img"
#: The newest of the site's benchmark news (BENCH_NEWS) is a translated demo item: its
#: title, with a serial number, per language.
SECURITY = {
    "tg": "Амнияти ҷомеаҳо дар водии Фарғона — № {}",
    "ru": "Безопасность сообществ в Ферганской долине — № {}",
    "en": "Community security in the Ferghana valley — No. {}",
}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
#: WCAG 2.5.8 (Target Size, Minimum): 24 × 24 CSS pixels.
MIN_TARGET = 24


def make_jpeg(path: Path, background=(235, 228, 210)) -> Path:
    """A 1200×800 photo-like JPEG: a few coloured rectangles."""
    image = Image.new("RGB", (1200, 800), background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 520, 1200, 800), fill=(70, 130, 60))
    draw.rectangle((120, 140, 520, 520), fill=(200, 60, 50))
    draw.rectangle((640, 220, 1080, 520), fill=(40, 90, 170))
    draw.rectangle((860, 40, 1000, 180), fill=(245, 200, 40))
    image.save(path, "JPEG", quality=85)
    return path


def count_loads(page: Page) -> list[str]:
    """What the tab loads as pages: every visit and form submission (not the page a
    redirect leads to, which is part of the same step)."""
    loads = []

    def seen(request):
        if request.is_navigation_request() and request.redirected_from is None:
            loads.append(f"{request.method} {request.url}")

    page.on("request", seen)
    return loads


def open_section(page: Page, lang: str) -> Locator:
    """The item form's section of ``lang``, opened if it was closed (a click, no page load)."""
    section = page.locator(f"#lang-{lang}")
    if section.get_attribute("open") is None:
        section.locator("> summary").click()
    return section


def image_loaded(page: Page) -> bool:
    """Wait until the article's image has been fetched (or failed), then say if it loaded."""
    page.wait_for_function(
        "sel => { const img = document.querySelector(sel); return img && img.complete; }",
        arg=IMG,
    )
    return page.locator(IMG).evaluate("img => img.complete && img.naturalWidth > 0")


def test_write_publish_and_read_a_tajik_news_item(browser, live_site, tmp_path):
    context = english_context(browser, live_site)
    page = context.new_page()
    try:
        # 1. The editor asks for a login, then shows its overview.
        page.goto("/editor/")
        expect(page).to_have_url(f"{live_site}/editor/login?next=%2Feditor%2F")
        page.get_by_label("Email").fill(EDITOR)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(f"{live_site}/editor/")
        expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()

        # 2. A new news item, in Tajik only, with a photo: saved as a draft, which lists
        # the photo to describe, then published.
        page.goto("/editor/news/new")
        tajik = open_section(page, "tg")
        tajik.get_by_label("Title", exact=True).fill(TITLE)
        tajik.get_by_label("Text", exact=True).fill(BODY)
        page.locator("input[name=upload]").set_input_files(make_jpeg(tmp_path / "photo.jpg"))
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_role("status")).to_contain_text("Draft saved.")
        page.locator(".photo-texts > summary").click()
        page.locator("input[name=photos-0-tg-alt]").fill(IMAGE_ALT)
        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_role("status")).to_have_text("Published. See it on the site")
        expect(page).to_have_url(re.compile(rf"^{re.escape(live_site)}/editor/news/\d+$"))

        # 3. The Tajik site lists it first; the article shows the text and the image.
        page.goto("/tg/news/")
        first = page.locator("main .cards > li").first
        expect(first.locator(".card-title")).to_have_text(TITLE)
        first.get_by_role("link", name=TITLE, exact=True).click()
        expect(page).to_have_url(re.compile(rf"^{re.escape(live_site)}/tg/news/[^/]+/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(page.get_by_role("note")).to_have_count(0)  # no "available in ... only" here
        prose = page.locator("article .prose")
        expect(prose.locator("strong")).to_have_text("Исфара")
        expect(prose.locator("li")).to_have_text(["якум", "дуюм"])
        expect(page.locator(IMG)).to_have_attribute("alt", IMAGE_ALT)
        assert image_loaded(page), "the article's image did not load"
        tajik_article = page.url

        # 4. The English site lists it, labelled as Tajik, and says so on the article.
        page.goto("/en/news/")
        card = page.locator("main .cards > li").filter(has_text=TITLE)
        expect(card).to_have_count(1)
        expect(card.locator(".lang-label")).to_have_text("Тоҷикӣ")
        card.get_by_role("link", name=TITLE, exact=True).click()
        expect(page).to_have_url(re.compile(rf"^{re.escape(live_site)}/en/news/[^/]+/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "tg")
        expect(page.get_by_role("note")).to_have_text("This page is available in Tajik only.")

        # On a phone's width the article fits: no sideways scrolling.
        page.set_viewport_size({"width": 360, "height": 800})
        page.goto(tajik_article)
        assert image_loaded(page), "the article's image did not load at 360 px"
        page.screenshot(path=tmp_path / "article-360.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the article is {width} px wide in a 360 px viewport"
    finally:
        context.close()

    # 5. Without JavaScript the public site still works: pages load, the menu's links work.
    context = english_context(browser, live_site, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/en/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        menu = page.get_by_role("navigation", name="Main menu")
        links = menu.get_by_role("link")
        expect(links).to_have_count(7)
        for href in links.evaluate_all("links => links.map(a => a.href)"):
            response = page.goto(href)
            assert response is not None and response.ok, f"{href}: {response and response.status}"
            expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.goto("/en/")
        menu.get_by_role("link", name="News", exact=True).click()
        expect(page).to_have_url(f"{live_site}/en/news/")
        expect(page.get_by_role("heading", name="News", level=1)).to_be_visible()
        expect(page.locator("main .cards > li").filter(has_text=TITLE)).to_have_count(1)
    finally:
        context.close()


# --- Readers --------------------------------------------------------------------------------

#: The header's two menus, by their accessible names in each language.
MAIN_MENU = {"tg": "Менюи асосӣ", "ru": "Главное меню", "en": "Main menu"}
LANGUAGE_MENU = {"tg": "Забон", "ru": "Язык", "en": "Language"}
#: A word found in every language's demo news (a training's name, in Latin letters).
FOUND = "UPSHIFT"
#: The style that makes a focused element stand out (or not).
FOCUS_STYLE = """el => {
    const s = getComputedStyle(el);
    return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
            color: s.outlineColor, shadow: s.boxShadow};
}"""
FOCUSABLE = "a[href], button, input, select, textarea"
#: WCAG 1.4.11 (Non-text Contrast): a focus indicator against the colours next to it.
MIN_CONTRAST = 3
#: The contrast of an element's outline with the background the element is drawn over (the
#: colour beside its outline, whatever the element's place in the DOM).
OUTLINE_CONTRAST = """el => {
    const channels = c => c.match(/[\\d.]+/g).map(Number);
    const linear = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    const luminance = c => {
        const [r, g, b] = channels(c).map(linear);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const opaque = e => channels(getComputedStyle(e).backgroundColor)[3] !== 0;
    const r = el.getBoundingClientRect();
    const under = document.elementsFromPoint(r.left + r.width / 2, r.top + r.height / 2)
        .filter(e => !el.contains(e) && opaque(e));
    const backdrop = under.length ? getComputedStyle(under[0]).backgroundColor : "rgb(255,255,255)";
    const [a, b] = [luminance(getComputedStyle(el).outlineColor), luminance(backdrop)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""
#: Elements sticking out past the right edge of the viewport: what makes a page scroll sideways.
WIDE_ELEMENTS = """() => [...document.body.querySelectorAll("*")]
    .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .map(el => `<${el.tagName.toLowerCase()} class="${el.className}">`
        + ` ${Math.round(el.getBoundingClientRect().right)} px: `
        + (el.textContent || "").trim().slice(0, 50))"""


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def url(live_site: str, path: str) -> re.Pattern:
    """The address ``live_site`` + ``path``, where ``path`` is a regular expression."""
    return re.compile(rf"^{re.escape(live_site)}{path}$")


def news_link(page: Page, lang: str):
    """The first link in the page's lists to the newest translated demo news item."""
    title = re.escape(SECURITY[lang]).replace(re.escape("{}"), r"\d+")
    return page.locator("main .cards a").filter(has_text=re.compile(rf"^{title}$")).first


def serial(title: str) -> str:
    """The bench-data serial number that ends a news title."""
    return title.rsplit(" ", 1)[1]


def test_a_reader_arrives_in_their_language_and_switches_on_the_same_article(browser, live_site):
    """`/` sends a Russian browser to the Russian site; the switcher leads from an article to
    the same article in English, and `/` remembers English from then on."""
    with reader(browser, live_site, "ru") as page:
        page.goto("/")
        expect(page).to_have_url(f"{live_site}/ru/")
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        link = news_link(page, "ru")
        title = link.inner_text()
        link.click()
        expect(page).to_have_url(url(live_site, "/ru/news/[^/]+/"))
        expect(heading(page)).to_have_text(title)

        languages = page.get_by_role("navigation", name=LANGUAGE_MENU["ru"])
        expect(languages.get_by_role("link", name="Русский")).to_have_attribute(
            "aria-current", "true"
        )
        languages.get_by_role("link", name="English", exact=True).click()
        expect(page).to_have_url(url(live_site, "/en/news/[^/]+/"))
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(heading(page)).to_have_text(SECURITY["en"].format(serial(title)))
        expect(page.get_by_role("note")).to_have_count(0)  # a translation, not a fallback
        expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()

        page.goto("/")
        expect(page).to_have_url(f"{live_site}/en/")
        assert {c["name"]: c["value"] for c in page.context.cookies()}.get("lang") == "en"


def test_a_russian_only_article_on_the_english_site_is_marked_as_russian(browser, live_site):
    """The English address of an untranslated article shows the Russian text under an English
    notice, with the text marked `lang="ru"` inside an English page."""
    with reader(browser, live_site, "en") as page:
        page.goto("/en/news/trening-po-zhurnalistike/")
        expect(page).to_have_url(f"{live_site}/en/news/trening-po-zhurnalistike/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        note = page.get_by_role("note")
        expect(note).to_have_text("This page is available in Russian only.")
        expect(heading(page)).to_have_text("Тренинг по журналистике")
        expect(heading(page)).to_have_attribute("lang", "ru")
        prose = page.locator("article .prose")
        expect(prose).to_have_attribute("lang", "ru")
        expect(prose).to_contain_text("в городе Гулистон")
        # What a screen reader goes by: the language of the nearest `lang` around each text.
        language = "el => el.closest('[lang]').lang"
        assert note.evaluate(language) == "en"
        assert prose.locator("p").first.evaluate(language) == "ru"


def test_search_shows_highlighted_results_and_says_when_nothing_is_found(browser, live_site):
    """A word typed in the search form and sent with Enter finds items with the word marked,
    each linking to its item; a word found nowhere gets the translated "nothing found"."""
    with reader(browser, live_site, "en") as page:
        page.goto("/en/")
        page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Search").click()
        field = page.get_by_label("Words to look for, in Tajik, Russian or English")
        field.fill(FOUND.lower())
        field.press("Enter")
        expect(page).to_have_url(f"{live_site}/en/search/?q={FOUND.lower()}")
        expect(page.get_by_role("status")).to_have_text(re.compile(r"^\d+ results$"))
        first = page.locator("main ol.results > li").first
        expect(first.locator("mark").first).to_have_text(re.compile(f"^{FOUND}", re.I))
        expect(first.locator("mark").first).to_be_visible()
        link = first.get_by_role("link")
        title, href = link.inner_text(), link.get_attribute("href")
        link.click()
        expect(page).to_have_url(f"{live_site}{href}")
        expect(heading(page)).to_have_text(title)

        page.goto("/ru/search/")
        page.get_by_role("searchbox").fill("Шерлок")
        page.get_by_role("button", name="Найти").click()
        expect(page).to_have_url(url(live_site, r"/ru/search/\?q=.+"))
        expect(page.get_by_role("status")).to_have_text("По запросу «Шерлок» ничего не найдено.")
        expect(page.locator("main ol.results")).to_have_count(0)


def test_the_pager_leads_to_older_news_and_back(browser, live_site):
    """The news list shows its page number; Older leads to page 2 with other items, Newer
    back to page 1 with the same items as before."""
    with reader(browser, live_site, "en") as page:
        page.goto("/en/news/")
        pager = page.get_by_role("navigation", name="Pages")
        expect(pager).to_contain_text(re.compile(r"Page 1 of [3-9]"))
        expect(pager.get_by_role("link", name="Newer")).to_have_count(0)
        titles = page.locator("main .cards .card-title")
        first = titles.all_inner_texts()
        assert len(first) == 10

        pager.get_by_role("link", name="Older").click()
        expect(page).to_have_url(f"{live_site}/en/news/?page=2")
        expect(pager).to_contain_text(re.compile(r"Page 2 of [3-9]"))
        expect(page).to_have_title(re.compile("Page 2"))
        second = titles.all_inner_texts()
        assert len(second) == 10
        assert not set(first) & set(second), "page 2 repeats items of page 1"

        pager.get_by_role("link", name="Newer").click()
        expect(page).to_have_url(url(live_site, r"/en/news/(\?page=1)?"))
        expect(pager).to_contain_text("Page 1 of")
        assert titles.all_inner_texts() == first


def test_without_javascript_a_reader_browses_switches_and_searches(browser, live_site):
    """With scripts off: home, the menu to the news, an article, the switcher to Tajik, and
    a search sent with Enter all work."""
    with reader(browser, live_site, "en", java_script_enabled=False) as page:
        page.goto("/")
        expect(page).to_have_url(f"{live_site}/en/")
        page.get_by_role("navigation", name="Main menu").get_by_role("link", name="News").click()
        expect(page).to_have_url(f"{live_site}/en/news/")
        link = news_link(page, "en")
        title = link.inner_text()
        link.click()
        expect(heading(page)).to_have_text(title)

        languages = page.get_by_role("navigation", name="Language")
        languages.get_by_role("link", name="Тоҷикӣ").click()
        expect(page).to_have_url(url(live_site, "/tg/news/[^/]+/"))
        expect(page.locator("html")).to_have_attribute("lang", "tg")
        expect(heading(page)).to_have_text(SECURITY["tg"].format(serial(title)))

        menu = page.get_by_role("navigation", name=MAIN_MENU["tg"])
        menu.get_by_role("link", name="Ҷустуҷӯ").click()
        field = page.get_by_role("searchbox")
        field.fill("Исфара")
        field.press("Enter")
        expect(page).to_have_url(url(live_site, r"/tg/search/\?q=.+"))
        expect(page.locator("main ol.results mark").first).to_have_text(re.compile("^Исфара"))


def tab_through(page: Page) -> Iterator[tuple[int, Locator]]:
    """Press Tab from the top of the page to its last focusable element; yield the index of
    each focused element among FOCUSABLE and the element."""
    focusable = page.locator(FOCUSABLE)
    for _ in range(focusable.count()):
        page.keyboard.press("Tab")
        i = focusable.evaluate_all("els => els.indexOf(document.activeElement)")
        if i < 0:
            return  # past the last one
        yield i, focusable.nth(i)


def public_pages(page: Page, lang: str) -> dict[str, str]:
    """An address of each type of public page in ``lang``, found through the site's lists."""

    def first_link(path: str, selector: str) -> str:
        page.goto(path)
        return page.locator(selector).first.get_attribute("href")

    cards = "main .cards > li:{}(:has(.lang-label)) .card-title a"
    return {
        "home": f"/{lang}/",
        "news": f"/{lang}/news/",
        "article": first_link(f"/{lang}/news/", cards.format("not")),
        "fallback article": first_link(f"/{lang}/news/", cards.format("is")),
        "programs": f"/{lang}/programs/",
        "program": first_link(f"/{lang}/programs/", "main .cards .card-title a"),
        "regions": f"/{lang}/regions/",
        "region": first_link(f"/{lang}/regions/", "main .tree ul a"),  # one with a parent
        "about": f"/{lang}/about/",
        "contacts": f"/{lang}/contacts/",
        "search results": f"/{lang}/search/?q={FOUND}",
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_on_a_phone_no_page_scrolls_sideways_and_the_menu_is_easy_to_tap(browser, live_site, lang):
    """At 360 px, every type of public page fits the width; each link of the menus is visible,
    at least 24 × 24 px, and tapping one opens its page."""
    with reader(browser, live_site, lang, **PHONE) as page:
        for kind, path in public_pages(page, lang).items():
            response = page.goto(path)
            assert response is not None and response.ok, f"{kind} {path}: {response.status}"
            expect(heading(page)).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            viewport = page.evaluate("innerWidth")
            assert width <= min(viewport, 360), (
                f"{kind} {path} is {width} px wide in a {viewport} px viewport:\n"
                + "\n".join(page.evaluate(WIDE_ELEMENTS))
            )

        page.goto(f"/{lang}/")
        for name in (MAIN_MENU[lang], LANGUAGE_MENU[lang]):
            links = page.get_by_role("navigation", name=name).get_by_role("link")
            assert links.count() >= 3
            for link in links.all():
                expect(link).to_be_visible()
                box = link.bounding_box()
                assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, (
                    f"{link.inner_text()!r} in {name!r} is {box['width']:.0f} × "
                    f"{box['height']:.0f} px"
                )
        news = page.get_by_role("navigation", name=MAIN_MENU[lang]).get_by_role("link").nth(1)
        href = news.get_attribute("href")
        news.tap()
        expect(page).to_have_url(f"{live_site}{href}")
        expect(heading(page)).to_be_visible()


def test_the_keyboard_skips_to_the_content_and_shows_where_focus_is(browser, live_site):
    """The first Tab focuses the (translated) skip link, Enter takes the focus to the main
    content, and every link or field focused by the keyboard gets a visible outline."""
    with reader(browser, live_site, "ru") as page:
        page.goto(f"/ru/search/?q={FOUND}")
        focusable = page.locator(FOCUSABLE)
        unfocused = focusable.evaluate_all(f"els => els.map({FOCUS_STYLE})")

        page.keyboard.press("Tab")
        skip = page.locator(":focus")
        expect(skip).to_have_text("Перейти к содержанию")
        expect(skip).to_be_in_viewport()
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{live_site}/ru/search/?q={FOUND}#main")
        # <main> itself takes no focus, but the browser continues from it: the next Tab
        # lands on the search field, not on the header's links.
        page.keyboard.press("Tab")
        expect(page.locator("main :focus")).to_have_count(1)

        page.goto(f"/ru/search/?q={FOUND}")
        visited = []
        for i, element in tab_through(page):
            visited.append(i)
            style = element.evaluate(FOCUS_STYLE)
            label = element.evaluate("el => el.outerHTML.slice(0, 80)")
            assert style != unfocused[i], f"focus does not show on {label}: {style}"
            outlined = style["outline"] != "none" and style["width"] >= 2
            assert outlined or style["shadow"] != "none", f"no outline on {label}: {style}"
        assert visited == list(range(len(unfocused))), "Tab skips elements or leaves page order"


def test_the_focus_outline_contrasts_with_the_page_around_it(browser, live_site):
    """The outline of a focused element has at least 3:1 contrast (WCAG 1.4.11) with the
    colours it is drawn over: the header, the menu, the page and the footer."""
    with reader(browser, live_site, "en") as page:
        page.goto(f"/en/search/?q={FOUND}")
        faint = {}
        for _, element in tab_through(page):
            contrast = element.evaluate(OUTLINE_CONTRAST)
            if contrast < MIN_CONTRAST:
                faint[element.evaluate("el => el.outerHTML.slice(0, 60)")] = round(contrast, 2)
        assert not faint, f"focus outlines under {MIN_CONTRAST}:1 contrast: {faint}"


def test_write_preview_and_publish_in_two_languages_in_few_steps(browser, live_site, tmp_path):
    """The newsroom's week: a news item in Tajik and Russian with a photo, saved as a draft,
    previewed, published from the preview, then seen on the site: at most 9 page loads and
    form submissions (18 before the buttons said what they do). It is dated when it is
    published, not when its draft was saved."""
    context = english_context(browser, live_site)
    page = context.new_page()
    loads = count_loads(page)
    try:
        page.goto("/editor/")
        page.get_by_label("Email").fill(EDITOR)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="New news item").first.click()
        expect(page).to_have_url(f"{live_site}/editor/news/new")

        tajik = open_section(page, "tg")
        tajik.get_by_label("Title", exact=True).fill("Омӯзиш дар Исфара")
        tajik.get_by_label("Text", exact=True).fill("Мавзӯҳо:\n- амният\n- ҷавонон")
        russian = open_section(page, "ru")
        russian.get_by_label("Title", exact=True).fill("Тренинг в Исфаре")
        russian.get_by_label("Text", exact=True).fill("Темы:\n- безопасность\n- молодёжь")
        page.locator("input[name=upload]").set_input_files(make_jpeg(tmp_path / "photo.jpg"))
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_role("status")).to_contain_text("Draft saved.")
        drafted = page.evaluate("new Date().toISOString().slice(0, 19) + 'Z'")

        page.get_by_role("button", name="Preview").click()
        expect(page.locator(".preview-bar")).to_contain_text("Preview, not published")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.locator("article .prose li")).to_have_count(2)
        page.locator(".preview-bar").get_by_role("button", name="Publish").click()
        expect(page.get_by_role("status")).to_contain_text("Published.")

        page.get_by_role("link", name="See it on the site").first.click()
        expect(page).to_have_url(re.compile(rf"^{re.escape(live_site)}/en/news/[^/]+/$"))
        assert image_loaded(page), "the article's image did not load"
        data = page.locator("script[type='application/ld+json']").first.text_content()
        published = re.search(r'"datePublished": ?"([^"]+)"', data).group(1)
        assert published >= drafted, (published, drafted)
        assert len(loads) <= 9, loads
    finally:
        context.close()


def test_a_photo_story_upload_caption_reorder_publish(browser, live_site, tmp_path):
    """Five photos chosen at once, two captioned in Tajik and Russian, the first moved to
    the end, published; an English reader sees the gallery in that order, with the
    captions in Russian (the English site's next language) marked as Russian."""
    photos = [make_jpeg(tmp_path / f"photo-{n}.jpg", (40 * n, 200, 255 - 40 * n)) for n in range(5)]
    context = english_context(browser, live_site)
    page = context.new_page()
    try:
        page.goto("/editor/login")
        page.get_by_label("Email").fill(EDITOR)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto("/editor/news/new")
        open_section(page, "tg").get_by_label("Title", exact=True).fill("Аксҳои омӯзиш")
        open_section(page, "ru").get_by_label("Title", exact=True).fill("Фотографии тренинга")
        page.get_by_label("Add photos", exact=True).set_input_files(photos)
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_role("status")).to_contain_text("Draft saved.")
        rows = page.locator(".photo-row")
        expect(rows).to_have_count(5)

        captions = {0: ("Ҷамъомад", "Собрание"), 1: ("Машғулият", "Занятие")}
        for n, (tg, ru) in captions.items():
            rows.nth(n).locator(".photo-texts > summary").click()
            rows.nth(n).locator(f"input[name=photos-{n}-tg-caption]").fill(tg)
            rows.nth(n).locator(f"input[name=photos-{n}-ru-caption]").fill(ru)
        rows.nth(0).get_by_label("Order").fill("6")  # the first photo goes last
        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_role("status")).to_contain_text("Published.")
        expect(page.locator(".photo-row input[name$=tg-caption]").first).to_have_value("Машғулият")
        address = page.get_by_role("link", name="See it on the site").first.get_attribute("href")
    finally:
        context.close()

    with reader(browser, live_site, "en") as tab:
        tab.goto(address)
        expect(tab).to_have_url(re.compile(r"/en/news/[^/]+/$"))
        figures = tab.locator(".gallery figure")
        expect(figures).to_have_count(5)
        first, fifth = figures.nth(0).locator("figcaption"), figures.nth(4).locator("figcaption")
        expect(first).to_contain_text("Занятие")
        expect(first.locator("[lang=ru]")).to_have_count(1)
        expect(fifth).to_contain_text("Собрание")
        expect(fifth.locator("[lang=ru]")).to_have_count(1)
        expect(figures.nth(2).locator("figcaption")).to_have_count(0)
        thumbnail = figures.nth(4).locator("img")
        thumbnail.scroll_into_view_if_needed()
        tab.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
        )
        large = figures.nth(4).locator("a").get_attribute("href")
        assert tab.request.get(live_site + large).headers["content-type"] == "image/webp"
