"""Search over published news, programs, regions and pages in all three languages."""

import re
from functools import lru_cache

from flask import Blueprint, abort, g, render_template, request
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..paging import page_number
from ..registry import kinds
from . import index

bp = Blueprint("search", __name__, url_prefix="/<lang:lang>/search")

PER_PAGE = 10
SNIPPET_WORDS = 30
MAX_QUERY = 200


@lru_cache(maxsize=65536)
def folded(word: str) -> list[str]:
    """The folded parts of a word of a text (texts repeat their words: fold each once)."""
    return re.findall(r"\w+", index.fold(word))


def matches(word: str, query_terms: list[str]) -> bool:
    """Does a word of the text start with one of the (folded) query terms?"""
    return any(t.startswith(q) for t in folded(word) for q in query_terms)


def highlight(words: list[str], query_terms: list[str]) -> Markup:
    """The words, escaped, with those matching a query term in <mark>."""
    return Markup(" ").join(
        Markup("<mark>%s</mark>") % word if matches(word, query_terms) else escape(word)
        for word in words
    )


def snippet(plain: str, query_terms: list[str]) -> Markup:
    """About thirty words of the text around the first match."""
    words = plain.split()
    first = next((i for i, word in enumerate(words) if matches(word, query_terms)), 0)
    start = max(0, first - SNIPPET_WORDS // 3)
    part = words[start : start + SNIPPET_WORDS]
    text = highlight(part, query_terms)
    if start > 0:
        text = Markup("… ") + text
    if start + SNIPPET_WORDS < len(words):
        text += Markup(" …")
    return text


@bp.get("/")
def results():
    """Ranked results with highlighted snippets; other languages are labelled."""
    query = request.args.get("q", "")[:MAX_QUERY].strip()
    page = page_number()
    found = index.find(db.session, query, g.lang, page, PER_PAGE)
    hits, total = found.hits, found.total
    if total and not hits:
        abort(404)  # a page number past the last page
    items = {}
    for kind in {h.kind for h in hits}:
        model = kinds[kind].model
        ids = [h.item_id for h in hits if h.kind == kind]
        items.update(
            {
                (kind, i.id): i
                for i in db.session.scalars(
                    # with the photo each result shows
                    select(model).where(model.id.in_(ids)).options(joinedload(model.image))
                )
            }
        )
    query_terms = index.terms(query)
    entries = []
    for hit in hits:
        item = items[(hit.kind, hit.item_id)]
        t = item.translations[hit.lang]
        plain = " ".join(filter(None, [t.summary, Markup(t.body_html).striptags()]))
        entries.append(
            {
                "kind": kinds[hit.kind],
                "item": item,
                "t": t,
                "title": highlight(t.title.split(), query_terms),
                "snippet": snippet(plain, query_terms),
            }
        )
    pages = (total + PER_PAGE - 1) // PER_PAGE
    return render_template(
        "search/results.html",
        query=query,
        searched=bool(query_terms),
        entries=entries,
        total=total,
        narrowed=found.narrowed,
        page=page,
        pages=pages,
    )


def init_app(app) -> None:
    """Keep the index in step with every save, and serve the results page."""
    index.init_app(app)
    app.register_blueprint(bp)
