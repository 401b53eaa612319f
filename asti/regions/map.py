"""The regions map: where each place goes on the drawing shipped in
``static/maps/ferghana-valley.svg`` (no map service, no script), and where its name goes
so that no label covers another. Used by the regions page, the contacts page (the office
on a part of the same drawing), and by the editor to refuse coordinates the map cannot
show.

A phone cannot show the whole drawing with names one can read: there the regions page
shows a second view of it, cut to where the places are, with names a little larger and
placed again for that view (``SmallView``)."""

import textwrap
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..i18n import Localized, localize
from ..models import Region

#: static/maps/ferghana-valley.svg draws this box (degrees) in an equirectangular projection,
#: 800 units wide, shrinking longitudes by the cosine of the middle latitude so that shapes
#: keep their proportions. A point is placed by the same arithmetic: changing the box means
#: drawing that file again.
WEST, EAST, SOUTH, NORTH = 68.5, 72.5, 39.4, 41.2
WIDTH, HEIGHT = 800, 472

# Label metrics in map units; the stylesheet sets the same sizes. No fonts are downloaded,
# so text is measured by a rough per-letter width, with room to spare.
FONT = 15
AREA_FONT = 16  # an oblast's name
LINE = 18
WRAP = 22  # characters per line of a long name
DOT = 6  # a place's circle radius
GAP = 4
#: A bold name (the places' links) is this much wider; wide system fonts (DejaVu Sans) are.
BOLD = 1.2


@dataclass(frozen=True)
class Sizes:
    """How big the names and circles of one view of the map are, in map units."""

    font: float
    area_font: float
    line: float
    wrap: int
    dot: float
    gap: float = GAP
    #: Names go under or over their circles first, then beside them: a narrower map.
    vertical_first: bool = False


FULL_VIEW = Sizes(FONT, AREA_FONT, LINE, WRAP, DOT)
#: The phone's view: its part of the drawing is shown about 330 px wide, so that these
#: come out at 12 to 15 px (static/css/site.css, `.map-small`, sets the same sizes): short
#: lines, under or over the circles, keep that part narrow.
SMALL_VIEW = Sizes(18, 19, 21, 10, 6.5, vertical_first=True)
#: The phone's view is never smaller than this (a lone place is not blown up), and leaves
#: this much room around the names.
SMALL_MIN = (360, 240)
MARGIN = 20
#: The contacts page's map: this much of the drawing around the office.
OFFICE_VIEW = (480, 320)
OFFICE_FONT = 18
OFFICE_DOT = DOT + 2


def project(latitude: float, longitude: float) -> tuple[float, float]:
    """Map units of a point (x to the east, y to the south)."""
    x = (longitude - WEST) * WIDTH / (EAST - WEST)
    y = (NORTH - latitude) * HEIGHT / (NORTH - SOUTH)
    return round(x, 1), round(y, 1)


def on_map(latitude: float | None, longitude: float | None) -> bool:
    return (
        latitude is not None
        and longitude is not None
        and SOUTH <= latitude <= NORTH
        and WEST <= longitude <= EAST
    )


#: What the drawing shows without naming it (it holds no text, being one file for all three
#: languages): (name, latitude, longitude, kind), each name put where the drawing leaves room.
SURROUNDINGS = [
    (_l("Tajikistan"), 39.62, 68.86, "country"),
    (_l("Kyrgyz Republic"), 39.72, 69.98, "country"),
    (_l("Uzbekistan"), 40.98, 69.32, "country"),
    (_l("Batken region"), 39.77, 71.3, "area"),
    (_l("Osh region"), 39.52, 72.12, "area"),
    (_l("Ferghana Valley"), 40.6, 71.36, "area"),
    (_l("Syr Darya"), 40.83, 71.35, "water"),
    (_l("Khujand"), 40.283, 69.622, "town"),
    (_l("Kokand"), 40.529, 70.943, "town"),
    (_l("Fergana"), 40.384, 71.784, "town"),
]

NARROW = set("iljtfrI.,:;'’-() ")
WIDE = set("mwMWШЩЖЮФшщжюфмыЫ")


def text_width(line: str, size: float) -> float:
    return size * sum(
        0.32 if c in NARROW else 0.9 if c in WIDE else 0.7 if c.isupper() else 0.58 for c in line
    )


@dataclass
class Label:
    """Text on the map: its lines, where the first baseline starts, and its box."""

    lines: list[str]
    x: float
    y: float
    anchor: str
    box: tuple[float, float, float, float]
    step: int  # from one line's baseline to the next

    @classmethod
    def at(cls, lines, x, y, anchor="middle", align="middle", size=FONT, line=LINE, bold=False):
        width = max(text_width(t, size) for t in lines) * (BOLD if bold else 1)
        height = line * len(lines)
        top = {"top": y, "middle": y - height / 2, "bottom": y - height}[align]
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        baseline = top + (line + size * 0.7) / 2  # the middle of the first line's box
        box = (left, top, left + width, top + height)
        return cls(lines, x, round(baseline, 1), anchor, box, line)


