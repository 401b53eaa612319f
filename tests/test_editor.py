"""The staff editor over HTTP, as a browser uses it: logging in, throttling, CSRF, roles,
editing in three languages, publishing, revisions, conflicts, images, and what must never
reach a page. Forms are always fetched, parsed and sent back with their CSRF token."""

import io
import os
import re
import sqlite3
import warnings
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from asti.extensions import db
from asti.models import (
    AuditEntry,
    LoginAttempt,
    News,
    NewsTranslation,
    Program,
    Revision,
    SlugRedirect,
    User,
    utcnow,
)
from tests.fixtures.html import (
    ACTIVE_TAGS,
    URL_ATTRIBUTES,
    Forms,
    Page,
    alert,
    csrf_of,
    error,
    form_fields,
    get_page,
    html_of,
    link_texts,
    without_json_ld,
)
from tests.fixtures.items import all_rows, count, image_bytes, revision_ids, texts
from tests.fixtures.staff import (
    ADMIN,
    DUSHANBE,
    EDITOR,
    PASSWORD,
    create,
    edit,
    local_time,
    logged_in,
    login,
    login_data,
    press,
    staff_client,
    submit,
    theirs,
)

LANGS = ("tg", "ru", "en")
KINDS = ("news", "programs", "regions", "pages", "partners")
WRONG_LOGIN = "The email or password is not correct."


# --- 1. every editor page needs a login ------------------------------------------------------

EDITOR_GETS = [
    "/editor/",
    "/editor/translations/",
    *(f"/editor/{kind}/" for kind in KINDS),
    *(f"/editor/{kind}/new" for kind in KINDS),
    "/editor/news/1",
    "/editor/news/1/preview/en",
    "/editor/news/1/delete",
    "/editor/news/1/revisions/",
    "/editor/news/1/compare",
    "/editor/revisions/1",
    "/editor/trash/",
    "/editor/redirects/",
    "/editor/users/",
    "/editor/users/new",
    "/editor/users/1",
    "/editor/audit/",
    "/editor/password",
    "/editor/account",
    "/editor/account/two-factor",
    "/editor/account/two-factor/off",
    "/editor/library/",
    "/editor/library/1",
    "/editor/library/1/delete",
    "/editor/settings/",
]
EDITOR_POSTS = [
    "/editor/news/new",
    "/editor/news/1",
    "/editor/news/1/delete",
    "/editor/news/new/preview",
    "/editor/news/1/preview/ru",
    "/editor/trash/news/2/restore",
    "/editor/revisions/1/restore",
    "/editor/redirects/",
    "/editor/redirects/1/delete",
    "/editor/users/new",
    "/editor/users/1",
    "/editor/password",
    "/editor/logout",
    "/editor/account/sign-out-everywhere",
    "/editor/account/two-factor",
    "/editor/account/two-factor/off",
    "/editor/users/two-factor",
    "/editor/users/1/two-factor-off",
    "/editor/users/1/reset-link",
    "/editor/library/",
    "/editor/library/1",
    "/editor/library/1/delete",
    "/editor/settings/",
]
OPEN_ENDPOINTS = {"editor.login", "editor.login_code", "editor.reset_password", "editor.language"}


def test_every_editor_route_is_in_the_login_tests(app):
    """A new editor route without a login test makes this fail."""
    adapter = app.url_map.bind("localhost")
    tested = {(adapter.match(url, "GET")[0], "GET") for url in EDITOR_GETS}
    tested |= {(adapter.match(url, "POST")[0], "POST") for url in EDITOR_POSTS}
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("editor.") and rule.endpoint not in OPEN_ENDPOINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == tested


def assert_sent_to_login(response, path):
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/editor/login"
    assert parse_qs(location.query)["next"] == [path]


@pytest.mark.parametrize("url", EDITOR_GETS)
def test_editor_pages_need_a_login(client, url):
    """An anonymous visitor is sent to the login form, which leads back afterwards."""
    assert_sent_to_login(client.get(url), url)


@pytest.mark.parametrize("url", EDITOR_POSTS)
def test_editor_actions_refuse_anonymous_users(app, admin, client, url):
    """A POST with a valid token but no login is sent to the login form; nothing changes."""
    edit(admin, "news", 1, {"en-title": "Saved once, so revision 1 exists"})
    press(admin, "/editor/news/2/delete", "/editor/news/2/delete")
    before = all_rows(app)
    token = csrf_of(html_of(client.get("/editor/login")))
    assert_sent_to_login(client.post(url, data={"csrf_token": token}), url)
    assert all_rows(app) == before


