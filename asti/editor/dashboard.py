"""The editor's first page, a work queue: drafts, scheduled items, translations to do and
what was published last; and the translation matrix."""

from flask import render_template
from flask_login import current_user
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased, selectinload

from ..config import LANGUAGES
from ..extensions import db
from ..models import DRAFT, Revision, User, utcnow
from ..registry import kinds
from . import bp
from .content import PER_PAGE

#: Entries per list: a queue to work through, not an archive (the lists of each kind and
#: the translation matrix show everything).
SHOWN = 10


def briefly(model):
    """Loader option: a line of the dashboard reads titles, slugs and dates, never bodies."""
    texts = model.translation_class
    return selectinload(model.translations).load_only(
        texts.lang, texts.title, texts.slug, texts.updated_at
    )


def first(rows, key, reverse=False):
    """The first SHOWN of the rows of every kind, merged."""
    return sorted(rows, key=key, reverse=reverse)[:SHOWN]


def original_changed(item):
    """When the original text last changed (an item without texts: when it did)."""
    return item.source.updated_at if item.source is not None else item.updated_at


def drafts(mine: bool):
    """(kind, item, email of who saved it last): the drafts whose last revision is the
    current user's, or everybody else's, last saved first."""
    rows = []
    for kind in kinds:
        model = kind.model
        saver = (
            select(Revision.user_id)
            .where(Revision.kind == kind.key, Revision.item_id == model.id)
            .order_by(Revision.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        whose = saver == current_user.id if mine else saver.is_distinct_from(current_user.id)
        query = (
            select(model, User.email)
            .outerjoin(User, User.id == saver)
            .where(model.status == DRAFT, model.deleted_at.is_(None), whose)
            .order_by(model.updated_at.desc(), model.id.desc())
            .limit(SHOWN)
            .options(briefly(model))
        )
        rows += [(kind, item, email) for item, email in db.session.execute(query)]
    return first(rows, key=lambda row: row[1].updated_at, reverse=True)


def scheduled(now):
    """(kind, item): published items still to appear, the soonest first."""
    rows = []
    for kind in kinds:
        model = kind.model
        query = (
            select(model)
            .where(model.scheduled(now))
            .order_by(model.published_at, model.id)
            .limit(SHOWN)
            .options(briefly(model))
        )
        rows += [(kind, item) for item in db.session.scalars(query)]
    return first(rows, key=lambda row: row[1].published_at)


def translations_to_do(lang: str):
    """(kind, item, when its original changed): items whose text in ``lang`` is outdated,
    then those where it is missing, the most recently changed original first."""
    rows = []
    for kind in kinds:
        model = kind.model
        own, original = aliased(kind.translation_model), aliased(kind.translation_model)
        missing = own.id.is_(None)
        query = (
            model.live()
            .outerjoin(own, and_(own.parent_id == model.id, own.lang == lang))
            .outerjoin(
                original, and_(original.parent_id == model.id, original.lang == model.source_lang)
            )
            .where(or_(missing, and_(own.id != original.id, original.updated_at > own.updated_at)))
            .order_by(missing, original.updated_at.desc(), model.id.desc())
            .limit(SHOWN)
            .options(briefly(model))
        )
        rows += [(kind, item, original_changed(item)) for item in db.session.scalars(query)]
    return first(
        rows, key=lambda row: (row[1].translation_state(lang) == "outdated", row[2]), reverse=True
    )


def recently_published():
    """(kind, item): what readers saw appear last."""
    rows = []
    for kind in kinds:
        model = kind.model
        query = (
            select(model)
            .where(model.visible())
            .order_by(model.published_at.desc(), model.id.desc())
            .limit(SHOWN)
            .options(briefly(model))
        )
        rows += [(kind, item) for item in db.session.scalars(query)]
    return first(rows, key=lambda row: row[1].published_at, reverse=True)


@bp.get("/")
def index():
    """The work queue: what is waiting for the current user and for the team."""
    return render_template(
        "editor/index.html",
        my_drafts=drafts(mine=True),
        other_drafts=drafts(mine=False),
        scheduled=scheduled(utcnow()),
        to_translate={lang: translations_to_do(lang) for lang in LANGUAGES},
        published=recently_published(),
    )


@bp.get("/translations/")
def translations():
    """The translation matrix: every item against every language."""
    rows = []
    for kind in kinds:
        model = kind.model
        query = model.live().order_by(model.published_at.desc().nulls_first(), model.id.desc())
        query = query.limit(PER_PAGE)
        rows += [(kind, item) for item in db.session.scalars(query)]
    return render_template("editor/translations.html", rows=rows)
