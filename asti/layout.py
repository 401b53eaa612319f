"""What the layout of every public page shows besides the page itself: what it tells
search engines and link previews about itself (its description, Open Graph and Twitter
card tags, schema.org data), rendered by ``templates/partials/meta.html`` from
``page_meta()``, so no view has to prepare anything; and the dates those read."""

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask import g, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from .config import LANGUAGES
from .extensions import db
from .i18n import Localized, PhotoText, alternates, chain, negotiate, photo_text
from .models import Image, News, Setting
from .pagecache.state import per_version

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


#: The site settings (``Setting`` rows ``site.<key>``) that administrators fill in the editor:
#: texts per language (``name.tg``, ``address.ru`` ...), then the same in every language.
SITE = "site."
SITE_TEXTS = ("name", "description", "address")
SOCIAL = {"facebook": "Facebook", "telegram": "Telegram", "instagram": "Instagram",
          "youtube": "YouTube"}  # fmt: skip


def telephone(number: str) -> str:
    """A ``tel:`` link of a number as written ("+992 (3422) 6-75-71"): its digits, and the
    plus of an international number."""
    return "tel:" + re.sub(r"[^\d+]", "", number)


@dataclass
class Site:
    """The organisation as the site settings describe it, in one language: what the
    header, the footer, the contacts page and schema.org data show. A text missing in that
    language comes from the next language of its chain (``PhotoText.is_fallback``)."""

    name: PhotoText
    description: PhotoText
    address: PhotoText | None = None
    #: (the number as written, its ``tel:`` link)
    phones: list[tuple[str, str]] = field(default_factory=list)
    email: str = ""
    #: (the network's name, the address of the organisation's page there)
    social: list[tuple[str, str]] = field(default_factory=list)
    #: An uploaded logo (a photo of the library); without one, the drawn wordmark.
    logo: "Logo | None" = None
    #: Where the office is (latitude, longitude), for the contacts page's map.
    office: tuple[float, float] | None = None


@dataclass(frozen=True)
class Logo:
    """An uploaded logo as pages show it: its JPEG rendition (every browser reads it) and
    its size, named as ``Image``'s."""

    fallback: str
    width: int
    height: int


def stored_settings() -> tuple[dict[str, str], Logo | None]:
    values = Setting.values(SITE)
    logo = values.get("logo", "")
    image = db.session.get(Image, int(logo)) if logo.isdecimal() else None
    return values, image and Logo(image.fallback, image.width, image.height)


def load_site(lang: str) -> Site:
    # Every page shows them: read once per content version (a save of the settings is a
    # change of the content), not once per page.
    try:
        values, logo = per_version("site settings", stored_settings)
    except SQLAlchemyError:  # the error page of a database failure must still render
        db.session.rollback()
        values, logo = {}, None

    def text(name: str, default: str | None = None) -> PhotoText | None:
        for code in chain(lang):
            if values.get(f"{name}.{code}"):
                return PhotoText(values[f"{name}.{code}"], code, code != lang)
        return PhotoText(default, lang, False) if default else None

    try:
        office = float(values["latitude"]), float(values["longitude"])
    except (KeyError, ValueError):
        office = None
    return Site(
        name=text("name", _("Public Organization “ASTI”")),
        description=text("description", default_description()),
        address=text("address"),
        phones=[
            (n.strip(), telephone(n)) for n in values.get("phones", "").splitlines() if n.strip()
        ],
        email=values.get("email", ""),
        social=[(label, values[key]) for key, label in SOCIAL.items() if values.get(key)],
        logo=logo,
        office=office,
    )


def site() -> Site:
    """The site settings in the page's language, read once per request."""
    if "site" not in g:
        g.site = load_site(g.get("lang") or negotiate())
    return g.site


def default_description() -> str:
    return _(
        "Community security, youth and peace-building programs in the Ferghana valley, "
        "often across the Tajik–Kyrgyz border."
    )


def organization(lang: str) -> dict:
    """ASTI as schema.org sees it, named in the page's language, with the contact details
    of the site settings."""
    about = site()
    logo = (
        url_for("pages.media", filename=about.logo.fallback, _external=True)
        if about.logo
        else url_for("static", filename="favicon.svg", _external=True)
    )
    data = {
        "@type": "Organization",
        "name": about.name.value,
        "alternateName": _("ASTI"),
        "url": url_for("pages.home", lang=lang, _external=True),
        "logo": logo,
    }
    if about.address:
        data["address"] = about.address.value
    if about.phones:
        data["telephone"] = about.phones[0][0]
    if about.email:
        data["email"] = about.email
    if about.social:
        data["sameAs"] = [url for _name, url in about.social]
    return data


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
        description=site().description.value,
        description_lang=site().description.lang if site().description.is_fallback else None,
        type="website",
        url=canonical,
        locale=OG_LOCALES[lang],
        locale_alternates=[OG_LOCALES[code] for code in LANGUAGES if code != lang],
    )
    if request.endpoint == "pages.home":
        meta.title = site().name.value
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


def once(template: str, *key) -> Markup:
    """A part of the layout that many pages share (the logo, the menu, the footer), rendered
    once per language, content version and ``key`` (what else it depends on) in this
    worker: rendered for every page, they cost more than many a page's own content."""
    lang = g.get("lang") or negotiate()
    return per_version(
        ("layout", template, lang, *key), lambda: Markup(render_template(template, page_lang=lang))
    )


def init_app(app) -> None:
    app.add_template_global(once)
    app.add_template_global(page_meta)
    app.add_template_global(site)
    app.add_template_filter(w3c)
