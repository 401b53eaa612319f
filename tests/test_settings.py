"""Site settings: administrators say in the editor what the site shows of the organisation
(its name, description and address in each language, telephones, e-mail, social pages,
logo, the office on the map), and every public page shows it."""

import io
import json
import re

import pytest

from tests.fixtures.html import JSON_LD, Page, error, html_of
from tests.fixtures.pagetypes import photo_file
from tests.fixtures.staff import ADMIN, staff_client, submit

SETTINGS = "/editor/settings/"
FILLED = {
    "phones": "+992 (3422) 6-00-00\r\n\r\n+992 92 000 00 01",
    "email": "Office@Example.org",
    "ru-address": "г. Худжанд, Согдийская область",
    "tg-address": "шаҳри Хуҷанд, вилояти Суғд",
    "telegram": "https://t.me/example",
    "facebook": "https://www.facebook.com/example",
}


def footer(html: str) -> Page:
    found = re.search(r"<footer.*?</footer>", html, re.S)
    assert found, "no footer"
    return Page(found.group(0))


def test_what_an_administrator_saves_is_in_the_footer_at_once(admin, client):
    """Saved through the form (every page type's footer is checked in test_layout.py):
    the numbers as typed, dialled by their digits; the e-mail address as an address."""
    for lang in ("tg", "ru", "en"):
        client.get(f"/{lang}/")  # kept by the page cache: the save must replace it
    submit(admin, SETTINGS, FILLED)
    for lang in ("tg", "ru", "en"):
        links = {
            a["href"]: " ".join(t.split())
            for a, t in footer(client.get(f"/{lang}/").text).find_all("a")
        }
        assert links["tel:+992342260000"] == "+992 (3422) 6-00-00", lang
        assert links["tel:+992920000001"] == "+992 92 000 00 01", lang
        assert links["mailto:office@example.org"] == "office@example.org", lang
        assert links["https://t.me/example"] == "Telegram", lang


def test_texts_fall_back_along_the_chain_and_say_their_language(admin, client):
    submit(admin, SETTINGS, {"ru-address": "г. Худжанд", "tg-address": "", "en-address": ""})
    tajik = footer(client.get("/tg/").text)
    marked = [" ".join(text.split()) for _, attrs, text in tajik.tags if attrs.get("lang") == "ru"]
    assert "г. Худжанд" in marked
    russian = footer(client.get("/ru/").text)
    assert "г. Худжанд" in russian.text("footer")
    assert not [attrs for _, attrs, _text in russian.tags if attrs.get("lang") == "ru"]


def test_without_settings_the_site_names_the_organisation_in_each_language(client):
    assert "Ташкилоти ҷамъиятии «АЗИТ»" in footer(client.get("/tg/").text).text("footer")
    assert "Общественная организация «АНТИ»" in footer(client.get("/ru/").text).text("footer")
    links = footer(client.get("/en/").text).find_all("a")
    assert not [a for a, _ in links if a["href"].startswith(("tel:", "mailto:"))]


def test_schema_org_describes_the_organisation_with_its_contacts(admin, client):
    submit(admin, SETTINGS, {**FILLED, "en-name": "Public Organization “ASTI”"})
    data = json.loads(JSON_LD.search(client.get("/en/").text).group(1))
    assert data["@type"] == "Organization"
    assert data["telephone"] == "+992 (3422) 6-00-00"
    assert data["email"] == "office@example.org"
    assert data["sameAs"] == ["https://www.facebook.com/example", "https://t.me/example"]
    assert data["logo"].endswith(".svg")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "office at example", "Это не адрес электронной почты."),
        ("phones", "+992 позвоните", "Пишите каждый номер цифрами"),
        ("facebook", "http://facebook.com/x", "Укажите адрес полностью, начиная с https://"),
        ("latitude", "91", "Карта охватывает широты от 39.4 до 41.2."),
    ],
)
def test_a_wrong_value_is_refused_in_the_editors_language_and_nothing_typed_is_lost(
    app, accounts, field, value, message
):
    ru_admin = staff_client(app, ADMIN, lang="ru")
    typed = {**FILLED, field: value, "en-description": "Typed, and kept."}
    response = submit(ru_admin, SETTINGS, typed, status=400)
    html = html_of(response)
    assert message in error(html, field)
    page = Page(html)
    assert page.find("input", name="email")[0]["value"] == (
        value if field == "email" else "office@example.org"
    )
    assert "Typed, and kept." in page.text("textarea", name="en-description")


def test_only_administrators_change_the_settings(editor):
    assert editor.get(SETTINGS).status_code == 403
    assert editor.post(SETTINGS, data={"email": "x@example.org"}).status_code in (400, 403)


def test_an_uploaded_logo_is_kept_when_the_form_is_refused_then_shown_in_the_header(admin, client):
    refused = submit(
        admin, SETTINGS, {"logo": (photo_file(1, (600, 200)), "logo.png"), "email": "x"},
        status=400,
    )  # fmt: skip
    page = Page(html_of(refused))
    kept = page.find("input", name="logo_id")[0]["value"]
    assert kept.isdecimal()
    submit(admin, SETTINGS, {"logo_id": kept, "email": ""})
    header = re.search(r"<header.*?</header>", client.get("/ru/").text, re.S).group(0)
    logo = Page(header).find("img")[0]
    assert logo["src"].startswith("/media/") and logo["alt"]
    assert int(logo["width"]) > int(logo["height"])

    submit(admin, SETTINGS, {"drawn_logo": "y"})
    header = re.search(r"<header.*?</header>", client.get("/ru/").text, re.S).group(0)
    assert not Page(header).find_all("img")
    assert "<svg" in header


def test_a_file_that_is_no_image_is_refused_as_the_logo(admin):
    response = submit(admin, SETTINGS, {"logo": (io.BytesIO(b"%PDF-1.4"), "a.pdf")}, status=400)
    assert "not a photo" in error(html_of(response), "logo")
