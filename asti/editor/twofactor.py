"""Two-factor sign-in with an authenticator app (TOTP, RFC 6238): turning it on and off,
the code asked after the password, one-time recovery codes for a lost phone."""

import hmac
import secrets
import time

import pyotp
import segno
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import delete, select

from ..extensions import db
from ..models import RecoveryCode, User, token_hash
from . import bp
from .auth import (
    client_ip,
    failed,
    keep_this_session,
    pending_user,
    safe_next,
    start_session,
    throttled,
    too_many,
)
from .forms import CodeForm, CurrentPasswordForm, EnrolForm
from .records import audit

#: How authenticator apps name the site: in Latin letters, the same for every language.
ISSUER = "ASTI"
RECOVERY_CODES = 10
#: Codes of the step before and after the current one are accepted too: phones' clocks drift.
DRIFT = 1
#: The session key of a secret shown for enrolment and not yet confirmed by a code (the
#: session cookie is signed, and only its owner's browser holds it).
ENROLLING = "totp_enrolling"


def accept_totp(user: User, code: str) -> bool:
    """Is ``code`` the app's code for now, and newer than the last one accepted? Then it
    is remembered, so that the same code cannot be used again within its window."""
    totp = pyotp.TOTP(user.totp_secret)
    now = int(time.time()) // totp.interval
    # Compared as bytes: compare_digest refuses a str with other than ASCII letters
    # ("١٢٣٤٥٦", Arabic-Indic digits, pass str.isdigit), which would be a 500.
    typed = code.encode()
    for step in range(now - DRIFT, now + DRIFT + 1):
        if hmac.compare_digest(totp.generate_otp(step).encode(), typed):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False  # replayed
            user.totp_last_step = step
            return True
    return False


def normalized(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def use_recovery_code(user: User, code: str) -> bool:
    """Is ``code`` one of the account's recovery codes? Then it is used up."""
    found = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == token_hash(normalized(code))
        )
    )
    if found is None:
        return False
    db.session.delete(found)
    return True


def new_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes for ``user`` (replacing any earlier ones), to show once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=token_hash(c)) for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def turn_off(user: User) -> None:
    """Two-factor sign-in off for ``user``; their sessions end (the caller keeps its own)."""
    user.totp_secret = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.end_sessions()


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step of signing in: a code from the app, or a recovery code."""
    user = pending_user()
    if user is None:
        return redirect(url_for("editor.login", next=request.args.get("next")))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        if throttled(user.email, client_ip()):
            return too_many(form, "editor/login_code.html", issuer=ISSUER)
        code = form.code.data.strip()
        if code.isdigit() and accept_totp(user, code):
            start_session(user)
            return redirect(safe_next(request.args.get("next")))
        if not code.isdigit() and use_recovery_code(user, code):
            audit("recovery code used", user=user)
            start_session(user)
            flash(_("You used a recovery code: it will not work again."))
            return redirect(safe_next(request.args.get("next")))
        failed(user.email, user)
        form.code.errors.append(_("This code is not correct."))
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("editor/login_code.html", form=form, issuer=ISSUER), status


def qr_code(uri: str) -> Markup:
    """The enrolment address as a QR code, an SVG in the page: no service sees the secret,
    and the CSP needs no exception (segno writes no inline style)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    label = _("QR code for your authenticator app")
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="%s" ', 1)) % label


@bp.route("/account/two-factor", methods=["GET", "POST"])
def two_factor():
    """Turn two-factor sign-in on: scan (or type) the secret, confirm with a code."""
    if current_user.totp_secret:
        return redirect(url_for("editor.account"))
    secret = session.get(ENROLLING) or pyotp.random_base32()
    session[ENROLLING] = secret
    form = EnrolForm()
    status = 200
    if form.validate_on_submit():
        current_user.totp_secret = secret
        if accept_totp(current_user, form.code.data.strip()):
            session.pop(ENROLLING)
            codes = new_recovery_codes(current_user)
            current_user.end_sessions()
            keep_this_session(current_user)
            audit("two-factor enabled")
            db.session.commit()
            return render_template("editor/recovery_codes.html", codes=codes)
        current_user.totp_secret = None
        form.code.errors.append(_("This code is not correct."))
    if request.method == "POST":
        status = 400
    uri = pyotp.TOTP(secret).provisioning_uri(name=current_user.email, issuer_name=ISSUER)
    return render_template(
        "editor/two_factor.html", form=form, secret=secret, qr=qr_code(uri)
    ), status


@bp.route("/account/two-factor/off", methods=["GET", "POST"])
def two_factor_off():
    """Turn one's own two-factor sign-in off (with the password, as a second thought)."""
    if not current_user.totp_secret:
        return redirect(url_for("editor.account"))
    form = CurrentPasswordForm()
    if form.validate_on_submit():
        if current_user.check_password(form.current_password.data):
            turn_off(current_user)
            keep_this_session(current_user)
            audit("two-factor disabled")
            db.session.commit()
            flash(_("Two-factor sign-in is off."))
            return redirect(url_for("editor.account"))
        form.current_password.errors.append(_("This is not your current password."))
    status = 400 if request.method == "POST" else 200
    return render_template("editor/two_factor_off.html", form=form), status
