"""Languages: the ``/<lang>/`` URL prefix, negotiation, the interface locale, and which
translation of an item a reader sees (with the fallback chain and its notice)."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any

from babel.dates import format_date, format_time
from flask import abort, current_app, g, redirect, request, url_for
from flask_babel import get_locale, get_timezone, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased, joinedload
from werkzeug.routing import BaseConverter

from .config import LANGUAGES
from .extensions import db
from .models import Image, SlugRedirect
from .registry import kinds

#: Each language named in itself, as a switcher shows it.
ENDONYMS = {"tg": "Тоҷикӣ", "ru": "Русский", "en": "English"}

# One sentence per language, so each catalog can inflect the language name correctly.
AVAILABLE_ONLY_IN = {
    "tg": _l("This page is available in Tajik only."),
    "ru": _l("This page is available in Russian only."),
    "en": _l("This page is available in English only."),
}
SHOWN_IN = {
    "tg": _l("This page has not been translated into this language yet; it is shown in Tajik."),
    "ru": _l("This page has not been translated into this language yet; it is shown in Russian."),
    "en": _l("This page has not been translated into this language yet; it is shown in English."),
}


class LangConverter(BaseConverter):
    """Matches only the site's languages, so ``/xx/...`` is a plain 404."""

    regex = "|".join(LANGUAGES)


class SlugConverter(BaseConverter):
    """Slugs are made by ``text.make_slug``: anything else (``old-page.html``, Cyrillic)
    matches no page, so it falls through to the 404 handler and the legacy redirects."""

    regex = "[a-z0-9]+(?:-[a-z0-9]+)*"


def base_language(tag: str) -> str:
    """``tg-TJ`` -> ``tg``; ``ru_RU`` -> ``ru``."""
    return tag.replace("_", "-").split("-")[0].strip().lower()


def negotiate() -> str:
    """The reader's language: the remembered cookie, then Accept-Language, then the default
    (or, if the reader refuses that, the next along its fallback chain).

    Werkzeug's ``best_match`` ranks ``tg-TJ`` below a plain ``ru`` with a lower q, so
    regional tags are reduced to their base language here, keeping the reader's order.
    """
    cookie = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    if cookie in LANGUAGES:
        return cookie
    asked = [(base_language(tag), quality) for tag, quality in request.accept_languages]
    refused = {lang for lang, quality in asked if quality == 0}  # `tg;q=0`: never this one
    for lang, quality in asked:  # already sorted by quality
        if quality > 0 and lang in LANGUAGES and lang not in refused:
            return lang
    default = current_app.config["DEFAULT_LANGUAGE"]
    return next((lang for lang in chain(default) if lang not in refused), default)


def select_locale() -> str:
    """Flask-Babel's locale: the URL's language, or a negotiated one outside ``/<lang>/``."""
    return g.get("lang") or negotiate()


def chain(lang: str) -> list[str]:
    """The asked language followed by its configured fallbacks."""
    rest = current_app.config["FALLBACKS"].get(lang, [])
    return [lang] + [x for x in rest if x != lang]


@dataclass
class Localized:
    """An item as shown in the asked language ``lang``: its text ``t`` may be a fallback."""

    item: Any
    t: Any
    lang: str

    @property
    def is_fallback(self) -> bool:
        return self.t.lang != self.lang

    @property
    def notice(self) -> str:
        if len(self.item.translations) == 1:
            return AVAILABLE_ONLY_IN[self.t.lang]
        return SHOWN_IN[self.t.lang]

    @property
    def url(self) -> str:
        return url_for(self.endpoint, lang=self.lang, **self.item.url_values(self.t))

    @property
    def canonical_url(self) -> str:
        """A fallback page is a copy of the original: search engines should index that."""
        return url_for(
            self.endpoint, lang=self.t.lang, **self.item.url_values(self.t), _external=True
        )

    @property
    def endpoint(self) -> str:
        return kinds.of(self.item).endpoint


@dataclass(frozen=True)
class CardText:
    title: str
    lang: str
    summary: str


@dataclass(frozen=True)
class CardImage:
    renditions: tuple[tuple[int, str], ...]
    fallback: str
    width: int
    height: int


@dataclass(frozen=True)
class Card:
    """What a list shows of an item in one language (title, summary, date, photo, address),
    as plain data: lists keep their cards per content version (``per_version``) rather than
    load and localize their items for every page. The cards' macros take an item or its
    card alike: a card is its own item and is localized already."""

    id: int
    url: str
    t: CardText
    lang: str
    published_at: datetime | None
    program_id: int | None
    image: CardImage | None

    @property
    def is_fallback(self) -> bool:
        return self.t.lang != self.lang


def card(item, lang: str | None = None) -> Card:
    """The card of ``item`` in ``lang`` (default: the page's language)."""
    shown = localize(item, lang)
    image = item.image
    return Card(
        id=item.id,
        url=shown.url,
        t=CardText(shown.t.title, shown.t.lang, shown.t.summary),
        lang=shown.lang,
        published_at=item.published_at,
        program_id=getattr(item, "program_id", None),
        image=image
        and CardImage(tuple(image.renditions), image.fallback, image.width, image.height),
    )


