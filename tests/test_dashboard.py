"""The editor's first page as a work queue (drafts, scheduled items, translations to do,
what was published last), the translation matrix beside it, and the editor's menu: grouped,
and on a phone no more than two rows."""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import event

from asti.extensions import db
from asti.models import utcnow
from tests.fixtures.browser import english_context
from tests.fixtures.html import Page, get_page, html_of
from tests.fixtures.items import add_news
from tests.fixtures.staff import ADMIN, PASSWORD, create, edit

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def queue(client, name: str) -> Page:
    """One list of the dashboard (its section, by the id of its heading)."""
    html = html_of(client.get("/editor/"))
    pattern = rf'<section class="queue[^"]*" aria-labelledby="{name}">.*?</section>'
    found = re.search(pattern, html, re.S)
    assert found, name
    return Page(found.group(0))


def entries(section: Page) -> list[tuple[str, str]]:
    """(title, link) of each entry of a list, in order: the first link of each line."""
    return [
        (" ".join(text.split()), attrs["href"])
        for attrs, text in section.find_all("a")
        if attrs["href"].startswith("/editor/")
    ]


def draft(client, title: str) -> int:
    return create(client, "news", {"action": "draft", "en-title": title})


def test_drafts_mine_first_then_the_others_with_who_saved_them(admin, editor):
    mine, theirs = draft(editor, "Editor's draft"), draft(admin, "Admin's draft")
    assert entries(queue(editor, "my-drafts")) == [("Editor's draft", f"/editor/news/{mine}")]
    others = queue(editor, "other-drafts")
    assert entries(others) == [("Admin's draft", f"/editor/news/{theirs}")]
    assert f"by {ADMIN}" in others.text("li")

    # Whoever saved last owns the draft.
    edit(admin, "news", mine, {"en-body": "Edited by the administrator."})
    assert "Editor's draft" not in queue(editor, "my-drafts").text("section")
    assert [title for title, _ in entries(queue(editor, "other-drafts"))] == [
        "Editor's draft",
        "Admin's draft",
    ]


def test_empty_lists_say_so(editor):
    assert queue(editor, "my-drafts").text("p") == "No drafts of yours."
    assert queue(editor, "scheduled").text("p") == "Nothing is scheduled."


def test_scheduled_items_soonest_first_and_not_yet_published(app, admin):
    later = add_news(app, {"en": "In two days"}, published_at=utcnow() + timedelta(days=2))
    sooner = add_news(app, {"en": "Tomorrow"}, published_at=utcnow() + timedelta(days=1))
    assert entries(queue(admin, "scheduled")) == [
        ("Tomorrow", f"/editor/news/{sooner}"),
        ("In two days", f"/editor/news/{later}"),
    ]
    assert "Tomorrow" not in queue(admin, "published").text("section")


def test_recently_published_links_to_the_form_and_the_public_page(admin, client):
    item = create(admin, "news", {"en-title": "Fresh news", "en-body": "Just out."})
    published = queue(admin, "published")
    (form, title), (public, on_site) = published.find_all("a")[:2]
    assert (" ".join(title.split()), form["href"]) == ("Fresh news", f"/editor/news/{item}")
    assert " ".join(on_site.split()) == "On the site: Fresh news"
    assert get_page(client, public["href"]).text("h1") == "Fresh news"


def test_translations_to_do_per_language(app, admin):
    item = create(admin, "news", {"tg-title": "Хабар", "tg-body": "Матн.",
                                  "ru-title": "Новость", "ru-body": "Текст."})  # fmt: skip
    form = f"/editor/news/{item}"
    english = queue(admin, "to-translate-en")
    assert entries(english)[0][1] == f"{form}#lang-en"
    assert english.text("span", class_="state-missing") == "missing"
    assert not any(link.startswith(form) for _, link in entries(queue(admin, "to-translate-ru")))

    edit(admin, "news", item, {"tg-body": "Матни нав."})
    russian = queue(admin, "to-translate-ru")
    assert entries(russian)[0] == ("Новость", f"{form}#lang-ru")
    assert russian.text("span", class_="state-outdated") == "outdated"
    assert not any(link.startswith(form) for _, link in entries(queue(admin, "to-translate-tg")))


