"""Addresses of the old site: imported from CSV or added in the editor, answered with 301."""

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from asti import demo
from asti.extensions import db
from asti.models import LegacyRedirect
from tests.fixtures.html import Page, csrf_of, html_of
from tests.fixtures.staff import add_account, login

TAJIK_OLD = "/tg/дар-бораи-мо.html"


@pytest.fixture
def imported(app, runner, tmp_path):
    csv_file = tmp_path / "old.csv"
    csv_file.write_text(
        "old,new\n"
        "/en/nashi-partnery.html,/en/about/\n"
        f"{quote(TAJIK_OLD)},/tg/about/\n"
        "http://asti.tj/ru/novosti.html,/ru/news/\n"
        "/index.php?option=com_content&id=5,/en/programs/\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["redirects-import", str(csv_file)])
    assert result.exit_code == 0, result.output
    assert "4 added" in result.output
    return csv_file


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/en/nashi-partnery.html", "/en/about/"),
        (quote(TAJIK_OLD), "/tg/about/"),  # as browsers send it: percent-encoded
        ("/ru/novosti.html", "/ru/news/"),
        ("/index.php?option=com_content&id=5", "/en/programs/"),
    ],
)
def test_old_addresses_redirect_permanently(client, imported, old, new):
    """Each imported address answers 301 to its new page, which exists."""
    response = client.get(old)
    assert response.status_code == 301
    assert response.headers["Location"] == new
    assert client.get(new).status_code == 200


def redirects(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LegacyRedirect))


def test_import_twice_changes_nothing(app, runner, imported):
    """Importing the same file again adds nothing (to the old site's addresses the demo
    brings, asti/legacy-redirects.csv)."""
    result = runner.invoke(args=["redirects-import", str(imported)])
    assert "0 added, 0 changed" in result.output
    assert redirects(app) == len(demo.legacy_redirects()) + 4


@pytest.mark.parametrize(
    "row", ["/old.html,https://elsewhere.example/", "/old.html,//elsewhere.example/", "only-one"]
)
def test_import_refuses_targets_outside_the_site(app, runner, tmp_path, row):
    """A target off the site, or a malformed row, stops the import with a clear message."""
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(row + "\n", encoding="utf-8")
    before = redirects(app)
    result = runner.invoke(args=["redirects-import", str(csv_file)])
    assert result.exit_code != 0 and "Line 1" in result.output
    assert redirects(app) == before


@pytest.mark.parametrize(
    "path", ["/en/unknown-page.html", "/tg/хабарҳо/кӯҳна.html", "/ru/news/old.html", "/x.html"]
)
def test_unknown_old_addresses_are_404(client, imported, path):
    """An .html address that is not in the table gets the normal localized 404."""
    response = client.get(quote(path), headers={"Accept-Language": "ru"})
    assert response.status_code == 404
    assert Page(response.get_data(as_text=True)).text("h1") == "Страница не найдена"


def test_editor_manages_old_addresses(app, client):
    """Staff add and delete an old address in the editor."""
    add_account(app, "staff@asti.tj", "editor", "long enough password")

    def token(url):
        return csrf_of(html_of(client.get(url)))

    assert login(client, "staff@asti.tj", "long enough password").status_code == 302
    response = client.post(
        "/editor/redirects/",
        data={"old_path": "/en/kontakty.html", "target": "/en/contacts/",
              "csrf_token": token("/editor/redirects/")},
    )  # fmt: skip
    assert response.status_code == 302
    assert client.get("/en/kontakty.html").headers["Location"] == "/en/contacts/"
    bad = client.post(
        "/editor/redirects/",
        data={"old_path": "/en/x.html", "target": "https://elsewhere.example/",
              "csrf_token": token("/editor/redirects/")},
    )  # fmt: skip
    assert bad.status_code == 400 and "/en/x.html" in bad.get_data(as_text=True)
    with app.app_context():
        entry_id = db.session.scalar(
            select(LegacyRedirect.id).where(LegacyRedirect.old_path == "/en/kontakty.html")
        )
    client.post(
        f"/editor/redirects/{entry_id}/delete", data={"csrf_token": token("/editor/redirects/")}
    )
    assert client.get("/en/kontakty.html").status_code == 404
