"""Search over HTTP: every language, look-alike letters, ranking, paging, nasty input."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text

from asti import demo
from asti.extensions import db
from asti.models import News, NewsTranslation, utcnow
from asti.search import index
from tests.fixtures.html import Page, card_titles, get_page
from tests.fixtures.items import add_news


def search(client, lang, q, status=200, **params) -> Page:
    response = client.get(f"/{lang}/search/", query_string={"q": q, **params})
    assert response.status_code == status, response.get_data(as_text=True)[-500:]
    return Page(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        ("tg", "Ашт", "UPSHIFT — омӯзиши чоррӯза дар Лабораторияҳои инноватсионӣ"),
        ("ru", "журналистике", "Тренинг по журналистике"),
        ("en", "upshift", "UPSHIFT is a 4-day training conducted at the Innovation Labs"),
    ],
)
def test_search_in_each_language(client, lang, query, expected):
    """A word of an item's text finds it, on the site of each language."""
    assert expected in card_titles(search(client, lang, query))


def test_tajik_word_typed_with_russian_letters(client):
    """чомеахо (Russian keyboard) finds ҷомеаҳо, and the match is highlighted."""
    page = search(client, "tg", "амнияти чомеахо")
    assert "Амнияти ҷомеаҳо дар водии Фарғона" in card_titles(page)
    assert "ҷомеаҳо" in [t for _, t in page.find_all("mark")]


@pytest.mark.parametrize("query", ["ХУЧАНД", "хуҷанд", "Хуҷанд", "ҳуҷанд"])
def test_case_and_look_alike_insensitive(client, query):
    """Case and Tajik/Russian look-alikes do not matter (х/ҳ, ч/ҷ)."""
    page = search(client, "tg", query)
    assert "Тамос" in card_titles(page)


def test_title_matches_rank_first(client):
    """A match in the title ranks above matches in the text."""
    assert card_titles(search(client, "tg", "гулистон"))[0] == "Шаҳри Гулистон"


def test_other_languages_are_labelled(client):
    """A Russian result on the English site carries a language label and lang attribute."""
    page = search(client, "en", "журналистике")
    labels = [(a["lang"], t) for a, t in page.find_all("span", class_="lang-label")]
    assert ("ru", "Русский") in labels
    link = next(a for a, t in page.find_all("a") if "Тренинг" in t)
    assert link["lang"] == "ru" and link["href"] == "/ru/news/trening-po-zhurnalistike/"


def test_each_item_appears_once(client):
    """An item matching in several languages is listed once."""
    page = search(client, "en", "saferworld")
    hrefs = [a["href"] for a, _ in page.find_all("a") if re.search(r"/programs/.+/", a["href"])]
    assert hrefs == ["/en/programs/community-security-in-the-ferghana-valley/"]


def test_paging(app, client):
    """Twelve matches make two pages; a page past the end is a 404."""
    for n in range(12):
        title = f"Zebrafish report {n}"
        add_news(app, {"en": title}, body="", published_at=datetime(2021, 1, 1 + n))
    first = search(client, "en", "zebrafish")
    assert len(card_titles(first)) == 10
    assert "12 results" in first.text("p", role="status")
    second = search(client, "en", "zebrafish", page=2)
    assert len(card_titles(second)) == 2
    search(client, "en", "zebrafish", status=404, page=3)
    search(client, "en", "zebrafish", status=404, page="abc")


def test_a_word_in_too_many_texts_ranks_the_most_recent_and_says_so(app, client, monkeypatch):
    """Ranking costs a little per matching text: past MOST_RANKED of them, the best of the
    most recent are shown, and the page says how to narrow the search."""
    for n in range(6):
        add_news(
            app, {"en": f"Zebrafish report {n}"}, body="", published_at=datetime(2021, 1, 1 + n)
        )
    narrowing = "only the most recent of them are shown"
    assert narrowing not in search(client, "en", "zebrafish").text("main")

    monkeypatch.setattr(index, "MOST_RANKED", 4)
    page = search(client, "en", "zebrafish report")  # another address: not a kept page
    assert "4 results" in page.text("p", role="status")
    assert narrowing in page.text("p", role="note")
    assert sorted(card_titles(page)) == [f"Zebrafish report {n}" for n in range(2, 6)]


