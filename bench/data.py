"""Benchmark content: many news items, made only from the demo's own texts (asti/demo.py),
so that lists, search and caches can be measured at a realistic size. A tool of the
checkout, not a command of the site (the wheel's `flask` has none such): it works on the
database the ASTI_* settings name, as `flask --app asti` would.

    .venv/bin/python -m bench.data --news 10000

Item k repeats demo news item k % len(NEWS) under its title plus a serial number ("№ 1234",
"No. 1234"), with its paragraphs rotated for variety; a fixed pattern leaves out one or
two languages of most items, so the fallback is exercised. Nothing else is invented.

Rows go in with bulk Core inserts (no ORM object per item), search index rows included,
one commit per batch; each distinct body is rendered and folded once."""

import functools
import time
from dataclasses import dataclass
from datetime import timedelta

import click
from flask.cli import ScriptInfo, with_appcontext
from sqlalchemy import func, insert, select

from asti import create_app, demo
from asti.config import LANGUAGES
from asti.extensions import db
from asti.models import PUBLISHED, News, NewsTranslation, Program, Region, news_region, utcnow
from asti.pagecache.state import content_changed
from asti.registry import kinds
from asti.search import index
from asti.text import first_free, make_slug, numbered, render_markdown

#: The languages of item k, by (k // len(NEWS)) % 6, the first being the original one;
#: those the demo item lacks are skipped. Half the patterns have all three languages.
PATTERNS = (
    ("tg", "ru", "en"),
    ("ru", "en"),
    ("en", "tg", "ru"),
    ("tg",),
    ("ru", "tg", "en"),
    ("en",),
)
#: How the serial number follows the title, per language.
SERIAL = {"tg": "№ {}", "ru": "№ {}", "en": "No. {}"}
#: One item every few hours back from now, all within ten years.
STEP = timedelta(hours=3)
SPAN = timedelta(days=3652)
BATCH = 1000


@dataclass(frozen=True)
class Text:
    """One demo translation, prepared once: everything but the serial number."""

    title: str
    slug_head: str  # the slug of "title — №", to which "-1234" is added
    summary: str
    body: str
    body_html: str
    search_body: str  # folded, as asti.search.index writes it


def paragraphs(seed: int, lang: str) -> list[str]:
    return demo.NEWS[seed]["text"][lang]["body"].split("\n\n")


@functools.cache
def prepared(seed: int, lang: str, rotation: int) -> Text:
    """Demo news item ``seed`` in ``lang`` with its paragraphs rotated: rendered and folded
    once, however many items repeat it."""
    fields = demo.NEWS[seed]["text"][lang]
    parts = paragraphs(seed, lang)
    body = "\n\n".join(parts[rotation:] + parts[:rotation])
    searched = {"summary": fields["summary"], "body": body}
    label = SERIAL[lang].format("").strip()
    return Text(
        title=fields["title"],
        slug_head=make_slug(f"{fields['title']} — {label}"),
        summary=fields["summary"],
        body=body,
        body_html=render_markdown(body),
        search_body=index.fold(
            " ".join(searched.get(f, "") for f in index.body_fields(NewsTranslation))
        ),
    )


