"""Revisions of an item: the list saying what each save changed, one saved state, two
compared word by word, and restoring one. All of it in the interface language: fields by
their form labels, values as staff chose them (a status's name, a region's title, a date)."""

from datetime import date, datetime

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import Date, DateTime, select
from sqlalchemy.orm import MANYTOONE
from werkzeug.exceptions import NotFound

from ..config import LANGUAGES
from ..extensions import db
from ..i18n import day, localize, moment
from ..models import LARGEST_ID, STATUSES, Image, Revision, utcnow
from ..registry import Kind, kinds
from . import bp
from .content import get_item
from .diff import words
from .records import apply, item_columns, record

# One phrase per language and change, so that each catalog can inflect the language's name.
TEXT_CHANGED = {"tg": _l("Tajik text"), "ru": _l("Russian text"), "en": _l("English text")}
TEXT_ADDED = {
    "tg": _l("Tajik text added"),
    "ru": _l("Russian text added"),
    "en": _l("English text added"),
}
TEXT_REMOVED = {
    "tg": _l("Tajik text removed"),
    "ru": _l("Russian text removed"),
    "en": _l("English text removed"),
}

#: Labels of what a snapshot keeps and the form does not show as such.
LABELS = {
    "source_lang": _l("Original language"),
    "status": _l("Status"),
    "published_at": _l("Publication date"),
    "image_id": _l("Lead photo"),
    "photo_ids": _l("Photos"),
}


