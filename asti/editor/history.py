"""Revisions of an item: the list, one saved state, and restoring it."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from ..extensions import db
from ..models import Revision, utcnow
from ..registry import Kind, kinds
from . import bp
from .content import get_item
from .records import apply, record


@bp.get("/<kind:kind>/<int:item_id>/revisions/")
def revisions(kind, item_id):
    """Every saved state of an item, newest first."""
    item = get_item(kind, item_id)
    query = (
        select(Revision)
        .where(Revision.kind == kind.key, Revision.item_id == item.id)
        .order_by(Revision.id.desc())
    )
    return render_template(
        "editor/revisions.html", kind=kind, item=item, revisions=db.session.scalars(query).all()
    )


def get_revision(revision_id: int) -> tuple[Revision, Kind, object]:
    """The revision, its item's kind and its item (not in the trash), or 404."""
    revision = db.session.get(Revision, revision_id)
    if revision is None or revision.kind not in kinds:
        raise NotFound()
    kind = kinds[revision.kind]
    return revision, kind, get_item(kind, revision.item_id)


@bp.get("/revisions/<int:revision_id>")
def revision(revision_id):
    """One saved state, field by field."""
    rev, kind, item = get_revision(revision_id)
    return render_template("editor/revision.html", rev=rev, item=item, kind=kind)


@bp.post("/revisions/<int:revision_id>/restore")
def restore(revision_id):
    """Make an old revision the current state (itself saved as a new revision)."""
    rev, kind, item = get_revision(revision_id)
    apply(item, rev.data)
    item.updated_at = utcnow()
    record(item, f"restored version {rev.version}")
    db.session.commit()
    flash(_("The earlier version has been restored."))
    return redirect(url_for("editor.edit", kind=kind, item_id=item.id))
