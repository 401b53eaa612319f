"""Regions of activity: the oblast -> district/city -> jamoat tree and cross-border places,
with the map (``map``) that marks them; and the same map around the office, for the
contacts page (``office_map``)."""

from flask import Blueprint, current_app, render_template
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..i18n import show_item_or_404
from ..models import COUNTRIES, REGION_KINDS, News, Program, Region
from .map import HEIGHT, WIDTH, region_map
from .map import office_map as office_view

bp = Blueprint("regions", __name__, url_prefix="/<lang:lang>/regions")
bp.add_app_template_global(REGION_KINDS, "REGION_KINDS")
bp.add_app_template_global(COUNTRIES, "COUNTRIES")


@bp.app_template_global()
def office_map(latitude: float, longitude: float, name: str) -> Markup:
    """The office at (latitude, longitude), named ``name``, on the part of the regions map
    around it: a template global, so that the contacts page (another feature, which may not
    import this one) can show it. Empty when the map does not reach that point."""
    office = office_view(latitude, longitude, name)
    if office is None:
        return Markup("")
    return Markup(
        render_template(
            "regions/office_map.html",
            office=office,
            latitude=latitude,
            longitude=longitude,
            width=WIDTH,
            height=HEIGHT,
        )
    )


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
        select(Program)
        .where(Program.visible(), Program.regions.contains(region))
        .options(joinedload(Program.image))
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