def test_login_page_and_language_switch_are_open(client):
    """The login form and the editor's language switch need no account."""
    assert client.get("/editor/login").status_code == 200
    response = client.get("/editor/language/ru?next=/editor/login")
    assert response.headers["Location"] == "/editor/login"
    assert client.get_cookie("lang").value == "ru"


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [
        ("/editor/trash/", "/editor/trash/"),
        ("https://evil.example/", "/editor/"),
        ("//evil.example/editor/", "/editor/"),
        ("/en/news/", "/editor/"),
    ],
)
def test_login_returns_only_to_editor_pages(app, accounts, next_url, landing):
    """After logging in, `next` is followed only when it is a page of the editor."""
    client = app.test_client()
    data = login_data(html_of(client.get("/editor/login")), EDITOR)
    response = client.post("/editor/login", query_string={"next": next_url}, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == landing


def test_editor_pages_are_private(admin):
    """Editor pages, previews included, are never cached nor indexed."""
    for url in ("/editor/", "/editor/news/1", "/editor/news/1/preview/en"):
        response = admin.get(url)
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_logout(admin):
    """Logging out ends the session."""
    press(admin, "/editor/", "/editor/logout")
    assert not logged_in(admin)


# --- 2. one message for every failed login ----------------------------------------------------


def disable(app, email):
    with app.app_context():
        db.session.execute(update(User).where(User.email == email).values(active=False))
        db.session.commit()


@pytest.mark.parametrize(("base_url", "secure"), [("http://localhost", False),
                                                   ("https://localhost", True)])  # fmt: skip
def test_session_cookie_flags(app, accounts, base_url, secure):
    """The session cookie is HttpOnly and SameSite=Lax, and Secure when served over HTTPS."""
    # Over HTTPS, Flask-WTF also checks that the form was sent from this site (Referer).
    referer = {"Referer": f"{base_url}/editor/login"}
    response = login(app.test_client(), ADMIN, base_url=base_url, headers=referer)
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert "httponly" in flags and "samesite=lax" in cookie.lower()
    assert ("secure" in flags) is secure


@pytest.mark.parametrize(
    ("email", "password", "disabled"),
    [
        (EDITOR, "not the password", False),  # wrong password
        ("nobody@asti.tj", PASSWORD, False),  # unknown email
        (EDITOR, PASSWORD, True),  # right password, disabled account
    ],
    ids=["wrong-password", "unknown-email", "disabled-account"],
)
def test_failed_login_says_the_same_thing(app, accounts, email, password, disabled):
    """Nothing tells whether the account exists or why the login failed."""
    if disabled:
        disable(app, email)
    client = app.test_client()
    client.set_cookie("lang", "en")
    response = login(client, email, password)
    assert response.status_code == 401
    assert alert(html_of(response)) == WRONG_LOGIN
    assert not logged_in(client)


def test_login_records_who_logged_in(app, accounts):
    """A successful login is written to the audit log with the address."""
    client = app.test_client()
    assert login(client, EDITOR, environ_base={"REMOTE_ADDR": "198.51.100.4"}).status_code == 302
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        expected = ("login", accounts[EDITOR], "198.51.100.4")
        assert (entry.action, entry.user_id, entry.ip) == expected


# --- 3. throttling, held in the database -------------------------------------------------------


def test_failures_for_one_account_lock_it_in_every_worker(app, accounts, worker):
    """After 5 failures even the right password is refused (429), also by another app
    instance on the same database: the count is in the database, not in a worker."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    for attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        email = EDITOR.upper() if attempt % 2 else f" {EDITOR}"  # one account however typed
        assert login(client, email, "wrong password").status_code == 401
    assert count(app, LoginAttempt, LoginAttempt.email == EDITOR) == 5

    response = login(client, EDITOR)
    assert response.status_code == 429
    assert alert(html_of(response)).startswith("Too many failed attempts.")
    assert not logged_in(client)

    assert login(worker().test_client(), EDITOR).status_code == 429

    assert login(app.test_client(), ADMIN).status_code == 302  # other accounts still work


def test_lock_ends_after_the_window(app, accounts):
    """Failures older than LOGIN_WINDOW no longer count."""
    client = app.test_client()
    for _ in range(5):
        login(client, EDITOR, "wrong password")
    assert login(client, EDITOR).status_code == 429
    with app.app_context():
        past = utcnow() - timedelta(seconds=app.config["LOGIN_WINDOW"] + 60)
        db.session.execute(update(LoginAttempt).values(created_at=past))
        db.session.commit()
    assert login(client, EDITOR).status_code == 302


def test_failures_from_one_address_lock_it(app, accounts):
    """20 failures from one address, each for another email, lock that address only."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    attacker, colleague = {"REMOTE_ADDR": "203.0.113.7"}, {"REMOTE_ADDR": "203.0.113.8"}
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_IP"]):
        assert login(client, f"guess{n}@asti.tj", "x", environ_base=attacker).status_code == 401
    assert count(app, LoginAttempt, LoginAttempt.ip == "203.0.113.7") == 20

    response = login(client, EDITOR, environ_base=attacker)
    assert response.status_code == 429
    assert alert(html_of(response)).startswith("Too many failed attempts.")
    assert login(app.test_client(), EDITOR, environ_base=colleague).status_code == 302


# --- 4. CSRF -------------------------------------------------------------------------------------


def forged_token(app) -> str:
    """A valid token, but of another browser's session."""
    return csrf_of(html_of(app.test_client().get("/editor/login")))


@pytest.mark.parametrize("token", ["missing", "forged"])
def test_login_without_a_valid_token_is_refused(app, accounts, token):
    """The login form without its session's token: 400, no login, nothing recorded."""
    client = app.test_client()
    client.get("/editor/login")
    data = {"email": EDITOR, "password": PASSWORD}
    if token == "forged":
        data["csrf_token"] = forged_token(app)
    before = all_rows(app)
    assert client.post("/editor/login", data=data).status_code == 400
    assert not logged_in(client)
    assert all_rows(app) == before


@pytest.mark.parametrize("token", ["missing", "forged"])
@pytest.mark.parametrize("action", ["/editor/news/1", "/editor/news/1/delete"])
def test_editor_post_without_a_valid_token_is_refused(app, admin, client, action, token):
    """Saving or deleting without the session's token: 400 and nothing changes."""
    saving = action == "/editor/news/1"
    fields = form_fields(html_of(admin.get(action)), None if saving else action)
    if saving:
        fields["en-title"] = "Changed by a forged request"
    fields.pop("csrf_token")
    if token == "forged":
        fields["csrf_token"] = forged_token(app)
    before = all_rows(app)
    assert admin.post(action, data=fields).status_code == 400
    assert all_rows(app) == before
    get_page(client, "/en/news/community-security-in-the-ferghana-valley/")


def test_refused_token_keeps_the_typed_text(app, admin):
    """An item form refused for its token comes back with the text, and saves when sent
    again (with the fresh token it now carries)."""
    fields = form_fields(html_of(admin.get("/editor/news/new")))
    fields.update({"action": "publish", "en-title": "Long afternoon", "en-body": "Much text"})
    fields["csrf_token"] = "expired"
    response = admin.post("/editor/news/new", data=fields)
    assert response.status_code == 400
    again = form_fields(html_of(response))
    assert (again["en-title"], again["en-body"]) == ("Long afternoon", "Much text")
    assert count(app, News) == 3
    assert admin.post("/editor/news/new", data=again).status_code == 302
    assert count(app, News) == 4


# --- 5. roles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/editor/users/"),
        ("GET", "/editor/users/new"),
        ("GET", "/editor/users/{admin}"),
        ("GET", "/editor/audit/"),
        ("POST", "/editor/users/new"),
        ("POST", "/editor/users/{admin}"),
        ("POST", "/editor/users/two-factor"),
        ("POST", "/editor/users/{admin}/two-factor-off"),
        ("POST", "/editor/users/{admin}/reset-link"),
    ],
)
def test_editors_cannot_manage_accounts(app, accounts, editor, method, url):
    """Accounts and the audit log are for administrators: 403, and nothing changes."""
    url = url.format(admin=accounts[ADMIN])
    data = {
        "csrf_token": csrf_of(html_of(editor.get("/editor/password"))),
        "email": "intruder@asti.tj",
        "role": "admin",
        "active": "y",
        "new_password": "a new password 1",
        "repeat": "a new password 1",
    }
    before = all_rows(app)
    response = editor.open(url, method=method, data=data if method == "POST" else None)
    assert response.status_code == 403
    assert all_rows(app) == before


