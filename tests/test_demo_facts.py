"""The demo content is the real site's start, so it says only what the sources say
(``shared/facts/asti-facts.md``): the organisation named as it names itself, the places it
names, the old site's addresses leading to their new pages; and the editor's "To check
before going live" list shows what the content does not establish yet."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from asti import demo
from asti.extensions import db
from asti.layout import SITE
from asti.models import LegacyRedirect, Partner, Program, Region, Setting, legacy_paths
from tests.fixtures.html import Page as Html
from tests.fixtures.html import get_page, html_of
from tests.fixtures.items import by_slug

LANGS = ("tg", "ru", "en")

#: Every asti.tj address of the fact sheet (section 5, A1-A23), as the sources spell it,
#: and the language of the page that replaces it (the old ``/tj/`` is our ``tg``; A12, a
#: list without a language prefix, was copied in English).
OLD_SITE = {
    "A1": ("http://www.asti.tj/en/ob-organizacii.html", "en"),
    "A2": ("http://www.asti.tj/en/vstrecha-partnerov-gruppy-sodejstviya.html", "en"),
    "A3": ("http://asti.tj/en/sovid-19-ki-arib-ba-ama-soaoi-ayot-tasirashro-rasond.html", "en"),
    "A4": ("http://www.asti.tj/en/obmen-opytom-mezhdu-zhenskimi-klubami.html", "en"),
    "A5": ("http://www.asti.tj/en/polozhenie-zhenshhiny-v-obshhestve1.html", "en"),
    "A6": ("http://www.asti.tj/en/vstrecha-s-molodyozhyu-sela-hodzhai-alo-v-shkole-n24.html", "en"),
    "A7": ("http://www.asti.tj/en/glavnaya-doroga.html", "en"),
    "A8": ("http://www.asti.tj/en/Prazdnik-abrikosa.html", "en"),
    "A9": ("http://www.asti.tj/ru/voda-%E2%80%93-put-k-miru.html", "ru"),
    "A10": ("http://www.asti.tj/tj/vstrecha-molodeji-iz-prigranichnih-sel.html", "tg"),
    "A11": ("http://www.asti.tj/en/dopolnitelnoe-obuchenie.html", "en"),
    "A12": (
        "http://www.asti.tj/programma-razvitiya-grazhdanskogo-obshhestva/?tj_start=5&ru_start=0",
        "en",
    ),
    "A13": ("http://www.asti.tj/en/16-dnej-aktivizma-protiv-gendernogo-nasiliya.html", "en"),
    "A14": ("http://www.asti.tj/en/rost-chisla-razvodov-sredi-molodyh-par.html", "en"),
    "A15": ("http://www.asti.tj/en/vospitanie-nachinaetsya-v-seme.html", "en"),
    "A16": ("http://asti.tj/en/proekt-bezopasnost-soobshhestv-v-ferganskoj-doline.html", "en"),
    "A17": ("http://www.asti.tj/en/duhtar%D2%B3o-Kani.html", "en"),
    "A18": ("http://www.asti.tj/en/proekt-zhenskij-resursnyj-centr1.html", "en"),
    "A19": (
        "http://asti.tj/en/proekt-rasshirenie-vozmozhnostej-i-socializaciya-roditelej-detej-s-"
        "sindromom-dauna-v-tadzhikistane.html",
        "en",
    ),
    "A20": (
        "http://www.asti.tj/en/obshhestvennye-iniciativy-klyuch-k-razvitiyu-tadzhikskogo-sela1.html",
        "en",
    ),
    "A21": ("http://www.asti.tj/en/den-zashhity-detej.html", "en"),
    "A22": ("http://www.asti.tj/en/bezopasnost-soobshhestv-v-ferganskoj-doline1.html", "en"),
    "A23": ("http://www.asti.tj/en/prezentacionnye-vstrechi-v-dzhamoatah.html", "en"),
}


def as_requested(url: str) -> str:
    """The path and query a browser asks this site for, still percent-encoded."""
    return "/" + url.split("://", 1)[1].partition("/")[2]


# --- the old site's addresses -------------------------------------------------------------


@pytest.mark.parametrize(("url", "lang"), OLD_SITE.values(), ids=OLD_SITE.keys())
def test_old_address_redirects_once_to_a_page_in_its_language(client, url, lang):
    """Each address of the old site answers one permanent redirect to a page of this site in
    the same language, which answers 200 (no second redirect)."""
    response = client.get(as_requested(url))
    assert response.status_code == 301
    target = response.headers["Location"]
    assert target.startswith(f"/{lang}/"), target
    page = get_page(client, target)  # 200, or it fails
    assert page.lang == lang


def test_redirects_file_holds_exactly_the_old_addresses(app):
    """The reviewable file lists each address of the sources once, and nothing else; the
    demo loads every row (old paths decoded, as Werkzeug hands them over)."""
    rows = demo.legacy_redirects()
    old = [path for path, _ in rows]
    expected = {legacy_paths(url, "/")[0] for url, _ in OLD_SITE.values()}
    assert len(old) == len(set(old)) == 23 and set(old) == expected
    assert "/en/duhtarҳo-Kani.html" in old
    assert "/programma-razvitiya-grazhdanskogo-obshhestva/?tj_start=5&ru_start=0" in old


def test_loading_the_demo_again_keeps_staffs_redirects(app):
    """The demo adds only the old addresses the table lacks: a target staff changed stays."""
    with app.app_context():
        entry = db.session.scalar(
            select(LegacyRedirect).where(LegacyRedirect.old_path == "/en/glavnaya-doroga.html")
        )
        entry.target = "/en/programs/"
        db.session.commit()
        assert demo.load() == 0
        db.session.commit()
        db.session.refresh(entry)
        assert entry.target == "/en/programs/"


# --- the organisation's name ---------------------------------------------------------------

NAMES = {
    "tg": ["«АЗИТ»", "Ассотсиатсияи зиёиёни илмӣ-техникии Тоҷикистон", "18 сентябри соли 1995"],
    "ru": ["«АНТИ»", "18 сентября 1995 года", "Худжанд"],
    "en": ["“ASTI”", "Association of Scientific and Technical Intelligentsia of Tajikistan",
           "18 September 1995", "Khujand"],
}  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_about_page_names_the_organisation_as_it_does(client, lang):
    """The about page gives the organisation's name as its own sources write it in each
    language, and when and where it was founded."""
    prose = get_page(client, f"/{lang}/about/").text("div", class_="prose")
    prose = " ".join(prose.split())
    for name in NAMES[lang]:
        assert name in prose, (lang, name)


def public_urls(client) -> set[str]:
    """Every page the sitemap names, in every language, with the news feeds."""
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    urls = {re.sub(r"^https?://[^/]+", "", u) for u in re.findall(r'(?:<loc>|href=")([^<"]+)', xml)}
    return urls | {f"/{lang}/news/feed.atom" for lang in LANGS}


def test_no_page_calls_the_organisation_asti_in_cyrillic(app, client):
    """«АСТИ» is a name the organisation never uses: no public page, no feed and no stored
    text of the demo says it."""
    urls = public_urls(client)
    assert len(urls) > 3 * (len(demo.PROGRAMS) + len(demo.REGIONS))
    for url in sorted(urls):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "АСТИ" not in response.get_data(as_text=True), url
    assert "АСТИ" not in repr([demo.REGIONS, demo.PROGRAMS, demo.NEWS, demo.PAGES])


# --- the places ----------------------------------------------------------------------------

TREE = {
    "Sughd region": {
        "Khujand", "Isfara", "Bobojon Gafurov district", "Asht district", "Guliston",
        "Ayni district",
    },
    "Isfara": {"Chorkuh jamoat", "Lakkon jamoat", "Surkh jamoat", "Vorukh jamoat"},
    "Bobojon Gafurov district": {
        "Isfisor jamoat", "Haydar Usmon jamoat", "Khistevarz jamoat", "Ovchi Kalacha jamoat",
    },
    "Ayni district": {"Anzob jamoat", "Shamtuch jamoat", "Rarz jamoat", "Fondaryo jamoat"},
    "Batken region": {"Batken district", "Leilek district"},
}  # fmt: skip


def test_regions_tree_holds_the_places_the_sources_name(app, client):
    """The tree goes down to the jamoats the sources name, each of its kind and country;
    no place stands for communities that no source names."""
    with app.app_context():
        regions = db.session.scalars(select(Region)).all()
        title = {r.id: r.translations["en"].title for r in regions}
        children = {}
        for r in regions:
            children.setdefault(title.get(r.parent_id), set()).add(title[r.id])
        for parent, expected in TREE.items():
            assert children[parent] == expected, parent
        assert children[None] == {"Sughd region", "Batken region"}
        for r in regions:
            assert r.kind == "jamoat" if title[r.id].endswith(" jamoat") else r.kind != "jamoat"
            kyrgyz = title[r.id].startswith(("Batken", "Leilek"))
            assert r.country == ("KG" if kyrgyz else "TJ"), title[r.id]
        assert not [r for r in regions if r.kind == "community"]
    tree = get_page(client, "/tg/regions/").text("ul", class_="tree")
    for name in ("Ҷамоати Чоркӯҳ", "Ҷамоати Ворух", "Ҷамоати Овчӣ Қалъача", "Ноҳияи Лайлак"):
        assert name in tree


def test_program_status_follows_its_known_period(app):
    """No demo program is called current once its known period has ended; one of unknown
    end is past (and on the list to check)."""
    with app.app_context():
        for program in db.session.scalars(select(Program)):
            if program.end_date is None or program.end_date < date.today():
                assert not program.is_current, program.translations["en"].title
            for day in (program.start_date, program.end_date):
                assert day is None or day.day == 1  # stored to the month


# --- to check before going live -------------------------------------------------------------


def to_check(client) -> dict[str, list[tuple[str, str]]]:
    """The lines of the dashboard's list: what is missing -> (title, form's address)."""
    html = html_of(client.get("/editor/"))
    found = re.search(r'<section class="queue[^"]*" aria-labelledby="to-check">.*?</section>',
                      html, re.S)  # fmt: skip
    assert found
    lines = {}
    for line in re.findall(r"<li>(.*?)</li>", found.group(0), re.S):
        label = " ".join(re.sub(r"<a .*", "", line, flags=re.S).split())
        links = Html(line).find_all("a")
        lines[label] = [(" ".join(text.split()), attrs["href"]) for attrs, text in links]
    return lines


def test_to_check_lists_what_the_content_does_not_establish(app, admin):
    """Programs without donor, start or an end date that confirms their status, places off
    the map, partners without a website, and site settings without address, telephone or
    e-mail: each line links to the forms."""
    with app.app_context():
        ids = {
            "security": by_slug(Program, "community-security-in-the-ferghana-valley").id,
            "skills": by_slug(Program, "skills-for-future-and-transition-to-work-life").id,
        }
        unicef = by_slug(Partner, "unicef-tajikistan").id
        batken = by_slug(Region, "batken-region").id
    lines = to_check(admin)
    skills = ("Skills for future and transition to work life", f"/editor/programs/{ids['skills']}")
    assert lines["1 program has no start date:"] == [skills]
    unconfirmed = lines["3 programs are marked current or past with no end date to confirm it:"]
    assert skills in unconfirmed
    assert ("Community security in the Ferghana valley",
            f"/editor/programs/{ids['security']}") in unconfirmed  # fmt: skip
    off_map = lines["14 places have no point on the regions map:"]
    assert ("Batken region", f"/editor/regions/{batken}") in off_map
    assert ("Chorkuh jamoat" in dict(off_map)) and "Isfara" not in dict(off_map)
    assert lines["1 partner or donor has no website:"] == [
        ("UNICEF Tajikistan", f"/editor/partners/{unicef}")
    ]
    settings = [("Site settings", "/editor/settings/")]
    assert lines["The site settings give no telephone number."] == settings
    assert lines["The site settings give no e-mail address."] == settings
    assert lines["The site settings give no address of the office."] == settings
    assert not [label for label in lines if "no donor" in label]

    # Staff fill in what was missing: the lines go.
    with app.app_context():
        skills_program = db.session.get(Program, ids["skills"])
        skills_program.start_date, skills_program.end_date = date(2021, 2, 1), date(2022, 9, 1)
        skills_program.translations["en"].donor = ""
        skills_program.translations["ru"].donor = ""
        skills_program.translations["tg"].donor = "  "
        db.session.get(Region, batken).latitude = 39.77
        db.session.get(Region, batken).longitude = 71.3
        Setting.store(SITE, {"phones": "+992 00 000 0000", "email": "office@example.org"})
        Setting.store(SITE, {"address.ru": "г. Худжанд"})
        db.session.get(Partner, unicef).website = "https://example.org"
        # A program said to be current whose end has passed.
        security = db.session.get(Program, ids["security"])
        security.is_current, security.end_date = True, date(2014, 4, 1)
        db.session.commit()
    lines = to_check(admin)
    assert "1 program has no start date:" not in lines
    done = {skills[1], f"/editor/programs/{ids['security']}"}
    assert lines["1 program is marked current or past with no end date to confirm it:"] == [
        (title, url) for title, url in unconfirmed if url not in done
    ]
    assert lines["1 program has no donor:"] == [skills]
    assert lines["1 program is marked current, but its end date has passed:"] == [
        ("Community security in the Ferghana valley", f"/editor/programs/{ids['security']}")
    ]
    assert "13 places have no point on the regions map:" in lines
    assert not [label for label in lines if "site settings" in label or "website" in label]
