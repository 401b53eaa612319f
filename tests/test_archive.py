"""The news archive: a list per year, links to the years, and the program and region filters."""

import re
from datetime import datetime

import pytest

from asti.extensions import db
from asti.models import Program
from tests.fixtures.html import Page, get_page
from tests.fixtures.items import add_news, by_slug
from tests.fixtures.pagetypes import RUSSIAN_ONLY

LANGS = ("tg", "ru", "en")
#: Each demo year and the slug, per language, of its one article.
DEMO_YEARS = {
    2011: {
        "tg": "amniyati-jomeaho-dar-vodii-farghona",
        "ru": "bezopasnost-soobshchestv-v-ferganskoy-doline",
        "en": "community-security-in-the-ferghana-valley",
    },
    2017: {lang: RUSSIAN_ONLY for lang in LANGS},
    2022: {
        "tg": "upshift-omuzishi-chorruza-dar-laboratoriyahoi-innovatsioni",
        "ru": "upshift-chetyryokhdnevnyy-trening-v-innovatsionnykh-laboratoriyakh",
        "en": "upshift-is-a-4-day-training-conducted-at-the-innovation-labs",
    },
}
SECURITY = "community-security-in-the-ferghana-valley"  # the program's English slug
PEACE_RU = "mir-i-sotrudnichestvo-nachinayutsya-s-nas"  # another program's Russian slug


def articles(html: Page, lang: str) -> set[str]:
    """The slugs of the articles a page links to (not the years or the list itself)."""
    article = re.compile(rf"/{lang}/news/(?!\d{{4}}/)([^/?]+)/")
    return {m[1] for a, _ in html.find_all("a") if (m := article.fullmatch(a.get("href", "")))}


# --- one year's news --------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("year", sorted(DEMO_YEARS))
def test_year_archive(client, lang, year):
    """A year's page lists that year's article only, says which year, and marks it current."""
    html = get_page(client, f"/{lang}/news/{year}/")
    assert html.lang == lang
    assert articles(html, lang) == {DEMO_YEARS[year][lang]}
    assert str(year) in html.text("h1")
    current = html.find("a", **{"aria-current": "page"})
    assert current == ({"href": f"/{lang}/news/{year}/", "aria-current": "page"}, str(year))
    assert html.canonical == f"http://localhost/{lang}/news/{year}/"
    assert html.switcher == {code: f"/{code}/news/{year}/" for code in LANGS}


def test_year_heading_is_translated(client):
    """The heading of a year's page comes from the catalog, with the year as written."""
    assert get_page(client, "/en/news/2017/").text("h1") == "News of 2017"
    assert "2017" in get_page(client, "/ru/news/2017/").text("title")


@pytest.mark.parametrize(
    "path", ["1990/", "abc/", "0999/", "9999/", "12017/", "2017/?page=2", "2017/?page=x"]
)
def test_year_without_news_is_404(client, path):
    """A year with no news, a year no date can have, or a page past the end: 404, never 500."""
    get_page(client, f"/en/news/{path}", 404)


def test_news_list_links_to_the_years(client):
    """The list links to each year that has news, newest first, in one line."""
    html = get_page(client, "/ru/news/")
    year = re.compile(r"/ru/news/\d{4}/")
    links = [(a["href"], text) for a, text in html.find_all("a") if year.fullmatch(a["href"])]
    assert links == [
        ("/ru/news/2022/", "2022"),
        ("/ru/news/2017/", "2017"),
        ("/ru/news/2011/", "2011"),
    ]
    assert "2022" in html.text("nav", class_="years")


def test_years_follow_the_sites_time_zone(app, client):
    """A news item published at 01:00 on 1 January in Dushanbe (20:00 UTC the day before)
    belongs to the new year, as its shown date says."""
    add_news(app, {"en": "New year party"}, published_at=datetime(2019, 12, 31, 20, 0))
    html = get_page(client, "/en/news/")
    assert "/en/news/2020/" in html.links() and "/en/news/2019/" not in html.links()
    assert articles(get_page(client, "/en/news/2020/"), "en") == {"new-year-party"}
    get_page(client, "/en/news/2019/", 404)


