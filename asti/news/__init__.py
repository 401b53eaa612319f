"""News: the list, newest first (all of it, one year's, one program's or one region's), and
the article with "Other news"."""

import re
from datetime import datetime

from flask import Blueprint, abort, current_app, g, render_template, request
from flask_babel import to_user_timezone, to_utc
from sqlalchemy import bindparam, extract, func, select

from ..extensions import db
from ..i18n import SlugConverter, chain, localize, show_item_or_404
from ..models import News, Program, Region
from ..pagecache.state import per_version
from ..paging import page_number

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
    pagination = db.paginate(
        query, page=page_number(), per_page=current_app.config["NEWS_PER_PAGE"], count=False
    )
    # Counting (and finding the years) reads every row: once per content version.
    facts = tuple(sorted(args.items()))
    pagination.total = per_version(
        ("news", "total", year, facts),
        lambda: db.session.scalar(
            select(func.count()).select_from(query.order_by(None).subquery())
        ),
    )
    if year is not None and not pagination.total:
        abort(404)
    return render_template(
        "news/index.html",
        pagination=pagination,
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
    return render_detail(show_item_or_404(News, slug))


#: Built once: building a statement costs more than running it.
OTHERS = News.newest_first().where(News.id != bindparam("id")).limit(bindparam("limit"))


def render_detail(shown):
    """The article page (also the editor's preview, so both show exactly the same)."""
    others = db.session.scalars(
        OTHERS, {"id": shown.item.id, "limit": current_app.config["OTHER_NEWS"]}
    ).all()
    return render_template("news/detail.html", shown=shown, others=others)
