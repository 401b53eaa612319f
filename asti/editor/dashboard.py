"""The editor's first page, a work queue: drafts, scheduled items, translations to do,
what was published last and what to check before the site goes live; and the translation
matrix."""

from dataclasses import dataclass, field
from datetime import date

from flask import render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased, selectinload

from ..config import LANGUAGES
from ..extensions import db
from ..layout import SITE
from ..models import DRAFT, Partner, Program, Region, Revision, Setting, User, utcnow
from ..regions.map import on_map
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


@dataclass
class Check:
    """A line of "To check before going live": what is missing, and the items (kind, item)
    it is missing from, each linked to its form."""

    label: str
    items: list = field(default_factory=list)
    #: The line is about the site settings (linked to their page).
    settings: bool = False


def to_check(today: date) -> list[Check]:
    """What the content does not establish yet, found in the content itself: programs with
    no donor or no start date, or whose current/past status no end date confirms; places
    with no point on the regions map; partners with no website; site settings without an
    address, a telephone number or an e-mail address. Only the lines that have items."""
    programs = kinds.of(Program)
    live = db.session.scalars(Program.live().order_by(Program.id)).all()
    no_donor = [p for p in live if not any(t.donor.strip() for t in p.translations.values())]
    no_start = [p for p in live if p.start_date is None]
    unconfirmed = [p for p in live if p.end_date is None]
    # Periods are stored to the month (its first day): a program ending this month may be
    # either.
    month = today.replace(day=1)
    still_current = [p for p in live if p.is_current and p.end_date and p.end_date < month]
    not_yet_past = [p for p in live if not p.is_current and p.end_date and p.end_date > month]
    regions = kinds.of(Region)
    off_map = [
        r
        for r in db.session.scalars(Region.live().order_by(Region.id))
        if not on_map(r.latitude, r.longitude)
    ]
    partners = kinds.of(Partner)
    no_website = list(
        db.session.scalars(Partner.live().where(Partner.website == "").order_by(Partner.id))
    )
    lines = [
        (ngettext("%(num)s program has no donor:", "%(num)s programs have no donor:",
                  len(no_donor)), programs, no_donor),
        (ngettext("%(num)s program has no start date:", "%(num)s programs have no start date:",
                  len(no_start)), programs, no_start),
        (ngettext("%(num)s program is marked current or past with no end date to confirm it:",
                  "%(num)s programs are marked current or past with no end date to confirm it:",
                  len(unconfirmed)), programs, unconfirmed),
        (ngettext("%(num)s program is marked current, but its end date has passed:",
                  "%(num)s programs are marked current, but their end date has passed:",
                  len(still_current)), programs, still_current),
        (ngettext("%(num)s program is marked past, but its end date is still to come:",
                  "%(num)s programs are marked past, but their end date is still to come:",
                  len(not_yet_past)), programs, not_yet_past),
        (ngettext("%(num)s place has no point on the regions map:",
                  "%(num)s places have no point on the regions map:",
                  len(off_map)), regions, off_map),
        (ngettext("%(num)s partner or donor has no website:",
                  "%(num)s partners and donors have no website:",
                  len(no_website)), partners, no_website),
    ]  # fmt: skip
    checks = [
        Check(label, [(kind, item) for item in items]) for label, kind, items in lines if items
    ]
    site = Setting.values(SITE)
    gaps = [
        (any(site.get(f"address.{lang}") for lang in LANGUAGES),
         _("The site settings give no address of the office.")),
        (site.get("phones"), _("The site settings give no telephone number.")),
        (site.get("email"), _("The site settings give no e-mail address.")),
    ]  # fmt: skip
    return checks + [Check(label, settings=True) for given, label in gaps if not given]


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
        to_check=to_check(utcnow().date()),
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
