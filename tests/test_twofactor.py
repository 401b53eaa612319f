"""Two-factor sign-in with an authenticator app: enrolment with the shown secret, a sign-in
that needs a valid code (not a wrong one, not one used before, not after five failures),
recovery codes that work once, and the administrators' "require it of every account"."""

import re

import pytest
from sqlalchemy import select

from asti.editor.auth import PENDING
from asti.extensions import db
from asti.models import AuditEntry, RecoveryCode, User
from tests.fixtures.html import csrf_of, form_fields, html_of
from tests.fixtures.items import all_rows
from tests.fixtures.staff import (
    ADMIN,
    EDITOR,
    PASSWORD,
    enrol,
    logged_in,
    login,
    staff_client,
    submit,
    totp_code,
)

WRONG_CODE = "This code is not correct."


def give_code(client, code, **kwargs):
    """The second step of signing in: the code page's form sent with ``code``."""
    page = client.get("/editor/login/code", **kwargs)
    assert page.status_code == 200
    return client.post(
        "/editor/login/code", data={**form_fields(html_of(page)), "code": code}, **kwargs
    )


def password_step(app, lang="en"):
    """A browser that gave the right password of an account with two-factor sign-in on."""
    client = app.test_client()
    client.set_cookie("lang", lang)
    response = login(client, EDITOR)
    assert response.headers["Location"].startswith("/editor/login/code")
    return client


@pytest.fixture
def enrolled(app, accounts):
    """EDITOR with two-factor sign-in on: the secret and the recovery codes."""
    return enrol(staff_client(app, EDITOR))


def test_enrolment_with_the_shown_secret(app, accounts):
    client = staff_client(app, EDITOR)
    page = html_of(client.get("/editor/account/two-factor"))
    assert '<svg role="img"' in page  # the QR code, inline: no service sees the secret
    secret, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == EDITOR))
        assert user.totp_secret == secret
        stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & set(stored)
    assert logged_in(client)  # the session that turned it on goes on


def test_a_wrong_code_is_refused(app, enrolled):
    secret, _ = enrolled
    client = password_step(app)
    assert not logged_in(client)  # the password alone is not a login
    response = give_code(client, "000000" if totp_code(secret) != "000000" else "111111")
    assert response.status_code == 401
    assert WRONG_CODE in html_of(response)
    assert not logged_in(client)


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "۱۲۳۴۵۶", "１２３４５６", "рамз", "\u00b2" * 6])
def test_codes_in_other_scripts_are_refused_not_an_error(app, accounts, enrolled, code):
    """Digits of other scripts pass str.isdigit(): they are a wrong code (4xx), at sign-in
    and when turning two-factor sign-in on, never a 500."""
    client = password_step(app)
    response = give_code(client, code)
    assert response.status_code in (400, 401) and not logged_in(client)
    other = staff_client(app, ADMIN)
    page = html_of(other.get("/editor/account/two-factor"))
    fields = {**form_fields(page), "code": code}
    response = other.post("/editor/account/two-factor", data=fields)
    assert response.status_code == 400
    assert WRONG_CODE in html_of(response)


def test_a_valid_code_signs_in_and_cannot_be_replayed(app, enrolled):
    secret, _ = enrolled
    code = totp_code(secret, 1)  # the next period's: the current one was used to enrol
    client = password_step(app)
    assert give_code(client, code).headers["Location"] == "/editor/"
    assert logged_in(client)
    again = password_step(app)
    response = give_code(again, code)
    assert response.status_code == 401
    assert WRONG_CODE in html_of(response)
    assert not logged_in(again)


def test_the_code_page_needs_the_password_first(app, enrolled):
    secret, _ = enrolled
    client = app.test_client()
    assert client.get("/editor/login/code").headers["Location"].startswith("/editor/login")
    token = csrf_of(html_of(client.get("/editor/login")))
    client.post("/editor/login/code", data={"csrf_token": token, "code": totp_code(secret, 1)})
    assert not logged_in(client)


def test_the_sixth_failure_in_a_row_is_refused_even_with_a_valid_code(app, enrolled):
    secret, _ = enrolled
    client = password_step(app, lang="ru")
    for _ in range(5):
        assert give_code(client, "12345678").status_code == 401
    response = give_code(client, totp_code(secret, 1))
    assert response.status_code == 429
    assert "Слишком много неудачных попыток" in html_of(response)
    assert not logged_in(client)


