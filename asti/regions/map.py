"""The regions map: where each place goes on the drawing shipped in
``static/maps/ferghana-valley.svg`` (no map service, no script), and where its name goes
so that no label covers another. Used by the regions page, and by the editor to refuse
coordinates the map cannot show."""

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

#: Where a place's name may go around its circle, in order of preference:
#: (dx, dy, text-anchor, vertical alignment).
AROUND = [
    (DOT + GAP, 0, "start", "middle"),
    (-(DOT + GAP), 0, "end", "middle"),
    (0, DOT + GAP, "middle", "top"),
    (0, -(DOT + GAP), "middle", "bottom"),
    (DOT, DOT, "start", "top"),
    (DOT, -DOT, "start", "bottom"),
    (-DOT, DOT, "end", "top"),
    (-DOT, -DOT, "end", "bottom"),
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
    def at(cls, lines, x, y, anchor="middle", align="middle", size=FONT, line=LINE):
        width = max(text_width(t, size) for t in lines)
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
class RegionMap:
    width: int
    height: int
    surroundings: list[Surrounding]
    markers: list[Marker]


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


def lines_of(title: str) -> list[str]:
    return textwrap.wrap(title, WRAP, break_long_words=False, break_on_hyphens=False) or [title]


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
    # An oblast's name is written where its point is; the other names find room around.
    for marker in sorted(markers, key=lambda m: not m.area):
        lines = lines_of(marker.shown.t.title)
        if marker.area:
            shifts = (0, -LINE, LINE, -2 * LINE, 2 * LINE)
            candidates = [Label.at(lines, marker.x, marker.y + dy, size=AREA_FONT) for dy in shifts]
            marker.label = place(candidates, taken)
        else:
            marker.label = place(
                [
                    Label.at(lines, marker.x + dx, marker.y + dy, anchor, align)
                    for dx, dy, anchor, align in AROUND
                ],
                taken,
            )
    return RegionMap(WIDTH, HEIGHT, surroundings, markers)