@dataclass
class Surrounding:
    label: Label
    kind: str
    dot: tuple[float, float] | None


@dataclass
class Marker:
    """A region on the map: a link to its page, with a circle (none for an oblast, whose
    point is where its name is written) and its name in the page's language."""

    shown: Localized
    x: float
    y: float
    area: bool
    label: Label | None = None


@dataclass
class SmallView:
    """The phone's view of the regions map: the part of the drawing (``box``: x, y, width,
    height) where the places are, their names there (``labels``, in the markers' order) and
    the names of the drawing that fit around them."""

    box: tuple[float, float, float, float]
    labels: list[Label]
    surroundings: list[Surrounding]
    dot: float = SMALL_VIEW.dot


@dataclass
class RegionMap:
    width: int
    height: int
    surroundings: list[Surrounding]
    markers: list[Marker]
    small: SmallView | None = None
    dot: float = DOT


@dataclass
class OfficeMap:
    """The contacts page's map: the part of the drawing around the office (``box``: x, y,
    width, height), its point and its name, and the names of the drawing around it."""

    box: tuple[float, float, float, float]
    x: float
    y: float
    label: Label
    surroundings: list[Surrounding]
    dot: float = OFFICE_DOT


def overlap(a, b) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def outside(box) -> float:
    inside = (max(box[0], 2), max(box[1], 2), min(box[2], WIDTH - 2), min(box[3], HEIGHT - 2))
    area = (box[2] - box[0]) * (box[3] - box[1])
    return area - overlap(box, inside)


def place(candidates: list[Label], taken: list) -> Label:
    """The first candidate that covers nothing else and stays on the map; failing that,
    the one that covers least."""

    def cost(label):
        return sum(overlap(label.box, box) for box in taken) + 10 * outside(label.box)

    best = min(candidates, key=cost)  # min keeps the earliest of equal costs
    taken.append(best.box)
    return best


def lines_of(title: str, wrap: int = WRAP) -> list[str]:
    return textwrap.wrap(title, wrap, break_long_words=False, break_on_hyphens=False) or [title]


def around(x: float, y: float, lines: list[str], sizes: Sizes) -> list[Label]:
    """Where a (bold) name may go around a circle at (x, y), in order of preference."""
    reach = sizes.dot + sizes.gap
    candidates = [
        Label.at(lines, x + dx, y + dy, anchor, align, size=sizes.font, line=sizes.line, bold=True)
        for dx, dy, anchor, align in [
            (reach, 0, "start", "middle"),
            (-reach, 0, "end", "middle"),
            (0, reach, "middle", "top"),
            (0, -reach, "middle", "bottom"),
            (sizes.dot, sizes.dot, "start", "top"),
            (sizes.dot, -sizes.dot, "start", "bottom"),
            (-sizes.dot, sizes.dot, "end", "top"),
            (-sizes.dot, -sizes.dot, "end", "bottom"),
        ]
    ]
    if sizes.vertical_first:
        return [*candidates[2:4], *candidates[:2], *candidates[4:]]
    return candidates


def circle(x: float, y: float, radius: float) -> tuple[float, float, float, float]:
    return (x - radius, y - radius, x + radius, y + radius)


def name_markers(markers: list[Marker], sizes: Sizes, taken: list) -> list[Label]:
    """The markers' names for one view (in the markers' order): an oblast's is written where
    its point is, the other names find room around their circles."""
    labels = {}
    for marker in sorted(markers, key=lambda m: not m.area):
        lines = lines_of(marker.shown.t.title, sizes.wrap)
        if marker.area:
            shifts = (0, -sizes.line, sizes.line, -2 * sizes.line, 2 * sizes.line)
            candidates = [
                Label.at(
                    lines, marker.x, marker.y + dy, size=sizes.area_font, line=sizes.line, bold=True
                )
                for dy in shifts
            ]
        else:
            candidates = around(marker.x, marker.y, lines, sizes)
        labels[id(marker)] = place(candidates, taken)
    return [labels[id(marker)] for marker in markers]


def window(boxes: list, minimum: tuple[float, float]) -> tuple[float, float, float, float]:
    """The part of the drawing (x, y, width, height) that holds ``boxes`` with MARGIN around
    them, at least ``minimum`` in size, as far as the drawing goes."""
    left = min(b[0] for b in boxes) - MARGIN
    top = min(b[1] for b in boxes) - MARGIN
    right = max(b[2] for b in boxes) + MARGIN
    bottom = max(b[3] for b in boxes) + MARGIN
    width = min(max(right - left, minimum[0]), WIDTH)
    height = min(max(bottom - top, minimum[1]), HEIGHT)
    x = min(max((left + right - width) / 2, 0), WIDTH - width)
    y = min(max((top + bottom - height) / 2, 0), HEIGHT - height)
    return round(x, 1), round(y, 1), round(width, 1), round(height, 1)