def localize(item, lang: str | None = None) -> Localized | Card | None:
    """The translation of ``item`` to show in ``lang`` (default: the page's language)."""
    if isinstance(item, Card):
        return item
    lang = lang or g.lang
    for code in chain(lang) + list(item.translations):
        if code in item.translations:
            return Localized(item, item.translations[code], lang)
    return None


@dataclass(frozen=True)
class PhotoText:
    """One of a photo's texts (its ``alt``, ``caption`` or ``credit``) as a reader sees it:
    ``lang`` is the language it is written in, another than the reader's in a fallback."""

    value: str
    lang: str
    is_fallback: bool


def photo_text(image: Image, field: str, lang: str | None = None) -> PhotoText | None:
    """The photo's ``field`` in ``lang`` (default: the page's language), else in the first
    language along its fallback chain that has it; None when none has it."""
    lang = lang or g.lang
    for code in chain(lang):
        text = image.texts.get(code)
        if text is not None and getattr(text, field):
            return PhotoText(getattr(text, field), code, code != lang)
    return None


def localize_all(items, lang: str | None = None) -> list[Localized]:
    """Localize a list, leaving out items that have no text at all."""
    return [x for x in (localize(i, lang) for i in items) if x is not None]


def show(item) -> Localized:
    """Localize the item a page is about, and declare that page's URL in each language
    (for the switcher and ``hreflang``) and its canonical URL, for the layout."""
    shown = localize(item)
    g.alternates = {lang: localize(item, lang).url for lang in LANGUAGES}
    g.language_versions = language_versions(item)
    g.canonical = shown.canonical_url
    return shown


def language_versions(item) -> dict[str, str]:
    """The absolute URL of ``item`` in each language it is written in (never a fallback
    URL), and under ``x-default`` its original's: what ``hreflang`` and the sitemap say."""
    endpoint = kinds.of(item).endpoint
    versions = {
        lang: url_for(endpoint, lang=lang, **item.url_values(t), _external=True)
        for lang in LANGUAGES
        if (t := item.translations.get(lang)) is not None
    }
    if versions:
        versions["x-default"] = versions[item.source.lang]
    return versions


def hreflang() -> dict[str, str]:
    """This page's ``hreflang`` links: an item's real translations (``language_versions``);
    a list, which every language has, in each language and the default one for others."""
    if "language_versions" in g:
        return g.language_versions
    base = request.host_url.rstrip("/")
    versions = {lang: base + url for lang, url in alternates().items()}
    return {**versions, "x-default": versions[current_app.config["DEFAULT_LANGUAGE"]]}


@cache
def by_slug(model):
    """The visible items with a text whose slug is ``:slug``, with all their texts and what
    their page shows (built once per model: building a statement costs more than running it)."""
    # A join from the slug's text, not `id IN (...)`: SQLite would rather walk the whole
    # list of visible news and test each.
    match = aliased(model.translation_class)
    return (
        select(model)
        .join(model.translations.of_type(match))
        .where(match.slug == bindparam("slug"), model.visible())
        .options(joinedload(model.translations), *model.page_options())
    )


def show_item_or_404(model, slug: str) -> Localized:
    """The visible item that a detail URL's slug names, shown in the page's language.

    A slug may be another language's (a fallback URL, or an old link from the switcher),
    or one the item had before a rename: redirect to the item's current URL.
    """
    items = db.session.scalars(by_slug(model), {"slug": slug}).unique().all()
    if not items:
        moved = db.session.scalar(
            select(SlugRedirect).filter_by(kind=kinds.of(model).key, slug=slug).limit(1)
        )
        item = moved and db.session.scalar(
            select(model).where(model.id == moved.item_id, model.visible())
        )
        if item is None:
            abort(404)
        abort(redirect(localize(item).url, 301))
    order = chain(g.lang)

    def rank(item):  # the item whose text under this slug is in the best language
        langs = [t.lang for t in item.translations.values() if t.slug == slug]
        return min(order.index(x) if x in order else len(order) for x in langs)

    shown = show(min(items, key=rank))
    if shown.t.slug != slug:
        abort(redirect(shown.url, 301))
    return shown


def alternates() -> dict[str, str]:
    """This page's URL in each language (the switcher and the ``hreflang`` links)."""
    if "alternates" in g:
        return g.alternates
    if request.endpoint is None or not request.url_rule or "lang" not in request.url_rule.arguments:
        return {lang: url_for("pages.home", lang=lang) for lang in LANGUAGES}
    args = {**request.view_args, **request.args.to_dict()}
    return {lang: url_for(request.endpoint, **{**args, "lang": lang}) for lang in LANGUAGES}


#: Tajik months as dates write them, with the izofat: «1 октябри 2011», «аз апрели соли
#: 2012». CLDR's `tg` data has only the capitalised nominative («01 Октябр 2011»), so Tajik
#: dates take their month from here; everything else about dates comes from Babel.
TAJIK_MONTHS = (
    "январи", "феврали", "марти", "апрели", "майи", "июни",
    "июли", "августи", "сентябри", "октябри", "ноябри", "декабри",
)  # fmt: skip


