"""The map of the regions: a drawing shipped in static/, with each region that has
coordinates marked as a link to its page, named in the page's language; and the editor's
fields that place a region on it."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from html.parser import HTMLParser
from itertools import combinations

import pytest
from flask import g
from sqlalchemy import select, text

from asti import demo
from asti.database import downgrade, upgrade
from asti.extensions import db
from asti.i18n import localize
from asti.models import Region, Revision
from asti.regions import map as regionmap
from tests.fixtures.apps import make_app
from tests.fixtures.html import Page, error, form_fields, html_of
from tests.fixtures.staff import add_account, edit, staff_client

LANGS = ("tg", "ru", "en")
#: The regions page's two views of the map: the whole drawing, and a phone's part of it.
VIEWS = ("full", "small")
MAP_NAMES = {
    "tg": "Харитаи минтақаҳои фаъолият",
    "ru": "Карта регионов деятельности",
    "en": "Map of the regions of activity",
}
SVG_NS = "{http://www.w3.org/2000/svg}"
STAFF = "mapper@asti.tj"
#: How many demo regions have a point on the map (the others are in the list only).
MAPPED = sum("latitude" in spec for spec in demo.REGIONS)


class MapLinks(HTMLParser):
    """The inline map of a page, one of its views (the regions page has two: the whole
    drawing, ``full``, and on a phone the part where the places are, ``small``): its
    attributes and title, each link in it (attributes, <title>, the lines of its visible
    name), and every visible text, lines joined by spaces."""

    def __init__(self, html: str, view: str = "full"):
        super().__init__(convert_charrefs=True)
        self.svg: dict | None = None
        self.title = ""
        self.links: list[dict] = []
        self.texts: list[str] = []
        self._in_svg = self._in_title = self._in_text = self._in_tspan = False
        self._link = None
        self._view = view
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            if a.get("class") == f"map-{self._view}":  # not the logo, nor the other view
                self.svg, self._in_svg = a, True
        elif not self._in_svg:
            return
        elif tag == "a":
            self._link = {"attrs": a, "title": "", "lines": []}
            self.links.append(self._link)
        elif tag == "title":
            self._in_title = True
        elif tag == "text":
            self._in_text = True
            self.texts.append("")
        elif tag == "tspan":
            self._in_tspan = True
            self.texts[-1] += " " if self.texts[-1] else ""
            if self._link is not None:
                self._link["lines"].append("")

    def handle_endtag(self, tag):
        if tag == "svg":
            self._in_svg = False
        elif tag == "a":
            self._link = None
        elif tag in ("title", "text", "tspan"):
            setattr(self, f"_in_{tag}", False)

    def handle_data(self, data):
        if self._in_title:
            if self._link is not None:
                self._link["title"] += data
            elif self._in_svg:
                self.title += data
        elif self._in_text:
            self.texts[-1] += data
            if self._link is not None:
                lines = self._link["lines"]
                if not lines:  # a one-line name, straight in <text>
                    lines.append("")
                lines[-1] += data


def regions_page(client, lang) -> tuple[str, MapLinks]:
    response = client.get(f"/{lang}/regions/")
    assert response.status_code == 200
    html = html_of(response)
    return html, MapLinks(html)


def mapped_regions(app, lang) -> dict[str, tuple[str, str]]:
    """URL -> (title, language of that title) of each visible region with coordinates."""
    with app.test_request_context(f"/{lang}/regions/"):
        g.lang = lang
        query = select(Region).where(Region.visible(), Region.latitude.is_not(None))
        shown = [localize(r) for r in db.session.scalars(query)]
        return {s.url: (s.t.title, s.t.lang) for s in shown}


@pytest.mark.parametrize("lang", LANGS)
def test_map_in_each_language(app, client, lang):
    """The map is named in the page's language, and each region with coordinates is one link
    to its page in that language, named (title and label) in that language: in the whole
    drawing and in the phone's view of it alike."""
    html, _ = regions_page(client, lang)
    expected = mapped_regions(app, lang)
    assert len(expected) == MAPPED  # every demo region with a known place has its point
    for view in VIEWS:
        found = MapLinks(html, view)
        assert found.svg is not None, f"no {view} map on the regions page"
        assert found.svg["role"] == "group"
        assert Page(html).text("title", id=found.svg["aria-labelledby"]) == MAP_NAMES[lang]
        assert found.title.startswith(MAP_NAMES[lang])
        assert Page(html).text("desc", id=found.svg["aria-describedby"])
        hrefs = [link["attrs"]["href"] for link in found.links]
        assert sorted(hrefs) == sorted(expected)
        for link in found.links:
            title, _ = expected[link["attrs"]["href"]]
            assert link["title"] == title
            assert " ".join(link["lines"]) == title
            assert "lang" not in link["attrs"]  # every demo region has a text in every language
            assert re.fullmatch(rf"/{lang}/regions/[a-z0-9-]+/", link["attrs"]["href"])


