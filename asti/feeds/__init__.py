"""Found and shared: the sitemap, robots.txt and the news feed."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..config import LANGUAGES
from ..extensions import db
from ..i18n import language_versions, localize_all
from ..layout import last_modified, summary_of
from ..models import utcnow
from ..registry import kinds

bp = Blueprint("feeds", __name__)

FEED_SIZE = 20


@dataclass
class SitemapURL:
    loc: str
    lastmod: datetime | None
    #: The page's URL in each language it is written in, and the one for other readers.
    alternates: dict[str, str]
    x_default: str


@bp.get("/sitemap.xml")
def sitemap():
    """Every public page in every language it is written in, with its other languages."""
    urls, newest = [], {}
    for kind in kinds:
        if not kind.sitemap:
            continue
        model, texts = kind.model, kind.model.translation_class
        items = db.session.scalars(
            select(model)
            .where(model.visible())
            .order_by(model.id)
            # Of each text, what its line needs: with thousands of items, their bodies (or
            # a query per item) would cost a worker seconds and a hundred megabytes.
            .options(
                selectinload(model.translations).load_only(texts.lang, texts.slug, texts.updated_at)
            )
        ).all()
        newest[kind] = max(
            (last_modified(i, t) for i in items for t in i.translations.values()), default=None
        )
        for item in items:
            versions = language_versions(item)
            default = versions.pop("x-default", None)
            urls.extend(
                SitemapURL(url, last_modified(item, item.translations[lang]), versions, default)
                for lang, url in versions.items()
            )
    # The lists of the site, each dated by the newest item it shows; the home page shows
    # something of every list.
    listed = [k for k in newest if k.list_endpoint]
    lists = {"pages.home": listed, **{k.list_endpoint: [k] for k in listed}}
    for endpoint, shown in lists.items():
        versions = {lang: url_for(endpoint, lang=lang, _external=True) for lang in LANGUAGES}
        lastmod = max((newest[k] for k in shown if newest[k]), default=None)
        default = versions[current_app.config["DEFAULT_LANGUAGE"]]
        urls.extend(SitemapURL(url, lastmod, versions, default) for url in versions.values())
    body = render_template("feeds/sitemap.xml", urls=urls)
    return current_app.response_class(body, mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    """Crawlers may read everything public; the editor is for staff, and endless search
    result pages are no use to an index."""
    lines = [
        "User-agent: *",
        f"Disallow: {url_for('editor.index')}",
        *(f"Disallow: {url_for('search.results', lang=lang)}" for lang in LANGUAGES),
        "",
        f"Sitemap: {url_for('feeds.sitemap', _external=True)}",
    ]
    return current_app.response_class("\n".join(lines) + "\n", mimetype="text/plain")


@bp.get("/<lang:lang>/news/feed.atom")
def atom():
    """The latest news (items of the kinds marked ``feed``) as an Atom feed, each item in the
    URL's language or its fallback."""
    items = []
    for model in kinds.models("feed"):
        items += db.session.scalars(model.newest_first(text=True).limit(FEED_SIZE)).all()
    items.sort(key=lambda i: (i.published_at, i.id), reverse=True)
    entries = localize_all(items[:FEED_SIZE])
    body = render_template(
        "feeds/atom.xml",
        entries=entries,
        title=_("ASTI news"),
        author=_("Public Organization “ASTI”"),
        updated=max((last_modified(e.item, e.t) for e in entries), default=utcnow()),
        # Tag URIs (RFC 4151) stay the same when a title, and with it the slug, changes.
        tag_authority=urlsplit(request.host_url).hostname,
        summary_of=summary_of,
        last_modified=last_modified,
        kind_of=kinds.of,
    )
    return current_app.response_class(body, mimetype="application/atom+xml")