def test_editors_menu_has_no_admin_pages(editor, admin):
    """Only administrators see Users and Audit log in the menu."""
    assert not {"/editor/users/", "/editor/audit/"} & get_page(editor, "/editor/").links()
    assert {"/editor/users/", "/editor/audit/"} <= get_page(admin, "/editor/").links()


def test_admin_creates_an_account(app, admin):
    """A new account can log in at once."""
    new = {"email": "New.Person@asti.tj", "role": "editor", "active": "y",
           "new_password": "first password 1", "repeat": "first password 1"}  # fmt: skip
    assert submit(admin, "/editor/users/new", new).headers["Location"] == "/editor/users/"
    assert "new.person@asti.tj" in link_texts(get_page(admin, "/editor/users/"))
    staff_client(app, "new.person@asti.tj", "first password 1")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new.person@asti.tj"))
        assert user.role == "editor"


def test_admin_disables_an_account(app, accounts, admin, editor):
    """A disabled account is logged out and cannot log in again."""
    assert logged_in(editor)
    submit(admin, f"/editor/users/{accounts[EDITOR]}", {"active": None})
    assert not logged_in(editor)
    response = login(editor, EDITOR)
    assert response.status_code == 401
    assert alert(html_of(response)) == WRONG_LOGIN


def test_admin_resets_a_password(app, accounts, admin):
    """After a reset the new password works and the old one does not."""
    changes = {"new_password": "reset password 1", "repeat": "reset password 1"}
    submit(admin, f"/editor/users/{accounts[EDITOR]}", changes)
    assert login(app.test_client(), EDITOR).status_code == 401
    staff_client(app, EDITOR, "reset password 1")


@pytest.mark.parametrize("change", [{"role": "editor"}, {"active": None}], ids=["role", "active"])
def test_admin_cannot_remove_own_rights(app, accounts, admin, change):
    """An administrator cannot demote or disable themselves (nobody could undo it)."""
    response = submit(admin, f"/editor/users/{accounts[ADMIN]}", change, status=400)
    assert error(html_of(response), "role") == "You cannot remove your own administrator rights."
    with app.app_context():
        me = db.session.get(User, accounts[ADMIN])
        assert (me.role, me.active) == ("admin", True)


