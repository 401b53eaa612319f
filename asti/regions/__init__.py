"""Regions of activity: the oblast -> district/city -> jamoat tree and cross-border places,
with the map (``map``) that marks them."""

from flask import Blueprint, current_app, render_template
from sqlalchemy import select

from ..extensions import db
from ..i18n import show_item_or_404
from ..models import COUNTRIES, REGION_KINDS, News, Program, Region
from .map import region_map

bp = Blueprint("regions", __name__, url_prefix="/<lang:lang>/regions")
bp.add_app_template_global(REGION_KINDS, "REGION_KINDS")
bp.add_app_template_global(COUNTRIES, "COUNTRIES")


def in_tree_order(tree) -> list[Region]:
    """The regions of a tree as the list shows them, so that the map's links come in the
    same order to the keyboard."""
    return [r for region, children in tree for r in (region, *in_tree_order(children))]


@bp.get("/")
def index():
    """Every region of activity, on a map and as a tree."""
    tree = Region.tree(db.session.scalars(select(Region).where(Region.visible())).all())
    return render_template(
        "regions/index.html", tree=tree, region_map=region_map(in_tree_order(tree))
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
