"""The photo library: every uploaded photo, its texts per language, where it is used.

A photo is used by an item in three ways: in its gallery (a ``<Model>Photo`` row), as its
lead photo (``image_id``), or inside one of its texts (``![alt](media:12)``). The library
lists the photos, finds them by what describes them, edits those texts, and deletes a photo
only after saying where it is used. Deleting removes the record; the files stay on disk
until ``flask --app asti prune-media``."""

import os
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from sqlalchemy import and_, bindparam, func, or_, select
from werkzeug.exceptions import NotFound

from ..extensions import db
from ..i18n import localize
from ..images import ImageRejected, store_image
from ..models import LARGEST_ID, Image, ImageText
from ..registry import Kind, kinds
from ..text import MEDIA_REFERENCE
from . import bp
from .forms import ACCEPT, PhotoTextsForm, SafeForm, upload_limits
from .records import audit

#: Photos on one page of the library.
PER_PAGE = 48
#: How an item uses a photo, in the order they are named.
WAYS = {"lead": _l("as the lead photo"), "gallery": _l("in the gallery"), "text": _l("in the text")}


def library_image(stored, name: str, size: int):
    """The library's record of a stored photo: the same pixels uploaded again are the
    same photo."""
    image = db.session.scalar(select(Image).where(Image.key == stored.key))
    if image is None:
        image = Image(
            key=stored.key, width=stored.width, height=stored.height, name=name[:255], bytes=size
        )
        db.session.add(image)
        db.session.flush()
    return image


def store_upload(file):
    """Store one uploaded file as a photo of the library (ImageRejected if it is none)."""
    root = Path(current_app.instance_path) / "media"
    stored = store_image(
        file.stream,
        root,
        current_app.config["MAX_IMAGE_BYTES"],
        current_app.config["MAX_IMAGE_PIXELS"],
    )
    # The same pixels as a deleted photo's find its files still there: the folder is marked
    # as just used, so that prune-media leaves it alone until this photo's record is saved.
    os.utime(root / stored.key)
    if stored.animated:
        flash(_("%(name)s is animated: the site shows it as a still picture (its first frame).",
                name=file.filename))  # fmt: skip
    return library_image(stored, file.filename or "", stored.bytes)


def store_uploads(field) -> list[Image]:
    """The photos of the files chosen in ``field`` (validated: its errors are a list), each
    stored in the library; a file that is no photo the site accepts puts its name and the
    reason among the field's errors instead."""
    images = []
    for file in field.data or []:
        if not getattr(file, "filename", ""):
            continue  # the browser sends an empty part when no file is chosen
        try:
            images.append(store_upload(file))
        except ImageRejected as error:
            field.errors.append(f"{file.filename}: {error.message}")
    return images


# --- where a photo is used ----------------------------------------------------------------


@dataclass(frozen=True)
class Use:
    """An item that uses a photo, and how (``ways``: keys of ``WAYS``)."""

    kind: Kind
    item: Any
    ways: tuple[str, ...]
    #: The item's title in the editor's language (or the next one it has), and that
    #: language when it is another one (for the ``lang`` attribute).
    title: str
    title_lang: str | None
    #: Its editor form; for an item in the trash, the trash (its form is not open).
    url: str

    @property
    def trashed(self) -> bool:
        return self.item.deleted_at is not None

    @property
    def labels(self) -> list[str]:
        return [str(WAYS[way]) for way in self.ways]


def text_references(kind: Kind, image_id: int | None = None) -> dict[int, set[int]]:
    """Which items of ``kind`` show which photos inside their texts (any text field, any
    language): {photo id: {item ids}}; only photo ``image_id`` if given.

    SQL finds the texts that may name a photo (``LIKE``, which cannot tell ``media:1``
    from the start of ``media:12``); the renderer's own pattern then reads the numbers."""
    texts = kind.translation_model
    fields = [getattr(texts, name) for name in texts.text_fields()]
    pattern = "%media:%" if image_id is None else f"%media:{image_id}%"
    query = select(texts.parent_id, *fields).where(or_(*(f.ilike(pattern) for f in fields)))
    found = defaultdict(set)
    for parent_id, *values in db.session.execute(query):
        for value in values:
            for number in MEDIA_REFERENCE.findall(value or ""):
                if image_id is None or int(number) == image_id:
                    found[int(number)].add(parent_id)
    return found