def test_links_come_in_the_order_of_the_list(client):
    """Tab goes through the map's places in the order the list below names them (in
    either view: the stylesheet shows one of them)."""
    html, _ = regions_page(client, "en")
    tree = html[html.index('<ul class="tree">') :]
    listed = [href for href in re.findall(r'<a href="([^"]+)"', tree) if "/regions/" in href]
    for view in VIEWS:
        found = MapLinks(html, view)
        mapped = {link["attrs"]["href"] for link in found.links}
        assert len(listed) > len(mapped) == MAPPED  # the jamoats, say, are in the list only
        assert [link["attrs"]["href"] for link in found.links] == [h for h in listed if h in mapped]


def test_fallback_label_says_its_language(app, client):
    """A region with no English text is named on the English map in the language it has,
    marked with that language (as the list does)."""
    with app.app_context():
        isfara = db.session.scalar(select(Region).where(Region.longitude == 70.625))
        del isfara.translations["en"]
        db.session.commit()
    html, _ = regions_page(client, "en")
    expected = mapped_regions(app, "en")
    for view in VIEWS:
        found = MapLinks(html, view)
        fallbacks = [link for link in found.links if "lang" in link["attrs"]]
        assert len(fallbacks) == 1
        link = fallbacks[0]
        title, lang = expected[link["attrs"]["href"]]
        assert lang != "en" and link["attrs"]["lang"] == lang
        assert link["title"] == " ".join(link["lines"]) == title
        assert link["attrs"]["href"].startswith("/en/regions/")


def test_surroundings_are_named_in_the_page_language(client):
    """The countries, regions and river drawn around are named in each language: the
    drawing itself carries no text."""
    names = {
        "tg": ["ТОҶИКИСТОН", "Вилояти Боткен", "Сирдарё", "Хуҷанд"],
        "ru": ["ТАДЖИКИСТАН", "Баткенская область", "Сырдарья", "Худжанд"],
        "en": ["TAJIKISTAN", "Batken region", "Syr Darya", "Khujand"],
    }
    for lang, expected in names.items():
        _, found = regions_page(client, lang)
        for name in expected:
            assert any(name in t for t in found.texts), (lang, name)


def test_base_map_is_a_static_svg(client):
    """The drawing the page points at is served from /static/ as SVG, well-formed, titled,
    inert, and the size of the page's map."""
    html, found = regions_page(client, "en")
    image = Page(html).find("image")[0]
    assert re.fullmatch(r"/static/maps/ferghana-valley\.[0-9a-f]{10}\.svg", image["href"])
    assert (image["width"], image["height"]) == (str(regionmap.WIDTH), str(regionmap.HEIGHT))
    # The phone's view shows a part of the same drawing.
    x, y, width, height = map(float, MapLinks(html, "small").svg["viewbox"].split())
    assert 0 <= x < x + width <= regionmap.WIDTH and 0 <= y < y + height <= regionmap.HEIGHT
    for url in (image["href"], "/static/maps/ferghana-valley.svg"):
        with client.get(url) as response:  # WhiteNoise sends the open file: close it
            assert response.status_code == 200
            assert response.mimetype == "image/svg+xml"
            root = ET.fromstring(response.get_data())
        assert root.tag == f"{SVG_NS}svg"
        assert root.get("viewBox") == f"0 0 {regionmap.WIDTH} {regionmap.HEIGHT}"
        assert found.svg["viewbox"] == root.get("viewBox")
        title = root.find(f"{SVG_NS}title")
        assert title is not None and "schematic" in title.text
        assert "schematic" in root.find(f"{SVG_NS}desc").text.lower()
        for element in root.iter():
            assert element.tag.removeprefix(SVG_NS) not in {"script", "foreignObject", "text"}
            assert not any(name.startswith("on") or "href" in name for name in element.attrib)