def test_year_archive_pages(app, client):
    """A busy year is paginated like the list; the pager stays within the year."""
    for n in range(12):
        add_news(app, {"en": f"Item {n:02d}"}, published_at=datetime(2023, 3, 1 + n))
    first = get_page(client, "/en/news/2023/")
    assert len(articles(first, "en")) == 10
    assert "/en/news/2023/?page=2" in first.links()
    second = get_page(client, "/en/news/2023/?page=2")
    assert articles(second, "en") == {"item-01", "item-00"}
    get_page(client, "/en/news/2023/?page=3", 404)


# --- filters ----------------------------------------------------------------------------


def test_program_filter(client):
    """?program= keeps that program's news, names it in the heading, and links back."""
    html = get_page(client, f"/en/news/?program={SECURITY}")
    assert articles(html, "en") == {"community-security-in-the-ferghana-valley"}
    assert html.text("h1") == "News: Community security in the Ferghana valley"
    assert ({"href": "/en/news/"}, "All news") in html.find_all("a")
    assert html.switcher["ru"] == f"/ru/news/?program={SECURITY}"


def test_filter_slug_in_another_language(client):
    """A Russian slug on the English site names the same program, shown in English."""
    html = get_page(client, f"/en/news/?program={PEACE_RU}")
    assert articles(html, "en") == {RUSSIAN_ONLY}
    assert html.text("h1") == "News: Peace and cooperation begins with us"


def test_region_filter(client):
    """?region= keeps the news about that region; a fallback title keeps its language."""
    html = get_page(client, "/tg/news/?region=isfara")
    assert articles(html, "tg") == {RUSSIAN_ONLY}
    assert "Шаҳри Исфара" in html.text("h1")
    assert articles(get_page(client, "/ru/news/?region=ashtskiy-rayon"), "ru") == {
        "upshift-chetyryokhdnevnyy-trening-v-innovatsionnykh-laboratoriyakh"
    }


def test_both_filters_and_a_year(client):
    """Filters narrow each other and the year; the year links keep the filters."""
    html = get_page(client, f"/en/news/?program={PEACE_RU}&region=isfara")
    assert articles(html, "en") == {RUSSIAN_ONLY}
    assert not articles(get_page(client, f"/en/news/?program={SECURITY}&region=isfara"), "en")
    filtered = get_page(client, "/en/news/?region=isfara")
    assert "/en/news/2017/?region=isfara" in filtered.links()
    assert "/en/news/2011/?region=isfara" not in filtered.links()
    assert articles(get_page(client, "/en/news/2017/?region=isfara"), "en") == {RUSSIAN_ONLY}
    get_page(client, "/en/news/2011/?region=isfara", 404)


@pytest.mark.parametrize(
    "query", ["program=no-such-program", "region=no-such-place", "program=", "region=isfara-2"]
)
def test_unknown_filter_is_404(client, query):
    """A filter that names nothing is a 404, not an unfiltered list."""
    get_page(client, f"/en/news/?{query}", 404)


def test_filter_on_a_hidden_item_is_404(app, client):
    """A program in the trash or in draft cannot be used to list news."""
    with app.app_context():
        by_slug(Program, SECURITY).status = "draft"
        db.session.commit()
    get_page(client, f"/en/news/?program={SECURITY}", 404)


def test_pagination_keeps_the_filter(app, client):
    """The pager of a filtered list leads to the next page of the same filter."""
    for n in range(12):
        add_news(
            app, {"en": f"Isfara {n:02d}"}, published_at=datetime(2024, 1, 1 + n), region="isfara"
        )
    add_news(app, {"en": "Elsewhere"}, published_at=datetime(2024, 2, 1))
    first = get_page(client, "/en/news/?region=isfara")
    assert "elsewhere" not in articles(first, "en")
    next_link = first.find("a", rel="next")[0]["href"]
    assert next_link == "/en/news/?page=2&region=isfara"
    second = get_page(client, next_link)
    assert articles(second, "en") == {"isfara-01", "isfara-00", RUSSIAN_ONLY}
    assert second.find("a", rel="prev")[0]["href"] == "/en/news/?page=1&region=isfara"
    assert second.switcher["ru"] == "/ru/news/?page=2&region=isfara"


def test_filter_by_program_relation(app, client):
    """Only news whose program is the named one are listed, whatever their regions."""
    add_news(app, {"en": "Security again"}, published_at=datetime(2024, 5, 1), program=SECURITY)
    html = get_page(client, f"/en/news/?program={SECURITY}")
    assert articles(html, "en") == {"security-again", "community-security-in-the-ferghana-valley"}