def all_text_references() -> dict[int, set[tuple[str, int]]]:
    """Every photo named inside a text: {photo id: {(kind key, item id)}}."""
    found = defaultdict(set)
    for kind in kinds:
        for image_id, item_ids in text_references(kind).items():
            found[image_id] |= {(kind.key, item_id) for item_id in item_ids}
    return found


def uses(image, lang: str | None = None) -> list[Use]:
    """Where ``image`` is used: every item, of every kind, whose gallery holds it, whose
    lead photo it is, or whose text shows it; items in the trash too. Titled in ``lang``
    (default: the editor's language)."""
    lang = lang or str(get_locale())
    found = []
    for kind in kinds:
        model, photo = kind.model, kind.model.photo_class
        ways = defaultdict(list)
        for item_id in db.session.scalars(select(model.id).where(model.image_id == image.id)):
            ways[item_id].append("lead")
        query = select(photo.parent_id).where(photo.image_id == image.id)
        for item_id in db.session.scalars(query):
            ways[item_id].append("gallery")
        for item_id in text_references(kind, image.id).get(image.id, ()):
            ways[item_id].append("text")
        if not ways:
            continue
        for item in db.session.scalars(select(model).where(model.id.in_(ways)).order_by(model.id)):
            shown = localize(item, lang)
            trashed = item.deleted_at is not None
            found.append(
                Use(
                    kind=kind,
                    item=item,
                    ways=tuple(dict.fromkeys(ways[item.id])),
                    title=shown.t.title if shown else f"{kind.singular} {item.id}",
                    title_lang=shown.t.lang if shown and shown.is_fallback else None,
                    url=url_for("editor.trash")
                    if trashed
                    else url_for("editor.edit", kind=kind, item_id=item.id),
                )
            )
    return found


def places(ids: list[int], referenced: dict[int, set]) -> dict[int, int]:
    """How many items use each of the photos ``ids`` (in any way, trash included), from
    ``all_text_references()`` and the galleries and leads."""
    found = defaultdict(set)
    for kind in kinds:
        model, photo = kind.model, kind.model.photo_class
        for query in (
            select(photo.image_id, photo.parent_id).where(photo.image_id.in_(ids)),
            select(model.image_id, model.id).where(model.image_id.in_(ids)),
        ):
            for image_id, item_id in db.session.execute(query):
                found[image_id].add((kind.key, item_id))
    for image_id in ids:
        found[image_id] |= referenced.get(image_id, set())
    return {image_id: len(found[image_id]) for image_id in ids}


def numbers(name: str, ids: set[int]):
    """A list of photo numbers for ``IN``, written into the statement: a long list would
    pass the databases' limits on parameters."""
    return bindparam(name, sorted(ids), expanding=True, literal_execute=True)


def unused(referenced: set[int]):
    """SQL condition: a photo no gallery, lead photo or text (``referenced``) uses."""
    conditions = [Image.id.not_in(numbers("referenced", referenced))]
    for kind in kinds:
        model, photo = kind.model, kind.model.photo_class
        conditions.append(~select(photo.id).where(photo.image_id == Image.id).exists())
        conditions.append(~select(model.id).where(model.image_id == Image.id).exists())
    return and_(*conditions)


def folded(text: str) -> str:
    """Text as a search compares it: in any case, any Unicode spelling, any spacing. (The
    databases cannot do it: SQLite's ``lower`` and ``LIKE`` know ASCII letters only, and
    PostgreSQL's depend on the database's locale.)"""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def matching(q: str) -> set[int]:
    """The photos whose description, caption or credit (in any language) or file name
    holds ``q``, or whose number it is."""
    needle = folded(q)
    found = {
        image_id
        for image_id, name in db.session.execute(select(Image.id, Image.name))
        if needle in folded(name)
    }
    rows = db.session.execute(
        select(ImageText.image_id, ImageText.alt, ImageText.caption, ImageText.credit)
    )
    found |= {row[0] for row in rows if any(needle in folded(text) for text in row[1:])}
    number = q.strip().lstrip("#")
    if number.isdecimal() and int(number) <= LARGEST_ID:
        found.add(int(number))
    return found


# --- pages --------------------------------------------------------------------------------


def file_size(count: int) -> str:
    """An uploaded file's size as people say it: 245 KB, 3.4 MB."""
    if count < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(max(1, round(count / 1024))))
    return _("%(size)s MB", size=format_decimal(count / 1024 / 1024, "#,##0.0"))