def test_new_account_form_proposes_the_editor_role(admin):
    """Least privilege: a new account is an editor unless an administrator is chosen."""
    assert form_fields(html_of(admin.get("/editor/users/new")))["role"] == "editor"


def test_change_own_password(app, editor):
    """The current password is checked; the new one then works."""
    changes = {"current_password": "wrong", "new_password": "changed password 1",
               "repeat": "changed password 1"}  # fmt: skip
    response = submit(editor, "/editor/password", changes, status=400)
    assert error(html_of(response), "current_password") == "This is not your current password."
    submit(editor, "/editor/password", {**changes, "current_password": PASSWORD})
    staff_client(app, EDITOR, "changed password 1")


# --- 6. create, edit, delete, restore in each language ------------------------------------------

SAMPLE = {
    "tg": ("Семинар дар Исфара", "Матни семинар."),
    "ru": ("Семинар в Исфаре", "Текст о семинаре."),
    "en": ("Seminar in Isfara", "Text about the seminar."),
}


def slug_of(client, kind, item_id, lang) -> str:
    """The address the editor shows for the item's text in `lang`."""
    return form_fields(html_of(client.get(f"/editor/{kind}/{item_id}")))[f"{lang}-slug"]


@pytest.mark.parametrize("lang", LANGS)
def test_news_lifecycle_in_one_language(app, admin, client, lang):
    """Create, read, edit, trash and restore a news item written in one language."""
    title, body = SAMPLE[lang]
    item = create(admin, "news", {f"{lang}-title": title, f"{lang}-body": body})
    assert set(texts(app, News, item)) == {lang}
    slug = slug_of(admin, "news", item, lang)
    url = f"/{lang}/news/{slug}/"

    article = get_page(client, url)
    assert article.text("h1") == title and article.text("div", class_="prose") == body
    assert title in link_texts(get_page(client, f"/{lang}/news/"))

    edit(admin, "news", item, {f"{lang}-title": f"{title} (2)", f"{lang}-body": "New **text**"})
    article = get_page(client, url)
    assert article.text("h1") == f"{title} (2)"
    assert "<strong>text</strong>" in html_of(client.get(url))

    press(admin, f"/editor/news/{item}/delete", f"/editor/news/{item}/delete")
    get_page(client, url, 404)
    assert f"{title} (2)" not in link_texts(get_page(client, f"/{lang}/news/"))
    trash = get_page(admin, "/editor/trash/")
    assert f"{title} (2)" in trash.text("ul", class_="cards")
    assert f"/editor/news/{item}" not in get_page(admin, "/editor/news/").links()

    press(admin, "/editor/trash/", f"/editor/trash/news/{item}/restore")
    assert get_page(client, url).text("h1") == f"{title} (2)"
    assert "The trash is empty." in get_page(admin, "/editor/trash/").text("main")


def test_create_a_program(app, admin, client):
    """A program written in Russian only, with its facts."""
    item = create(admin, "programs", {
        "ru-title": "Молодёжь за мир", "ru-donor": "Фонд Мира", "ru-partners": "ОО «Партнёр»",
        "ru-goals": "- Диалог", "ru-results": "- 40 встреч", "is_current": "y",
        "start_date": "2024-02-01", "region_ids": ["2"]})  # fmt: skip
    html = get_page(client, f"/ru/programs/{slug_of(admin, 'programs', item, 'ru')}/")
    assert html.text("h1") == "Молодёжь за мир"
    facts = html.text("dl", class_="facts")
    assert "Фонд Мира" in facts and "ОО «Партнёр»" in facts and "Город Исфара" in facts
    assert "40 встреч" in " ".join(t for _, t in html.find_all("li"))
    current = get_page(client, "/ru/programs/").text("section", **{"aria-labelledby": "current"})
    assert "Молодёжь за мир" in current


def test_create_a_region_inside_another(app, admin, client):
    """A district in English, placed under the Sughd region."""
    options = Forms(html_of(admin.get("/editor/regions/new"))).options["parent_id"]
    sughd = next(value for value, label in options if label == "Sughd region")
    item = create(admin, "regions", {"en-title": "Kanibadam", "kind": "district",
                                     "country": "TJ", "parent_id": sughd})  # fmt: skip
    region = get_page(client, f"/en/regions/{slug_of(admin, 'regions', item, 'en')}/")
    assert region.text("h1") == "Kanibadam"
    assert "/en/regions/sughd-region/" in region.links()
    tree = get_page(client, "/en/regions/")
    assert any("Sughd region" in t and "Kanibadam" in t for _, t in tree.find_all("li"))


def test_region_cannot_be_inside_its_own_subregion(app, admin):
    """Sughd cannot be made part of Isfara, which is part of Sughd."""
    choices = Forms(html_of(admin.get("/editor/regions/1"))).options["parent_id"]
    options = {label: value for value, label in choices}
    response = edit(admin, "regions", 1, {"parent_id": options["Isfara"]}, status=400)
    assert error(html_of(response), "parent_id") == "A region cannot be part of itself."


def test_create_a_page(app, admin, client):
    """A standing page answers at /<lang>/<key>/."""
    create(admin, "pages", {"key": "history", "en-title": "Our history", "en-body": "Long."})
    page = get_page(client, "/en/history/")
    assert page.text("h1") == "Our history"


