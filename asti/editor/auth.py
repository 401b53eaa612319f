"""Logging in and out, one's account and its sessions, changing one's password, reset links,
choosing the editor's language. The second step of a two-factor sign-in: ``twofactor.py``."""

from datetime import datetime, timedelta
from functools import cache

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..config import LANGUAGES
from ..extensions import db
from ..i18n import remember_language
from ..models import LOCAL_PATH, LoginAttempt, ResetLink, User, utcnow
from . import bp
from .forms import LoginForm, PasswordForm, ResetPasswordForm
from .records import audit


@cache
def dummy_hash() -> str:
    """Checked when the email is unknown, so that a wrong email costs the same time as a
    wrong password and the timing does not tell which accounts exist. Made on first use:
    hashing takes a tenth of a second, which every worker would pay at start."""
    return generate_password_hash("not a real password")


def throttled(email: str, ip: str) -> bool:
    """Too many recent failures for this account or from this address?"""
    config = current_app.config
    since = utcnow() - timedelta(seconds=config["LOGIN_WINDOW"])
    by_email, by_ip = db.session.execute(
        select(
            func.count().filter(LoginAttempt.email == email),
            func.count().filter(LoginAttempt.ip == ip),
        ).where(
            LoginAttempt.created_at >= since,
            or_(LoginAttempt.email == email, LoginAttempt.ip == ip),
        )
    ).one()
    return by_email >= config["LOGIN_MAX_FAILURES"] or by_ip >= config["LOGIN_MAX_FAILURES_PER_IP"]


def safe_next(target: str | None) -> str:
    """Only return to a page of the editor, never to another site."""
    if target and target.startswith("/editor/") and LOCAL_PATH.fullmatch(target):
        return target
    return url_for("editor.index")


def client_ip() -> str:
    return (request.remote_addr or "")[:64]


def too_many(form, template: str = "editor/login.html", **context):
    """The page that refuses a sign-in attempt for a while (429)."""
    minutes = current_app.config["LOGIN_WINDOW"] // 60
    form.form_errors.append(
        ngettext("Too many failed attempts. Please wait %(num)s minute and try again.",
                 "Too many failed attempts. Please wait %(num)s minutes and try again.",
                 minutes)
    )  # fmt: skip
    return render_template(template, form=form, **context), 429


def failed(email: str, user: User | None = None) -> None:
    """Count a failed attempt (for ``throttled``) and log it."""
    db.session.add(LoginAttempt(email=email[:254], ip=client_ip()))
    audit("login failed", detail=email, user=user)
    db.session.commit()


def start_session(user: User) -> None:
    """Log ``user`` in: this session carries the account's session generation (so that
    ``User.end_sessions`` can end it), and when and from where it began."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == user.email))
    session.pop(PENDING, None)
    login_user(user)
    session.permanent = True
    keep_this_session(user)
    session["signed_in"] = [utcnow().isoformat(), client_ip()]
    audit("login", user=user)
    db.session.commit()


def keep_this_session(user: User) -> None:
    """After ``user.end_sessions()``: the session that ended the others goes on."""
    db.session.flush()
    session["generation"] = user.session_generation


#: The session key of a sign-in whose password was right and whose code is still to come:
#: the account's id and when the password was given. The session is not logged in.
PENDING = "password_ok"
#: How long the code may take after the password.
PENDING_TIME = timedelta(minutes=10)


def pending_user() -> User | None:
    """The account whose password this session gave, if it needs a code and is in time."""
    user_id, at = session.get(PENDING) or (None, None)
    if user_id is None or datetime.fromisoformat(at) < utcnow() - PENDING_TIME:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active and user.totp_secret else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password; then, with two-factor sign-in on, a code."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email, ip = form.email.data.strip().lower(), client_ip()
        if throttled(email, ip):
            return too_many(form)
        user = db.session.scalar(select(User).where(User.email == email))
        password_ok = check_password_hash(
            user.password_hash if user else dummy_hash(), form.password.data
        )
        if user is not None and user.active and password_ok:
            if user.totp_secret:
                # Failures stay counted: the code is throttled with the same count.
                session[PENDING] = [user.id, utcnow().isoformat()]
                return redirect(url_for("editor.login_code", next=request.args.get("next")))
            start_session(user)
            return redirect(safe_next(request.args.get("next")))
        failed(email, user)
        # One message whatever was wrong: it must not tell whether the account exists.
        form.form_errors.append(_("The email or password is not correct."))
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("editor/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Log out."""
    audit("logout")
    db.session.commit()
    logout_user()
    flash(_("You have logged out."))
    return redirect(url_for("editor.login"))


@bp.get("/account")
def account():
    """One's own account: this session, two-factor sign-in, the other sessions."""
    at, ip = session.get("signed_in") or (None, "")
    return render_template(
        "editor/account.html", signed_in_at=at and datetime.fromisoformat(at), signed_in_from=ip
    )


@bp.post("/account/sign-out-everywhere")
def sign_out_everywhere():
    """End every other session of one's account (a forgotten shared computer, a lost phone)."""
    current_user.end_sessions()
    keep_this_session(current_user)
    audit("signed out everywhere")
    db.session.commit()
    flash(_("Every other session of your account has ended."))
    return redirect(url_for("editor.account"))


@bp.route("/password", methods=["GET", "POST"])
def password():
    """Change one's own password (which ends one's other sessions)."""
    form = PasswordForm()
    if form.validate_on_submit():
        if current_user.check_password(form.current_password.data):
            current_user.set_password(form.new_password.data)
            current_user.end_sessions()
            keep_this_session(current_user)
            audit("password changed")
            db.session.commit()
            flash(_("Your password has been changed."))
            return redirect(url_for("editor.index"))
        form.current_password.errors.append(_("This is not your current password."))
    status = 400 if request.method == "POST" else 200
    return render_template("editor/password.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    """A reset link an administrator made: set a new password, once, within 24 hours."""
    link = ResetLink.find(token)
    if link is None:
        return render_template("editor/reset.html", form=None), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = link.user
        user.set_password(form.new_password.data)
        user.end_sessions()
        db.session.delete(link)
        if current_user.is_authenticated:
            logout_user()  # whoever was logged in on this browser is not the link's owner
        audit("reset link used", detail=user.email, user=user)
        db.session.commit()
        flash(_("Your new password is set. Please log in."))
        return redirect(url_for("editor.login"))
    status = 400 if request.method == "POST" else 200
    return render_template("editor/reset.html", form=form), status


@bp.get("/language/<code>")
def language(code):
    """Switch the editor's own language (a cookie, as on the public site)."""
    response = redirect(safe_next(request.args.get("next")))
    if code in LANGUAGES:
        remember_language(response, code)
    return response
