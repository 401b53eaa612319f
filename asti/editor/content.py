"""Editing content: lists, one form per item with a section per language, preview,
trash, revisions, and the translation matrix. Nothing typed is lost: a refused save shows
the form again with the text as it was sent."""

from pathlib import Path

from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, to_user_timezone, to_utc
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import NotFound

from ..config import LANGUAGES
from ..extensions import db
from ..i18n import show
from ..images import ImageRejected, store_image
from ..models import Image, utcnow
from ..registry import Kind, kinds
from . import bp
from .records import apply, audit, item_columns, record, snapshot

PER_PAGE = 50


def get_item(kind: Kind, item_id: int, deleted: bool = False, lock: bool = False):
    """The item, or 404. ``lock`` holds its row until the save commits (PostgreSQL's
    SELECT ... FOR UPDATE; SQLite's BEGIN IMMEDIATE already does), so a second save of the
    same item waits, then sees the new version and gets the conflict page."""
    item = db.session.get(kind.model, item_id, with_for_update=lock, populate_existing=lock)
    if item is None or (item.deleted_at is not None) != deleted:
        raise NotFound()
    return item


def build_form(kind: Kind, item=None):
    """The item's form: bound to the POSTed data if any, else filled from the item."""
    data = {}
    if item is not None:
        data = {c.name: getattr(item, c.name) for c in item_columns(kind.model)}
        data["version"] = item.version
        data["published_at"] = to_user_timezone(item.published_at).replace(tzinfo=None)
        if hasattr(item, "regions"):
            data["region_ids"] = [r.id for r in item.regions]
        fields = kind.translation_model.text_fields()
        for lang, t in item.translations.items():
            data[lang] = {name: getattr(t, name) for name in fields}
    form = kind.form(data=data)
    form.prepare(item, str(get_locale()))
    return form


def content_of(form, model) -> dict:
    """The form's content in the shape of a revision snapshot (see records.apply)."""
    data = {c.name: form[c.name].data for c in item_columns(model) if c.name in form}
    data["published_at"] = to_utc(form.published_at.data) if form.published_at.data else utcnow()
    if "region_ids" in form:
        data["region_ids"] = form.region_ids.data
    data["translations"] = {
        lang: section.form.content()
        for lang, section in form.sections()
        if section.form.is_filled()
    }
    return data


def upload(form) -> int | None:
    """Store an uploaded image; its id, or None when no file was sent."""
    file = form.image.data
    if not file or not getattr(file, "filename", ""):
        return None
    stored = store_image(
        file.stream,
        Path(current_app.instance_path) / "media",
        current_app.config["MAX_IMAGE_BYTES"],
    )
    image = db.session.scalar(select(Image).where(Image.key == stored.key))
    if image is None:
        image = Image(key=stored.key, width=stored.width, height=stored.height)
        db.session.add(image)
        db.session.flush()
    return image.id


def edit_page(kind, form, item=None, status=200, theirs=None):
    return render_template(
        "editor/edit.html", kind=kind, form=form, item=item, theirs=theirs
    ), status


def conflict(kind, form, item):
    """Someone saved in between: show both versions, keep what this person typed, and let
    the next save (now against the latest version) go through knowingly."""
    db.session.rollback()
    db.session.refresh(item)
    form.version.data = str(item.version)
    form.form_errors.append(
        _("Someone else saved this item while you were editing it. Your text is kept in the "
          "form; their version is shown beside each language. Combine them and save again.")
    )  # fmt: skip
    return edit_page(kind, form, item, 409, theirs=snapshot(item))


def refused_form(kind: Kind, item_id: int | None = None):
    """The form as it was sent, when its CSRF token was refused: nothing is saved."""
    item = get_item(kind, item_id) if item_id is not None else None
    form = build_form(kind, item)
    form.form_errors.append(
        _("Your session's security check failed, so nothing was saved. Your text is kept "
          "below: check it and save again.")
    )  # fmt: skip
    return edit_page(kind, form, item, 400)


def save(kind: Kind, item=None):
    """Create or update an item from its form."""
    model = kind.model
    form = build_form(kind, item)
    if not form.validate_on_submit():
        return edit_page(kind, form, item, 400 if request.method == "POST" else 200)
    if item is not None and form.version.data != str(item.version):
        return conflict(kind, form, item)
    data = content_of(form, model)
    try:
        image_id = upload(form)
    except ImageRejected as error:
        form.image.errors.append(error.message)
        return edit_page(kind, form, item, 400)
    if image_id is not None:
        data["image_id"] = image_id
    elif form.remove_image.data:
        data["image_id"] = None
    created = item is None
    if created:
        item = model(source_lang=next(iter(data["translations"])))
        db.session.add(item)
    try:
        apply(item, data)
        for lang, section in form.sections():
            if section.form.confirm.data and lang in item.translations:
                item.translations[lang].updated_at = utcnow()
        if not created:
            item.updated_at = utcnow()  # every save bumps the version, even text-only ones
        record(item, "created" if created else "saved")
        db.session.commit()
    except StaleDataError:
        return conflict(kind, form, item)
    flash(_("Saved."))
    return redirect(url_for("editor.edit", kind=kind, item_id=item.id))


@bp.get("/<kind:kind>/")
def items(kind):
    """All items of one kind."""
    model = kind.model
    query = model.live().order_by(model.published_at.desc(), model.id.desc())
    pagination = db.paginate(query, per_page=PER_PAGE)
    return render_template("editor/items.html", kind=kind, pagination=pagination)


@bp.route("/<kind:kind>/new", methods=["GET", "POST"])
def create(kind):
    """A new item."""
    return save(kind)


@bp.route("/<kind:kind>/<int:item_id>", methods=["GET", "POST"])
def edit(kind, item_id):
    """Edit an item in all its languages."""
    return save(kind, get_item(kind, item_id, lock=request.method == "POST"))


@bp.get("/<kind:kind>/<int:item_id>/preview/<code>")
def preview(kind, item_id, code):
    """The public page of the item, draft or not, exactly as readers will see it."""
    if code not in LANGUAGES:
        raise NotFound()
    item = get_item(kind, item_id)
    g.lang, g.preview = code, True
    return kind.render(show(item))


@bp.post("/<kind:kind>/<int:item_id>/delete")
def delete(kind, item_id):
    """Move an item to the trash."""
    item = get_item(kind, item_id)
    item.deleted_at = utcnow()
    audit("deleted", item)
    db.session.commit()
    flash(_("Moved to the trash. It can be restored from there."))
    return redirect(url_for("editor.items", kind=kind))


@bp.get("/trash/")
def trash():
    """Deleted items, newest deletion first."""
    rows = []
    for kind in kinds:
        model = kind.model
        query = select(model).where(model.deleted_at.is_not(None))
        rows += [(kind, item) for item in db.session.scalars(query)]
    rows.sort(key=lambda row: row[1].deleted_at, reverse=True)
    return render_template("editor/trash.html", rows=rows)


@bp.post("/trash/<kind:kind>/<int:item_id>/restore")
def untrash(kind, item_id):
    """Take an item out of the trash."""
    item = get_item(kind, item_id, deleted=True)
    item.deleted_at = None
    audit("restored from trash", item)
    db.session.commit()
    flash(_("Restored."))
    return redirect(url_for("editor.edit", kind=kind, item_id=item.id))
