"""Logging in and out, changing one's password, choosing the editor's language."""

from datetime import timedelta
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
from ..models import LOCAL_PATH, LoginAttempt, User, utcnow
from . import bp
from .forms import LoginForm, PasswordForm
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email, ip = form.email.data.strip().lower(), (request.remote_addr or "")[:64]
        if throttled(email, ip):
            minutes = current_app.config["LOGIN_WINDOW"] // 60
            form.form_errors.append(
                ngettext("Too many failed attempts. Please wait %(num)s minute and try again.",
                         "Too many failed attempts. Please wait %(num)s minutes and try again.",
                         minutes)
            )  # fmt: skip
            return render_template("editor/login.html", form=form), 429
        user = db.session.scalar(select(User).where(User.email == email))
        password_ok = check_password_hash(
            user.password_hash if user else dummy_hash(), form.password.data
        )
        if user is not None and user.active and password_ok:
            db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
            login_user(user)
            session.permanent = True
            audit("login")
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
        db.session.add(LoginAttempt(email=email[:254], ip=ip))
        db.session.commit()
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


@bp.route("/password", methods=["GET", "POST"])
def password():
    """Change one's own password."""
    form = PasswordForm()
    if form.validate_on_submit():
        if current_user.check_password(form.current_password.data):
            current_user.set_password(form.new_password.data)
            audit("password changed")
            db.session.commit()
            flash(_("Your password has been changed."))
            return redirect(url_for("editor.index"))
        form.current_password.errors.append(_("This is not your current password."))
    status = 400 if request.method == "POST" else 200
    return render_template("editor/password.html", form=form), status


@bp.get("/language/<code>")
def language(code):
    """Switch the editor's own language (a cookie, as on the public site)."""
    response = redirect(safe_next(request.args.get("next")))
    if code in LANGUAGES:
        remember_language(response, code)
    return response