def test_points_on_the_map(app):
    """Known places land where the drawing has them, and the map's box is the drawing's."""
    assert regionmap.project(regionmap.NORTH, regionmap.WEST) == (0, 0)
    assert regionmap.project(regionmap.SOUTH, regionmap.EAST) == (regionmap.WIDTH, regionmap.HEIGHT)
    x, y = regionmap.project(40.283, 69.622)  # Khujand, by the Syr Darya
    assert (round(x), round(y)) == (224, 240)
    assert not regionmap.on_map(38.56, 68.78)  # Dushanbe is south of the map
    assert not regionmap.on_map(40.0, None)


@pytest.mark.parametrize("lang", LANGS)
def test_names_do_not_cover_each_other(app, lang):
    """The demo's names, circles and the names around them never overlap, and all stay
    within the map; in the phone's view too, within the part of the drawing it shows."""
    with app.test_request_context(f"/{lang}/regions/"):
        g.lang = lang
        shown = regionmap.region_map(db.session.scalars(select(Region)).all())
        small = shown.small
        boxes = [m.label.box for m in shown.markers]
        boxes += [(m.x - 6, m.y - 6, m.x + 6, m.y + 6) for m in shown.markers if not m.area]
        boxes += [s.label.box for s in shown.surroundings]
        circles = [regionmap.circle(m.x, m.y, small.dot) for m in shown.markers if not m.area]
        small_boxes = [label.box for label in small.labels] + circles
        small_boxes += [s.label.box for s in small.surroundings]
    for found in (boxes, small_boxes):
        for a, b in combinations(found, 2):
            assert regionmap.overlap(a, b) == 0, (a, b)
    for box in boxes:
        assert regionmap.outside(box) == 0, box
    for box in small_boxes:
        assert regionmap.within(box, small.box), (box, small.box)


@pytest.mark.parametrize("lang", LANGS)
def test_a_phone_reads_the_names(app, lang):
    """The phone's view is cut to the places, so that shown across a 360 px phone (328 px
    inside the page's margins) its names come out at 12 px or more."""
    with app.test_request_context(f"/{lang}/regions/"):
        g.lang = lang
        small = regionmap.region_map(db.session.scalars(select(Region)).all()).small
    x, y, width, height = small.box
    assert regionmap.SMALL_VIEW.font * 328 / width >= 12, small.box


def test_the_office_on_its_part_of_the_map(app):
    """The contacts page's map: the part of the drawing around the office, the office's
    point in it, named, with its town when it is in one; none off the drawing."""
    with app.test_request_context("/en/contacts/"):
        g.lang = "en"
        office = regionmap.office_map(40.283, 69.622, "ASTI")
        assert regionmap.office_map(38.56, 68.78, "ASTI") is None  # Dushanbe
    x, y, width, height = office.box
    assert (width, height) == regionmap.OFFICE_VIEW
    assert 0 <= x < x + width <= regionmap.WIDTH and 0 <= y < y + height <= regionmap.HEIGHT
    assert (office.x, office.y) == regionmap.project(40.283, 69.622)
    assert x < office.x < x + width and y < office.y < y + height
    assert office.label.lines == ["ASTI", "Khujand"]
    assert regionmap.within(office.label.box, office.box)


def test_places_without_coordinates_stay_in_the_list(app, client):
    """A region without coordinates, or outside the map, is only in the list; with none on
    the map there is no map at all."""
    with app.app_context():
        for region in db.session.scalars(select(Region)):
            region.latitude = 38.56 if region.longitude == 70.625 else None  # Isfara: south
        db.session.commit()
    html, found = regions_page(client, "en")
    assert found.svg is None and "region-map" not in html
    assert "Isfara" in Page(html).text("ul", class_="tree")


# --- the editor ---------------------------------------------------------------------------


def staff_in(app, lang):
    """A logged-in administrator whose editor speaks `lang`."""
    add_account(app, STAFF, "admin")
    return staff_client(app, STAFF, lang=lang)


def coordinates(app, region_id):
    with app.app_context():
        region = db.session.get(Region, region_id)
        return region.latitude, region.longitude


def test_editor_places_a_region(app, client):
    """The region form has the two fields; a comma is taken as a decimal point; the map
    then marks the place there, and the revision keeps it."""
    staff = staff_in(app, "en")
    fields = form_fields(html_of(staff.get("/editor/regions/2")))
    assert (fields["latitude"], fields["longitude"]) == ("40.126", "70.625")
    edit(staff, "regions", 2, {"latitude": "40,2", "longitude": " 70.6 "})
    assert coordinates(app, 2) == (40.2, 70.6)
    _, found = regions_page(client, "en")
    isfara = next(link for link in found.links if link["attrs"]["href"] == "/en/regions/isfara/")
    assert isfara["title"] == "Isfara"
    html = html_of(client.get("/en/regions/"))
    x, y = regionmap.project(40.2, 70.6)
    assert f'<circle cx="{x}" cy="{y}"' in html
    with app.app_context():
        query = select(Revision).filter_by(kind="regions", item_id=2).order_by(Revision.id)
        latest = db.session.scalars(query).all()[-1]
        assert (latest.data["latitude"], latest.data["longitude"]) == (40.2, 70.6)


