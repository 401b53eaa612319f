"""News: the list, newest first (all of it, one year's, one program's or one region's), and
the article with "Other news"."""

import re
from datetime import datetime

from flask import Blueprint, abort, current_app, g, render_template, request
from flask_babel import to_user_timezone, to_utc
from sqlalchemy import bindparam, extract, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..i18n import Card, SlugConverter, card, chain, localize, show_item_or_404
from ..models import News, Program, Region, news_region
from ..pagecache.state import per_version
from ..paging import Page, page_number

bp = Blueprint("news", __name__, url_prefix="/<lang:lang>/news")

SLUG = re.compile(SlugConverter.regex)

#: The list's ``?program=`` and ``?region=`` filters: what each names, and the news it keeps.
FILTERS = {
    "program": (Program, lambda program: News.program_id == program.id),
    "region": (Region, lambda region: News.regions.contains(region)),
}


def named_by(model, slug: str):
    """The visible item whose slug, in any language, is ``slug``; the page's language wins
    when two items share it."""
    tr = model.translation_class
    rows = db.session.scalars(
        select(tr).join(tr.parent).where(tr.slug == slug, model.visible())
    ).all()
    if not rows:
        abort(404)
    order = chain(g.lang)
    rows.sort(key=lambda t: order.index(t.lang) if t.lang in order else len(order))
    return rows[0].parent


def filters() -> tuple[dict[str, str], list, list]:
    """The filters of this request: their URL arguments, the items they name, and the SQL
    conditions they add. An unknown slug is a 404."""
    args, items, conditions = {}, [], []
    for name, (model, condition) in FILTERS.items():
        slug = request.args.get(name)
        if slug is not None:
            if not SLUG.fullmatch(slug):  # no slug looks otherwise (and NUL breaks PostgreSQL)
                abort(404)
            item = named_by(model, slug)
            args[name] = slug
            items.append(item)
            conditions.append(condition(item))
    return args, items, conditions


def years(conditions) -> list[int]:
    """The years that have news, newest first, in the site's time zone (as dates are shown).

    The database groups by UTC year; a UTC year's news fall in at most two local years,
    and the first and last of them show which.
    """
    rows = db.session.execute(
        select(func.min(News.published_at), func.max(News.published_at))
        .where(News.visible(), *conditions)
        .group_by(extract("year", News.published_at))
    ).all()
    return sorted({to_user_timezone(when).year for row in rows for when in row}, reverse=True)


def render_list(year: int | None = None):
    """A page of the news list, of one year's news or all, narrowed by the filters."""
    args, named, conditions = filters()
    query = News.newest_first().where(*conditions)
    if year is not None:
        # A year as readers count it: from midnight of 1 January in the site's time zone.
        start, end = to_utc(datetime(year, 1, 1)), to_utc(datetime(year + 1, 1, 1))
        query = query.where(News.published_at >= start, News.published_at < end)
    number, size = page_number(), current_app.config["NEWS_PER_PAGE"]
    # The page's cards, the count and the years read the same rows until the content
    # changes: once per content version (counting reads every row).
    facts = tuple(sorted(args.items()))
    items = per_version(
        ("news", "page", g.lang, year, facts, number),
        lambda: [
            card(n) for n in db.session.scalars(query.limit(size).offset((number - 1) * size))
        ],
    )
    if number > 1 and not items:
        abort(404)
    total = per_version(
        ("news", "total", year, facts),
        lambda: db.session.scalar(
            select(func.count()).select_from(query.order_by(None).subquery())
        ),
    )
    if year is not None and not total:
        abort(404)
    return render_template(
        "news/index.html",
        pagination=Page(items, number, size, total),
        year=year,
        years=per_version(("news", "years", facts), lambda: years(conditions)),
        filter_args=args,
        filtered=[localize(item) for item in named],
    )


@bp.get("/")
def index():
    """All published news, newest first, a page at a time."""
    return render_list()


@bp.get("/<int(fixed_digits=4, min=1000, max=9998):year>/")
def archive(year):
    """One year's news, newest first, a page at a time."""
    return render_list(year)


@bp.get("/<slug:slug>/")
def detail(slug):
    """One article, with the latest other news below it."""
    return render_detail(found(slug))


#: Articles a worker keeps found (each with its texts and photos: some tens of KB).
KEPT_ARTICLES = 100
#: What ``show`` declares for the layout: the page's addresses in each language.
ADDRESSES = ("alternates", "language_versions", "canonical")


def found(slug: str):
    """The article ``slug`` names, shown in the page's language. Finding it costs more than
    rendering its page, so what was found is kept per content version (the latest
    KEPT_ARTICLES), with the addresses ``show`` declared. Its session has ended by the next
    request: pages only read what the first one loaded (``Publishable.page_options``)."""
    kept = per_version(("news", "articles", request.host_url), dict)
    key = (g.lang, slug)
    if key not in kept:
        shown = show_item_or_404(News, slug)
        if len(kept) >= KEPT_ARTICLES:
            del kept[next(iter(kept))]  # the first kept
        kept[key] = shown, {name: g.get(name) for name in ADDRESSES}
    shown, addresses = kept[key]
    for name, value in addresses.items():
        setattr(g, name, value)
    return shown


#: Built once: building a statement costs more than running it.
LATEST = News.newest_first().limit(bindparam("limit"))
REGION_IDS = (
    select(news_region.c.region_id)
    .where(news_region.c.news_id == bindparam("id"))
    .order_by(news_region.c.region_id)
)


def linked(model, ids: list) -> list[Card]:
    """The cards of the items ``ids`` of ``model`` that the public may see (an article's
    program or regions), in that order: each loaded once per content version, and only
    when an article links to it."""
    kept = per_version(("news", "linked", model.__name__, g.lang), dict)
    if missing := [i for i in ids if i not in kept]:
        found = db.session.scalars(
            select(model)
            .where(model.id.in_(missing), model.visible())
            .options(selectinload(model.translations), joinedload(model.image))
        )
        kept.update({x.id: card(x) for x in found})
        kept.update({i: None for i in missing if i not in kept})  # not public: no link
    return [kept[i] for i in ids if kept[i] is not None]


def render_detail(shown):
    """The article page (also the editor's preview, so both show exactly the same)."""
    news = shown.item
    # Core, on the session's connection: a fifth of the ORM's cost for a column of ids.
    region_ids = db.session.connection().execute(REGION_IDS, {"id": news.id}).scalars().all()
    regions = linked(Region, region_ids)
    programs = linked(Program, [news.program_id] if news.program_id else [])
    # Every article shows the same latest news but itself: one list per content version.
    size = current_app.config["OTHER_NEWS"]
    latest = per_version(
        ("news", "latest", g.lang, size),
        lambda: [card(n) for n in db.session.scalars(LATEST, {"limit": size + 1})],
    )
    others = [c for c in latest if c.id != shown.item.id][:size]
    return render_template(
        "news/detail.html", shown=shown, others=others, programs=programs, regions=regions
    )