@bp.context_processor
def media_helpers():
    return {"file_size": file_size}


class UploadForm(SafeForm):
    upload = MultipleFileField(_l("Add photos"), render_kw={"accept": ACCEPT})


def get_image(image_id: int) -> Image:
    image = db.session.get(Image, image_id)
    if image is None:
        raise NotFound()
    return image


def library_page(form, status: int = 200):
    """The grid of photos, newest first, as ``?q=`` and ``?unused=1`` filter it."""
    q = " ".join(request.args.get("q", "").split())[:200]
    only_unused = request.args.get("unused") == "1"
    referenced = all_text_references()
    query = select(Image).order_by(Image.created_at.desc(), Image.id.desc())
    if q:
        query = query.where(Image.id.in_(numbers("matching", matching(q))))
    if only_unused:
        query = query.where(unused(set(referenced)))
    pagination = db.paginate(query, per_page=PER_PAGE)
    form.upload.description = upload_limits()
    filters = {**({"q": q} if q else {}), **({"unused": "1"} if only_unused else {})}
    return render_template(
        "editor/library.html",
        form=form,
        pagination=pagination,
        counts=places([image.id for image in pagination.items], referenced),
        q=q,
        only_unused=only_unused,
        filters=filters,
    ), status


@bp.route("/library/", methods=["GET", "POST"])
def library():
    """The photo library; a POST adds the photos chosen, as many as are sent at once."""
    form = UploadForm()
    if request.method != "POST":
        return library_page(form)
    if not form.validate():
        return library_page(form, 400)
    newest = db.session.scalar(select(func.max(Image.id))) or 0
    images = store_uploads(form.upload)
    if not images and not form.upload.errors:
        form.upload.errors.append(_("Choose one or more photos."))
        return library_page(form, 400)
    added = [image for image in images if image.id > newest]
    again = [image for image in images if image.id <= newest]
    # The same photo twice in one sending is one photo.
    added, again = list(dict.fromkeys(added)), list(dict.fromkeys(again))
    if added:
        audit("photos added", detail="photos " + ", ".join(str(image.id) for image in added))
    db.session.commit()
    if added:
        flash(ngettext("%(count)s photo added.", "%(count)s photos added.", len(added),
                       count=len(added)))  # fmt: skip
    if again:
        named = ", ".join(f"{i.name} ({_('No. %(number)s', number=i.id)})" for i in again)
        flash(_("Already in the library: %(photos)s.", photos=named))
    if form.upload.errors:
        return library_page(form, 400)
    return redirect(url_for("editor.library"))


@bp.route(f"/library/<int(max={LARGEST_ID}):image_id>", methods=["GET", "POST"])
def photo(image_id):
    """A photo: its facts, its texts in every language (to edit), and where it is used."""
    image = get_image(image_id)
    form = PhotoTextsForm(data=image.text_values())
    if request.method == "POST":
        if form.validate():
            before = image.text_values()
            for lang, section in form.texts():
                image.set_text(lang, **section.form.content())
            if image.text_values() != before:
                audit("photo texts changed", detail=f"photo {image.id}")
            db.session.commit()
            flash(_("Saved."))
            return redirect(url_for("editor.photo", image_id=image.id))
        status = 400
    else:
        status = 200
    return render_template("editor/photo.html", image=image, form=form, uses=uses(image)), status


@bp.route(f"/library/<int(max={LARGEST_ID}):image_id>/delete", methods=["GET", "POST"])
def photo_delete(image_id):
    """Deleting a photo asks first, saying where it is used; then it goes from the library
    and from those items: their galleries (the database's cascade), their lead photo (set to
    none) and their texts, whose HTML is rendered again without it."""
    image = get_image(image_id)
    used = uses(image)
    if request.method != "POST":
        return render_template("editor/photo_delete.html", image=image, uses=used)
    texts = [t for use in used if "text" in use.ways for t in use.item.translations.values()]
    detail = f"photo {image.id} {image.name}"
    db.session.delete(image)
    db.session.flush()  # gone, so that the texts rendered again no longer find it
    for translation in texts:
        translation.render()
    audit("photo deleted", detail=detail)
    db.session.commit()
    flash(_("The photo was deleted."))
    return redirect(url_for("editor.library"))
