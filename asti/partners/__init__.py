"""Partners and donors: who ASTI's programs work with and who funds them, each with its
logo, its own website and the programs it took part in."""

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..i18n import localize, show_item_or_404
from ..models import Partner, Program

bp = Blueprint("partners", __name__, url_prefix="/<lang:lang>/partners")


def visible_partners(*where) -> list[Partner]:
    """The partners the public may see, by name in the page's language."""
    query = select(Partner).where(Partner.visible(), *where).options(joinedload(Partner.image))
    partners = db.session.scalars(query).all()
    return sorted(partners, key=lambda p: localize(p).t.title.casefold())


@bp.app_template_global()
def partners_of(program=None) -> list[Partner]:
    """The partners and donors for the strip of the home page (all of them) or of a
    program's page: a template global, so the pages that show the strip need not import
    this feature."""
    return visible_partners(*([Partner.programs.contains(program)] if program else []))


@bp.get("/")
def index():
    """Every partner and donor, with the programs each took part in."""
    programs = set(db.session.scalars(select(Program.id).where(Program.visible())))
    return render_template(
        "partners/index.html", partners=visible_partners(), visible_programs=programs
    )


@bp.get("/<slug:slug>/")
def detail(slug):
    """One partner or donor: its name, its website and its programs."""
    return render_detail(show_item_or_404(Partner, slug))


def render_detail(shown):
    """The partner's page (also the editor's preview)."""
    programs = db.session.scalars(
        select(Program).where(Program.visible(), Program.partners.contains(shown.item))
    ).all()
    return render_template("partners/detail.html", shown=shown, programs=programs)