def within(box, view) -> bool:
    """Whether ``box`` lies in the part ``view`` (x, y, width, height) of the drawing."""
    x, y, width, height = view
    return (
        x + 2 <= box[0] and box[2] <= x + width - 2 and y + 2 <= box[1] and box[3] <= y + height - 2
    )


def surroundings_in(view, sizes: Sizes, taken: list, skip_near: list) -> list[Surrounding]:
    """The names of the drawing (SURROUNDINGS) that fit in ``view`` without covering what
    is ``taken``; a town at a point of ``skip_near`` is named there already."""
    found = []
    for name, latitude, longitude, kind in SURROUNDINGS:
        x, y = project(latitude, longitude)
        if kind == "town" and any(abs(px - x) + abs(py - y) < sizes.dot for px, py in skip_near):
            continue
        text = str(name)
        size = sizes.font - 2 if kind != "country" else sizes.font - 1
        if kind == "town":
            dot = circle(x, y, 3)
            sides = [Label.at([text], x + 6, y, "start", size=size, line=size + 3),
                     Label.at([text], x - 6, y, "end", size=size, line=size + 3)]  # fmt: skip
            label = place(sides, [*taken, dot])
            boxes = [dot, label.box]
        else:
            words = text.upper() if kind == "country" else text
            label = Label.at(textwrap.wrap(words, 14) or [words], x, y, size=size, line=size + 3)
            boxes = [label.box]
        if all(within(b, view) for b in boxes) and not any(
            overlap(b, t) for b in boxes for t in taken
        ):
            taken.extend(boxes)
            found.append(Surrounding(label, kind, (x, y) if kind == "town" else None))
    return found


def region_map(regions: list[Region]) -> RegionMap | None:
    """The map of the given regions (in list order), or None if none of them is on it."""
    markers = []
    for region in regions:
        shown = localize(region)
        if shown is not None and on_map(region.latitude, region.longitude):
            x, y = project(region.latitude, region.longitude)
            markers.append(Marker(shown, x, y, area=region.kind == "oblast"))
    if not markers:
        return None
    taken = [(m.x - DOT, m.y - DOT, m.x + DOT, m.y + DOT) for m in markers if not m.area]
    surroundings = []
    for name, latitude, longitude, kind in SURROUNDINGS:
        x, y = project(latitude, longitude)
        if kind == "town" and any(abs(m.x - x) + abs(m.y - y) < DOT for m in markers):
            continue  # a marked place (Khujand, say) is named once: by its link
        text = str(name)
        if kind == "town":
            taken.append((x - 3, y - 3, x + 3, y + 3))
            label = place([Label.at([text], x + 6, y, "start", size=13),
                           Label.at([text], x - 6, y, "end", size=13)], taken)  # fmt: skip
        else:
            size = 14 if kind == "country" else 13
            words = text.upper() if kind == "country" else text
            label = Label.at(textwrap.wrap(words, 14) or [words], x, y, size=size, line=size + 3)
            taken.append(label.box)
        surroundings.append(Surrounding(label, kind, (x, y) if kind == "town" else None))
    for marker, label in zip(markers, name_markers(markers, FULL_VIEW, taken), strict=True):
        marker.label = label
    return RegionMap(WIDTH, HEIGHT, surroundings, markers, small_view(markers))


def small_view(markers: list[Marker]) -> SmallView:
    """The phone's view: the places' names placed again at SMALL_VIEW sizes, the part of the
    drawing that holds them, and the drawing's names that fit there besides."""
    circles = [circle(m.x, m.y, SMALL_VIEW.dot) for m in markers if not m.area]
    taken = list(circles)
    labels = name_markers(markers, SMALL_VIEW, taken)
    box = window([*circles, *(label.box for label in labels)], SMALL_MIN)
    points = [(m.x, m.y) for m in markers]
    return SmallView(box, labels, surroundings_in(box, SMALL_VIEW, taken, points))


def office_map(latitude: float, longitude: float, name: str) -> OfficeMap | None:
    """The office at (latitude, longitude) on the part of the drawing around it, named
    ``name`` and, when it is in one, its town's name; None when the drawing does not go
    there."""
    if not on_map(latitude, longitude):
        return None
    x, y = project(latitude, longitude)
    lines = [name]
    for town, town_latitude, town_longitude, kind in SURROUNDINGS:
        tx, ty = project(town_latitude, town_longitude)
        if kind == "town" and abs(tx - x) + abs(ty - y) < 2 * DOT:
            lines.append(str(town))
    sizes = Sizes(OFFICE_FONT, OFFICE_FONT, OFFICE_FONT + 3, WRAP, OFFICE_DOT)
    dot = circle(x, y, sizes.dot)
    box = window([dot], OFFICE_VIEW)
    taken = [dot]
    candidates = around(x, y, lines, sizes)
    label = place([c for c in candidates if within(c.box, box)] or candidates, taken)
    return OfficeMap(box, x, y, label, surroundings_in(box, FULL_VIEW, taken, [(x, y)]))
