"""The public site over HTTP: languages, every page, fallback, dates and errors."""

from collections import deque
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from asti import demo
from asti.extensions import db
from asti.models import News, Program, ProgramTranslation, utcnow
from tests.fixtures.html import get_page, without_json_ld
from tests.fixtures.items import add_news
from tests.fixtures.pagetypes import RUSSIAN_ONLY

LANGS = ("tg", "ru", "en")


# --- choosing the language -------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("tg-TJ,ru;q=0.8", "tg"),  # Werkzeug's best_match says ru here
        ("tg-Cyrl-TJ,en;q=0.9", "tg"),
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("en-GB,en;q=0.9,ru;q=0.5", "en"),
        ("de-DE,de;q=0.9,ru;q=0.3", "ru"),
        ("uz,ky;q=0.8", "tg"),
        ("", "tg"),
    ],
)
def test_root_follows_accept_language(client, accept, expected):
    """`/` goes to the reader's language, reading regional tags by their base language."""
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{expected}/"
    assert "Accept-Language" in response.headers["Vary"]


def test_choice_is_remembered_in_a_cookie(client):
    """Reading a page in a language makes `/` lead back to it, over Accept-Language."""
    get_page(client, "/en/news/")
    assert client.get_cookie("lang").value == "en"
    response = client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert response.headers["Location"] == "/en/"


@pytest.mark.parametrize("url", ["/de/", "/xx/news/", "/EN/", "/tgk/", "/ru-RU/", "/en-x/news/"])
def test_unknown_language_prefix_is_404(client, url):
    """Only tg, ru and en are languages of the site; the 404 speaks the reader's language."""
    html = get_page(client, url, 404, headers={"Accept-Language": "ru"})
    assert html.lang == "ru"
    assert html.text("h1") == "Страница не найдена"


# --- every page, in every language ------------------------------------------------------


def crawl(client, lang):
    """Every page reachable by links from the home page in one language."""
    seen, queue = {}, deque([f"/{lang}/"])
    while queue and len(seen) < 300:
        url = queue.popleft()
        if url in seen or not url.startswith(f"/{lang}/"):
            continue
        seen[url] = get_page(client, url)
        queue.extend(seen[url].links())
    return seen


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_in_every_language(client, lang):
    """All pages answer 200 with the right `lang`, hreflang alternates and a switcher whose
    links lead to the same page in the other languages."""
    pages = crawl(client, lang)
    kinds = {kind: [u for u in pages if u.startswith(f"/{lang}/{kind}/")] for kind in
             ("news", "programs", "regions", "about", "contacts")}  # fmt: skip
    plain = [u for u in kinds["news"] if "?" not in u]
    assert len(plain) == 1 + 3 + 3  # the list, the three articles and their years
    # Program and region pages link to their news: the list, filtered.
    assert any("?program=" in u for u in kinds["news"])
    assert any("?region=" in u for u in kinds["news"])
    assert len(kinds["programs"]) == 1 + len(demo.PROGRAMS)
    assert len(kinds["regions"]) == 1 + len(demo.REGIONS)
    assert kinds["about"] and kinds["contacts"]

    for url, html in pages.items():
        assert html.lang == lang, url
        # hreflang names the languages the page is written in (tests/test_language.py
        # compares them with the sitemap); a fallback page names the original's.
        assert "x-default" in html.hreflang and set(html.hreflang) <= {*LANGS, "x-default"}
        if lang in html.hreflang:
            assert html.hreflang[lang] == "http://localhost" + url
        else:
            assert html.canonical in html.hreflang.values(), url
        assert set(html.switcher) == set(LANGS), url
        assert html.switcher[lang] == url
        for other, target in html.switcher.items():
            there = get_page(client, target)  # a real page, never a redirect or a 404
            assert there.lang == other
            assert there.hreflang == html.hreflang, f"{url} -> {target} is another page"


def test_interface_is_translated(client):
    """Interface strings come from each language's catalog."""
    assert get_page(client, "/tg/").text("h2", id="latest") == "Ахбори охирин"
    assert get_page(client, "/ru/").text("h2", id="latest") == "Последние новости"
    assert get_page(client, "/en/").text("h2", id="latest") == "Latest news"


def make_current(app, title: str) -> None:
    """Mark the demo program of this English title current (the demo has none: every
    period it knows has ended)."""
    with app.app_context():
        query = select(Program).join(Program.translations).where(ProgramTranslation.title == title)
        db.session.scalar(query).is_current = True
        db.session.commit()


