"""The staff editor at ``/editor/``: accounts, content in three languages, revisions."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..extensions import csrf, db, login_manager
from ..models import STATUSES, User
from ..registry import KindConverter, kinds
from ..text import render_markdown

bp = Blueprint("editor", __name__, url_prefix="/editor")

#: Pages of the editor open to anyone: the login form itself.
PUBLIC_ENDPOINTS = {"editor.login", "editor.language"}


@bp.before_request
def require_login():
    """Every editor page needs a logged-in, active account."""
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return login_manager.unauthorized()


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
    user = db.session.get(User, int(user_id)) if user_id.isdecimal() else None
    return user if user is not None and user.active else None


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


from . import auth, content, dashboard, history, media, redirects, users  # noqa: E402, F401  (they add their routes to bp)