def test_index_follows_every_save(app, client):
    """Edits, drafts, schedules and the trash change what search finds, with no other step."""
    item_id = add_news(app, {"en": "Quokka gathering"}, body="")
    assert card_titles(search(client, "en", "quokka")) == ["Quokka gathering"]
    with app.app_context():
        item = db.session.get(News, item_id)
        item.set_translation("en", "Wombat gathering")
        db.session.commit()
    assert card_titles(search(client, "en", "quokka")) == []
    assert card_titles(search(client, "en", "wombat")) == ["Wombat gathering"]
    for change in (
        {"status": "draft"},
        {"published_at": utcnow() + timedelta(hours=1)},
        {"deleted_at": utcnow()},
    ):
        with app.app_context():
            item = db.session.get(News, item_id)
            saved = {k: getattr(item, k) for k in change}
            for k, v in change.items():
                setattr(item, k, v)
            db.session.commit()
        assert card_titles(search(client, "en", "wombat")) == [], change
        with app.app_context():
            item = db.session.get(News, item_id)
            for k, v in saved.items():
                setattr(item, k, v)
            db.session.commit()
    assert card_titles(search(client, "en", "wombat")) == ["Wombat gathering"]


def test_rebuild_command(app, client, runner):
    """`flask search-rebuild` restores an emptied index."""
    with app.app_context():
        db.session.execute(text(f"DELETE FROM {index.table_name(db.session.connection())}"))
        db.session.commit()
    assert card_titles(search(client, "en", "upshift")) == []
    result = runner.invoke(args=["search-rebuild"])
    specs = (demo.REGIONS, demo.PROGRAMS, demo.NEWS, demo.PAGES, demo.PARTNERS)
    items = sum(map(len, specs))
    assert result.exit_code == 0 and f"{items} items" in result.output
    assert card_titles(search(client, "en", "upshift"))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 2000,
        "журналист " * 300,
        '"',
        "'",
        '"unbalanced',
        "NEAR(upshift training)",
        "upshift AND OR NOT",
        "title:upshift",
        "{title body}: upshift",
        "^upshift",
        "upshift*",
        "*",
        "(((",
        "'; DROP TABLE news; --",
        "1' OR '1'='1",
        "\x00",
        "%00",
        "<script>alert(1)</script>",
        "😀🇹🇯",
        "ҷ" * 500,
    ],
)
@pytest.mark.parametrize("lang", ["tg", "ru", "en"])
def test_nasty_queries_get_a_friendly_page(app, client, lang, query):
    """Empty, huge, quoted, operator and SQL queries: a normal page, never a 500."""
    page = search(client, lang, query)
    assert page.lang == lang
    assert not any(t == "script" for t, _, _ in page.tags[page.tags.index(
        next(x for x in page.tags if x[0] == "main")):])  # fmt: skip
    with app.app_context():
        assert db.session.scalar(select(NewsTranslation.id).limit(1)) is not None


@pytest.mark.parametrize("query", ["«» — !?", "*", '"" ()'])
def test_a_query_without_words_asks_for_words(client, query):
    """Nothing to look for: the page asks for a word; it does not say nothing was found."""
    page = search(client, "en", query)
    assert page.text("p", role="status") == "Type one or more words to search for."


def test_an_empty_query_has_no_words(client):
    """The search page without a query presents itself, and the index is asked nothing."""
    assert "Search looks through news" in search(client, "en", "   ").text("main")
    assert index.terms("") == [] and index.terms(None) == []


def test_search_is_in_the_menu(client):
    """Every page links to the search page of its language."""
    assert "/ru/search/" in get_page(client, "/ru/").links()