def test_home_shows_news_current_programs_and_regions(app, client):
    """The home page lists the latest news, current programs and the regions."""
    current = get_page(client, "/en/").text("section", **{"aria-labelledby": "current"})
    assert current == "Current programs No current programs. All programs"  # none, in the demo
    make_current(app, "Skills for future and transition to work life")
    html = get_page(client, "/en/")
    text = " ".join(t for _, t in html.find_all("main"))
    assert "UPSHIFT is a 4-day training" in text
    assert "Skills for future and transition to work life" in text
    assert "Community security" not in html.text("section", **{"aria-labelledby": "current"})
    assert "Isfara" in text and "Chorkuh jamoat" in text and "Batken district" in text


# --- fallback ---------------------------------------------------------------------------


def test_russian_only_article_on_the_english_site(client):
    """The Russian text is served, marked lang=ru, with a notice and a canonical to /ru/."""
    html = get_page(client, f"/en/news/{RUSSIAN_ONLY}/")
    h1, title = html.find("h1")
    assert title == "Тренинг по журналистике" and h1["lang"] == "ru"
    assert html.find("div", class_="prose")[0]["lang"] == "ru"
    notice = html.find("p", class_="notice")
    assert "lang" not in notice[0]  # the notice is in the page's language
    assert notice[1] == "This page is available in Russian only."
    assert html.canonical == f"http://localhost/ru/news/{RUSSIAN_ONLY}/"


def test_russian_only_article_on_the_tajik_site(client):
    """The notice is in Tajik, the text in Russian."""
    html = get_page(client, f"/tg/news/{RUSSIAN_ONLY}/")
    assert html.text("p", class_="notice") == "Ин саҳифа танҳо бо забони русӣ дастрас аст."
    assert html.find("h1")[0]["lang"] == "ru"


def test_original_language_has_no_notice(client):
    """In its own language the article is plain: no notice, no lang override."""
    html = get_page(client, f"/ru/news/{RUSSIAN_ONLY}/")
    assert not html.find_all("p", class_="notice")
    assert "lang" not in html.find("h1")[0]
    assert html.canonical == f"http://localhost/ru/news/{RUSSIAN_ONLY}/"


def test_lists_label_fallback_items(client):
    """A list in English shows the Russian-only item with a language label."""
    html = get_page(client, "/en/news/")
    labels = html.find_all("span", class_="lang-label")
    assert [(a["lang"], t) for a, t in labels] == [("ru", "Русский")]
    assert ("Тренинг по журналистике") in [t for a, t in html.find_all("a", lang="ru")]


def test_fallback_follows_the_configured_chain(app, client):
    """en falls back to ru before tg; ru falls back to en before tg."""
    add_news(app, {"tg": "Хабари тоҷикӣ", "ru": "Русская новость"})
    html = get_page(client, "/en/news/russkaya-novost/")
    assert html.find("h1") == ({"lang": "ru"}, "Русская новость")
    assert html.text("p", class_="notice") == (
        "This page has not been translated into this language yet; it is shown in Russian."
    )
    add_news(app, {"tg": "Танҳо тоҷикӣ", "en": "English too"})
    html = get_page(client, "/ru/news/english-too/")
    assert html.find("h1") == ({"lang": "en"}, "English too")
    assert "показана на английском" in html.text("p", class_="notice")


def test_another_languages_slug_redirects_to_the_translation(client):
    """An item that has text in the asked language is served under its own slug."""
    response = client.get("/en/news/bezopasnost-soobshchestv-v-ferganskoy-doline/")
    assert response.status_code == 301
    assert response.headers["Location"] == "/en/news/community-security-in-the-ferghana-valley/"


# --- dates, programs and regions ----------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("tg", ["1 октябри 2011", "29 майи 2017", "16 сентябри 2022"]),
        ("ru", ["1 октября 2011\u202fг.", "29 мая 2017\u202fг.", "16 сентября 2022\u202fг."]),
        ("en", ["October 1, 2011", "May 29, 2017", "September 16, 2022"]),
    ],
)
def test_dates_are_localized(client, lang, shown):
    """Dates as each language writes them, with a machine-readable value: Tajik with the
    day not zero-padded and the month in lower case with the izofat (CLDR lacks it),
    Russian and English in CLDR's long format."""
    html = get_page(client, f"/{lang}/news/")
    for day, text in zip(["2011-10-01", "2017-05-29", "2022-09-16"], shown, strict=True):
        assert ({"datetime": day}, text) in html.find_all("time")


def test_program_page(client):
    """A program shows its partners, period, status, regions, results and news."""
    html = get_page(client, "/ru/programs/bezopasnost-soobshchestv-v-ferganskoy-doline/")
    facts = html.text("dl", class_="facts")
    assert "МО «Saferworld»" in facts
    assert "с апреля 2012" in facts
    assert "Завершённая программа" in facts
    assert "Согдийская область" in facts
    assert "встречи инспекторов милиции" in " ".join(t for _, t in html.find_all("li"))
    assert "/ru/news/bezopasnost-soobshchestv-v-ferganskoy-doline/" in html.links()


