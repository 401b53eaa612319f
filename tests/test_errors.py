"""Server errors: the reader gets a localized page, never a traceback."""

import pytest

from tests.fixtures.html import Page, html_of


@pytest.mark.parametrize(
    ("lang", "title"),
    [("tg", "Хатогӣ рух дод"), ("ru", "Что-то пошло не так"), ("en", "Something went wrong")],
)
def test_500_is_localized(app, lang, title):
    """An unexpected exception renders the error page in the page's language."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/<lang:lang>/broken/", "broken", broken)
    response = app.test_client().get(f"/{lang}/broken/")
    assert response.status_code == 500
    html = Page(html_of(response))
    assert html.lang == lang and html.text("h1") == title
    assert "boom" not in html_of(response)


def test_a_missing_file_offers_the_home_page_in_each_language(client):
    """A 404 at an address that names no language (a photo that is gone): its language
    links lead to each language's home page, and its canonical address is a home page."""
    response = client.get("/media/gone/full.jpg")
    assert response.status_code == 404
    page = Page(html_of(response))
    assert page.switcher == {"tg": "/tg/", "ru": "/ru/", "en": "/en/"}
    assert page.canonical.startswith("http://localhost/") and page.canonical.endswith("/")
