"""What the layout of every public page shows besides the page itself: what it tells
search engines and link previews about itself (its description, Open Graph and Twitter
card tags, schema.org data), rendered by ``templates/partials/meta.html`` from
``page_meta()``, so no view has to prepare anything; and the dates those read."""

from dataclasses import dataclass
from datetime import datetime

from flask import g, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from .config import LANGUAGES
from .i18n import Localized, alternates, negotiate, photo_text
from .models import News

#: Open Graph names locales with a territory; ours are those of Tajikistan's three readers.
OG_LOCALES = {"tg": "tg_TJ", "ru": "ru_RU", "en": "en_US"}

#: Search engines show about this many characters of a description.
DESCRIPTION_LENGTH = 160


def w3c(value: datetime) -> str:
    """A stored (naive UTC) time as the W3C/RFC 3339 form sitemaps, Atom and schema.org read."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def last_modified(item, t) -> datetime:
    """When the page of ``item`` in translation ``t`` last changed. A scheduled item appears
    at ``published_at``, which may be later than its last edit."""
    return max(item.updated_at, t.updated_at, item.published_at)


def excerpt(html: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """The text of sanitised HTML, cut after a whole word within ``limit`` characters."""
    text = Markup(html).striptags()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:–—-") + "…"


def summary_of(t) -> str:
    """What a translation says in short: its summary, else the start of its text."""
    return t.summary.strip() or excerpt(t.body_html)


def image_url(item) -> str | None:
    """The JPEG rendition: every preview service reads JPEG, not all read WebP."""
    if item.image is None:
        return None
    return url_for("pages.media", filename=item.image.fallback, _external=True)


def organization(lang: str) -> dict:
    """ASTI as schema.org sees it, named in the page's language."""
    return {
        "@type": "Organization",
        "name": _("Public Organization “ASTI”"),
        "alternateName": _("ASTI"),
        "url": url_for("pages.home", lang=lang, _external=True),
        "logo": url_for("static", filename="favicon.svg", _external=True),
    }


@dataclass
class PageMeta:
    title: str
    description: str
    #: Set when the description is another language's text (a fallback translation).
    description_lang: str | None
    type: str
    url: str
    locale: str
    locale_alternates: list[str]
    image: str | None = None
    image_alt: str = ""
    #: Set when the image's description is another language's (a fallback).
    image_alt_lang: str | None = None
    json_ld: dict | None = None


def page_meta(shown: Localized | None = None, title: str = "") -> PageMeta:
    """The metadata of the page being rendered: about ``shown`` on an item's page, else about
    the page titled ``title`` (its ``<title>`` block)."""
    lang = g.get("lang") or negotiate()  # as the layout's: pages outside /<lang>/ have none
    canonical = g.get("canonical") or request.host_url.rstrip("/") + alternates()[lang]
    meta = PageMeta(
        title=Markup(title).striptags(),
        description=_(
            "Community security, youth and peace-building programs in the Ferghana valley, "
            "often across the Tajik–Kyrgyz border."
        ),
        description_lang=None,
        type="website",
        url=canonical,
        locale=OG_LOCALES[lang],
        locale_alternates=[OG_LOCALES[code] for code in LANGUAGES if code != lang],
    )
    if request.endpoint == "pages.home":
        meta.title = _("Public Organization “ASTI”")
        meta.json_ld = {
            "@context": "https://schema.org",
            **organization(lang),
            "foundingDate": "1995",
            "foundingLocation": {"@type": "Place", "name": _("Khujand")},
        }
    if shown is None:
        return meta

    item, t = shown.item, shown.t
    meta.title = t.title
    # The locale of the text shown (a fallback's own), and of the item's real translations.
    meta.locale = OG_LOCALES[t.lang]
    meta.locale_alternates = [
        OG_LOCALES[code] for code in LANGUAGES if code != t.lang and code in item.translations
    ]
    summary = summary_of(t)
    if summary:
        meta.description = summary
        meta.description_lang = t.lang if shown.is_fallback else None
    meta.image = image_url(item)
    alt = photo_text(item.image, "alt", lang) if item.image else None
    if alt:
        meta.image_alt = alt.value
        meta.image_alt_lang = alt.lang if alt.is_fallback else None
    if isinstance(item, News):
        meta.type = "article"
        meta.json_ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": t.title,
            "description": meta.description,
            "datePublished": w3c(item.published_at),
            "dateModified": w3c(last_modified(item, t)),
            "inLanguage": t.lang,
            "url": canonical,
            "mainEntityOfPage": canonical,
            **({"image": [meta.image]} if meta.image else {}),
            "publisher": organization(lang),
        }
    return meta


def init_app(app) -> None:
    app.add_template_global(page_meta)
    app.add_template_filter(w3c)