class Reader:
    """How the snapshots of one kind read in the interface language."""

    def __init__(self, kind: Kind):
        form = kind.form(formdata=None, meta={"csrf": False})
        fields = {field.name: field for field in form}
        model = kind.model
        names = [c.name for c in item_columns(model)]
        relationships = model.__mapper__.relationships
        names += model.links  # as records.snapshot keeps them
        names.append("photo_ids")
        #: The model each id names: ``program_id`` a Program, ``region_ids`` Regions.
        self.linked = {
            column.name: r.mapper.class_
            for r in relationships
            if r.direction is MANYTOONE
            for column in r.local_columns
        }
        for field, relationship in model.links.items():
            self.linked[field] = relationships[relationship].mapper.class_
        self.linked["photo_ids"] = Image
        self.types = {c.name: c.type for c in model.__table__.columns}

        def field_of(name):  # the form's ``program`` is the snapshot's ``program_id``
            return fields.get(name, fields.get(name.removesuffix("_id")))

        order = list(fields.values())
        names.sort(
            key=lambda n: order.index(field_of(n)) if field_of(n) is not None else len(order)
        )
        #: Item fields by their snapshot names, in the form's order.
        self.labels = {
            n: str(field_of(n).label.text if field_of(n) is not None else LABELS.get(n, n))
            for n in names
        }
        #: Names of coded values: the options of selects whose choices do not come from
        #: the database, and the status (which buttons set, not a field).
        self.choices = {"status": {code: str(label) for code, label in STATUSES.items()}}
        self.choices |= {
            name: {str(c.value): str(c.label) for c in field.iter_choices()}
            for name, field in fields.items()
            if name in self.labels and getattr(field, "choices", None)
        }
        texts = kind.form.translation_form()
        self.text_labels = {field.short_name: str(field.label.text) for field in texts}

    def title(self, model, item_id) -> str:
        item = db.session.get(model, item_id)
        shown = localize(item, str(get_locale())) if item is not None else None
        return shown.t.title if shown is not None else f"#{item_id}"

    def value(self, name: str, value) -> str | Markup:
        """A snapshot's value as staff see it in the form."""
        if value is None or value == "" or value == []:
            return "—"
        if name in self.choices:
            return self.choices[name].get(str(value), str(value))
        model = self.linked.get(name)
        if model is Image:
            ids = value if isinstance(value, list) else [value]
            return Markup(" ").join(self.thumbnail(i) for i in ids)
        if isinstance(value, list) and model is not None:
            return ", ".join(self.title(model, i) for i in value)
        if model is not None:
            return self.title(model, value)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if name == "source_lang":
            return get_locale().languages.get(value, value)
        if isinstance(self.types.get(name), DateTime):
            return moment(datetime.fromisoformat(value))
        if isinstance(self.types.get(name), Date):
            return day(date.fromisoformat(value))
        return str(value)

    @staticmethod
    def thumbnail(image_id: int) -> Markup | str:
        image = db.session.get(Image, image_id)
        if image is None:
            return f"#{image_id}"
        src = url_for("pages.media", filename=image.renditions[0][1])
        return Markup('<img src="{}" alt="{}" width="120">').format(src, f"#{image_id}")

    def changed(self, before: dict, after: dict) -> list[str]:
        """The item fields whose value differs as staff see it, by snapshot name (a form
        that keeps a date to the minute drops its seconds: no change anyone made)."""
        return [
            n
            for n in self.labels
            if before.get(n) != after.get(n)
            and self.value(n, before.get(n)) != self.value(n, after.get(n))
        ]

    def changes(self, before: dict | None, after: dict) -> list[str]:
        """See ``changes``."""
        if before is None:
            return [_("Created")]
        said = []
        for name in self.changed(before, after):
            label, old, new = self.labels[name], before.get(name), after.get(name)
            if self.linked.get(name) is Image:
                said.append(label)
            elif isinstance(new, list) or isinstance(old, list):
                model, old, new = self.linked[name], old or [], new or []
                parts = [
                    _("%(name)s added", name=self.title(model, i)) for i in new if i not in old
                ]
                parts += [
                    _("%(name)s removed", name=self.title(model, i)) for i in old if i not in new
                ]
                said.append(_("%(label)s: %(value)s", label=label, value=", ".join(parts)))
            else:
                said.append(_("%(label)s: %(value)s", label=label, value=self.value(name, new)))
        old_texts, new_texts = before.get("translations", {}), after.get("translations", {})
        for lang in LANGUAGES:
            old, new = old_texts.get(lang), new_texts.get(lang)
            if old == new:
                continue
            if old is None:
                said.append(str(TEXT_ADDED[lang]))
            elif new is None:
                said.append(str(TEXT_REMOVED[lang]))
            else:
                fields = ", ".join(label for _n, label, _o, _v in self.text_changes(old, new))
                said.append(_("%(label)s: %(value)s", label=TEXT_CHANGED[lang], value=fields))
        return said

    def text_changes(self, old: dict, new: dict) -> list[tuple[str, str, str, str]]:
        """(name, label, before, after) of each text field that differs."""
        names = [*self.text_labels, *sorted((old.keys() | new.keys()) - self.text_labels.keys())]
        return [
            (n, self.text_labels.get(n, n), old.get(n) or "", new.get(n) or "")
            for n in names
            if (old.get(n) or "") != (new.get(n) or "")
        ]

    def facts(self, data: dict) -> list[tuple[str, str | Markup]]:
        """(label, value) of each item field."""
        return [(label, self.value(name, data.get(name))) for name, label in self.labels.items()]

    def texts(self, data: dict) -> list[tuple[str, list[tuple[str, str]]]]:
        """(language, [(label, text)]) of each language the snapshot has, in the site's order."""
        texts = data.get("translations", {})
        return [  # compared with nothing, every field that has text differs
            (lang, [(label, after) for _n, label, _o, after in self.text_changes({}, texts[lang])])
            for lang in LANGUAGES
            if lang in texts
        ]

    def compare(self, before: dict, after: dict):
        """What differs, to show: the item fields as (label, before, after, word diff or
        None for pictures), and per language (language, heading, [(label, word diff)])."""
        fields = []
        for name in self.changed(before, after):
            old, new = self.value(name, before.get(name)), self.value(name, after.get(name))
            diff = None if isinstance(old, Markup) or isinstance(new, Markup) else words(old, new)
            fields.append((self.labels[name], old, new, diff))
        texts = []
        old_texts, new_texts = before.get("translations", {}), after.get("translations", {})
        for lang in LANGUAGES:
            old, new = old_texts.get(lang), new_texts.get(lang)
            if old == new:
                continue
            heading = TEXT_ADDED if old is None else TEXT_REMOVED if new is None else TEXT_CHANGED
            rows = [
                (label, words(o, n)) for _n, label, o, n in self.text_changes(old or {}, new or {})
            ]
            texts.append((lang, heading[lang], rows))
        return fields, texts


