"""Addresses of the old site that now lead to pages of this one."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from ..extensions import db
from ..models import LegacyRedirect, legacy_paths
from . import bp
from .forms import RedirectForm
from .records import audit


@bp.route("/redirects/", methods=["GET", "POST"])
def redirects():
    """List the old addresses and add one."""
    form = RedirectForm()
    status = 200
    if form.validate_on_submit():
        try:
            old, target = legacy_paths(form.old_path.data, form.target.data)
        except ValueError:
            form.old_path.errors.append(_("Both addresses must start with /."))
        else:
            entry = db.session.scalar(
                select(LegacyRedirect).where(LegacyRedirect.old_path == old)
            ) or LegacyRedirect(old_path=old)
            entry.target = target
            db.session.add(entry)
            audit("redirect saved", detail=f"{old} -> {target}")
            db.session.commit()
            flash(_("Saved."))
            return redirect(url_for("editor.redirects"))
    if request.method == "POST":
        status = 400
    entries = db.session.scalars(select(LegacyRedirect).order_by(LegacyRedirect.old_path)).all()
    return render_template("editor/redirects.html", form=form, entries=entries), status


@bp.post("/redirects/<int:entry_id>/delete")
def delete_redirect(entry_id):
    """Remove an old address."""
    entry = db.session.get(LegacyRedirect, entry_id)
    if entry is None:
        raise NotFound()
    audit("redirect deleted", detail=entry.old_path)
    db.session.delete(entry)
    db.session.commit()
    flash(_("Deleted."))
    return redirect(url_for("editor.redirects"))
