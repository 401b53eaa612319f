"""The editor's first page."""

from flask import render_template

from ..extensions import db
from ..registry import kinds
from . import bp
from .content import PER_PAGE


@bp.get("/")
def index():
    """The translation matrix: every item against every language."""
    rows = []
    for kind in kinds:
        model = kind.model
        query = model.live().order_by(model.published_at.desc(), model.id.desc()).limit(PER_PAGE)
        rows += [(kind, item) for item in db.session.scalars(query)]
    return render_template("editor/index.html", rows=rows)
