"""Content model: each item has language-independent fields and one translation row
per language (tg, ru, en). Which translation a reader sees is decided in ``asti.i18n``."""

import hashlib
import re
import secrets
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    delete,
    select,
)
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import (
    Mapped,
    attribute_keyed_dict,
    declared_attr,
    joinedload,
    mapped_column,
    relationship,
    selectinload,
    validates,
)
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .images import FALLBACK_WIDTH, rendition_path, rendition_widths
from .text import SLUG_MAX, Picture, first_free, make_slug, render_markdown

#: Where the site serves the stored photos (the ``pages.media`` route).
MEDIA_URL = "/media/"
#: The largest id a database integer holds: a longer number typed or in a URL names nothing.
LARGEST_ID = 2**31 - 1


def utcnow() -> datetime:
    """Naive UTC, the one form every database here stores alike."""
    return datetime.now(UTC).replace(tzinfo=None)


class Translation:
    """The text of an item in one language: one table per kind of content, declared as
    ``class NewsTranslation(Translation, db.Model)`` right after ``News``. Its link to the
    item (``parent``, column ``news_id``), and the rules "one text per item and language"
    and "a slug once per language", follow from that name; a subclass adds the kind's own
    text fields (a program's donor, say)."""

    #: Extra indexes of the table, beside the two unique constraints.
    indexes: tuple = ()

    id: Mapped[int] = mapped_column(primary_key=True)
    lang: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(300))
    slug: Mapped[str] = mapped_column(String(SLUG_MAX))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    #: ``body`` rendered and sanitised once, on save, so pages never render Markdown.
    body_html: Mapped[str] = mapped_column(Text, default="")
    #: Changes only when this language's text changes (``_written``), never when only its
    #: HTML is rendered again: "outdated" compares it with the original language's.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def _item_table(cls) -> str:
        """The item's table: ``news`` for ``news_translation`` (Flask-SQLAlchemy names the
        tables after the classes)."""
        return cls.__tablename__.removesuffix("_translation")

    @declared_attr
    def parent_id(cls) -> Mapped[int]:
        table = cls._item_table()
        return mapped_column(f"{table}_id", ForeignKey(f"{table}.id", ondelete="CASCADE"))

    @declared_attr
    def parent(cls) -> Mapped[Any]:
        return relationship(cls.__name__.removesuffix("Translation"), back_populates="translations")

    @declared_attr.directive
    def __table_args__(cls):
        return (
            UniqueConstraint(f"{cls._item_table()}_id", "lang"),
            UniqueConstraint("lang", "slug"),
            *cls.indexes,
        )

    @classmethod
    def text_fields(cls) -> list[str]:
        """What staff write, per language: every text column but the language and what is
        derived (``*_html``)."""
        return [
            c.key
            for c in cls.__table__.columns
            if isinstance(c.type, String) and c.key != "lang" and not c.key.endswith("_html")
        ]

    # Every field of text_fields(): a kind's own text fields are added by its class
    # (tests/test_markdown.py checks that none is missed).
    @validates("title", "slug", "summary", "body")
    def _written(self, key, value):
        if value != getattr(self, key):
            self.updated_at = utcnow()
        if hasattr(type(self), f"{key}_html"):
            setattr(self, f"{key}_html", render_markdown(value, picture))
        return value

    def render(self) -> bool:
        """Render the Markdown fields again (``body`` into ``body_html``...); whether any
        HTML changed. The text is the same, so it stays as up to date as it was."""
        changed = False
        for column in self.__table__.columns:
            if column.key.endswith("_html"):
                html = render_markdown(getattr(self, column.key.removesuffix("_html")), picture)
                changed |= html != getattr(self, column.key)
                setattr(self, column.key, html)
        return changed

    def __repr__(self):
        return f"<{type(self).__name__} {self.lang} {self.slug!r}>"


