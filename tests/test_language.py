"""Right in every language: dates and periods as each language writes them, every message of
a form in the interface language (WTForms' own too), which languages a page says it has,
the reader who refuses a language, and slugs cut between words."""

import re
from datetime import date, datetime

import pytest
from babel.messages.pofile import read_po
from flask import g
from wtforms.i18n import messages_path

from asti.extensions import db
from asti.i18n import PhotoText, day, iso_day, localize_all, moment, photo_text
from asti.models import Image, News, NewsTranslation, Program
from asti.text import SLUG_MAX, make_slug, numbered
from tests.fixtures.html import Page, html_of
from tests.fixtures.items import add_news, texts
from tests.fixtures.pagetypes import add_photos
from tests.fixtures.staff import ADMIN, create, edit, staff_client, submit

HOST = "http://localhost"
RUSSIAN_ONLY = "trening-po-zhurnalistike"


def get_page(client, url) -> Page:
    response = client.get(url)
    assert response.status_code == 200, url
    return Page(html_of(response))


# --- dates and periods --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        (date(2012, 4, 1), None, {"tg": "аз апрели соли 2012", "ru": "с апреля 2012\u00a0года",
                                  "en": "since April 2012"}),
        (date(2012, 4, 1), date(2014, 3, 1), {"tg": "аз апрели соли 2012 то марти соли 2014",
                                              "ru": "апрель 2012\u00a0— март 2014",
                                              "en": "April 2012 – March 2014"}),
        (None, date(2014, 3, 1), {"tg": "то марти соли 2014", "ru": "до марта 2014\u00a0года",
                                  "en": "until March 2014"}),
        # The last days of December 2008 and 2013 are in the first week of the next year:
        # the year written is the calendar's all the same.
        (date(2008, 12, 29), None, {"ru": "с декабря 2008\u00a0года", "en": "since December 2008"}),
        (date(2012, 4, 1), date(2013, 12, 30), {"ru": "апрель 2012\u00a0— декабрь 2013",
                                                "en": "April 2012 – December 2013"}),
    ],
)  # fmt: skip
def test_program_period_as_each_language_writes_it(app, client, start, end, shown):
    """A program's period, to the month, in the grammar of each language."""
    with app.app_context():
        program = db.session.scalars(db.select(Program).order_by(Program.id)).first()
        program.start_date, program.end_date = start, end
        slugs = {t.lang: t.slug for t in program.translations.values()}
        db.session.commit()
    for lang, text in shown.items():
        slug = slugs.get(lang) or next(iter(slugs.values()))
        html = html_of(client.get(f"/{lang}/programs/{slug}/"))
        facts = re.search(r'<dl class="facts">.*?</dl>', html, re.S).group(0)
        assert text in facts, lang  # with its non-breaking spaces


@pytest.mark.parametrize("lang", ["tg", "ru", "en"])
def test_editor_dates_in_the_interface_language(app, accounts, lang):
    """The editor writes a saved item's date as the public site does (Tajik with the
    izofat, never CLDR's «01/10/11»)."""
    client = staff_client(app, ADMIN, lang=lang)
    html = html_of(client.get("/editor/news/"))
    with app.app_context():
        when = db.session.scalars(db.select(News.published_at).order_by(News.published_at)).first()
    expected = {"tg": f"{when.day} октябри 2011, ", "ru": "1 октября 2011\u202fг., ",
                "en": "October 1, 2011, "}[lang]  # fmt: skip
    assert expected in html
    assert "01/10/11" not in html and "10/1/11" not in html


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("tg", "1 октябри 2011, 02:30"),
        ("ru", "1 октября 2011\u202fг., 02:30"),
        ("en", "October 1, 2011, 2:30\u202fAM"),
    ],
)
def test_editor_times_in_dushanbe_and_the_interface_language(app, lang, shown):
    """When something was saved, as the editor says it: a time stored in UTC is read in
    Dushanbe's time (five hours ahead: the next day here), as the language writes it."""
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        assert moment(datetime(2011, 9, 30, 21, 30)) == shown


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("tg", "1 апрели 2012"), ("ru", "1 апреля 2012\u202fг."), ("en", "April 1, 2012")],
)
def test_a_date_without_a_time_stays_that_day(app, lang, shown):
    """A date alone (a program's start, as a revision shows it) is no moment in UTC: it is
    written as it is, not moved to Dushanbe's time."""
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        assert (day(date(2012, 4, 1)), iso_day(date(2012, 4, 1))) == (shown, "2012-04-01")


