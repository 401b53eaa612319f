"""`python -m bench.data`, the benchmark content: run for real, then read over HTTP like any
news."""

from sqlalchemy import func, select

from asti.extensions import db
from asti.models import News, NewsTranslation
from asti.text import make_slug
from bench.data import bench_data
from tests.fixtures.html import card_titles, get_page


def bench(runner, count: int) -> str:
    result = runner.invoke(bench_data, ["--news", str(count)])
    assert result.exit_code == 0, result.output
    return result.output


def generated(app, after: int) -> dict[int, dict[str, NewsTranslation]]:
    """The news items with an id above ``after``: their translations by language."""
    with app.app_context():
        items = db.session.scalars(select(News).where(News.id > after).order_by(News.id)).all()
        return {item.id: dict(item.translations) for item in items}


def last_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.max(News.id)))


def test_bench_data_is_read_like_any_news(app, client, runner):
    """60 published items, most lacking a language; pages, fallback, list and search."""
    before = last_id(app)
    output = bench(runner, 60)
    assert "Benchmark data: 60 news items (" in output
    items = generated(app, before)
    assert len(items) == 60
    per_lang = {lang: sum(lang in t for t in items.values()) for lang in ("tg", "ru", "en")}
    assert all(0 < n < 60 for n in per_lang.values()), per_lang
    assert 0 < sum(len(t) == 3 for t in items.values()) < 60
    assert all(t.slug == make_slug(t.title) for ts in items.values() for t in ts.values())

    # An English-only item, in English and (with the notice) in Russian.
    item = next(ts["en"] for ts in items.values() if set(ts) == {"en"})
    assert " — No. " in item.title
    assert get_page(client, f"/en/news/{item.slug}/").text("h1") == item.title
    html = get_page(client, f"/ru/news/{item.slug}/")
    assert html.find("h1") == ({"lang": "en"}, item.title)
    assert html.text("p", class_="notice") == "Эта страница доступна только на английском языке."

    # The newest items lead the news list.
    cards = card_titles(get_page(client, "/en/news/"))
    assert cards[0] == items[min(items)]["en"].title
    assert all(" — No. " in title or " — № " in title for title in cards)

    # Search finds an item by its serial number.
    serial = item.title.rsplit(" ", 1)[1]
    assert item.title in card_titles(get_page(client, f"/en/search/?q=No.+{serial}"))


def test_bench_data_twice_adds_fresh_items(app, runner):
    """A second run adds as many items again, with new serial numbers and slugs."""
    before = last_id(app)
    bench(runner, 12)
    bench(runner, 12)
    items = generated(app, before)
    assert len(items) == 24
    titles = [t.title for ts in items.values() for t in ts.values()]
    assert len(set(titles)) == len(titles)


def test_not_a_command_of_the_site(runner):
    """The site's `flask` (and so the installed wheel's) has no benchmark command."""
    assert "bench-data" not in runner.invoke(args=["--help"]).output