@pytest.mark.parametrize("key", ["news", "about"])
def test_page_key_must_be_free(admin, key):
    """A key the site already uses (a section, another page) is refused."""
    response = submit(admin, "/editor/pages/new", {"key": key, "en-title": "Clash"}, status=400)
    assert error(html_of(response), "key") == "This address is already used by the site."


def test_form_without_any_language_is_refused(app, admin):
    """Every language empty: 400, and the other fields keep what was chosen."""
    chosen = {"published_at": "2024-03-01T10:30", "program_id": "2",
              "region_ids": ["2", "3"]}  # fmt: skip
    response = submit(admin, "/editor/news/new", chosen, status=400)
    assert alert(html_of(response)) == "Fill in at least one language."
    kept = form_fields(html_of(response))
    assert {name: kept[name] for name in chosen} == chosen
    assert count(app, News) == 3


def test_language_without_title_is_refused(app, admin):
    """Text without a title: 400, the error by the title, the text still in its box."""
    body = "First line\r\nSecond line with <b>markup</b>"
    response = submit(admin, "/editor/news/new", {"ru-body": body}, status=400)
    assert error(html_of(response), "ru-title") == "A title is needed for this language."
    assert form_fields(html_of(response))["ru-body"] == body
    assert count(app, News) == 3


def test_emptied_position_is_handled(app, admin):
    """Clearing "Order in the list" either keeps a number or is refused, never a 500."""
    response = edit(admin, "regions", 2, {"position": ""}, status=None)
    assert response.status_code in (302, 400)


# --- 7. fallback of an item made in the editor ----------------------------------------------


def test_russian_only_news_on_the_english_site(admin, client):
    """Shown in Russian, marked lang=ru, with the notice in English."""
    item = create(admin, "news", {"ru-title": "Только по-русски", "ru-body": "Текст."})
    html = get_page(client, f"/en/news/{slug_of(admin, 'news', item, 'ru')}/")
    h1, title = html.find("h1")
    assert (title, h1.get("lang")) == ("Только по-русски", "ru")
    assert html.text("p", class_="notice") == "This page is available in Russian only."
    assert html.lang == "en"


# --- 8. scheduled publishing and drafts -------------------------------------------------------