# --- every message in the interface language ------------------------------------------------


def english_messages() -> list[str]:
    """WTForms' own messages, as its template lists them (formats become wildcards)."""
    with open(f"{messages_path()}/wtforms.pot", "rb") as f:
        ids = [m.id if isinstance(m.id, str) else m.id[1] for m in read_po(f) if m.id]
    return [re.escape(i).replace(r"%\(max\)d", r"\d+").replace(r"%\(min\)d", r"\d+") for i in ids]


ENGLISH_WORD = re.compile(r"\b(?:field|valid|invalid|required|characters?|longer|choice|value|"
                          r"email|address|number|date|must|token|please)\b", re.I)  # fmt: skip


INVALID = [
    # (form page, changed fields, the field whose error must show)
    ("/editor/news/new", {"tg-title": "Дароз " * 60, "ru-title": "Длинный " * 60}, "tg-title"),
    ("/editor/users/new", {"email": "", "new_password": "x", "repeat": "x"}, "email"),
    ("/editor/users/new", {"email": "not an address", "new_password": "x", "repeat": "x"},
     "email"),
    ("/editor/users/new", {"email": "new@asti.tj", "new_password": "short", "repeat": "short"},
     "new_password"),
    ("/editor/programs/new", {"en-title": "P", "start_date": "31.31.2012"}, "start_date"),
    ("/editor/regions/new", {"en-title": "R", "latitude": "north"}, "latitude"),
    ("/editor/regions/new", {"en-title": "R", "kind": "galaxy"}, "kind"),
]  # fmt: skip


@pytest.mark.parametrize("lang", ["tg", "ru"])
@pytest.mark.parametrize(("url", "changes", "field"), INVALID)
def test_form_errors_in_the_interface_language(app, accounts, lang, url, changes, field):
    """An over-long text, an empty required field, a wrong e-mail address, a short password,
    a date, a number and a choice that cannot be read: each refused form says why in the
    editor's language, and no English sentence (WTForms' own ones included) is on the page."""
    client = staff_client(app, ADMIN, lang=lang)
    response = submit(client, url, {"action": "draft", **changes}, status=None)
    assert 400 <= response.status_code < 500, url
    html = html_of(response)
    page = Page(html)
    [(_, error)] = page.find_all("p", id=f"{field}-error")
    assert re.search("[а-яӣӯқғҳҷ]", error, re.I), (lang, url, error)
    assert not ENGLISH_WORD.search(error), (lang, url, error)
    text = page.text("main") if page.find_all("main") else html
    for english in english_messages():
        assert not re.search(english, text), (lang, url, english)


def test_form_errors_in_english_are_wtforms_own(app, accounts):
    """The same refusal in the English editor reads WTForms' message (the test above
    would not notice a message left untranslated otherwise)."""
    client = staff_client(app, ADMIN, lang="en")
    response = submit(client, "/editor/news/new", {"action": "draft", "en-title": "x" * 301},
                      status=None)  # fmt: skip
    assert "Field cannot be longer than 300 characters." in html_of(response)


# --- which languages a page exists in ------------------------------------------------------


def sitemap_alternates(client) -> dict[str, dict[str, str]]:
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    found = {}
    for block in re.findall(r"<url>(.*?)</url>", xml, re.S):
        loc = re.search(r"<loc>(.*?)</loc>", block).group(1)
        found[loc] = dict(re.findall(r'hreflang="([^"]+)" href="([^"]+)"', block))
    return found