def test_lists_are_short_and_their_queries_few(app, admin):
    """Each list shows ten entries at most, and more content costs no more queries (the
    first items of a kind in a list cost one: its texts, loaded for all of them at once)."""

    def queries() -> int:
        statements = []
        with app.app_context():
            engine = db.engine
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listen)
        try:
            assert admin.get("/editor/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        return len(statements)

    def add(number):
        add_news(app, {"tg": f"Хабар {number}"}, status="draft")
        add_news(app, {"ru": f"Новость {number}"}, published_at=utcnow() + timedelta(days=1))

    add(0)
    before = queries()
    for number in range(1, 15):
        add(number)
    assert queries() == before
    assert len(entries(queue(admin, "other-drafts"))) == 10
    assert len(entries(queue(admin, "scheduled"))) == 10
    assert len(entries(queue(admin, "to-translate-en"))) == 10


def test_translation_matrix_has_its_own_page(admin):
    dashboard = get_page(admin, "/editor/")
    assert "/editor/translations/" in dashboard.links()
    matrix = get_page(admin, "/editor/translations/")
    assert matrix.text("h1") == "Translations"
    assert matrix.find("table", class_="matrix")
    assert matrix.find("a", href="/editor/translations/", **{"aria-current": "page"})


def menu_groups(client) -> dict[str, list[str]]:
    """The menu's groups: label -> entries (links and buttons), as a reader sees them."""
    html = html_of(client.get("/editor/"))
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)
    groups = {}
    for label, items in re.findall(
        r'<span class="menu-label"[^>]*>(.*?)</span>\s*<ul[^>]*>(.*?)</ul>', nav, re.S
    ):
        page = Page(items)
        groups[label] = [
            " ".join(t.split()) for tag in ("a", "button") for _, t in page.find_all(tag)
        ]
    return groups


def test_menu_is_grouped_and_administration_only_for_admins(admin, editor):
    assert menu_groups(admin) == {
        "Content": [
            "Overview",
            "News",
            "Programs",
            "Regions",
            "Pages",
            "Partners",
            "Photo library",
            "Translations",
            "Trash",
        ],
        "Site": ["Old addresses", "View the site"],
        "Administration": ["Site settings", "Users", "Audit log"],
        "Account": ["Your account", "Log out"],
    }
    assert "Administration" not in menu_groups(editor)


def test_menu_marks_where_one_is(admin):
    page = get_page(admin, "/editor/")
    assert page.find("a", href="/editor/", **{"aria-current": "page"})
    news_form = get_page(admin, "/editor/news/1")
    assert news_form.find("a", href="/editor/news/", class_="inside")


# --- in Chromium -------------------------------------------------------------------------------

#: The menu's entries a reader can see now (a closed disclosure hides its content).
VISIBLE_ENTRIES = """() => [...document.querySelectorAll(
    'nav.main-nav summary, nav.main-nav a, nav.main-nav button')]
  .filter(e => e.checkVisibility({visibilityProperty: true}))
  .map(e => [e.textContent.trim(), e.getBoundingClientRect().top])"""


def rows(entries: list) -> int:
    """How many lines the entries take (tops within a few pixels share a line)."""
    tops = sorted(top for _, top in entries)
    return sum(1 for i, top in enumerate(tops) if i == 0 or top - tops[i - 1] > 8)


def log_in(browser, live_site, viewport):
    context = english_context(browser, live_site, viewport=viewport)
    page = context.new_page()
    page.goto("/editor/login")
    page.get_by_label("Email").fill(ADMIN)  # an administrator's menu is the longest
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_site}/editor/")
    return context, page


def test_on_a_phone_the_menu_takes_two_rows_at_most(browser, live_site):
    context, page = log_in(browser, live_site, PHONE)
    try:
        for url in ("/editor/", "/editor/translations/", "/editor/news/1", "/editor/audit/"):
            page.goto(url)
            shown = page.evaluate(VISIBLE_ENTRIES)
            assert 1 <= rows(shown) <= 2, (url, shown)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
            # The header leaves the phone's screen to the page.
            assert page.locator(".site-header").bounding_box()["height"] <= 140, url

        page.goto("/editor/")
        menu = page.get_by_role("navigation", name="Editor menu")
        expect(menu.get_by_role("link", name="Audit log")).to_be_hidden()
        menu.get_by_text("Menu", exact=True).click()
        for name in (
            "Overview",
            "News",
            "Translations",
            "Old addresses",
            "Audit log",
            "Your account",
        ):
            expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
        expect(menu.get_by_role("button", name="Log out")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        menu.get_by_role("link", name="Translations", exact=True).click()
        expect(page.get_by_role("heading", name="Translations", level=1)).to_be_visible()
    finally:
        context.close()


def test_on_a_desktop_the_menu_is_open(browser, live_site):
    context, page = log_in(browser, live_site, DESKTOP)
    try:
        menu = page.get_by_role("navigation", name="Editor menu")
        expect(menu.get_by_text("Menu", exact=True)).to_be_hidden()
        shown = page.evaluate(VISIBLE_ENTRIES)
        assert len(shown) == 16 and rows(shown) <= 2, shown
        menu.get_by_role("link", name="Trash", exact=True).focus()
        menu.get_by_role("link", name="Trash", exact=True).press("Enter")
        expect(page).to_have_url(f"{live_site}/editor/trash/")
    finally:
        context.close()
