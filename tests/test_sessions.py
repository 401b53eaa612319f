"""Sessions that end when they should: a password changed (by its owner or an
administrator), an account disabled, two-factor sign-in turned on, "Sign out everywhere",
a reset link used. Every other session of the account is then sent to the login page at
its next request, and nothing it sends is saved."""

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from asti.extensions import db
from asti.models import AuditEntry, News, ResetLink
from tests.fixtures.html import form_fields, html_of
from tests.fixtures.staff import (
    ADMIN,
    EDITOR,
    PASSWORD,
    enrol,
    logged_in,
    login,
    press,
    staff_client,
    submit,
)

NEW_PASSWORD = "another long secret"


def title(app) -> str:
    with app.app_context():
        return db.session.get(News, 1).translations["en"].title


def own_password(app, mine, admin, accounts):
    submit(mine, "/editor/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                      "repeat": NEW_PASSWORD})  # fmt: skip


def sign_out_everywhere(app, mine, admin, accounts):
    press(mine, "/editor/account", "/editor/account/sign-out-everywhere")


def admins_password(app, mine, admin, accounts):
    url = f"/editor/users/{accounts[EDITOR]}"
    submit(admin, url, {"new_password": NEW_PASSWORD, "repeat": NEW_PASSWORD})


def disabled(app, mine, admin, accounts):
    submit(admin, f"/editor/users/{accounts[EDITOR]}", {"active": None})


def two_factor_on(app, mine, admin, accounts):
    enrol(mine)


#: What ends the other sessions, and whether the session that did it goes on.
ENDINGS = {
    "own password": (own_password, True),
    "sign out everywhere": (sign_out_everywhere, True),
    "two-factor on": (two_factor_on, True),
    "administrator's password": (admins_password, False),
    "disabled": (disabled, False),
}


@pytest.mark.parametrize("ending", ENDINGS)
def test_other_sessions_end_and_save_nothing(app, accounts, admin, ending):
    change, mine_goes_on = ENDINGS[ending]
    mine, other = staff_client(app, EDITOR), staff_client(app, EDITOR)
    typed = form_fields(html_of(other.get("/editor/news/1"))) | {"en-title": "Written meanwhile"}
    before = title(app)
    change(app, mine, admin, accounts)
    response = other.post("/editor/news/1", data=typed | {"action": "publish"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/editor/login")
    assert title(app) == before
    assert not logged_in(other)
    assert logged_in(mine) == mine_goes_on
    # The admin's own session is another account's: untouched.
    assert logged_in(admin)


def test_without_a_change_both_sessions_go_on(app, accounts):
    """The check does not end sessions for nothing: saving from the other one works."""
    mine, other = staff_client(app, EDITOR), staff_client(app, EDITOR)
    submit(other, "/editor/news/1", {"en-title": "Saved by the second browser"})
    assert title(app) == "Saved by the second browser"
    assert logged_in(mine) and logged_in(other)


def test_account_page_says_since_when_and_from_where(app, accounts):
    client = staff_client(app, EDITOR)
    text = re.sub(r"\s+", " ", html_of(client.get("/editor/account")))
    assert re.search(r"Signed in since [^<]+ from 127\.0\.0\.1\.", text), text


def test_sign_ins_and_failures_are_in_the_audit_log_with_the_address(app, accounts, client):
    assert login(client, EDITOR, "wrong password!").status_code == 401
    staff_client(app, EDITOR)
    with app.app_context():
        entries = db.session.execute(select(AuditEntry.action, AuditEntry.ip)).all()
    assert ("login failed", "127.0.0.1") in entries
    assert ("login", "127.0.0.1") in entries


def test_a_failed_login_is_logged_with_the_email_typed_and_its_account(app, accounts, client):
    """The audit log says which address was tried, and whose account it is, if anyone's."""
    assert login(client, EDITOR, "wrong password!").status_code == 401
    assert login(client, "nobody@asti.tj").status_code == 401
    with app.app_context():
        failures = db.session.execute(
            select(AuditEntry.detail, AuditEntry.user_id)
            .where(AuditEntry.action == "login failed")
            .order_by(AuditEntry.id)
        ).all()
    assert failures == [(EDITOR, accounts[EDITOR]), ("nobody@asti.tj", None)]


def test_a_sign_in_forgives_its_own_failures_only(app, accounts):
    """A right password clears its account's failed logins, not another account's: four
    for the administrator stay counted after the editor signs in, and the fifth locks the
    administrator out; the editor may mistype four times more."""
    for _ in range(4):
        assert login(app.test_client(), ADMIN, "wrong password!").status_code == 401
        assert login(app.test_client(), EDITOR, "wrong password!").status_code == 401
    assert login(app.test_client(), EDITOR).status_code == 302
    for _ in range(4):
        assert login(app.test_client(), EDITOR, "wrong password!").status_code == 401
    assert login(app.test_client(), EDITOR).status_code == 302
    assert login(app.test_client(), ADMIN, "wrong password!").status_code == 401
    assert login(app.test_client(), ADMIN).status_code == 429


def test_failures_from_many_addresses_lock_the_account(app, accounts):
    """Five wrong passwords for one account, each from another address (as a botnet
    tries): the account is locked, for the right password from yet another address too."""
    for n in range(5):
        address = {"REMOTE_ADDR": f"203.0.113.{n + 1}"}
        assert login(app.test_client(), EDITOR, "wrong!", environ_base=address).status_code == 401
    address = {"REMOTE_ADDR": "198.51.100.7"}
    assert login(app.test_client(), EDITOR, environ_base=address).status_code == 429


def test_a_session_outlives_the_browser_for_its_lifetime(app, accounts):
    """Signed in, the session cookie lasts PERMANENT_SESSION_LIFETIME (two weeks), not
    until the browser closes: staff on a shared phone sign out themselves."""
    response = login(app.test_client(), EDITOR)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    expires = re.search(r"Expires=([^;]+)", cookie)
    assert expires, cookie
    lifetime = parsedate_to_datetime(expires.group(1)) - datetime.now(UTC)
    assert timedelta(days=13) < lifetime <= timedelta(days=14)


# --- reset links ---------------------------------------------------------------------


def reset_link(admin, accounts) -> str:
    """The path of a reset link an administrator makes on the account's page."""
    url = f"/editor/users/{accounts[EDITOR]}"
    page = html_of(press(admin, url, f"{url}/reset-link", status=200))
    return re.search(r"<code>https?://[^/]+(/editor/reset/[^<]+)</code>", page).group(1)


def use(client, path, password=NEW_PASSWORD, status=302):
    fields = {"new_password": password, "repeat": password}
    return submit(client, path, fields, status=status)


def test_a_reset_link_works_once_and_ends_the_sessions(app, accounts, admin):
    before = staff_client(app, EDITOR)
    path = reset_link(admin, accounts)
    visitor = app.test_client()
    assert use(visitor, path).headers["Location"] == "/editor/login"
    assert not logged_in(before)
    assert login(visitor, EDITOR, NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), EDITOR, PASSWORD).status_code == 401
    assert app.test_client().get(path).status_code == 404  # used
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert {"reset link created", "reset link used"} <= set(actions)


def test_a_reset_link_expires_after_24_hours(app, accounts, admin):
    path = reset_link(admin, accounts)
    with app.app_context():
        link = db.session.scalar(select(ResetLink))
        link.created_at -= timedelta(hours=24, minutes=1)
        db.session.commit()
    assert app.test_client().get(path).status_code == 404
    assert login(app.test_client(), EDITOR, PASSWORD).status_code == 302


def test_a_reset_link_is_stored_only_as_a_hash(app, accounts, admin):
    path = reset_link(admin, accounts)
    with app.app_context():
        stored = db.session.scalar(select(ResetLink.token_hash))
    assert stored not in path and path.rsplit("/", 1)[1] not in stored


def test_the_command_prints_a_working_link(app, accounts, runner):
    result = runner.invoke(
        args=["reset-password", "Editor@ASTI.tj", "--base-url", "https://asti.tj"]
    )
    assert result.exit_code == 0, result.output
    path, url = result.output.splitlines()[1:3]
    assert url == f"https://asti.tj{path}"
    assert use(app.test_client(), path).status_code == 302
    assert login(app.test_client(), EDITOR, NEW_PASSWORD).status_code == 302


def test_the_command_refuses_an_unknown_account(runner, accounts):
    result = runner.invoke(args=["reset-password", "nobody@asti.tj"])
    assert result.exit_code != 0
    assert "nobody@asti.tj" in result.output