def _local(value: date) -> date:
    """Stored times are naive UTC; readers and staff live in Dushanbe's time."""
    return to_user_timezone(value) if isinstance(value, datetime) else value


@lru_cache(maxsize=4096)
def _day(value: date, lang: str) -> str:
    if lang == "tg":
        return f"{value.day} {TAJIK_MONTHS[value.month - 1]} {value.year}"
    return format_date(value, "long", locale=lang)


def _local_day(value: date) -> date:
    return _day_in(value, get_timezone()) if isinstance(value, datetime) else value


@lru_cache(maxsize=4096)
def _day_in(value: datetime, zone) -> date:
    """The day of a stored time in the site's time zone ``zone``: pages show a dozen
    dates, and converting is the dear part (cached, like ``_day``)."""
    return to_user_timezone(value).date()


def day(value: date) -> str:
    """A day in the interface language: «1 октябри 2011», «1 октября 2011 г.»,
    "October 1, 2011" (Babel's date formatting is the dearest call in a page: cached)."""
    return _day(_local_day(value), str(get_locale()))


def iso_day(value: date) -> str:
    """The day as ``<time datetime>`` states it."""
    return _local_day(value).isoformat()


def moment(value: datetime) -> str:
    """A day and a time, as the editor shows when something was saved or will appear."""
    value = _local(value)
    lang = str(get_locale())
    return f"{_day(value.date(), lang)}, {format_time(value, 'short', locale=lang)}"


def month_year(value: date, governed: bool) -> str:
    """A month of a year. Russian declines it after a preposition («с апреля 2012 года»)
    and names it alone in a range («апрель 2012»); Tajik joins it to the year with the
    izofat in both («аз апрели соли 2012»)."""
    lang = str(get_locale())
    if lang == "tg":
        return f"{TAJIK_MONTHS[value.month - 1]} соли {value.year}"
    if lang == "ru" and governed:
        return format_date(value, "MMMM y", locale=lang) + "\u00a0года"
    return format_date(value, "LLLL y", locale=lang)


def period(start: date | None, end: date | None) -> str:
    """A program's period, to the month: staff rarely know the days."""
    if start and end:
        # TRANSLATORS: a program's period, from a month to a month: "April 2012 – March
        # 2014". Russian: «апрель 2012 — март 2014»; Tajik: «аз апрели соли 2012 то марти
        # соли 2014» (each month is given in the form that follows "аз" and "то").
        return _("%(start)s – %(end)s", start=month_year(start, False), end=month_year(end, False))
    if start:
        # TRANSLATORS: a program's period with no known end: "since April 2012". The month
        # is given in the form that follows a preposition: «апреля 2012 года», «апрели соли 2012».
        return _("since %(start)s", start=month_year(start, True))
    if end:
        # TRANSLATORS: a program's period with no known start: "until March 2014". The month
        # is given in the form that follows a preposition: «марта 2014 года», «марти соли 2014».
        return _("until %(end)s", end=month_year(end, True))
    return ""


def remember_language(response, lang: str) -> None:
    """Set the reader's (or the editor's) language cookie, unless it says so already."""
    name = current_app.config["LANGUAGE_COOKIE"]
    if request.cookies.get(name) != lang:
        response.set_cookie(
            name,
            lang,
            max_age=current_app.config["LANGUAGE_COOKIE_MAX_AGE"],
            samesite="Lax",
            httponly=True,
            secure=request.is_secure,
        )


def init_app(app) -> None:
    """Register the ``lang`` converter and the hooks that carry the language through URLs."""
    app.url_map.converters["lang"] = LangConverter
    app.url_map.converters["slug"] = SlugConverter

    @app.url_value_preprocessor
    def pull_lang(endpoint, values):
        if values and "lang" in values:
            g.lang = values.pop("lang")

    @app.url_defaults
    def add_lang(endpoint, values):
        if (
            "lang" not in values
            and "lang" in g
            and app.url_map.is_endpoint_expecting(endpoint, "lang")
        ):
            values["lang"] = g.lang

    @app.after_request
    def remember_lang(response):
        if "lang" in g:
            response.headers.setdefault("Content-Language", g.lang)
            # Reading a page in a language is choosing it: `/` will lead back there. An
            # editor's preview in another language is not a choice of language.
            if not g.get("preview"):
                remember_language(response, g.lang)
        return response

    app.jinja_env.filters.update(day=day, iso_day=iso_day, moment=moment)

    # Globals, not a context processor: imported macros see globals only.
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        ENDONYMS=ENDONYMS,
        localize=localize,
        photo_text=photo_text,
        period=period,
        alternates=alternates,
        hreflang=hreflang,
        absolute=lambda path: request.host_url.rstrip("/") + path,
    )

    @app.context_processor
    def page_language():
        return {"page_lang": g.get("lang") or negotiate()}