def test_scheduled_news_appears_when_its_time_comes(app, admin, client):
    """An hour ahead in Dushanbe time: hidden but previewable, then public with no action."""
    when = local_time(timedelta(hours=1))
    item = create(admin, "news", {"en-title": "Tomorrow's meeting", "published_at": when})
    with app.app_context():
        stored = db.session.get(News, item).published_at
    assert stored == datetime.strptime(when, "%Y-%m-%dT%H:%M") - DUSHANBE  # kept in UTC
    assert form_fields(html_of(admin.get(f"/editor/news/{item}")))["published_at"] == when

    assert "Tomorrow's meeting" not in link_texts(get_page(client, "/en/news/"))
    get_page(client, "/en/news/tomorrow-s-meeting/", 404)
    assert get_page(admin, f"/editor/news/{item}/preview/en").text("h1") == "Tomorrow's meeting"
    assert "Scheduled" in get_page(admin, "/editor/news/").text("tbody")

    with app.app_context():
        db.session.execute(
            update(News).where(News.id == item).values(published_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    assert "Tomorrow's meeting" in link_texts(get_page(client, "/en/news/"))
    assert get_page(client, "/en/news/tomorrow-s-meeting/").text("h1") == "Tomorrow's meeting"


def test_draft_is_previewable_only(admin, client):
    """A draft is neither listed nor served, but the editor's preview shows it."""
    item = create(admin, "news", {"en-title": "Unfinished", "action": "draft"})
    assert "Unfinished" not in link_texts(get_page(client, "/en/news/"))
    get_page(client, "/en/news/unfinished/", 404)
    preview = get_page(admin, f"/editor/news/{item}/preview/en")
    assert preview.text("h1") == "Unfinished" and preview.lang == "en"


# --- 9. changing an address ------------------------------------------------------------------


def test_changed_slug_redirects_from_the_old_address(app, admin, client):
    """The old URL answers 301 to the new one, and the old slug is kept."""
    item = create(admin, "news", {"en-title": "Old name"})
    get_page(client, "/en/news/old-name/")
    edit(admin, "news", item, {"en-slug": "New name"})
    response = client.get("/en/news/old-name/")
    assert response.status_code == 301
    assert response.headers["Location"] == "/en/news/new-name/"
    assert get_page(client, "/en/news/new-name/").text("h1") == "Old name"
    with app.app_context():
        moved = db.session.scalar(select(SlugRedirect).where(SlugRedirect.slug == "old-name"))
        assert (moved.kind, moved.lang, moved.item_id) == ("news", "en", item)


# --- 10. nothing executable reaches a page ------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    '"><script>alert(1)</script>',
    "<style>@import 'x'</style>",
    "<body onload=alert(1)>",
    "javascript:alert(1)",
    "[x](JaVaScRiPt:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "' onmouseover='alert(1)",
]
NOT_AN_IMAGE = (
    "This file is not a photo in a format the site accepts (JPEG, PNG, WebP, HEIC or GIF)."
)
NEWS_FIELDS = ("title", "slug", "summary", "body")
PROGRAM_FIELDS = (*NEWS_FIELDS, "donor", "partners", "goals", "results")


def assert_inert(html: str, where: str):
    """No script, no event handler, no javascript: URL: text may show them escaped."""
    html = without_json_ld(html)
    assert not re.search(r"<\s*script", html, re.I), where
    page = Page(html)
    assert len(page.find_all("body")) == 1, where
    for tag, attrs, _ in page.tags:
        assert tag not in ACTIVE_TAGS, (where, tag)
        for name, value in attrs.items():
            assert not name.startswith("on"), (where, tag, name)
            if name in URL_ATTRIBUTES:
                url = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
                assert "javascript:" not in url, (where, tag, name, value)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_every_field_stay_text(app, admin, client, payload):
    """A payload in every text field of a program and a news item is shown as text (or
    dropped from Markdown) on the public pages, the editor's pages and the previews."""
    every = {f"{lang}-{name}": payload for lang in LANGS for name in PROGRAM_FIELDS}
    program = create(admin, "programs", every)
    news = create(admin, "news", {
        **{f"{lang}-{name}": payload for lang in LANGS for name in NEWS_FIELDS},
        "program_id": str(program),
    })  # fmt: skip
    slugs = {lang: t["slug"] for lang, t in texts(app, News, news).items()}
    program_slugs = {lang: t["slug"] for lang, t in texts(app, Program, program).items()}
    assert all(re.fullmatch(r"[a-z0-9-]+", s) for s in [*slugs.values(), *program_slugs.values()])

    urls = [
        *(f"/{lang}/news/{slugs[lang]}/" for lang in LANGS),
        *(f"/{lang}/programs/{program_slugs[lang]}/" for lang in LANGS),
        "/en/news/", "/en/programs/", "/ru/",
    ]  # fmt: skip
    for url in urls:
        assert_inert(html_of(client.get(url)), url)
    assert get_page(client, urls[0]).text("h1") == payload.strip()  # shown, as text

    revision = revision_ids(app, "news", news)[-1]
    press(admin, f"/editor/news/{news}/delete", f"/editor/news/{news}/delete")
    editor_urls = [
        f"/editor/news/{news}/preview/en", f"/editor/programs/{program}/preview/ru",
        f"/editor/programs/{program}", f"/editor/revisions/{revision}", "/editor/news/",
        "/editor/programs/", "/editor/", "/editor/translations/", "/editor/trash/",
        "/editor/audit/",
    ]  # fmt: skip
    for url in editor_urls:
        assert_inert(html_of(admin.get(url)), url)
    press(admin, "/editor/trash/", f"/editor/trash/news/{news}/restore")
    for url in (f"/editor/news/{news}", f"/editor/news/{news}/revisions/"):
        assert_inert(html_of(admin.get(url)), url)
    assert form_fields(html_of(admin.get(f"/editor/news/{news}")))["en-title"] == payload.strip()


# --- 11. images through the form ---------------------------------------------------------------


def photo_with_gps() -> bytes:
    """A JPEG photo that says where it was taken (near Khujand) and with what camera."""
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"
    exif[0x8825] = {1: "N", 2: (39.0, 42.0, 0.0), 3: "E", 4: (69.0, 37.0, 0.0)}
    photo = Image.radial_gradient("L").resize((1200, 800)).convert("RGB")
    data = image_bytes(photo, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the test's own premise
    return data


def test_text_file_named_jpg_is_refused(app, admin):
    """The content decides, not the name; the typed text survives the refusal."""
    upload = (io.BytesIO(b"Minutes of the meeting, not a photo.\n" * 50), "photo.jpg")
    changes = {"en-title": "With a photo", "en-body": "Typed\r\ntext", "upload": [upload]}
    response = submit(admin, "/editor/news/new", changes, status=400)
    html = html_of(response)
    assert error(html, "upload") == f"photo.jpg: {NOT_AN_IMAGE}"
    fields = form_fields(html)
    assert (fields["en-title"], fields["en-body"]) == ("With a photo", "Typed\r\ntext")
    assert count(app, News) == 3


def test_too_large_image_is_refused(app, admin):
    """An upload over MAX_IMAGE_BYTES is refused with the limit in the message."""
    app.config["MAX_IMAGE_BYTES"] = 20_000
    # Noise does not compress.
    noise = Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3))
    upload = (io.BytesIO(image_bytes(noise, "PNG")), "noise.png")
    response = submit(
        admin, "/editor/news/new", {"en-title": "Big", "upload": [upload]}, status=400
    )
    assert error(html_of(response), "upload") == "noise.png: The image is larger than 0.1 MB."
    assert form_fields(html_of(response))["en-title"] == "Big"
    assert count(app, News) == 3


