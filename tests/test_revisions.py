"""Revisions people can read: the list says who, when and what changed, in the interface
language; any two revisions of an item compare word by word, per language."""

import re
from urllib.parse import urlencode

import pytest

from tests.fixtures.html import Page, form_fields, get_page, html_of
from tests.fixtures.items import revision_ids
from tests.fixtures.staff import ADMIN, create, edit, press, staff_client

#: What a snapshot calls its fields: none of it may reach a page.
RAW_NAMES = re.compile(r"_ids?\b|published_at|source_lang|\bstatus\b|\bdraft\b")

ISFARA, GAFUROV = "2", "3"  # regions of the demo content


def main_text(page: Page) -> str:
    return " ".join(page.find("main")[1].split())


def changes(page: Page) -> list[list[str]]:
    """The lines of "what changed" of each revision of a list, newest first."""
    cards = []
    for tag, attrs, text in page.tags:
        if tag == "footer":
            break
        if tag == "li" and attrs.get("class") == "card":
            cards.append([])
        elif tag == "li" and cards:
            cards[-1].append(" ".join(text.split()))
    return cards


def edited_twice(admin) -> int:
    """A news item created, then edited: title, regions, status and a new language."""
    item = create(admin, "news", {"en-title": "Youth camp", "en-body": "Met in Khujand.",
                                  "region_ids": ISFARA})  # fmt: skip
    edit(admin, "news", item, {"en-title": "Youth camp in summer", "region_ids": GAFUROV,
                               "ru-title": "Летний лагерь", "action": "unpublish"})  # fmt: skip
    return item


def test_list_says_what_changed_in_words(app, admin):
    """Each revision: version, when, who, and its changes named as the form names them."""
    item = edited_twice(admin)
    listing = get_page(admin, f"/editor/news/{item}/revisions/")
    cards = [" ".join(text.split()) for _, text in listing.find_all("li", class_="card")]
    assert re.match(rf"version \d+ · .+ · {ADMIN}", cards[0]) and cards[1].startswith("version 1 ")
    assert changes(listing) == [
        ["Regions: Bobojon Gafurov district added, Isfara removed", "Status: Draft",
         "Russian text added", "English text: Title"],
        ["Created"],
    ]  # fmt: skip
    assert not RAW_NAMES.search(main_text(listing)), RAW_NAMES.search(main_text(listing))


def test_list_in_the_interface_language(app, admin):
    """In the Russian editor, fields and regions have their Russian names."""
    item = edited_twice(admin)
    russian = staff_client(app, ADMIN, lang="ru")
    text = main_text(get_page(russian, f"/editor/news/{item}/revisions/"))
    assert "Регионы:" in text and "Бободжон-Гафуровский район" in text and "Город Исфара" in text
    assert "Regions" not in text and "Isfara" not in text
    assert not RAW_NAMES.search(text), RAW_NAMES.search(text)


def test_earlier_versions_not_kept(app, admin):
    """An item older than revisions, saved once: its first revision claims no creation."""
    edit(admin, "news", 1, {"en-title": "Saved for the first time"})
    text = main_text(get_page(admin, "/editor/news/1/revisions/"))
    assert "Earlier versions were not kept." in text and "Created" not in text


def test_one_revision_reads_as_the_form(app, admin):
    """A revision's page names its fields as the form does and shows values, not codes."""
    item = edited_twice(admin)
    first, second = revision_ids(app, "news", item)
    page = get_page(admin, f"/editor/revisions/{first}")
    terms, values = page.find_all("dt"), page.find_all("dd")
    facts = {term: value for (_, term), (_, value) in zip(terms, values, strict=True)}
    assert facts["Status"] == "Published"
    assert facts["Regions"] == "Isfara"
    assert facts["Program"] == "—"
    assert facts["Title"] == "Youth camp"
    assert not RAW_NAMES.search(main_text(page))
    compare = f"/editor/news/{item}/compare?from={first}&to={second}"
    assert compare not in page.links()  # the first has no previous version
    assert compare in get_page(admin, f"/editor/revisions/{second}").links()


