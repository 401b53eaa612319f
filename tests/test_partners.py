"""Partners and donors: a kind of content (name per language, logo, website, programs),
shown as a strip on the home page and on the pages of their programs."""

import re

from asti.extensions import db
from asti.models import Partner, Program
from tests.fixtures.html import Page, error, get_page, html_of
from tests.fixtures.items import by_slug
from tests.fixtures.staff import create, edit, submit

SECURITY = "/en/programs/community-security-in-the-ferghana-valley/"
HEADINGS = ("Partners and donors", "Партнёры и доноры", "Шарикон ва маблағгузорон")


def strip(html: str) -> list[str]:
    """The names in the page's "Partners and donors" section, in order."""
    for section in re.findall(r"<section\b.*?</section>", html, re.S):
        page = Page(section)
        if page.find_all("h2") and " ".join(page.find("h2")[1].split()) in HEADINGS:
            return [" ".join(text.split()) for _, text in page.find_all("a") if text.strip()]
    return []


def test_the_home_page_shows_the_partners_of_the_seed_in_the_readers_language(client):
    assert strip(client.get("/en/").text) == ["Saferworld", "UNICEF Tajikistan"]
    assert strip(client.get("/ru/").text) == ["Saferworld", "ЮНИСЕФ в Таджикистане"]
    assert strip(client.get("/tg/").text) == ["Saferworld", "ЮНИСЕФ дар Тоҷикистон"]


def test_a_program_shows_its_own_partners_only(app, client):
    assert strip(client.get(SECURITY).text) == ["Saferworld"]
    with app.app_context():
        peace = by_slug(Program, "peace-and-cooperation-begins-with-us")
        url = f"/en/programs/{peace.translations['en'].slug}/"
    assert strip(client.get(url).text) == ["UNICEF Tajikistan"]


def test_staff_add_a_partner_to_a_program_and_readers_see_it(app, editor, client):
    with app.app_context():
        security = by_slug(Program, "community-security-in-the-ferghana-valley").id
    partner = create(
        editor,
        "partners",
        {"en-title": "Eurasia Foundation", "website": " https://www.example.org/ ",
         "program_ids": str(security)},
    )  # fmt: skip
    assert strip(client.get(SECURITY).text) == ["Eurasia Foundation", "Saferworld"]
    page = get_page(client, "/en/partners/eurasia-foundation/")
    assert page.find("a", href="https://www.example.org/")
    assert page.find("a", href=SECURITY)
    # Readers of the other languages see it too, marked as English.
    tajik = client.get("/tg/").text
    assert "Eurasia Foundation" in strip(tajik)
    assert re.search(r'<a [^>]*lang="en"[^>]*>\s*(<span[^>]*>)?Eurasia Foundation', tajik)

    # Taken off the program: off its page, still on the home page.
    edit(editor, "partners", partner, {"program_ids": None})
    assert strip(client.get(SECURITY).text) == ["Saferworld"]
    assert "Eurasia Foundation" in strip(client.get("/en/").text)
    # A revision keeps the programs it had, by name.
    revisions = get_page(editor, f"/editor/partners/{partner}/revisions/")
    assert revisions.find_all("a")


def test_a_draft_partner_is_not_shown(app, editor, client):
    submit(editor, "/editor/partners/new", {"en-title": "Draft partner", "action": "draft"})
    assert "Draft partner" not in strip(client.get("/en/").text)
    assert client.get("/en/partners/draft-partner/").status_code == 404


def test_a_website_must_be_a_whole_address_and_the_form_keeps_what_was_typed(editor):
    response = submit(
        editor,
        "/editor/partners/new",
        {"en-title": "Typed name", "website": "www.example.org", "action": "publish"},
        status=400,
    )
    html = html_of(response)
    assert "starting with https://" in error(html, "website")
    assert 'value="Typed name"' in html and 'value="www.example.org"' in html


def test_the_partners_page_lists_each_with_its_programs(client):
    main = re.search(r"<main.*?</main>", client.get("/ru/partners/").text, re.S).group(0)
    page = Page(main)
    names = [" ".join(t.split()) for _, t in page.find_all("h2")]
    assert names == ["Saferworld", "ЮНИСЕФ в Таджикистане"]
    assert page.find_all("a", href="/ru/partners/saferworld/")


def test_partners_are_stored_with_their_programs(app, editor):
    with app.app_context():
        peace = by_slug(Program, "peace-and-cooperation-begins-with-us").id
    partner = create(editor, "partners", {"en-title": "Another donor", "program_ids": str(peace)})
    with app.app_context():
        stored = db.session.get(Partner, partner)
        assert [p.id for p in stored.programs] == [peace]