def test_photo_is_published_without_its_metadata(app, admin, client):
    """A JPEG with GPS is accepted; every file the article links to has no EXIF."""
    upload = (io.BytesIO(photo_with_gps()), "IMG_0001.JPG")
    item = create(admin, "news", {"en-title": "Field visit", "upload": [upload]})
    edit(admin, "news", item, {"photos-0-en-alt": "Farmers"})
    html = get_page(client, "/en/news/field-visit/")
    source = html.find("source", type="image/webp")[0]
    img = html.find("img", alt="Farmers")[0]
    assert html.find_all("picture")
    files = [entry.split()[0] for entry in source["srcset"].split(", ")] + [img["src"]]
    assert len(files) == 5  # 480, 720, 960 and 1200 px WebP, and the JPEG fallback
    editor_thumbnail = get_page(admin, f"/editor/news/{item}").find("img")[0]["src"]
    for url in {*files, editor_thumbnail}:
        assert url.startswith("/media/")
        with client.get(url) as response:
            data = response.get_data()
        assert b"Exif" not in data, url
        assert not Image.open(io.BytesIO(data)).getexif(), url
    stored = [p for p in Path(app.instance_path, "media").rglob("*") if p.is_file()]
    assert len(stored) == 5 and all(b"Exif" not in p.read_bytes() for p in stored)

    edit(admin, "news", item, {"photos-0-remove": "y"})
    assert not get_page(client, "/en/news/field-visit/").find_all("picture")


# --- 12. the translation matrix ----------------------------------------------------------------


def matrix(client, kind, item_id) -> dict[str, tuple[str, str, str | None]]:
    """An item's row in the matrix at /editor/translations/: lang -> (state, label, link)."""
    html = html_of(client.get("/editor/translations/"))
    for row in re.findall(r"<tr>.*?</tr>", html, re.S):
        if f'href="/editor/{kind}/{item_id}"' in row:
            cells = re.findall(r'<td class="state-(\w+)">(.*?)</td>', row, re.S)
            assert len(cells) == len(LANGS)
            result = {}
            for lang, (state, inner) in zip(LANGS, cells, strict=True):
                links = Page(inner).find_all("a")
                link = links[0][0]["href"] if links else None
                result[lang] = (state, re.sub(r"<[^>]+>", "", inner).strip(), link)
            return result
    raise AssertionError(f"{kind} {item_id} is not in the matrix")


def age_translations(app, item_id, **hours_ago):
    """Move translations' last change into the past, so that the clock visibly moves on."""
    with app.app_context():
        for lang, hours in hours_ago.items():
            db.session.execute(
                update(NewsTranslation)
                .where(NewsTranslation.parent_id == item_id, NewsTranslation.lang == lang)
                .values(updated_at=utcnow() - timedelta(hours=hours))
            )
        db.session.commit()


def test_translation_matrix(app, admin):
    """missing / translated / outdated per language, following edits of the original."""
    item = create(admin, "news", {"tg-title": "Хабар", "tg-body": "Матн.",
                                  "ru-title": "Новость", "ru-body": "Текст."})  # fmt: skip
    edit_url = f"/editor/news/{item}"
    assert matrix(admin, "news", item) == {
        "tg": ("present", "translated", None),
        "ru": ("present", "translated", None),
        "en": ("missing", "missing", f"{edit_url}#lang-en"),
    }

    age_translations(app, item, tg=2, ru=1)
    assert matrix(admin, "news", item)["ru"][0] == "present"
    edit(admin, "news", item, {"tg-body": "Матни нав."})
    assert matrix(admin, "news", item)["ru"] == ("outdated", "outdated", f"{edit_url}#lang-ru")
    assert matrix(admin, "news", item)["tg"][0] == "present"
    form = get_page(admin, edit_url)
    assert "state-outdated" in form.find("details", id="lang-ru")[0]["class"]
    assert form.find("input", name="ru-confirm")[0]["type"] == "checkbox"

    edit(admin, "news", item, {"ru-confirm": "y"})
    assert matrix(admin, "news", item)["ru"] == ("present", "translated", None)
    assert texts(app, News, item)["ru"]["body"] == "Текст."


def test_confirm_box_only_for_outdated_translations(admin):
    """The box "matches the current original" is offered only for outdated translations."""
    assert matrix(admin, "news", 1)["ru"][0] == "present"
    assert not get_page(admin, "/editor/news/1").find_all("input", name="ru-confirm")


def test_saving_unchanged_form_keeps_translations_current(app, admin):
    """Opening an item and saving it untouched changes no translation's state."""
    before = matrix(admin, "news", 1)
    edit(admin, "news", 1, {})
    assert matrix(admin, "news", 1) == before


# --- 13. revisions and the audit log -----------------------------------------------------------


def audit_rows(client) -> list[tuple[str, str, str]]:
    """(who, what, item) of each line of the audit log, newest first."""
    html = html_of(client.get("/editor/audit/"))
    rows = []
    for row in re.findall(r"<tr><td>.*?</tr>", html, re.S):
        cells = [" ".join(re.sub(r"<[^>]+>", "", c).split()) for c in
                 re.findall(r"<td>(.*?)</td>", row, re.S)]  # fmt: skip
        rows.append((cells[1], cells[2], cells[3]))
    return rows


