"""The staff editor at ``/editor/``: accounts, content in three languages, revisions."""

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..extensions import csrf, db, login_manager
from ..models import REQUIRE_TWO_FACTOR, STATUSES, Setting, User
from ..registry import KindConverter, kinds
from ..text import render_markdown

bp = Blueprint("editor", __name__, url_prefix="/editor")

#: Pages of the editor open to anyone: the login form and its second step, a reset link.
PUBLIC_ENDPOINTS = {"editor.login", "editor.login_code", "editor.reset_password", "editor.language"}
#: The pages an account that must still turn two-factor sign-in on can open.
ENROLMENT_ENDPOINTS = {"editor.two_factor", "editor.logout"}


@bp.before_request
def require_login():
    """Every editor page needs a logged-in, active account of the current session
    generation (``load_user``); and, when administrators require it, two-factor sign-in:
    until it is on, the account can only turn it on."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if (
        request.endpoint not in ENROLMENT_ENDPOINTS
        and current_user.totp_secret is None
        and Setting.flag(REQUIRE_TWO_FACTOR)
    ):
        return redirect(url_for("editor.two_factor"))
    return None


@bp.after_request
def private(response):
    # Editor pages show drafts and personal data: never cache or index them.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def admin_required():
    """Managing users and reading the audit log are for administrators."""
    if not current_user.is_admin:
        abort(403)


def load_user(user_id: str):
    """The session's account, unless it was disabled or its sessions were ended since this
    session began (a password change, "Sign out everywhere", ...: ``User.end_sessions``)."""
    user = db.session.get(User, int(user_id)) if user_id.isdecimal() else None
    if user is None or not user.active or session.get("generation") != user.session_generation:
        return None
    return user


def csrf_refused(error):
    """A form without a valid CSRF token is refused (400). An item form comes back with
    what was typed, under a fresh token, so a long edit is never lost."""
    if request.endpoint in {"editor.create", "editor.edit"} and current_user.is_authenticated:
        return content.refused_form(**request.view_args)
    return render_template("editor/csrf.html"), 400


def init_app(app) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "editor.login"
    login_manager.login_message = None  # the login page explains itself
    login_manager.session_protection = "basic"  # "strong" logs out phones whose IP changes
    app.register_error_handler(CSRFError, csrf_refused)
    app.jinja_env.globals.update(kinds=kinds, STATUSES=STATUSES)
    app.add_template_filter(render_markdown, "markdown")  # the formatting help's examples
    app.url_map.converters["kind"] = KindConverter
    app.register_blueprint(bp)


from . import auth, content, dashboard, history, media, redirects, settings, twofactor, users  # noqa: E402, F401  (they add their routes to bp)