def hreflang_of(page: Page) -> dict[str, str]:
    return {a["hreflang"]: a["href"] for a, _ in page.find_all("link", rel="alternate")
            if "hreflang" in a}  # fmt: skip


def test_hreflang_equals_the_sitemap_for_every_item(client):
    """For every item in the sitemap, its pages in every language (fallbacks included) name
    exactly the language versions and x-default that the sitemap names for it."""
    sitemap = sitemap_alternates(client)
    items = [alts for loc, alts in sitemap.items() if re.search(r"/[a-z]{2}/\w+/[\w-]+/$", loc)]
    assert items
    for alternates in items:
        for lang in ("tg", "ru", "en"):
            any_url = next(iter(alternates.values())).removeprefix(HOST)
            url = re.sub(r"^/[a-z]{2}/", f"/{lang}/", any_url)
            response = client.get(url, follow_redirects=True)
            assert response.status_code == 200, url
            assert hreflang_of(Page(html_of(response))) == alternates, url


def test_russian_only_item_names_only_russian(client):
    """The Russian-only article: ru and an x-default to it, on its /ru/, /tg/ and /en/
    pages; the locale of the fallback pages is Russian, with no alternate locale."""
    original = f"{HOST}/ru/news/{RUSSIAN_ONLY}/"
    assert sitemap_alternates(client)[original] == {"ru": original, "x-default": original}
    for lang in ("tg", "ru", "en"):
        page = get_page(client, f"/{lang}/news/{RUSSIAN_ONLY}/")
        assert hreflang_of(page) == {"ru": original, "x-default": original}
        assert page.find("meta", property="og:locale")[0]["content"] == "ru_RU"
        assert page.find_all("meta", property="og:locale:alternate") == []


def test_lists_name_every_language(client):
    """A list exists in every language: all three, and the default language for others."""
    page = get_page(client, "/ru/news/")
    assert hreflang_of(page) == {
        "tg": f"{HOST}/tg/news/", "ru": f"{HOST}/ru/news/", "en": f"{HOST}/en/news/",
        "x-default": f"{HOST}/tg/news/",
    }  # fmt: skip


# --- negotiation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "lands"),
    [
        ("tg;q=0", "/ru/"),
        ("tg-TJ;q=0", "/ru/"),
        ("tg;q=0, ru;q=0", "/en/"),
        ("ru;q=0, tg;q=0.5", "/tg/"),
        ("de, fr;q=0.8", "/tg/"),
        ("de, en;q=0.1", "/en/"),
        ("en;q=0, *;q=0.5", "/tg/"),
        ("ru_RU", "/ru/"),  # as some systems write a locale
        ("tg;q=0, ru;q=0, en;q=0", "/tg/"),  # every language refused: the default
        ("en_GB;q=0.9, tg-TJ;q=0", "/en/"),
    ],
)
def test_a_refused_language_is_never_chosen(client, accept, lands):
    """`tg;q=0` means "not Tajik": the next language of the default order; languages we do
    not have lead to the default."""
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.status_code in (301, 302, 303, 307, 308)
    assert response.headers["Location"] == lands


