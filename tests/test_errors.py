"""Server errors: the reader gets a localized page, never a traceback."""

import pytest

from tests.htmlpage import Page


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
    html = Page(response.get_data(as_text=True))
    assert html.lang == lang and html.text("h1") == title
    assert "boom" not in response.get_data(as_text=True)