def test_program_lists_split_current_and_past(app, client):
    """Current and past programs are listed apart."""
    make_current(app, "Skills for future and transition to work life")
    html = get_page(client, "/en/programs/")
    current = html.text("section", **{"aria-labelledby": "current"})
    past = html.text("section", **{"aria-labelledby": "past"})
    assert "Skills for future" in current and "Skills for future" not in past
    assert "Peace and cooperation begins with us" in past


def test_regions_tree_and_region_page(client):
    """Districts nest under their oblast; a region page shows its place, programs and news."""
    html = get_page(client, "/en/regions/")
    nested = [t for a, t in html.find_all("ul") if "Sughd" not in t]
    assert any("Isfara" in t and "Asht district" in t for t in nested)
    region = get_page(client, "/en/regions/isfara/")
    assert "Sughd region" in html.text("ul", class_="tree")
    assert "/en/regions/sughd-region/" in region.links()
    assert "Peace and cooperation begins with us" in region.text("section", **{
        "aria-labelledby": "region-programs"})  # fmt: skip
    assert "Тренинг по журналистике" in region.text("section", **{
        "aria-labelledby": "region-news"})  # fmt: skip
    kg = get_page(client, "/tg/regions/nohiyai-botken/")
    assert "Ҷумҳурии Қирғизистон" in kg.text("p", class_="meta")


# --- what must not be seen ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "message"),
    [("tg", "Саҳифа ёфт нашуд"), ("ru", "Страница не найдена"), ("en", "Page not found")],
)
@pytest.mark.parametrize("path", ["news/no-such-article/", "programs/nothing/", "regions/x/"])
def test_unknown_slug_is_a_localized_404(client, lang, message, path):
    """An unknown slug is a 404 in the page's language."""
    html = get_page(client, f"/{lang}/{path}", 404)
    assert html.lang == lang and html.text("h1") == message


@pytest.mark.parametrize("value", ["0", "-1", "abc", "2", "99999999999", "1.5"])
def test_bad_page_number_is_404(client, value):
    """A page of the news list that does not exist is a 404, never a 500."""
    get_page(client, f"/en/news/?page={value}", 404)


def test_drafts_and_scheduled_news_are_invisible(app, client):
    """A draft, or news published in the future, is neither listed nor served."""
    add_news(app, {"en": "Draft item"}, status="draft")
    add_news(app, {"en": "Future item"}, published_at=utcnow() + timedelta(hours=1))
    listing = client.get("/en/news/").get_data(as_text=True)
    assert "Draft item" not in listing and "Future item" not in listing
    get_page(client, "/en/news/draft-item/", 404)
    get_page(client, "/en/news/future-item/", 404)


def test_body_is_sanitised_markdown(app, client):
    """Markdown is rendered; scripts, handlers and javascript: links never reach the page."""
    with app.app_context():
        item = News(published_at=datetime(2020, 1, 1))
        db.session.add(item)
        item.set_translation(
            "en",
            "Unsafe",
            body='**bold** <script>alert(1)</script> <a href="javascript:alert(2)">x</a>'
            ' <img src=x onerror="alert(3)">',
        )
        db.session.commit()
    body = get_page(client, "/en/news/unsafe/").find("div", class_="prose")
    text = without_json_ld(client.get("/en/news/unsafe/").get_data(as_text=True))
    assert "<strong>bold</strong>" in text
    assert "<script" not in text and "javascript:" not in text and "onerror" not in text
    assert body


def test_news_list_pages(app, client):
    """Twelve more items make a second page, newest first, linked from the first."""
    for n in range(12):
        add_news(app, {"en": f"Item {n:02d}"}, published_at=datetime(2023, 1, 1 + n))
    first = get_page(client, "/en/news/")
    titles = [t for a, t in first.find_all("a") if t.startswith("Item")]
    assert titles[:3] == ["Item 11", "Item 10", "Item 09"]
    assert "/en/news/?page=2" in first.links()
    second = get_page(client, "/en/news/?page=2")
    assert "Тренинг по журналистике" in " ".join(t for _, t in second.find_all("a"))
    assert second.switcher["ru"] == "/ru/news/?page=2"


@pytest.mark.parametrize("url", ["/tg/", "/ru/news/", "/en/programs/", "/en/search/?q=youth"])
def test_lists_name_their_own_address_as_canonical(client, url):
    """A list's canonical address is itself, whole, on the host it was asked on."""
    assert get_page(client, url).canonical == "http://localhost" + url
    page = get_page(client, url, base_url="https://asti.example")
    assert page.canonical == "https://asti.example" + url