def test_revisions_and_restore(app, admin, editor, client):
    """Each save is a revision; an old one can be read and restored, itself a revision;
    the audit log says who did what."""
    item = create(admin, "news", {"en-title": "First title", "en-body": "First text"})
    edit(editor, "news", item, {"en-title": "Second title", "en-body": "Second text"})
    first, second = revision_ids(app, "news", item)

    listing = get_page(admin, f"/editor/news/{item}/revisions/")
    links = [a["href"] for a, _ in listing.find_all("a") if "/editor/revisions/" in a["href"]]
    assert links == [f"/editor/revisions/{second}", f"/editor/revisions/{first}"]
    revision = get_page(admin, f"/editor/revisions/{first}")
    old = [text for _, text in revision.find_all("pre")]
    assert "First title" in old and "First text" in old and "Second text" not in old

    press(admin, f"/editor/revisions/{first}", f"/editor/revisions/{first}/restore")
    article = get_page(client, "/en/news/first-title/")
    assert (article.text("h1"), article.text("div", class_="prose")) == ("First title",
                                                                         "First text")  # fmt: skip
    assert len(revision_ids(app, "news", item)) == 3

    with app.app_context():
        version = db.session.get(Revision, first).version
    assert audit_rows(admin)[:3] == [
        (ADMIN, f"restored version {version}", f"news {item}"),
        (EDITOR, "saved", f"news {item}"),
        (ADMIN, "created", f"news {item}"),
    ]


def test_new_item_starts_at_version_1(app, admin):
    """The creation of an item is its version 1, as the revisions list says."""
    item = create(admin, "news", {"en-title": "Counting"})
    listing = get_page(admin, f"/editor/news/{item}/revisions/")
    assert [t for a, t in listing.find_all("a") if "/editor/revisions/" in a["href"]] == [
        "version 1"
    ]


# --- 14. two people editing the same item --------------------------------------------------------


def test_second_save_of_a_stale_form_is_a_conflict(app, admin, editor):
    """The later save of two gets 409 with both texts, overwrites nothing, and goes
    through when sent again knowingly."""
    item = create(admin, "news", {"en-title": "Shared", "en-body": "Original text"})
    url = f"/editor/news/{item}"
    alice = form_fields(html_of(admin.get(url)))
    bob = form_fields(html_of(editor.get(url)))
    assert alice["version"] == bob["version"]

    assert admin.post(url, data={**alice, "en-body": "Alice's text"}).status_code == 302
    response = editor.post(url, data={**bob, "en-body": "Bob's text"})
    assert response.status_code == 409
    html = html_of(response)
    assert alert(html).startswith("Someone else saved this item")
    again = form_fields(html)
    assert again["en-body"] == "Bob's text"
    assert again["version"] != bob["version"]
    assert "Alice's text" in theirs(html, "en")
    assert texts(app, News, item)["en"]["body"] == "Alice's text"

    assert editor.post(url, data=again).status_code == 302
    assert texts(app, News, item)["en"]["body"] == "Bob's text"


def test_save_holds_the_item_until_it_commits(app, admin, monkeypatch):
    """A save locks what it writes from its start (SQLite: BEGIN IMMEDIATE; PostgreSQL:
    SELECT ... FOR UPDATE of the item), so no other worker can commit between its version
    check and its UPDATE: the other writer waits (here: gives up at once), nothing is lost,
    and a second save then sees the new version (the conflict page, tested above)."""
    from asti.editor import content

    item = create(admin, "news", {"en-title": "Locked", "en-body": "Original text"})
    take_photos, blocked = content.take_photos, []
    url = app.config["SQLALCHEMY_DATABASE_URI"]

    def other_worker_tries_to_write(form, uploaded):
        if url.startswith("sqlite"):
            other = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0.1)
            try:
                other.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                blocked.append(str(error))
            finally:
                other.close()
        else:
            with db.engine.connect() as other:  # a connection of its own, as another worker
                other.exec_driver_sql("SET lock_timeout = '200ms'")
                try:
                    other.execute(update(News.__table__).where(News.id == item).values(version=0))
                except OperationalError as error:
                    blocked.append(str(error))
                other.rollback()
        return take_photos(form, uploaded)

    monkeypatch.setattr(content, "take_photos", other_worker_tries_to_write)
    edit(admin, "news", item, {"en-body": "My text"})
    assert blocked and "lock" in blocked[0]
    assert texts(app, News, item)["en"]["body"] == "My text"


# --- accessibility of the editor's fields --------------------------------------------------------


@pytest.mark.parametrize("url", ["/editor/login", "/editor/news/new", "/editor/password"])
def test_fields_have_no_none_attributes(app, accounts, url):
    """No field carries an attribute whose value is the word None."""
    client = app.test_client() if url == "/editor/login" else staff_client(app, EDITOR)
    page = get_page(client, url)
    bad = [(tag, name) for tag, attrs, _ in page.tags for name, v in attrs.items() if v == "None"
           and not (tag == "option" and name == "value")]  # fmt: skip
    assert bad == []


def test_forms_use_no_deprecated_choices(admin):
    """Opening an item form raises no deprecation warning from WTForms."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert admin.get("/editor/news/1").status_code == 200
    assert [str(w.message) for w in caught if w.category is DeprecationWarning] == []
