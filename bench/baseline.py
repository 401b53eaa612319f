"""The reference for `make bench`: a bare Flask app that renders a copy of the article page
(bench/templates/: the site's templates as plain Jinja, same HTML) from data held in memory,
so no database, translations, sessions or security headers. Also `/hello`, Flask's
"Hello, World!", the reference for answers that carry no page (304).

    gunicorn -w 4 --bind 127.0.0.1:8001 bench.baseline:app

The texts are the demo's (asti/demo.py), copied into baseline_data.json so that the
workers import Flask only (importing asti would add SQLAlchemy and the rest to their
memory). After the demo changes, write the copy again with

    .venv/bin/python -m bench.baseline
"""

import json
from datetime import date
from pathlib import Path

from flask import Flask, render_template, request

HERE = Path(__file__).parent
DATA = HERE / "baseline_data.json"
LANGUAGES = ("tg", "ru", "en")
ENDONYMS = {"tg": "Тоҷикӣ", "ru": "Русский", "en": "English"}
OTHER_NEWS = 5
PAGE_LANG = "en"

app = Flask(__name__, template_folder=str(HERE / "templates"))
app.jinja_env.globals.update(languages=LANGUAGES, endonyms=ENDONYMS)  # as the site's are


# --- The copy of the demo texts (run only by `python -m bench.baseline`) -----------------


def text_in(spec: dict, lang: str) -> tuple[str, dict]:
    """The item's text in ``lang``, or the first one it has (a fallback)."""
    return (lang, spec["text"][lang]) if lang in spec["text"] else next(iter(spec["text"].items()))


def link(kind: str, spec: dict, lang: str = PAGE_LANG) -> dict:
    """What a list shows of an item: title, address and the language of its text."""
    from asti.text import make_slug

    shown_lang, text = text_in(spec, lang)
    item = {
        "title": text["title"],
        "summary": text.get("summary", ""),
        "lang": shown_lang,
        "is_fallback": shown_lang != PAGE_LANG,
        "url": f"/{PAGE_LANG}/{kind}/{make_slug(text['title'])}/",
    }
    if "published_at" in spec:
        item["published_at"] = spec["published_at"].date().isoformat()
    return item


def article(spec: dict) -> dict:
    """The article shown: its English text, rendered once, with its program and regions."""
    from asti.demo import PROGRAMS, REGIONS
    from asti.text import make_slug, render_markdown

    programs = {p["ref"]: p for p in PROGRAMS}
    regions = {r["ref"]: r for r in REGIONS}
    text = spec["text"][PAGE_LANG]
    return link("news", spec) | {
        "body_html": render_markdown(text["body"]),
        "program": link("programs", programs[spec["program"]]),
        "regions": [link("regions", regions[ref]) for ref in spec["regions"]],
        "alternates": {
            lang: f"/{lang}/news/{make_slug(spec['text'][lang]['title'])}/" for lang in LANGUAGES
        },
    }


def other_news(shown: dict) -> list[dict]:
    """Five "other news": the demo has only three items, so every text of the others
    (English first), then the shown item's other languages; newest first."""
    from asti.demo import NEWS

    others = [s for s in NEWS if s is not shown]
    texts = [link("news", s, lang) for lang in ("en", "ru", "tg") for s in others]
    texts += [link("news", shown, lang) for lang in ("ru", "tg")]
    unique = {t["url"]: t for t in texts}  # a Russian-only item falls back only once
    newest = sorted(unique.values(), key=lambda t: t["published_at"], reverse=True)
    return newest[:OTHER_NEWS]


def extract() -> dict:
    """The first demo news item with an English text, and five others."""
    from asti.demo import NEWS

    shown = next(s for s in NEWS if PAGE_LANG in s["text"])
    return {"shown": article(shown), "others": other_news(shown)}


# --- The application ----------------------------------------------------------------------


def with_dates(item: dict) -> dict:
    return item | {"published_at": date.fromisoformat(item["published_at"])}


def load() -> tuple[dict, list[dict]]:
    """The copy of the texts, read once when a worker starts."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return with_dates(data["shown"]), [with_dates(item) for item in data["others"]]


# Not while the copy is being written (`python -m bench.baseline`).
SHOWN, OTHERS = load() if __name__ != "__main__" else ({}, [])


def json_ld(root: str) -> dict:
    url = root + SHOWN["url"]
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "dateModified": f"{SHOWN['published_at']:%Y-%m-%d}T00:00:00Z",
        "datePublished": f"{SHOWN['published_at']:%Y-%m-%d}T00:00:00Z",
        "description": SHOWN["summary"],
        "headline": SHOWN["title"],
        "inLanguage": PAGE_LANG,
        "mainEntityOfPage": url,
        "publisher": {
            "@type": "Organization",
            "alternateName": "ASTI",
            "logo": root + "/static/favicon.svg",
            "name": "Public Organization “ASTI”",
            "url": f"{root}/{PAGE_LANG}/",
        },
        "url": url,
    }


@app.get("/en/news/<slug>/")
def detail(slug):
    """The one article, whatever the slug: the benchmark asks for ours's address."""
    root = request.url_root.rstrip("/")
    return render_template(
        "news/detail.html",
        shown=SHOWN,
        others=OTHERS,
        alts=SHOWN["alternates"],
        page_lang=PAGE_LANG,
        root=root,
        json_ld=json_ld(root),
    )


@app.get("/hello")
def hello():
    return "Hello, World!"


if __name__ == "__main__":
    DATA.write_text(json.dumps(extract(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written {DATA}")