def test_the_language_cookie_lasts_a_year_for_this_site_only(client):
    """A year, never read by scripts nor sent from other sites' pages, secure over HTTPS;
    a reader whose cookie says the language already gets no new one."""
    cookie = [part.strip() for part in client.get("/ru/").headers["Set-Cookie"].split(";")]
    assert cookie[0] == "lang=ru" and "Secure" not in cookie
    assert {"Max-Age=31536000", "HttpOnly", "SameSite=Lax"} <= set(cookie)
    assert "Set-Cookie" not in client.get("/ru/news/").headers
    secure = client.get("/en/", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in [part.strip() for part in secure.split(";")]


def test_staff_get_the_language_cookie_only_when_it_changes(app, accounts):
    """Signed in, pages are rendered for each request (never from the page cache): a page
    in the language the cookie says sets no cookie, one in another language does."""
    staff = staff_client(app, ADMIN)
    staff.set_cookie("lang", "ru")
    assert "lang=" not in " ".join(staff.get("/ru/news/").headers.getlist("Set-Cookie"))
    assert staff.get("/en/news/").headers["Set-Cookie"].startswith("lang=en;")


# --- which text a reader sees -----------------------------------------------------------


def test_a_photo_text_from_another_language_says_so(app):
    """A caption written in Russian only: on the Russian site it is the caption, elsewhere a
    fallback marked as Russian; a credit nobody wrote is none."""
    image = Image(key="0123456789abcdef", width=1200, height=800)
    image.set_text("ru", caption="Встреча в Исфаре")
    with app.test_request_context("/en/"):
        g.lang = "en"
        assert photo_text(image, "caption") == PhotoText("Встреча в Исфаре", "ru", True)
        assert photo_text(image, "caption", "ru") == PhotoText("Встреча в Исфаре", "ru", False)
        assert photo_text(image, "credit") is None


def test_an_article_marks_the_caption_it_borrows_from_another_language(app, client):
    """The lead photo's caption and description written in Russian only: the English
    article shows them, each marked as Russian."""
    item_id = add_news(app, {"en": "Meeting in Isfara"})
    with app.app_context():
        news = db.session.get(News, item_id)
        add_photos(app, news, [{"ru": {"alt": "Участники встречи", "caption": "Встреча в Исфаре"}}])
        db.session.commit()
    page = get_page(client, "/en/news/meeting-in-isfara/")
    assert page.find("span", class_="caption", lang="ru")[1] == "Встреча в Исфаре"
    assert page.find("img", alt="Участники встречи")[0]["lang"] == "ru"


def test_an_old_address_leads_to_the_renamed_item_while_it_is_shown(app, accounts, client):
    """A slug the item had before a rename answers 301 to its address in the language
    asked; the old slug of a program is not a news item's; a trashed item's is a 404."""
    admin = staff_client(app, ADMIN)
    item = create(admin, "news", {"en-title": "Old name", "ru-title": "Старое имя"})
    program = create(admin, "programs", {"en-title": "Old name"})
    edit(admin, "news", item, {"en-slug": "New name"})
    for url, location in [
        ("/en/news/old-name/", "/en/news/new-name/"),
        ("/ru/news/old-name/", "/ru/news/staroe-imya/"),
    ]:
        response = client.get(url)
        assert (response.status_code, response.headers["Location"]) == (301, location)
    assert client.get("/en/programs/old-name/").status_code == 200
    edit(admin, "programs", program, {"en-slug": "Renamed program"})
    assert client.get("/en/programs/old-name/").headers["Location"] == (
        "/en/programs/renamed-program/"
    )
    with app.app_context():
        db.session.get(News, item).deleted_at = datetime(2020, 1, 1)
        db.session.commit()
    assert client.get("/en/news/old-name/").status_code == 404
    assert client.get("/en/programs/never-was/").status_code == 404  # no rename: not found


def test_a_slug_two_items_share_shows_the_one_in_the_pages_language(app, client):
    """Slugs are unique per language only: "meeting" is the English slug of one news item
    and the Russian slug of another; each language's page shows its own."""
    english = add_news(app, {"en": "Meeting"}, body="In English.")
    russian = add_news(app, {"ru": "Meeting", "tg": "Вохӯрӣ"}, body="По-русски.")
    assert texts(app, News, english)["en"]["slug"] == texts(app, News, russian)["ru"]["slug"]
    for lang, body in [("en", "In English."), ("ru", "По-русски.")]:
        response = client.get(f"/{lang}/news/meeting/")
        assert response.status_code == 200 and body in html_of(response), lang


def test_lists_leave_out_items_without_any_text(app):
    """A list of items in the asked language (default: the page's), each in its best text;
    an item with no text in any language is not listed."""
    with app.test_request_context("/en/"):
        g.lang = "en"
        russian = db.session.scalar(
            db.select(News).join(News.translations).where(NewsTranslation.slug == RUSSIAN_ONLY)
        )
        shown = localize_all([News(), russian])
        assert [(x.item, x.t.lang, x.lang) for x in shown] == [(russian, "ru", "en")]
        assert [(x.t.lang, x.lang) for x in localize_all([russian], "tg")] == [("ru", "tg")]


# --- slugs --------------------------------------------------------------------------------


def test_long_russian_title_gives_a_slug_cut_between_words(app, client):
    """A title of nearly 300 characters: the slug is at most 80 characters and ends with a
    whole word of the title, and the page answers at it."""
    title = ("Встреча представителей инициативных групп приграничных джамоатов с инспекторами "
             "милиции и представителями местных органов власти по вопросам безопасности "
             "сообществ, улучшения отношений молодёжи и совместного планирования мероприятий "
             "в рамках программы «Безопасность сообществ в Ферганской долине»")  # fmt: skip
    assert 250 < len(title) <= 300
    slug = make_slug(title)
    assert len(slug) <= SLUG_MAX
    words = make_slug(title.replace("«", "").replace("»", "")).split("-")
    assert slug.split("-") == words[: len(slug.split("-"))]  # only whole words, in order
    add_news(app, {"ru": title})
    assert get_page(client, f"/ru/news/{slug}/").find("h1")[1] == title


def test_numbered_slug_is_cut_between_words_too():
    slug = make_slug("Тренинг " * 20)
    second = numbered(slug, 12)
    assert len(second) <= SLUG_MAX and second.endswith("-trening-12")
    assert make_slug("a" * 120) == "a" * SLUG_MAX  # one word longer than a slug: cut


#: Seven words and a ten-letter one: a slug of exactly SLUG_MAX characters.
SEVEN = "community " * 7
FULL = "-".join(["community"] * 7 + ["discussion"])


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (SEVEN + "discussion", FULL),  # as long as a slug may be: whole
        (SEVEN + "discussion in Khujand", FULL),  # a word that ends at the limit stays
        (SEVEN + "discussions in Khujand", FULL.rpartition("-")[0]),  # one letter more: not
    ],
)
def test_slug_keeps_every_word_that_fits(title, slug):
    assert len(FULL) == SLUG_MAX
    assert make_slug(title) == slug


