"""The reference for `make bench`: a bare Flask app that renders the site's own article page
(templates/news/detail.html, with its layout, partials and macros) from data held in memory,
so no database, translations, sessions or security headers. Also `/hello`, Flask's
"Hello, World!", the reference for answers that carry no page (304).

    gunicorn -w 4 --bind 127.0.0.1:8001 bench.baseline:app

What the site gives its templates is stood in for by plain functions over that data:
gettext is the identity (as the English catalog is), `url_for` knows rules under the site's
endpoint names, `localize` hands back what was localized beforehand. The HTML is the site's
own: tests/test_bench.py renders an article both ways and compares them.

The data is one article page of the site, read off the template's context by `snapshot`
and kept in baseline_data.json, so that the workers import Flask only (importing asti would
add SQLAlchemy and the rest to their memory). After the demo or the page changes, write it
again with

    .venv/bin/python -m bench.baseline
"""

import dataclasses
import functools
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import Flask, g, render_template, request
from markupsafe import Markup

HERE = Path(__file__).parent
PROJECT = HERE.parent
DATA = HERE / "baseline_data.json"
#: Stands for the site's address in the data: the page is served at another one.
SITE = "{site}"

#: The site's rules that the page links to, under the same endpoint names.
LINKED = {
    "pages.home": "/<lang>/",
    "pages.page": "/<lang>/<key>/",
    "news.index": "/<lang>/news/",
    "programs.index": "/<lang>/programs/",
    "regions.index": "/<lang>/regions/",
    "search.results": "/<lang>/search/",
    "feeds.atom": "/<lang>/news/feed.atom",
    "partners.index": "/<lang>/partners/",
}
#: Babel's date patterns that the page uses, in English (the page's language).
DATE_FORMATS = {
    "iso_day": lambda day: f"{day:%Y-%m-%d}",
    "day": lambda day: f"{day:%B} {day.day}, {day:%Y}",
}


# --- The data, read off the site (by `python -m bench.baseline`, and by the test) ---------


def localized(shown, *fields: str) -> dict:
    """An item as the page shows it (an asti.i18n.Localized): its address, whether the text
    is a fallback, and the text's title, language and ``fields``."""
    return {
        "t": {name: getattr(shown.t, name) for name in ("title", "lang", *fields)},
        "url": shown.url,
        "is_fallback": shown.is_fallback,
    }


def snapshot(app, path: str) -> dict:
    """What the site's article page at ``path`` shows, as plain data. ``app`` renders it
    (its page cache must not hold the page yet); the data is read off the template's
    context, then localized as the page's macros do."""
    from flask import template_rendered

    from asti.config import LANGUAGES
    from asti.i18n import ENDONYMS

    seen = {}

    def record(sender, template, context, **extra):
        if template.name == "news/detail.html":
            seen.update(context)

    with template_rendered.connected_to(record, app), app.test_client() as client:
        response = client.get(path)
        if response.status_code != 200 or not seen:
            raise RuntimeError(f"{path}: {response.status_code}, rendered: {bool(seen)}")
        # Still in the request's context: the site's own functions answer as for the page.
        root = request.host_url.rstrip("/")
        shown, news = seen["shown"], seen["shown"].item
        meta = vars(app.jinja_env.globals["page_meta"](shown, shown.t.title))
        site = dataclasses.asdict(app.jinja_env.globals["site"]())
        data = {
            "lang": shown.lang,
            "languages": list(LANGUAGES),
            "endonyms": ENDONYMS,
            "default_language": app.config["DEFAULT_LANGUAGE"],
            "timezone": app.config["BABEL_DEFAULT_TIMEZONE"],
            "alternates": g.alternates,
            "hreflang": g.language_versions,
            "canonical": g.canonical,
            "meta": meta,
            "site": site,
            "shown": localized(shown, "body_html")
            | {
                "notice": str(shown.notice),
                "item": {"published_at": news.published_at},
            },
            "programs": [localized(program) for program in seen["programs"]],
            "regions": [localized(region) for region in seen["regions"]],
            "others": [
                localized(item, "summary") | {"published_at": item.published_at}
                for item in seen["others"]
            ],
        }
    text = json.dumps(data, ensure_ascii=False, indent=1, default=datetime.isoformat)
    return json.loads(text.replace(root, SITE))