def reader(kind: Kind) -> Reader:
    """The kind's reader, made once per request (it builds the kind's form)."""
    made = g.setdefault("revision_readers", {})
    if kind.key not in made:
        made[kind.key] = Reader(kind)
    return made[kind.key]


def changes(kind: Kind, before: dict | None, after: dict) -> list[str]:
    """What changed from the snapshot ``before`` (None: nothing, the item was created) to
    ``after``, in words of the interface language: "Status: Published", "Russian text:
    Title", "Regions: Isfara added"."""
    return reader(kind).changes(before, after)


def history(kind: Kind, item) -> list[Revision]:
    """The item's revisions, oldest first."""
    query = (
        select(Revision)
        .where(Revision.kind == kind.key, Revision.item_id == item.id)
        .order_by(Revision.id)
    )
    return list(db.session.scalars(query))


@bp.get(f"/<kind:kind>/<int(max={LARGEST_ID}):item_id>/revisions/")
def revisions(kind, item_id):
    """Every saved state of an item, newest first, each with what it changed."""
    item = get_item(kind, item_id)
    rows, previous = [], None
    for rev in history(kind, item):
        if previous is None and rev.version != 1:
            # Items older than revisions have none of their first versions.
            said = [_("Earlier versions were not kept.")]
        else:
            said = changes(kind, previous and previous.data, rev.data)
        rows.append((rev, previous, said))
        previous = rev
    return render_template("editor/revisions.html", kind=kind, item=item, rows=rows[::-1])


def get_revision(revision_id: int) -> tuple[Revision, Kind, object]:
    """The revision, its item's kind and its item (not in the trash), or 404."""
    revision = db.session.get(Revision, revision_id)
    if revision is None or revision.kind not in kinds:
        raise NotFound()
    kind = kinds[revision.kind]
    return revision, kind, get_item(kind, revision.item_id)


@bp.get(f"/revisions/<int(max={LARGEST_ID}):revision_id>")
def revision(revision_id):
    """One saved state, field by field."""
    rev, kind, item = get_revision(revision_id)
    previous = db.session.scalar(
        select(Revision)
        .where(Revision.kind == rev.kind, Revision.item_id == rev.item_id, Revision.id < rev.id)
        .order_by(Revision.id.desc())
        .limit(1)
    )
    about = reader(kind)
    return render_template(
        "editor/revision.html",
        rev=rev,
        item=item,
        kind=kind,
        previous=previous,
        facts=about.facts(rev.data),
        texts=about.texts(rev.data),
    )


def revision_of(kind: Kind, item, number: str | None) -> Revision:
    """The revision of this item that the query's ``number`` names, or 404."""
    if not (number or "").isdecimal() or int(number) > LARGEST_ID:
        raise NotFound()
    rev = db.session.get(Revision, int(number))
    if rev is None or (rev.kind, rev.item_id) != (kind.key, item.id):
        raise NotFound()
    return rev


@bp.get(f"/<kind:kind>/<int(max={LARGEST_ID}):item_id>/compare")
def compare(kind, item_id):
    """Two revisions of an item (``?from=&to=``), word by word, per language."""
    item = get_item(kind, item_id)
    old, new = (revision_of(kind, item, request.args.get(key)) for key in ("from", "to"))
    fields, texts = reader(kind).compare(old.data, new.data)
    return render_template(
        "editor/compare.html", kind=kind, item=item, old=old, new=new, fields=fields, texts=texts
    )


@bp.post(f"/revisions/<int(max={LARGEST_ID}):revision_id>/restore")
def restore(revision_id):
    """Make an old revision the current state (itself saved as a new revision)."""
    rev, kind, item = get_revision(revision_id)
    apply(item, rev.data)
    item.updated_at = utcnow()
    record(item, f"restored version {rev.version}")
    db.session.commit()
    flash(_("The earlier version has been restored."))
    return redirect(url_for("editor.edit", kind=kind, item_id=item.id))