class Photo:
    """One photo of an item's gallery, in its place: one table per kind of content,
    declared as ``class NewsPhoto(Photo, db.Model)`` right after ``News``, like its texts.
    The picture itself, with its descriptions and captions, is an ``Image`` of the media
    library: the same photo may be in several galleries."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 0, 1, 2 ... in the order readers see the photos.
    position: Mapped[int] = mapped_column(default=0)

    @declared_attr
    def parent_id(cls) -> Mapped[int]:
        table = cls.__tablename__.removesuffix("_photo")
        return mapped_column(
            f"{table}_id", ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True
        )

    @declared_attr
    def image_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("image.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def image(cls) -> Mapped["Image"]:
        return relationship("Image", lazy="joined")

    def __repr__(self):
        return f"<{type(self).__name__} {self.position}: image {self.image_id}>"


#: An item's ``status``: only a published one is ever public (and then from its
#: ``published_at``); a draft is seen by staff only.
DRAFT, PUBLISHED = "draft", "published"
STATUSES = {DRAFT: _l("Draft"), PUBLISHED: _l("Published")}


def with_links(relationship):
    """Loader option for a page that links to the items of ``relationship``: they come with
    what a link needs of their texts (language, title, slug), in one more query."""
    linked = relationship.property.mapper.class_
    texts = linked.translation_class
    return (
        selectinload(relationship)
        .joinedload(linked.translations)
        .load_only(texts.lang, texts.title, texts.slug)
    )


def with_photos(model):
    """Loader option for a page that shows the item's gallery: the photos, their images
    and the images' texts, joined to the item's own query (a query more per level cost
    more than the rows: most items have no gallery)."""
    return joinedload(model.photos).joinedload(model.photo_class.image).joinedload(Image.texts)


class RelatedModel:
    """``Model.translation_class``, ``Model.photo_class``: the model of the item's texts or
    gallery rows, found through its relationship (so it is declared once, by its name)."""

    def __init__(self, relationship: str):
        self.relationship = relationship

    def __get__(self, item, model):
        return getattr(model, self.relationship).property.mapper.class_


def dated_if_public(context) -> datetime | None:
    """An item stored as published without a date is dated now; a draft stays undated."""
    return utcnow() if context.get_current_parameters().get("status") != DRAFT else None


class Publishable:
    """What every kind of content shares: publishing, trash, image, the version that
    guards against two people overwriting each other, and texts per language.

    A content model is ``class News(Publishable, db.Model)`` followed by its
    ``NewsTranslation(Translation, db.Model)``; it may override ``url_values`` (what its
    public URL needs besides the language) and ``page_options`` (what its public page
    loads besides the texts). Its key, form, public page and labels are declared in
    ``asti/kinds.py``.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default=PUBLISHED)
    #: When it was first published, or is to be (a later time schedules it). A draft has
    #: none until staff choose one: publishing dates it then, not when it was first saved.
    published_at: Mapped[datetime | None] = mapped_column(default=dated_if_public, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: In the trash since then; restorable.
    deleted_at: Mapped[datetime | None]
    #: The language the item was first written in: other languages translate it.
    source_lang: Mapped[str] = mapped_column(String(2), default="tg")
    #: Incremented by every UPDATE; a stale version makes the UPDATE fail (optimistic lock).
    version: Mapped[int] = mapped_column(default=1)
    #: The lead photo: the page's main picture and its preview on social networks; one of
    #: the gallery's photos (``photos``) when it has any.
    image_id: Mapped[int | None] = mapped_column(ForeignKey("image.id", ondelete="SET NULL"))

    #: Its links to items of other kinds, chosen in its form: the form field (a list of
    #: ids) and the relationship it fills, such as ``{"region_ids": "regions"}``.
    links: dict[str, str] = {}

    translation_class = RelatedModel("translations")
    photo_class = RelatedModel("photos")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}

    @declared_attr
    def image(cls) -> Mapped["Image | None"]:
        return relationship("Image")

    @declared_attr
    def photos(cls) -> Mapped[list[Any]]:
        """The gallery (``<Model>Photo`` rows), in order; the lead photo is ``image``."""
        return relationship(
            f"{cls.__name__}Photo",
            order_by=f"{cls.__name__}Photo.position",
            collection_class=ordering_list("position"),
            cascade="all, delete-orphan",
        )

    @declared_attr
    def translations(cls) -> Mapped[dict[str, Any]]:
        """The texts by language (``<Model>Translation`` rows), loaded with the item."""
        return relationship(
            f"{cls.__name__}Translation",
            collection_class=attribute_keyed_dict("lang"),
            back_populates="parent",
            cascade="all, delete-orphan",
            lazy="selectin",
        )

    @classmethod
    def visible(cls):
        """SQL condition: what the public may see now (a future date is a schedule).
        "Now" is taken when the statement runs, so a statement can be built once."""
        now = bindparam("now", callable_=utcnow, type_=DateTime, unique=True)
        return and_(cls.status == PUBLISHED, cls.published_at <= now, cls.deleted_at.is_(None))

    @classmethod
    def live(cls):
        """The items not in the trash: what staff work on."""
        return select(cls).where(cls.deleted_at.is_(None))

    @classmethod
    def newest_first(cls, text: bool = False):
        """The visible items, newest first: the news lists, the home page and the feed; with
        their full text only if asked (``text``), since lists never show it, and with their
        lead photo, which each card shows."""
        query = (
            select(cls)
            .where(cls.visible())
            .order_by(cls.published_at.desc(), cls.id.desc())
            .options(joinedload(cls.image))
        )
        if not text:
            texts = cls.translation_class
            query = query.options(
                selectinload(cls.translations).defer(texts.body).defer(texts.body_html)
            )
        return query

    @classmethod
    def scheduled(cls, now: datetime):
        """SQL condition: published, but to appear after ``now``."""
        return and_(cls.status == PUBLISHED, cls.published_at > now, cls.deleted_at.is_(None))

    @classmethod
    def page_options(cls):
        """Loader options for what the item's public page shows besides its text: all of it,
        so that a page may keep the item after its session ends (asti/news, ``found``)."""
        return (joinedload(cls.image).joinedload(Image.texts), with_photos(cls))

    @property
    def is_scheduled(self) -> bool:
        """Published, at a time still to come."""
        return self.status == PUBLISHED and self.published_at > utcnow()

    @property
    def source(self):
        """The translation in the original language (or the first one there is)."""
        return self.translations.get(self.source_lang) or next(
            iter(self.translations.values()), None
        )

    def translation_state(self, lang: str) -> str:
        """``missing``, ``outdated`` (the original changed after it) or ``present``."""
        translation, source = self.translations.get(lang), self.source
        if translation is None:
            return "missing"
        if translation is not source and source.updated_at > translation.updated_at:
            return "outdated"
        return "present"

    def url_values(self, t) -> dict:
        """The URL arguments, besides ``lang``, of this item's page shown in translation ``t``."""
        return {"slug": t.slug}

    def set_translation(self, lang: str, title: str, **fields):
        """Create or update the text in ``lang``. The slug is made from the given slug, or
        else the title, and kept unique within the language."""
        cls = self.translation_class
        fields["slug"] = unique_slug(cls, lang, fields.get("slug") or title, self)
        translation = self.translations.get(lang)
        if translation is None:
            translation = self.translations[lang] = cls(lang=lang)
        translation.title = title
        for name, value in fields.items():
            setattr(translation, name, value)
        return translation

    def __repr__(self):
        return f"<{type(self).__name__} {self.id}>"