def test_compare_shows_the_changed_words_per_language(app, admin):
    """Two revisions compared: each changed text field, in its language's section, with the
    words removed and added; languages that did not change are not shown."""
    texts = {"en-title": "Camp", "en-body": "We met in Khujand.", "ru-title": "Лагерь"}
    item = create(admin, "news", {**texts, "ru-body": "Группа встретилась."})
    edit(admin, "news", item, {"en-body": "We met in Isfara.\nThen <b>they</b> & we left."})
    first, second = revision_ids(app, "news", item)

    listing = html_of(admin.get(f"/editor/news/{item}/revisions/"))
    chosen = form_fields(listing, f"/editor/news/{item}/compare")
    assert chosen == {"from": str(first), "to": str(second)}
    url = f"/editor/news/{item}/compare?{urlencode(chosen)}"
    assert url.replace("&", "&amp;") in listing  # the link "compare with the previous version"

    html = html_of(admin.get(url))
    page = Page(html)
    assert [t for _, t in page.find_all("h2")] == ["English text"]
    assert [t for _, t in page.find_all("dt")] == ["Text"]
    body = re.search(r'<dd lang="en">(.*?)</dd>', html, re.S).group(1)
    assert body.startswith("We met in <del>Khujand</del><ins>Isfara</ins>.<ins>")
    assert "Then &lt;b&gt;they&lt;/b&gt; &amp; we left.</ins>" in body
    assert "↵" in body  # the added line break shows
    assert not page.find_all("b")


def test_compare_the_same_version(app, admin):
    item = create(admin, "news", {"en-title": "Alone"})
    (only,) = revision_ids(app, "news", item)
    page = get_page(admin, f"/editor/news/{item}/compare?from={only}&to={only}")
    assert "The two versions are the same." in main_text(page)
    assert not page.find_all("ins") and not page.find_all("del")


def test_compare_field_changes_with_labels(app, admin):
    """Fields outside the texts are compared as their values read, labelled by the form."""
    item = edited_twice(admin)
    first, second = revision_ids(app, "news", item)
    html = html_of(admin.get(f"/editor/news/{item}/compare?from={first}&to={second}"))
    assert re.search(r"<dt>Regions</dt>\s*<dd><del>Isfara</del><ins>Bobojon Gafurov district</ins>",
                     html)  # fmt: skip
    assert re.search(r"<dt>Status</dt>\s*<dd><del>Published</del><ins>Draft</ins>", html)
    assert [t for _, t in Page(html).find_all("h2")] == ["Russian text added", "English text"]
    assert not RAW_NAMES.search(main_text(Page(html)))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "from={a}",
        "from=abc&to={a}",
        "from={a}&to=999999",
        "from={a}&to=99999999999999999999999",
        "from=-1&to={a}",
        "from=%C2%B2&to={a}",  # a superscript two is a digit, not a number
        "from=1.5&to={a}",
    ],
)
def test_bad_revision_numbers_are_not_found(app, admin, query):
    item = create(admin, "news", {"en-title": "Once"})
    (a,) = revision_ids(app, "news", item)
    get_page(admin, f"/editor/news/{item}/compare?{query.format(a=a)}", 404)


@pytest.mark.parametrize(
    "url",
    [
        "/editor/revisions/99999999999999999999999",
        "/editor/revisions/999999",
        "/editor/news/99999999999999999999999/revisions/",
        "/editor/news/99999999999999999999999/compare?from=1&to=1",
    ],
)
def test_unknown_revisions_are_not_found(admin, url):
    get_page(admin, url, 404)


def test_revisions_of_two_items_do_not_compare(app, admin):
    """A revision is compared only with revisions of its own item, under its own kind."""
    one = create(admin, "news", {"en-title": "One"})
    other = create(admin, "news", {"en-title": "Other"})
    (a,), (b,) = revision_ids(app, "news", one), revision_ids(app, "news", other)
    for item in (one, other):
        get_page(admin, f"/editor/news/{item}/compare?from={a}&to={b}", 404)
    get_page(admin, f"/editor/programs/{one}/compare?from={a}&to={a}", 404)


def test_restore_reads_as_a_change_back(app, admin):
    """Restoring the first version is a revision whose changes undo the edit."""
    item = edited_twice(admin)
    first, _ = revision_ids(app, "news", item)
    press(admin, f"/editor/revisions/{first}", f"/editor/revisions/{first}/restore")
    newest = changes(get_page(admin, f"/editor/news/{item}/revisions/"))[0]
    assert "Regions: Isfara added, Bobojon Gafurov district removed" in newest
    assert "Russian text removed" in newest


def test_an_item_without_revisions_says_so(admin):
    """Demo content was never saved through the editor: its list explains why it is empty."""
    page = get_page(admin, "/editor/news/1/revisions/")
    assert "No revisions yet" in page.text("main")
