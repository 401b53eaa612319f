"""Home, the standing pages (about, contacts), language choice, health check and errors."""

import contextlib
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from markupsafe import Markup
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..i18n import negotiate, show
from ..models import CONTROL, LegacyRedirect, News, Page, Program, Region
from ..pagecache.state import per_version

bp = Blueprint("pages", __name__)

HOME_NEWS = 5
#: Programs on the home page when none is current: the latest.
HOME_PROGRAMS = 3


@bp.get("/")
def root():
    """Send the reader to their language: cookie, then Accept-Language, then the default."""
    response = redirect(url_for("pages.home", lang=negotiate()))
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


@bp.get("/<lang:lang>/")
def home():
    """Latest news, current programs (or, when none is, the latest ones) and where ASTI
    works: the same for every reader of a language until the content changes."""
    body = per_version(
        ("home", g.lang), lambda: Markup(render_template("pages/home_body.html", **sections()))
    )
    return render_template("pages/home.html", body=body)


def sections() -> dict:
    """What the home page's sections show."""
    news = db.session.scalars(News.newest_first().limit(HOME_NEWS)).all()
    programs = db.session.scalars(
        select(Program)
        .where(Program.visible())
        .options(joinedload(Program.image))  # each card shows its cover
        .order_by(Program.start_date.desc().nulls_last(), Program.id.desc())
    ).all()
    current = sorted((p for p in programs if p.is_current), key=lambda p: p.id)
    regions = db.session.scalars(select(Region).where(Region.visible())).all()
    return {
        "news": news,
        "programs": current,
        "recent": [] if current else programs[:HOME_PROGRAMS],
        "tree": Region.tree(regions),
    }


@bp.get("/<lang:lang>/<slug:key>/")
def page(key):
    """A standing page such as "about" or "contacts" (URL rules with fixed words, like
    ``/<lang>/news/``, take precedence over this one)."""
    item = db.session.scalar(select(Page).where(Page.key == key, Page.visible()))
    if item is None or not item.translations:
        abort(404)
    return render_detail(show(item))


def render_detail(shown):
    """A standing page (also the editor's preview)."""
    return render_template("pages/page.html", shown=shown)


@bp.get("/media/<path:filename>")
def media(filename):
    """Uploaded images, from the instance folder (never from the code tree). Their names
    carry a hash of the pixels, so they never change and may be cached for a year."""
    response = send_from_directory(
        Path(current_app.instance_path) / "media", filename, max_age=365 * 24 * 3600
    )
    # Uploads are images only; even so, never let a browser run one as a page or script.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/healthz")
def healthz():
    """200 when the database answers, for monitoring and the load balancer."""
    # Never from a cache (pagecache.mark_public leaves no-store alone): it must ask now.
    headers = {"Cache-Control": "no-store"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "unhealthy", never a 500 page
        return {"status": "database unavailable"}, 503, headers
    return {"status": "ok"}, 200, headers


#: The latest news offered on the "page not found" page.
NOT_FOUND_NEWS = 3


def unless_database_fails(query, default):
    """``query()``, or ``default`` when the database cannot answer: what a page that must
    never fail (the 404) reads besides its own message."""
    try:
        return query()
    except SQLAlchemyError:
        current_app.logger.exception("page not found: the database did not answer")
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        return default


def moved_to() -> str | None:
    """Where an address of the old site now is (its row in the redirects table)."""
    # No stored address holds control characters (and PostgreSQL refuses NUL in a query).
    if CONTROL.search(request.full_path):
        return None
    return db.session.scalar(
        select(LegacyRedirect.target).where(
            LegacyRedirect.old_path.in_([request.full_path.rstrip("?"), request.path])
        )
    )


def page_not_found(error):
    """An address of the old site goes to its new page (301); anything else is a localized
    404, in the reader's language when the URL names none, with a search box and the latest
    news to go on from. Neither lookup may turn the 404 into a 500."""
    moved = unless_database_fails(moved_to, None)
    if moved:
        return redirect(moved, 301)
    g.setdefault("lang", negotiate())
    news = unless_database_fails(
        lambda: db.session.scalars(News.newest_first().limit(NOT_FOUND_NEWS)).all(), []
    )
    return render_template("pages/error.html", code=404, news=news), 404


def too_large(error):
    """Localized 413: a request or upload over MAX_CONTENT_LENGTH."""
    g.setdefault("lang", negotiate())
    return render_template("pages/error.html", code=413), 413


def server_error(error):
    """Localized 500; the traceback goes to the log, not to the reader."""
    g.setdefault("lang", negotiate())
    return render_template("pages/error.html", code=500), 500