def unique_slug(cls, lang: str, text: str, owner=None) -> str:
    """Slugs are unique per language: add -2, -3 ... when taken by another item."""

    def taken(slug):
        other = db.session.scalar(select(cls).where(cls.lang == lang, cls.slug == slug))
        return other is not None and (owner is None or other.parent is not owner)

    return first_free(make_slug(text), taken)


news_region = Table(
    "news_region",
    db.metadata,
    Column("news_id", ForeignKey("news.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("region.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_news_region_region_id", "region_id"),  # a region's news (?region=)
)
program_region = Table(
    "program_region",
    db.metadata,
    Column("program_id", ForeignKey("program.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("region.id", ondelete="CASCADE"), primary_key=True),
)


class News(Publishable, db.Model):
    # The lists read news in this order, among the visible: the index answers them (and
    # skips a deep page's offset) without reading the table.
    __table_args__ = (Index("ix_news_listing", "status", "deleted_at", "published_at", "id"),)
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("program.id", ondelete="SET NULL"), index=True
    )
    program: Mapped["Program | None"] = relationship(back_populates="news")
    regions: Mapped[list["Region"]] = relationship(secondary=news_region, back_populates="news")

    links = {"region_ids": "regions"}


class NewsPhoto(Photo, db.Model):
    pass


class NewsTranslation(Translation, db.Model):
    # A detail URL's slug is looked up in every language at once: (lang, slug) cannot serve.
    indexes = (Index("ix_news_translation_slug", "slug"),)


class Program(Publishable, db.Model):
    #: Current or past; stated by staff, because many programs have no known end date.
    is_current: Mapped[bool] = mapped_column(default=True)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    regions: Mapped[list["Region"]] = relationship(
        secondary=program_region, back_populates="programs"
    )
    news: Mapped[list[News]] = relationship(back_populates="program")
    partners: Mapped[list["Partner"]] = relationship(
        secondary="partner_program", back_populates="programs"
    )

    links = {"region_ids": "regions"}

    @classmethod
    def page_options(cls):
        return with_links(cls.regions), *super().page_options()


class ProgramPhoto(Photo, db.Model):
    pass


class ProgramTranslation(Translation, db.Model):
    donor: Mapped[str] = mapped_column(String(300), default="")
    partners: Mapped[str] = mapped_column(String(500), default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    goals_html: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    results_html: Mapped[str] = mapped_column(Text, default="")

    @validates("donor", "partners", "goals", "results")
    def _written_more(self, key, value):
        return self._written(key, value)


partner_program = Table(
    "partner_program",
    db.metadata,
    Column("partner_id", ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True),
    Column("program_id", ForeignKey("program.id", ondelete="CASCADE"), primary_key=True),
)


class Partner(Publishable, db.Model):
    """A partner or donor of ASTI's programs: its name per language (the text's title), its
    logo (the lead photo) and its own website."""

    #: Its own website, linked from its page.
    website: Mapped[str] = mapped_column(String(500), default="")
    programs: Mapped[list[Program]] = relationship(
        secondary=partner_program, back_populates="partners"
    )

    links = {"program_ids": "programs"}

    @classmethod
    def page_options(cls):
        return with_links(cls.programs), *super().page_options()


class PartnerPhoto(Photo, db.Model):
    pass


class PartnerTranslation(Translation, db.Model):
    pass


#: What a region is, by its ``kind``.
REGION_KINDS = {
    "oblast": _l("Region (oblast)"),
    "district": _l("District"),
    "city": _l("Town"),
    "jamoat": _l("Jamoat"),
    "community": _l("Cross-border communities"),
}
#: Countries of the places, by ISO 3166 code.
COUNTRIES = {"TJ": _l("Tajikistan"), "KG": _l("Kyrgyz Republic")}


class Region(Publishable, db.Model):
    """A place of activity: oblast, then district or city, then jamoat; or a community."""

    kind: Mapped[str] = mapped_column(String(16))
    #: ISO 3166 country code: the cross-border communities are in Kyrgyzstan (KG).
    country: Mapped[str] = mapped_column(String(2), default="TJ")
    position: Mapped[int] = mapped_column(default=0)
    #: Where the regions map marks the place (degrees north and east); an oblast's point is
    #: where its name is written. Without both, the place is only in the list.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("region.id", ondelete="SET NULL"), index=True
    )
    parent: Mapped["Region | None"] = relationship(
        back_populates="children", remote_side="Region.id"
    )
    children: Mapped[list["Region"]] = relationship(
        back_populates="parent", order_by="Region.position"
    )
    programs: Mapped[list[Program]] = relationship(
        secondary=program_region, back_populates="regions"
    )
    news: Mapped[list[News]] = relationship(secondary=news_region, back_populates="regions")

    @staticmethod
    def tree(regions: list["Region"]) -> list[tuple["Region", list]]:
        """Nest regions under their parents as (region, subtree) pairs, from one query's rows."""
        ids = {r.id for r in regions}
        by_parent = defaultdict(list)
        for r in sorted(regions, key=lambda r: (r.position, r.id)):
            by_parent[r.parent_id if r.parent_id in ids else None].append(r)

        def build(parent_id):
            return [(r, build(r.id)) for r in by_parent[parent_id]]

        return build(None)

    @property
    def ancestors(self) -> list["Region"]:
        """From the top of the tree down to the parent."""
        chain, node = [], self.parent
        while node is not None and node is not self and node not in chain:
            chain.insert(0, node)
            node = node.parent
        return chain


class RegionPhoto(Photo, db.Model):
    pass


class RegionTranslation(Translation, db.Model):
    pass


class Page(Publishable, db.Model):
    """A standing page such as "about" or "contacts", found by its key."""

    key: Mapped[str] = mapped_column(String(40), unique=True)

    def url_values(self, t) -> dict:
        return {"key": self.key}


class PagePhoto(Photo, db.Model):
    pass


class PageTranslation(Translation, db.Model):
    pass


class Image(db.Model):
    """A photo of the media library, stored as metadata-free renditions under
    ``media/<key>/``, with what describes it in each language (``texts``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    #: Of the largest stored rendition.
    width: Mapped[int]
    height: Mapped[int]
    #: The uploaded file's name and size, as staff know the photo.
    name: Mapped[str] = mapped_column(String(255), default="")
    bytes: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    texts: Mapped[dict[str, "ImageText"]] = relationship(
        collection_class=attribute_keyed_dict("lang"),
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    def set_text(self, lang: str, **fields) -> None:
        """Set the photo's description, caption or credit in ``lang``; a language left
        with nothing in it is removed."""
        text = self.texts.get(lang) or ImageText(lang=lang)
        for name, value in fields.items():
            setattr(text, name, value.strip())
        if any(getattr(text, name) for name in ImageText.FIELDS):
            self.texts[lang] = text
        else:
            self.texts.pop(lang, None)

    def text_values(self) -> dict[str, dict[str, str]]:
        """The photo's texts by language, field by field (as its forms hold them)."""
        return {
            lang: {name: getattr(text, name) for name in ImageText.FIELDS}
            for lang, text in self.texts.items()
        }

    def snippet(self, lang: str) -> str:
        """What staff paste into a text to show this photo there, with its description
        in ``lang`` as the image's text."""
        text = self.texts.get(lang)
        alt = re.sub(r"([\\\[\]])", r"\\\1", text.alt if text else "")
        return f"![{alt}](media:{self.id})"

    @property
    def renditions(self) -> list[tuple[int, str]]:
        """(width, path under media/) of each WebP rendition, for ``srcset``."""
        return [(w, rendition_path(self.key, w, "webp")) for w in rendition_widths(self.width)]

    @property
    def fallback(self) -> str:
        return rendition_path(self.key, FALLBACK_WIDTH, "jpg")

    @property
    def largest(self) -> str:
        """The largest WebP rendition: what a gallery's thumbnail links to."""
        return self.renditions[-1][1]


class ImageText(db.Model):
    """What a photo shows, for readers who cannot see it (``alt``), its caption and its
    credit, in one language."""

    __table_args__ = (UniqueConstraint("image_id", "lang"),)
    FIELDS = ("alt", "caption", "credit")

    id: Mapped[int] = mapped_column(primary_key=True)
    image_id: Mapped[int] = mapped_column(ForeignKey("image.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(2))
    alt: Mapped[str] = mapped_column(String(300), default="")
    caption: Mapped[str] = mapped_column(String(1000), default="")
    credit: Mapped[str] = mapped_column(String(300), default="")


def picture(image_id: int) -> Picture | None:
    """Photo ``image_id`` of the library as a text shows it (``![alt](media:12)``); None if
    there is none. Texts are rendered while they are set, before the session is flushed."""
    if not 0 < image_id <= LARGEST_ID:
        return None
    with db.session.no_autoflush:
        image = db.session.get(Image, image_id)
    if image is None:
        return None
    return Picture(
        fallback=MEDIA_URL + image.fallback,
        renditions=tuple((width, MEDIA_URL + path) for width, path in image.renditions),
        width=image.width,
        height=image.height,
    )


class SlugRedirect(db.Model):
    """An old slug of an item, so that links to it keep working after a rename (301)."""

    __table_args__ = (UniqueConstraint("kind", "lang", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(2))
    slug: Mapped[str] = mapped_column(String(SLUG_MAX))
    item_id: Mapped[int]


#: Control characters: never part of a real address (NUL cannot even be stored).
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: A path on this site: one leading slash, then no second slash or backslash, no space or
#: control character anywhere.
LOCAL_PATH = re.compile(r"/(?![/\\])[^\s\x00-\x1f\x7f\\]*")


def legacy_paths(old: str, target: str) -> tuple[str, str]:
    """Normalise an old-site address and its new target; ValueError if unusable.

    Old paths are stored decoded (``%D1%85`` -> ``х``), as Werkzeug hands them over; the
    target must be a path on this site, so the table can never send readers elsewhere.
    """
    old, target = unquote(old.strip()), target.strip()
    if "://" in old:
        old = "/" + old.split("://", 1)[1].partition("/")[2]
    if not old.startswith("/") or len(old) > 1000 or CONTROL.search(old):
        raise ValueError(f"{old!r} is not a path of the old site")
    # Browsers drop tabs and newlines and read \ as /, so "/\t/host" would leave the site.
    if not LOCAL_PATH.fullmatch(target) or len(target) > 1000:
        raise ValueError(f"{target!r} is not a path of this site")
    return old, target


class LegacyRedirect(db.Model):
    """An address of the old site (asti.tj) and the page that replaces it (301)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Decoded path, as Werkzeug gives it (``/tg/хабарҳо.html``), with any query string.
    old_path: Mapped[str] = mapped_column(String(1000), unique=True)
    target: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Revision(db.Model):
    """What an item looked like after one save: who saved it, when, and every field."""

    __table_args__ = (Index("ix_revision_item", "kind", "item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int]
    version: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    user: Mapped["User | None"] = relationship()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict] = mapped_column(JSON)


class AuditEntry(db.Model):
    """Who did what, for the audit log."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    user: Mapped["User | None"] = relationship()
    action: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16), default="")
    item_id: Mapped[int | None]
    detail: Mapped[str] = mapped_column(String(500), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")


class ContentState(db.Model):
    """One row: a token that changes with every change of what the public sees, so
    every gunicorn worker (and every server) knows when its rendered pages are out of
    date; and the next time a scheduled item appears, when they will be."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_change_at: Mapped[datetime | None]


class LoginAttempt(db.Model):
    """Failed logins, counted in the database so the limit holds across gunicorn workers."""

    __table_args__ = (
        Index("ix_login_attempt_email", "email", "created_at"),
        Index("ix_login_attempt_ip", "ip", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


#: What a staff account may do: administrators also manage accounts and read the audit log.
ROLES = {"admin": _l("Administrator"), "editor": _l("Editor")}
MIN_PASSWORD = 10


def email_address(value: str) -> str | None:
    """An account's email as stored (trimmed, lower case), or None if it cannot be one."""
    # Lowercasing may lengthen a string ("İ" becomes two characters): check afterwards.
    email = (value or "").strip().lower()
    return email if "@" in email.strip("@") and len(email) <= 254 else None


class User(db.Model):
    """A staff account for the editor (Flask-Login reads the properties below)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16), default="editor")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Kept in each session at login; raising it ends every session made before
    #: (``end_sessions``), which the editor checks on every request.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The authenticator app's shared secret (base32) once two-factor sign-in is on, and
    #: the time step of the last code accepted: a code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]

    @property
    def is_active(self) -> bool:
        return self.active

    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Every session of this account made until now ends at its next request."""
        self.session_generation = (self.session_generation or 0) + 1

    def __repr__(self):
        return f"<User {self.email} {self.role}>"


def token_hash(token: str) -> str:
    """What is stored of a recovery code or reset link: its SHA-256. They are long random
    strings, so a fast hash suffices (a password needs a slow one)."""
    return hashlib.sha256(token.encode()).hexdigest()


class RecoveryCode(db.Model):
    """One of an account's one-time codes for signing in without the phone (stored hashed;
    deleted when used)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))


#: How long a reset link works after an administrator made it.
RESET_LINK_LIFETIME = timedelta(hours=24)


class ResetLink(db.Model):
    """A one-time link that sets a new password, for staff who forgot theirs (the site
    sends no e-mail): only a hash of its token is stored; deleted when used."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    user: Mapped["User"] = relationship()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def create(cls, user: User) -> str:
        """A new link's token for ``user`` (any older link of theirs stops working)."""
        db.session.execute(delete(cls).where(cls.user_id == user.id))
        token = secrets.token_urlsafe(32)
        db.session.add(cls(user_id=user.id, token_hash=token_hash(token)))
        return token

    @classmethod
    def find(cls, token: str) -> "ResetLink | None":
        """The unexpired link with this token, if any."""
        return db.session.scalar(
            select(cls).where(
                cls.token_hash == token_hash(token),
                cls.created_at >= utcnow() - RESET_LINK_LIFETIME,
            )
        )


class Setting(db.Model):
    """Site-wide settings that administrators change in the editor, one row each."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)

    @classmethod
    def flag(cls, key: str) -> bool:
        setting = db.session.get(cls, key)
        return setting is not None and setting.value == "1"

    @classmethod
    def set_flag(cls, key: str, on: bool) -> None:
        db.session.merge(cls(key=key, value="1" if on else "0"))

    @classmethod
    def values(cls, prefix: str) -> dict[str, str]:
        """The settings whose keys start with ``prefix``, by the rest of their key."""
        rows = db.session.execute(select(cls.key, cls.value).where(cls.key.startswith(prefix)))
        return {key.removeprefix(prefix): value for key, value in rows}

    @classmethod
    def store(cls, prefix: str, values: dict[str, str]) -> None:
        """Set the settings ``prefix + key``; an empty value removes its row."""
        for key, value in values.items():
            if value:
                db.session.merge(cls(key=prefix + key, value=value))
            elif (row := db.session.get(cls, prefix + key)) is not None:
                db.session.delete(row)


#: Every account must sign in with two factors (a ``Setting``).
REQUIRE_TWO_FACTOR = "require_two_factor"
