"""Photos of the media library inside a text (issue #14): ``![alt](media:42)`` shows as a
``<picture>`` like the lead photos, the same bytes every time; a photo the library does
not have shows no picture; the pictures a public page would not show are found, as typed,
for the editor to refuse."""

import pytest

from asti.text import Picture, foreign_images, render_markdown
from tests.fixtures.html import Page

KEY = "/media/0123456789abcdef"
PHOTO = Picture(f"{KEY}/full.jpg", ((480, f"{KEY}/480.webp"), (960, f"{KEY}/960.webp")), 1200, 800)
LIBRARY = {42: PHOTO, 1: PHOTO}
SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"


def media(image_id: int) -> Picture | None:
    return LIBRARY.get(image_id)


def test_a_media_photo_is_an_img_with_every_rendition():
    """Every rendition in the WebP ``srcset`` with the column's ``sizes``, the JPEG as
    ``src``, its size (no layout shift), lazy, and the alt text escaped."""
    out = render_markdown('Before ![A "big" <photo> & co](media:42) after', media)
    assert out == (
        '<p>Before <img src="/media/0123456789abcdef/full.jpg" srcset="/media/0123456789abcdef'
        f'/480.webp 480w, /media/0123456789abcdef/960.webp 960w" sizes="{SIZES}" width="1200"'
        ' height="800" alt="A &quot;big&quot; &lt;photo&gt; &amp; co" loading="lazy"'
        ' decoding="async"> after</p>'
    )
    img, _ = Page(out).find("img")
    assert img["srcset"].split(", ") == [f"{url} {width}w" for width, url in PHOTO.renditions]
    assert (img["src"], img["width"], img["height"]) == (PHOTO.fallback, "1200", "800")
    assert img["sizes"] == SIZES and img["loading"] == "lazy" and img["decoding"] == "async"
    assert img["alt"] == 'A "big" <photo> & co'


@pytest.mark.parametrize("source", [
    "![A photo](media:42)",
    'Text ![one](media:42) and ![two](Media:1) <img src="/b.jpg" alt="B">\n\n'
    '<img src="/a.jpg" srcset="/a.webp 1w" sizes="1px" width="1" height="1" alt="A"'
    ' decoding="async"> ![gone](media:7)',
])  # fmt: skip
def test_the_same_bytes_every_time(source):
    assert "srcset=" in render_markdown(source, media)
    assert len({render_markdown(source, media) for _ in range(50)}) == 1


@pytest.mark.parametrize("lookup", [None, media])
def test_a_photo_the_library_does_not_have_shows_no_picture(lookup):
    """Nor a broken one: its alt text stays, as text."""
    for number in ("99", "99999999999999999999"):
        source = f"See ![the <river>](media:{number})."
        out = render_markdown(source, lookup)
        assert "<img" not in out and "<picture" not in out
        assert out == "<p>See the &lt;river&gt;.</p>"


def test_a_known_photo_without_the_library_shows_no_picture():
    assert render_markdown("![x](media:42)") == "<p>x</p>"


def test_the_library_is_asked_only_for_numbers_a_database_can_hold():
    """Eighteen digits always fit in a database's integer, and are looked up; a number of
    nineteen digits or more may not, and names no photo."""
    asked = []

    def lookup(image_id: int) -> Picture | None:
        asked.append(image_id)
        return PHOTO

    out = render_markdown("![a](media:100000000000000042) ![b](media:9999999999999999999)", lookup)
    assert asked == [100000000000000042]
    assert out.count("<img") == 1 and out.endswith(" b</p>")


def test_a_photo_without_renditions_is_its_jpeg_alone():
    """No ``srcset`` and no ``sizes`` when the library has nothing but the JPEG."""
    small = Picture(f"{KEY}/full.jpg", (), 300, 200)
    assert render_markdown("![A small photo](media:7)", {7: small}.get) == (
        f'<p><img src="{KEY}/full.jpg" width="300" height="200" alt="A small photo"'
        ' loading="lazy" decoding="async"></p>'
    )


def test_a_picture_from_the_site_is_lazy_too():
    assert render_markdown("![A map](/static/maps/ferghana-valley.svg)") == (
        '<p><img src="/static/maps/ferghana-valley.svg" alt="A map" loading="lazy"'
        ' decoding="async"></p>'
    )


def test_what_an_img_allows_is_all_it_allows():
    """``<picture>`` and ``<source>`` typed as HTML are dropped, an ``<img>`` keeps only
    the attributes a photo needs, and a ``srcset`` only addresses that a ``src`` may hold."""
    out = render_markdown(
        '<picture onclick="x()"><source type="image/webp" srcset="/a.webp 2w"></picture>'
        '<img src="/a.jpg" onload="x()" width="2" height="3" srcset="javascript:alert(1) 1w,'
        ' /a.webp 2w" sizes="1px"><img src="/b.jpg" srcset="/b.webp 1x, https://a.tj/b.webp 2x">'
    )
    assert out == (
        '<p><img src="/a.jpg" width="2" height="3" loading="lazy" sizes="1px">'
        '<img src="/b.jpg" srcset="/b.webp 1x, https://a.tj/b.webp 2x" loading="lazy"></p>'
    )


# --- foreign_images ------------------------------------------------------------------------------


