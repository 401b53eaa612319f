"""News: the list, newest first, and the article with "Other news"."""

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import select

from ..extensions import db
from ..i18n import show_item_or_404
from ..models import News

bp = Blueprint("news", __name__, url_prefix="/<lang:lang>/news")


def page_number() -> int:
    """``?page=`` as a positive number; anything else names no page."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 0 < int(raw) < 100_000:
        abort(404)
    return int(raw)


def newest_first():
    return select(News).where(News.visible()).order_by(News.published_at.desc(), News.id.desc())


@bp.get("/")
def index():
    """All published news, newest first, a page at a time."""
    pagination = db.paginate(
        newest_first(), page=page_number(), per_page=current_app.config["NEWS_PER_PAGE"]
    )
    return render_template("news/index.html", pagination=pagination)


@bp.get("/<slug>/")
def detail(slug):
    """One article, with the latest other news below it."""
    return render_detail(show_item_or_404(News, slug))


def render_detail(shown):
    """The article page (also the editor's preview, so both show exactly the same)."""
    others = db.session.scalars(
        newest_first().where(News.id != shown.item.id).limit(current_app.config["OTHER_NEWS"])
    ).all()
    return render_template("news/detail.html", shown=shown, others=others)
