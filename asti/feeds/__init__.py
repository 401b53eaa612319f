"""Found and shared: the sitemap, robots.txt, the news feed, and the metadata every public
page carries for search engines and link previews (see ``meta``)."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..config import LANGUAGES
from ..extensions import db
from ..i18n import localize_all
from ..models import News, Page, Program, Region, utcnow
from .meta import last_modified, page_meta, summary_of, w3c

bp = Blueprint("feeds", __name__)
bp.add_app_template_global(page_meta)
bp.add_app_template_filter(w3c)

FEED_SIZE = 20

#: The lists of the site, each with the content it shows (for its last-modified date).
LISTS = {
    "pages.home": (News, Program, Region),
    "news.index": (News,),
    "programs.index": (Program,),
    "regions.index": (Region,),
}


@dataclass
class SitemapURL:
    loc: str
    lastmod: datetime | None
    #: The page's URL in each language it is written in, and the one for other readers.
    alternates: dict[str, str]
    x_default: str


def language_versions(item) -> dict[str, str]:
    """The item's URL in each language it really has text in (never a fallback URL)."""
    return {
        lang: url_for(item.endpoint, lang=lang, **item.url_values(t), _external=True)
        for lang in LANGUAGES
        if (t := item.translations.get(lang)) is not None
    }


def x_default(versions: dict[str, str], original: str) -> str:
    """The version for readers of any other language: the default language's, else the
    original's."""
    default = current_app.config["DEFAULT_LANGUAGE"]
    return versions[default] if default in versions else versions[original]


@bp.get("/sitemap.xml")
def sitemap():
    """Every public page in every language it is written in, with its other languages."""
    urls, newest = [], {}
    for model in (News, Program, Region, Page):
        items = db.session.scalars(select(model).where(model.visible()).order_by(model.id)).all()
        newest[model] = max(
            (last_modified(i, t) for i in items for t in i.translations.values()), default=None
        )
        for item in items:
            versions = language_versions(item)
            if not versions:
                continue
            default = x_default(versions, item.source.lang)
            urls.extend(
                SitemapURL(url, last_modified(item, item.translations[lang]), versions, default)
                for lang, url in versions.items()
            )
    for endpoint, models in LISTS.items():
        versions = {lang: url_for(endpoint, lang=lang, _external=True) for lang in LANGUAGES}
        lastmod = max((newest[m] for m in models if newest[m]), default=None)
        default = x_default(versions, current_app.config["DEFAULT_LANGUAGE"])
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
    """The latest news as an Atom feed, each item in the URL's language or its fallback."""
    news = db.session.scalars(News.newest_first(text=True).limit(FEED_SIZE)).all()
    entries = localize_all(news)
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
    )
    return current_app.response_class(body, mimetype="application/atom+xml")