def test_editor_takes_a_region_off_the_map(app, client):
    """Emptying both fields removes the place from the map, not from the list."""
    staff = staff_in(app, "en")
    edit(staff, "regions", 2, {"latitude": "", "longitude": ""})
    assert coordinates(app, 2) == (None, None)
    _, found = regions_page(client, "en")
    assert "/en/regions/isfara/" not in [link["attrs"]["href"] for link in found.links]
    assert len(found.links) == MAPPED - 1


REFUSED = {
    "tg": {
        "range": "Харита арзҳои ҷуғрофиро аз 39.4 то 41.2 дар бар мегирад.",
        "number": "Рақам ворид кунед, масалан 69.62.",
        "both": "Ҳам арзи ҷуғрофӣ ва ҳам тӯли ҷуғрофиро нишон диҳед ё ҳеҷ кадомашро.",
        "label": "Арзи ҷуғрофӣ (° арзи шимолӣ)",
    },
    "ru": {
        "range": "Карта охватывает широты от 39.4 до 41.2.",
        "number": "Введите число, например 69.62.",
        "both": "Укажите и широту, и долготу — или ни то, ни другое.",
        "label": "Широта (° с. ш.)",
    },
    "en": {
        "range": "The map shows latitudes from 39.4 to 41.2.",
        "number": "Enter a number, for example 69.62.",
        "both": "Give both the latitude and the longitude, or neither.",
        "label": "Latitude (degrees north)",
    },
}


@pytest.mark.parametrize("lang", LANGS)
def test_editor_refuses_points_off_the_map(app, lang):
    """Out of the map's range, not a number, or one number alone: a 400 with the reason in
    the editor's language beside the field, and nothing saved."""
    staff = staff_in(app, lang)
    page = html_of(staff.get("/editor/regions/2"))
    assert Page(page).text("label", **{"for": "latitude"}) == REFUSED[lang]["label"]
    cases = [
        ({"latitude": "55.7", "longitude": "70.6"}, "latitude", "range"),
        ({"latitude": "nan", "longitude": "70.6"}, "latitude", "range"),
        ({"latitude": "40.1", "longitude": "seventy"}, "longitude", "number"),
        ({"latitude": "40.1", "longitude": ""}, "longitude", "both"),
    ]
    for changes, field, reason in cases:
        response = edit(staff, "regions", 2, changes, status=400)
        assert error(html_of(response), field) == REFUSED[lang][reason], changes
        assert form_fields(html_of(response))[field] == changes[field].strip()
    assert coordinates(app, 2) == (40.126, 70.625)


# --- the schema -------------------------------------------------------------------------------


def test_coordinates_migration_goes_both_ways(postgres, tmp_path):
    """0005 adds the two columns to a database of 0004 and can be taken back."""
    database = postgres.create("asti_map_migration") if postgres else tmp_path / "map.db"
    app = make_app(database)
    with app.app_context():
        upgrade(revision="0004")
        db.session.execute(
            text(
                "INSERT INTO region (id, kind, country, position, status, published_at, "
                "created_at, updated_at, source_lang, version) "
                "VALUES (1, 'city', 'TJ', 0, 'published', :t, :t, :t, 'en', 1)"
            ),
            {"t": datetime(2020, 1, 1)},
        )
        db.session.commit()
        upgrade()
        row = db.session.execute(text("SELECT latitude, longitude FROM region")).one()
        assert tuple(row) == (None, None)
        db.session.execute(text("UPDATE region SET latitude = 40.13, longitude = 70.63"))
        db.session.commit()
        downgrade(revision="0004")
        rows = db.session.execute(text("SELECT * FROM region"))
        columns = set(rows.keys())
        assert not columns & {"latitude", "longitude"}
        assert len(rows.all()) == 1  # SQLite rebuilt the table without losing the row
        db.session.remove()
        db.engine.dispose()
    if postgres:
        postgres.drop("asti_map_migration")
