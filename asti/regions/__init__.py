"""Regions of activity: the oblast -> district/city -> jamoat tree and cross-border places."""

from flask import Blueprint, current_app, render_template
from sqlalchemy import select

from ..extensions import db
from ..i18n import show_item_or_404
from ..models import News, Program, Region

bp = Blueprint("regions", __name__, url_prefix="/<lang:lang>/regions")


@bp.get("/")
def index():
    """Every region of activity, as a tree."""
    return render_template(
        "regions/index.html",
        tree=Region.tree(db.session.scalars(select(Region).where(Region.visible())).all()),
    )


@bp.get("/<slug:slug>/")
def detail(slug):
    """One region: where it sits, what lies within it, its programs and news."""
    return render_detail(show_item_or_404(Region, slug))


def render_detail(shown):
    """The region page (also the editor's preview)."""
    region = shown.item
    programs = db.session.scalars(
        select(Program).where(Program.visible(), Program.regions.contains(region))
    ).all()
    news = db.session.scalars(
        News.newest_first()
        .where(News.regions.contains(region))
        .limit(current_app.config["NEWS_PER_PAGE"])
    ).all()
    children = db.session.scalars(
        select(Region)
        .where(Region.visible(), Region.parent_id == region.id)
        .order_by(Region.position, Region.id)
    ).all()
    return render_template(
        "regions/detail.html", shown=shown, programs=programs, news=news, children=children
    )