def test_the_refusal_says_how_long_to_wait_and_names_the_site(app, enrolled):
    """After five wrong codes: the window of LOGIN_WINDOW seconds in minutes, and the code
    page still says which entry of the app to use."""
    secret, _ = enrolled
    client = password_step(app)
    for _ in range(5):
        give_code(client, "12345678")
    text = " ".join(html_of(give_code(client, totp_code(secret, 1))).split())
    assert "Too many failed attempts. Please wait 15 minutes and try again." in text
    assert "type the code it shows for ASTI." in text


@pytest.mark.parametrize("change", ["disabled", "two-factor off"])
def test_an_account_changed_after_the_password_gets_no_code_step(app, enrolled, change):
    """An administrator disables the account, or two-factor sign-in is turned off, between
    the password and the code: the code page sends the browser back to the login form, and
    a valid code signs nobody in."""
    secret, _ = enrolled
    client = password_step(app)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == EDITOR))
        if change == "disabled":
            user.active = False
        else:
            user.totp_secret = None
        db.session.commit()
    assert client.get("/editor/login/code").headers["Location"].startswith("/editor/login")
    token = csrf_of(html_of(client.get("/editor/login")))
    client.post("/editor/login/code", data={"csrf_token": token, "code": totp_code(secret, 1)})
    assert not logged_in(client)


def test_a_signed_in_session_keeps_no_password_step(app, enrolled):
    """Once the code is given, the session holds the sign-in, and no longer the password
    step that waited for the code."""
    secret, _ = enrolled
    client = password_step(app)
    with client.session_transaction() as stored:
        assert PENDING in stored
    give_code(client, totp_code(secret, 1))
    assert logged_in(client)
    with client.session_transaction() as stored:
        assert PENDING not in stored


def test_a_recovery_code_works_once(app, enrolled):
    _, codes = enrolled
    client = password_step(app)
    assert give_code(client, codes[3].upper().replace("-", " ")).status_code == 302
    assert logged_in(client)
    again = password_step(app)
    assert give_code(again, codes[3]).status_code == 401
    assert not logged_in(again)
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert {"two-factor enabled", "recovery code used", "login failed"} <= set(actions)


def test_turning_it_off_needs_the_password(app, enrolled):
    secret, _ = enrolled
    client = password_step(app)
    give_code(client, totp_code(secret, 1))
    submit(client, "/editor/account/two-factor/off", {"current_password": "not it at all"}, 400)
    submit(client, "/editor/account/two-factor/off", {"current_password": PASSWORD})
    assert login(app.test_client(), EDITOR).headers["Location"] == "/editor/"


def test_an_administrator_turns_it_off_for_a_lost_phone(app, accounts, admin, enrolled):
    url = f"/editor/users/{accounts[EDITOR]}"
    submit(admin, url, action=f"{url}/two-factor-off")
    assert login(app.test_client(), EDITOR).headers["Location"] == "/editor/"


# --- required of every account ---------------------------------------------------------

GETS = ["/editor/", "/editor/news/1", "/editor/news/new", "/editor/library/", "/editor/account",
        "/editor/password", "/editor/users/", "/editor/audit/", "/editor/trash/"]  # fmt: skip


def test_when_required_an_account_without_it_can_only_enrol(app, accounts, admin):
    submit(admin, "/editor/users/", {"required": "y"}, action="/editor/users/two-factor")
    client = staff_client(app, EDITOR)
    setup = "/editor/account/two-factor"
    for url in GETS:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == setup, url
    token = csrf_of(html_of(client.get(setup)))
    before = all_rows(app)
    posts = {
        "/editor/news/1": {"en-title": "Not before enrolling", "action": "publish"},
        "/editor/password": {
            "current_password": PASSWORD,
            "new_password": "x" * 12,
            "repeat": "x" * 12,
        },  # fmt: skip
        "/editor/account/sign-out-everywhere": {},
        "/editor/account/two-factor/off": {"current_password": PASSWORD},
        "/editor/redirects/": {"old_path": "/x", "target": "/en/"},
    }
    for url, data in posts.items():
        response = client.post(url, data={"csrf_token": token, **data})
        assert response.headers["Location"] == setup, url
    assert all_rows(app) == before
    enrol(client)
    assert client.get("/editor/news/1").status_code == 200


def test_the_administrators_setting_is_logged(app, accounts, admin):
    enrol(admin)  # or the administrator too is sent to enrol once it is required
    page = html_of(admin.get("/editor/users/"))
    assert re.search(r'<input[^>]*name="required"', page)
    submit(admin, "/editor/users/", {"required": "y"}, action="/editor/users/two-factor")
    submit(admin, "/editor/users/", {"required": None}, action="/editor/users/two-factor")
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert [a for a in actions if "required" in a] == [
        "two-factor required",
        "two-factor not required",
    ]