def plan(k: int) -> tuple[int, list[str], int]:
    """Item k: its demo item, its languages (original first) and its paragraph rotation."""
    seed = k % len(demo.NEWS)
    available = demo.NEWS[seed]["text"]
    pattern = PATTERNS[k // len(demo.NEWS) % len(PATTERNS)]
    langs = [lang for lang in pattern if lang in available] or list(available)
    turn = k // (len(demo.NEWS) * len(PATTERNS))
    return seed, langs, turn


def demo_links() -> list[tuple[int | None, list[int]]]:
    """For each demo news item, the ids of its program and regions in this database
    (None and [] where the demo item is not there)."""

    def find(model, specs):
        found = {spec["ref"]: demo._existing(model, spec["text"], {}) for spec in specs}
        return {ref: item.id for ref, item in found.items() if item is not None}

    programs, regions = find(Program, demo.PROGRAMS), find(Region, demo.REGIONS)
    return [
        (programs.get(spec["program"]), [regions[r] for r in spec["regions"] if r in regions])
        for spec in demo.NEWS
    ]


def generate(count: int, progress=None) -> int:
    """Add ``count`` published news items; return how many translations they have.
    ``progress(done)`` is called after each committed batch."""
    links = demo_links()
    taken = {lang: set() for lang in LANGUAGES}  # slugs are unique per language
    for lang, slug in db.session.execute(select(NewsTranslation.lang, NewsTranslation.slug)):
        taken[lang].add(slug)
    first = (db.session.scalar(select(func.max(News.id))) or 0) + 1
    now = utcnow()
    step = min(STEP, SPAN / count)
    news = News.__table__
    add_news = insert(news).returning(news.c.id, sort_by_parameter_order=True)
    translations = 0
    for start in range(0, count, BATCH):
        plans = [(k, *plan(k)) for k in range(start, min(start + BATCH, count))]
        news_rows = [
            {
                "status": PUBLISHED,
                "published_at": now - step * (k + 1),
                "created_at": now,
                "updated_at": now,
                "deleted_at": None,
                "source_lang": langs[0],
                "version": 1,
                "image_id": None,
                "program_id": links[seed][0],
            }
            for k, seed, langs, _ in plans
        ]
        ids = db.session.execute(add_news, news_rows).scalars().all()
        text_rows, region_rows, index_rows = [], [], []
        for news_id, row, (k, seed, langs, turn) in zip(ids, news_rows, plans, strict=True):
            serial = first + k
            region_rows += [{"news_id": news_id, "region_id": r} for r in links[seed][1]]
            for lang in langs:
                t = prepared(seed, lang, turn % len(paragraphs(seed, lang)))
                title = f"{t.title} — {SERIAL[lang].format(serial)}"
                slug = first_free(numbered(t.slug_head, serial), taken[lang].__contains__)
                taken[lang].add(slug)
                text_rows.append(
                    {
                        "news_id": news_id,
                        "lang": lang,
                        "title": title,
                        "slug": slug,
                        "summary": t.summary,
                        "body": t.body,
                        "body_html": t.body_html,
                        "updated_at": now,
                    }
                )
                index_rows.append(
                    {
                        "kind": kinds.of(News).key,
                        "item_id": news_id,
                        "lang": lang,
                        "title": index.fold(title),
                        "body": t.search_body,
                        "status": PUBLISHED,
                        "published_at": row["published_at"],
                        "deleted": False,
                    }
                )
        db.session.execute(insert(NewsTranslation.__table__), text_rows)
        if region_rows:
            db.session.execute(insert(news_region), region_rows)
        index.insert(db.session.connection(), index_rows)
        db.session.commit()
        translations += len(text_rows)
        if progress is not None:
            progress(start + len(plans))
    content_changed(db.session)  # Core inserts pass by the ORM's notice
    db.session.commit()
    return translations


@click.command("bench-data")
@click.option(
    "--news",
    "count",
    type=click.IntRange(min=1),
    default=10000,
    show_default=True,
    help="How many news items to add.",
)
@with_appcontext
def bench_data(count):
    """Add many news items made from the demo texts, for benchmarks (adds more each time)."""
    started = time.perf_counter()
    if db.session.scalar(select(Program.id).limit(1)) is None:
        created = demo.load()
        db.session.commit()
        click.echo(f"Demo content: {created} new items.")
    shown = 0

    def progress(done):
        nonlocal shown
        if done * 10 // count > shown * 10 // count or done == count:
            shown = done
            elapsed = time.perf_counter() - started
            click.echo(f"  {done:,} / {count:,} news items, {elapsed:.1f} s")

    translations = generate(count, progress)
    elapsed = time.perf_counter() - started
    click.echo(
        f"Benchmark data: {count:,} news items ({translations:,} translations) in {elapsed:.1f} s."
    )


if __name__ == "__main__":
    bench_data(obj=ScriptInfo(create_app=create_app))