def write() -> None:
    """baseline_data.json from a temporary site: the demo content and as many benchmark
    items as the article shows other news, plus one, the newest of them being the article
    (as on the benchmark's databases)."""
    import tempfile

    from sqlalchemy import select

    from asti import create_app, demo
    from asti.database import upgrade
    from asti.extensions import db
    from asti.models import News, NewsTranslation
    from bench.data import generate

    with tempfile.TemporaryDirectory() as tmp:
        site = create_app(
            {"SECRET_KEY": "baseline", "DATABASE_URL": f"sqlite:///{tmp}/asti.db",
             "PAGE_CACHE_BYTES": 0}
        )  # fmt: skip
        with site.app_context():
            upgrade()
            demo.load()
            db.session.commit()
            generate(site.config["OTHER_NEWS"] + 1)
            slug = db.session.scalar(
                select(NewsTranslation.slug)
                .join(News)
                .where(NewsTranslation.lang == "en")
                .order_by(News.published_at.desc())
                .limit(1)
            )
        data = snapshot(site, f"/en/news/{slug}/")
    DATA.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# --- The application ----------------------------------------------------------------------


def with_dates(value):
    """The data with its times as datetimes again (naive UTC, as the site stores them)."""
    if isinstance(value, dict):
        return {
            k: datetime.fromisoformat(v) if k == "published_at" and v else with_dates(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [with_dates(v) for v in value]
    return value


def fingerprints(folder: Path) -> dict[str, str]:
    """Static files under names with a hash of their content, as asti.assets names them."""
    names = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix not in {".gz", ".br"}:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            name = path.relative_to(folder).as_posix()
            stem, dot, suffix = name.rpartition(".")
            names[name] = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
    return names


def create_app(data: dict) -> Flask:
    """The bare app showing the article of ``data`` (as `snapshot` wrote it)."""
    data = with_dates(data)
    app = Flask(
        __name__,
        template_folder=str(PROJECT / "templates"),
        static_folder=str(PROJECT / "static"),
    )
    app.config["DEFAULT_LANGUAGE"] = data["default_language"]
    zone = ZoneInfo(data["timezone"])
    lang, shown = data["lang"], data["shown"]
    meta = json.dumps(data["meta"])

    @functools.cache
    def meta_at(root: str) -> dict:
        return json.loads(meta.replace(SITE, root))

    def dateformat(fmt: str):
        return lambda value: DATE_FORMATS[fmt](value.replace(tzinfo=UTC).astimezone(zone))

    # The site settings, with attributes as the layout reads them.
    site = json.loads(json.dumps(data["site"]), object_hook=lambda d: SimpleNamespace(**d))
    env = app.jinja_env
    env.add_extension("jinja2.ext.i18n")
    env.install_null_translations(newstyle=True)
    env.policies["ext.i18n.trimmed"] = True
    env.filters.update({fmt: dateformat(fmt) for fmt in DATE_FORMATS})
    env.globals.update(
        LANGUAGES=data["languages"],
        ENDONYMS=data["endonyms"],
        localize=lambda item: item,  # localized in the data already
        alternates=lambda: data["alternates"],
        hreflang=lambda: {
            code: url.replace(SITE, request.host_url.rstrip("/"))
            for code, url in data["hreflang"].items()
        },
        absolute=lambda path: request.host_url.rstrip("/") + path,
        page_meta=lambda shown, title: meta_at(request.host_url.rstrip("/")),
        site=lambda: site,
        # The site keeps the layout's shared parts per content version; here every page
        # renders them again.
        once=lambda template, *key: Markup(render_template(template, page_lang=lang)),
    )

    for endpoint, rule in LINKED.items():
        app.add_url_rule(rule, endpoint)
    names = fingerprints(Path(app.static_folder))

    @app.url_defaults
    def hashed_static(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = names.get(values["filename"], values["filename"])

    @app.get("/<lang>/news/<slug>/", endpoint="news.detail")
    def detail(**_):
        """The one article, whatever the address: the benchmark asks for ours's."""
        g.canonical = data["canonical"].replace(SITE, request.host_url.rstrip("/"))
        return render_template(
            "news/detail.html",
            shown=shown,
            others=data["others"],
            programs=data["programs"],
            regions=data["regions"],
            page_lang=lang,
        )

    @app.get("/hello")
    def hello():
        return "Hello, World!"

    return app


if __name__ == "__main__":
    write()
    print(f"written {DATA}")
else:
    app = create_app(json.loads(DATA.read_text(encoding="utf-8")))
