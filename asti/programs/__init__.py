"""Programs: current and past, each with donor, partners, period, regions and results."""

from flask import Blueprint, current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..i18n import show_item_or_404
from ..models import News, Program

bp = Blueprint("programs", __name__, url_prefix="/<lang:lang>/programs")


@bp.get("/")
def index():
    """Current programs first, then past ones; the most recent start first in each."""
    programs = db.session.scalars(
        select(Program)
        .where(Program.visible())
        .options(joinedload(Program.image))  # each card shows its cover
        .order_by(Program.start_date.desc().nulls_last(), Program.id.desc())
    ).all()
    return render_template(
        "programs/index.html",
        current=[p for p in programs if p.is_current],
        past=[p for p in programs if not p.is_current],
    )


@bp.get("/<slug:slug>/")
def detail(slug):
    """One program: its facts, where it works and the news about it."""
    return render_detail(show_item_or_404(Program, slug))


def render_detail(shown):
    """The program page (also the editor's preview)."""
    news = db.session.scalars(
        News.newest_first()
        .where(News.program_id == shown.item.id)
        .limit(current_app.config["NEWS_PER_PAGE"])
    ).all()
    return render_template("programs/detail.html", shown=shown, news=news)