def test_numbered_slug_uses_the_whole_length():
    slug = FULL[:-2]  # two characters short of the limit: room for "-2", not for "-10"
    assert numbered(slug, 2) == slug + "-2"
    assert numbered(slug, 10) == FULL.rpartition("-")[0] + "-10"


def test_a_title_without_letters_still_gets_an_address(app, client):
    assert make_slug("«—» !?") == "item"
    add_news(app, {"en": "«—» !?"})
    assert get_page(client, "/en/news/item/").text("h1") == "«—» !?"


def test_items_with_the_same_title_get_numbered_addresses(app, client):
    """Slugs are unique per language: the second and third news of the same title end in -2
    and -3, and each page answers at its own address."""
    title = "Spring cleaning day in Isfara"
    ids = [add_news(app, {"en": title}, body=f"Day {n}.") for n in (1, 2, 3)]
    slugs = ["spring-cleaning-day-in-isfara" + end for end in ("", "-2", "-3")]
    for item_id, slug, n in zip(ids, slugs, (1, 2, 3), strict=True):
        assert texts(app, News, item_id)["en"]["slug"] == slug
        assert f"Day {n}." in html_of(client.get(f"/en/news/{slug}/"))


def test_demo_program_period_in_tajik(client):
    """The community security program, known from April 2012, as a Tajik reader reads it."""
    html = html_of(client.get("/tg/programs/amniyati-jomeaho-dar-vodii-farghona/"))
    assert "<dd>аз апрели соли 2012</dd>" in html
