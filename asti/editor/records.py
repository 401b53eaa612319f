"""An item as plain data: what a form submits, what a revision keeps, what a restore puts
back. Saving always goes through ``apply`` + ``record``, so every save leaves a revision."""

from datetime import date, datetime

from flask import request
from flask_login import current_user
from sqlalchemy import Date, DateTime, select

from ..config import LANGUAGES
from ..extensions import db
from ..models import AuditEntry, Image, Revision, SlugRedirect
from ..registry import kinds

#: Columns that are bookkeeping, not content: never snapshotted nor restored.
SKIP = {"id", "created_at", "updated_at", "version", "deleted_at"}


def item_columns(model):
    return [c for c in model.__table__.columns if c.name not in SKIP]


def _dump(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _load(column, value):
    """Values from JSON come as strings; values from a form are already typed."""
    if not isinstance(value, str):
        return value
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def snapshot(item) -> dict:
    """Every content field of the item, JSON-ready."""
    data = {c.name: _dump(getattr(item, c.name)) for c in item_columns(type(item))}
    for field, relationship in item.links.items():
        data[field] = sorted(linked.id for linked in getattr(item, relationship))
    data["photo_ids"] = [photo.image_id for photo in item.photos]
    fields = type(item).translation_class.text_fields()
    data["translations"] = {
        lang: {name: getattr(t, name) for name in fields}
        for lang, t in sorted(item.translations.items())
    }
    return data


def apply(item, data: dict) -> None:
    """Put ``data`` (a snapshot, or a form's content) into the item.

    A language missing from ``data["translations"]`` is removed; a changed slug leaves a
    redirect behind so that links to the old address keep working.
    """
    model = type(item)
    with db.session.no_autoflush:  # nothing is written before the photos are checked
        for column in item_columns(model):
            if column.name in data:
                setattr(item, column.name, _load(column, data[column.name]))
        if item.image_id is not None and db.session.get(Image, item.image_id) is None:
            item.image_id = None  # a revision's lead photo, deleted from the library since
        if "photo_ids" in data:
            set_photos(item, data["photo_ids"])
    for field, relationship in model.links.items():
        if field in data:
            linked = getattr(model, relationship).property.mapper.class_
            ids = data[field]
            setattr(
                item,
                relationship,
                list(db.session.scalars(select(linked).where(linked.id.in_(ids)))),
            )
    texts = data["translations"]
    for lang in LANGUAGES:
        old = item.translations.get(lang)
        if lang not in texts:
            if old is not None:
                del item.translations[lang]
            continue
        fields = dict(texts[lang])
        old_slug = old.slug if old is not None else None
        new = item.set_translation(lang, fields.pop("title"), **fields)
        if old_slug and new.slug != old_slug:
            remember_slug(kinds.of(model).key, lang, old_slug, item.id)
    if item.source_lang not in texts:
        item.source_lang = next(lang for lang in LANGUAGES if lang in texts)


def set_photos(item, ids: list[int]) -> None:
    """Make the item's gallery the photos ``ids``, in that order: rows of photos that stay
    are kept, and photos no longer in the library (deleted since a revision) are left out."""
    existing = set(db.session.scalars(select(Image.id).where(Image.id.in_(ids))))
    rows = {photo.image_id: photo for photo in item.photos}
    item.photos = [rows.get(i) or item.photo_class(image_id=i) for i in ids if i in existing]
    item.photos.reorder()


def remember_slug(kind: str, lang: str, slug: str, item_id: int) -> None:
    redirect = db.session.scalar(
        select(SlugRedirect).filter_by(kind=kind, lang=lang, slug=slug)
    ) or SlugRedirect(kind=kind, lang=lang, slug=slug)
    redirect.item_id = item_id
    db.session.add(redirect)


def audit(action: str, item=None, detail: str = "", user=None) -> None:
    """Add a line to the audit log (committed with the change it describes): by ``user``,
    or the logged-in account (a sign-in's second step has none yet)."""
    if user is None and current_user and current_user.is_authenticated:
        user = current_user
    db.session.add(
        AuditEntry(
            user_id=user.id if user else None,
            action=action,
            kind=kinds.of(item).key if item is not None else "",
            item_id=item.id if item is not None else None,
            detail=detail[:500],
            ip=(request.remote_addr or "")[:64],
        )
    )


def record(item, action: str) -> Revision:
    """Keep the item's state after a save as a revision, and log who did it."""
    db.session.flush()  # assigns the id and the new version
    revision = Revision(
        kind=kinds.of(item).key,
        item_id=item.id,
        version=item.version,
        user_id=current_user.id,
        data=snapshot(item),
    )
    db.session.add(revision)
    audit(action, item)
    return revision