def test_pictures_from_elsewhere_are_found_in_order_once_as_typed():
    text = (
        "![a](https://example.org/a.jpg) and ![b](//cdn.example/x.png)\n\n"
        '<img src="http://example.net/i.png" alt="typed">\n\n'
        '<picture><source srcset="/ok.webp 480w, https://cdn.example/y.webp 960w">'
        '<img src="/ok.jpg"></picture> <img srcset="/ok.png 1x, https://z.example/z.png 2x">\n\n'
        "![c](data:image/png;base64,iVBORw0KGgo=) ![known](media:1) ![unknown](media:99)\n\n"
        "![again](https://example.org/a.jpg) ![](<https://пример.tj/фото.jpg>)"
    )
    assert foreign_images(text, media) == [
        "https://example.org/a.jpg",
        "//cdn.example/x.png",
        "http://example.net/i.png",
        "https://cdn.example/y.webp",
        "https://z.example/z.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "media:99",
        "https://пример.tj/фото.jpg",
    ]


def test_photos_of_the_library_and_paths_of_the_site_are_fine():
    text = (
        "![x](media:1) ![y](/media/0123456789abcdef/480.webp)\n\n"
        '<img src="/media/0123456789abcdef/960.webp" srcset="/media/0123456789abcdef/480.webp 1x">'
        " ![z](photo.jpg)"
    )
    assert foreign_images(text, media) == []
    assert foreign_images("") == []


def test_without_the_library_every_media_photo_is_unknown():
    assert foreign_images("![x](media:1) ![y](media:42)") == ["media:1", "media:42"]


def test_links_to_other_sites_are_not_pictures():
    text = (
        "[a site](https://example.org/a.jpg), <https://example.net/b.png>, www.example.com/c.gif"
        ' and <a href="http://example.info/d.png">d</a>'
    )
    assert foreign_images(text, media) == []


def test_a_media_photo_typed_as_html_is_not_shown():
    """Only the Markdown form becomes a picture: ``<img src="media:1">`` would be broken."""
    assert foreign_images('<img src="media:1" alt="x">', media) == ["media:1"]


@pytest.mark.parametrize("text, found", [
    # Browsers drop tabs inside an address and read backslashes as slashes.
    ('<img src=" ht&#9;tps://a.example/t.png">', " ht\ttps://a.example/t.png"),
    ('<img src="\\\\b.example/b.png">', "\\\\b.example/b.png"),
    # A comment that HTML ends at once, and an <img> that leaves the <svg> it is typed in.
    ('<!--><img src="https://c.example/c.png">-->', "https://c.example/c.png"),
    ('<svg><style><img src="https://d.example/d.png"></style></svg>', "https://d.example/d.png"),
    ('<image src="https://e.example/e.png">', "https://e.example/e.png"),
    ('<img src="/ok.jpg" src="https://f.example/f.png" srcset="data:image/png;base64,A,B 2x">',
     "data:image/png;base64,A,B"),
    ("[![g](https://g.example/g.png)](/page)", "https://g.example/g.png"),
    ("![h][ref]\n\n[ref]: https://h.example/h.png", "https://h.example/h.png"),
    # A scheme in capitals; a tab inside the two slashes, a control character before them.
    ('<img src="HTTPS://i.example/i.png">', "HTTPS://i.example/i.png"),
    ('<img src="/&#9;/j.example/j.png">', "/\t/j.example/j.png"),
    ('<img src="\x01//k.example/k.png">', "\x01//k.example/k.png"),
    ('<image srcset="data:image/png;base64,QQ== 2x">', "data:image/png;base64,QQ=="),
    # ``<![`` not followed by a name: a comment up to the next ``>``.
    ('<div><![ x > <img src="https://m.example/m.png"></div>', "https://m.example/m.png"),
])  # fmt: skip
def test_pictures_are_found_as_a_browser_reads_the_html(text, found):
    assert foreign_images(text, media) == [found]


def test_a_comment_hides_the_pictures_inside_it():
    """``<![`` not followed by a name opens a comment that the next ``>`` closes, even the
    ``>`` of an ``<img>``: a browser shows no picture there."""
    assert foreign_images('<div>\n<![ x <img src="https://n.example/n.png"> ]>\n</div>') == []


@pytest.mark.parametrize("srcset, found", [
    ("https://a.example/X.png", ["https://a.example/X.png"]),  # no descriptor
    ("https://b.example/IMAGEX, https://c.example/c.png 2x",  # a comma ends an address
     ["https://b.example/IMAGEX", "https://c.example/c.png"]),
    ("/a.png 1x,https://d.example/d.png 2x", ["https://d.example/d.png"]),
    ("/a.png 1x, X-Photo://e.example/e.png 2x", ["X-Photo://e.example/e.png"]),
    # A comma inside brackets is part of the descriptor, not the start of an address.
    ("/a.png 1x (x, https://f.example/f.png 2x)", []),
    ("/a.png 1x (y), https://g.example/g.png 2x", ["https://g.example/g.png"]),
    ("/a.png 1x), https://h.example/h.png 2x", ["https://h.example/h.png"]),
])  # fmt: skip
def test_every_address_of_a_srcset_is_read_as_a_browser_reads_it(srcset, found):
    assert foreign_images(f'<img src="/a.png" srcset="{srcset}">', media) == found


def test_pictures_are_found_in_texts_of_several_lines():
    """Line breaks and a rule, as texts have them; the pictures in the order typed, whether
    Markdown or HTML."""
    text = (
        "A line\nand the next one\n\n---\n\n"
        '<image src="https://o.example/o.png"> ![p](https://p.example/p.png)'
    )
    assert foreign_images(text, media) == ["https://o.example/o.png", "https://p.example/p.png"]
