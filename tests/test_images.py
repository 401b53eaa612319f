"""Uploaded images: what is accepted, what is stored, and that no metadata survives.

The images are built with Pillow in memory; no application is needed except to render the
lazy error messages.
"""

import io
import os
import re
import struct
import zlib

import pillow_heif
import pytest
from flask import Flask
from flask_babel import Babel
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo
from werkzeug.datastructures import FileStorage

from asti import images
from asti.config import Defaults
from asti.images import (
    FALLBACK_WIDTH,
    RENDITION_WIDTHS,
    ImageRejected,
    RenditionsIncomplete,
    StoredImage,
    add_missing_renditions,
    limits_hint,
    rendition_path,
    rendition_widths,
    store_image,
)
from tests.fixtures.items import image_bytes

MB = 1024 * 1024
SECRET = "Ishkoshim-checkpoint"  # stands for any place name hidden in metadata
GPS = {1: "N", 2: (39.0, 42.0, 0.0), 3: "E", 4: (69.0, 37.0, 0.0)}
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    f'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:description="{SECRET}"/>'
    "</rdf:RDF></x:xmpmeta>"
)


@pytest.fixture
def text():
    """Render a lazy message as the English interface shows it."""
    app = Flask(__name__)
    Babel(app)

    def render(message) -> str:
        with app.test_request_context():
            return str(message)

    return render


def picture(size, mode="RGB"):
    """Something to look at: a background, a red block top left, a blue bar below it."""
    image = Image.new("RGB", size, (240, 220, 160))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((0, 0, width // 4, height // 4), fill=(255, 0, 0))
    draw.rectangle((0, height // 2, width - 1, height // 2 + height // 10), fill=(0, 0, 255))
    return image.convert(mode)


def gps_exif(orientation=None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = GPS  # the GPS IFD
    if orientation:
        exif[0x0112] = orientation
    return exif.tobytes()


def store(data: bytes, root, max_bytes=40 * MB, **options) -> StoredImage:
    return store_image(io.BytesIO(data), root, max_bytes, **options)


def files(root, result) -> dict[str, Image.Image]:
    """The stored files of an image, opened, by name."""
    folder = root / result.key
    opened = {}
    for path in sorted(folder.iterdir()):
        with Image.open(path) as image:
            image.load()
            opened[path.name] = image
    return opened


def rejection(data, root, text, **options) -> str:
    with pytest.raises(ImageRejected) as caught:
        store(data, root, **options)
    assert not list(root.glob("*/*")), "nothing is stored for a rejected upload"
    return text(caught.value.message)


def test_large_jpeg_gives_all_renditions(tmp_path):
    data = image_bytes(picture((2000, 1500)), "JPEG", quality=90)
    result = store(data, tmp_path)

    assert re.fullmatch(r"[0-9a-f]{16}", result.key)
    assert result == StoredImage(result.key, 1600, 1200, animated=False, bytes=len(data))
    stored = files(tmp_path, result)
    assert set(stored) == {"480.webp", "720.webp", "960.webp", "1600.webp", "fallback.jpg"}
    for width in RENDITION_WIDTHS:
        image = stored[f"{width}.webp"]
        assert image.format == "WEBP"
        assert image.size == (width, width * 3 // 4)
    fallback = stored["fallback.jpg"]
    assert fallback.format == "JPEG"
    assert fallback.mode == "RGB"
    assert fallback.size == (FALLBACK_WIDTH, 720)
    assert fallback.info.get("progressive")


def test_small_image_is_not_upscaled(tmp_path):
    result = store(image_bytes(picture((300, 200)), "PNG"), tmp_path)

    assert (result.width, result.height) == (300, 200)
    stored = files(tmp_path, result)
    assert set(stored) == {"300.webp", "fallback.jpg"}
    assert stored["300.webp"].size == stored["fallback.jpg"].size == (300, 200)


def test_medium_image_keeps_its_own_width_as_largest(tmp_path):
    result = store(image_bytes(picture((1000, 500)), "WEBP"), tmp_path)

    assert (result.width, result.height) == (1000, 500)
    stored = files(tmp_path, result)
    assert set(stored) == {"480.webp", "720.webp", "960.webp", "1000.webp", "fallback.jpg"}
    assert stored["1000.webp"].size == (1000, 500)
    assert stored["fallback.jpg"].size == (960, 480)


@pytest.mark.parametrize(
    "width, widths",
    [
        (1, (1,)),
        (300, (300,)),
        (480, (480,)),
        (700, (480, 700)),
        (720, (480, 720)),
        (800, (480, 720, 800)),
        (1000, (480, 720, 960, 1000)),
        (1600, (480, 720, 960, 1600)),
        (6000, (480, 720, 960, 1600)),
    ],
)
def test_rendition_widths(width, widths):
    assert rendition_widths(width) == widths
    # The largest stored width gives the same list, so StoredImage.width is enough.
    assert rendition_widths(max(widths)) == widths


def with_metadata(kind) -> bytes:
    """A photo carrying GPS EXIF, XMP and a comment or text chunk, as `kind`."""
    image = picture((1200, 900))
    if kind == "JPEG":
        return image_bytes(
            image,
            "JPEG",
            exif=gps_exif(),
            xmp=XMP.encode(),
            comment=SECRET.encode(),
            icc_profile=b"\0" * 128,
        )
    if kind == "PNG":
        chunks = PngInfo()
        chunks.add_text("Location", SECRET)
        chunks.add_itxt("XML:com.adobe.xmp", XMP)
        return image_bytes(image, "PNG", exif=gps_exif(), pnginfo=chunks)
    if kind == "HEIF":
        return heic(image, exif=gps_exif(), xmp=XMP.encode())
    return image_bytes(image, "WEBP", exif=gps_exif(), xmp=XMP.encode())


def heic(image, **options) -> bytes:
    """`image` as an iPhone saves it: HEIC (HEVC in a HEIF file), through pillow-heif.

    An EXIF orientation becomes the file's own rotation, as on a phone: the pixels stay
    as the sensor saw them and a reader turns them while decoding.
    """
    return image_bytes(image, "HEIF", quality=90, **options)


def heif_exif(data: bytes) -> Image.Exif:
    """The EXIF of a HEIF file as pillow-heif reads it, without Pillow's plugin."""
    exif = Image.Exif()
    exif.load(pillow_heif.open_heif(io.BytesIO(data)).info["exif"])
    return exif


def assert_no_metadata(root, result, names=None):
    """No EXIF (GPS...), XMP, comment or profile in any stored file (or in those ``names``),
    parsed or raw."""
    for name, image in files(root, result).items():
        if names is not None and name not in names:
            continue
        assert len(image.getexif()) == 0, name
        assert not image.getexif().get_ifd(0x8825), name
        leaked = {"exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile", "Location"}
        assert leaked.isdisjoint(image.info), (name, image.info)
        raw = (root / result.key / name).read_bytes()
        for marker in (SECRET.encode(), b"Exif", b"EXIF", b"XMP ", b"ns.adobe.com/xap"):
            assert marker not in raw, (name, marker)


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_metadata_never_survives(tmp_path, kind):
    data = with_metadata(kind)
    with Image.open(io.BytesIO(data)) as source:  # the test image really carries it
        assert source.format == kind
        assert source.getexif().get_ifd(0x8825)[2] == (39.0, 42.0, 0.0)
    assert SECRET.encode() in data

    result = store(data, tmp_path)

    assert len(files(tmp_path, result)) == 5  # 480, 720, 960, 1200 px WebP and the JPEG
    assert_no_metadata(tmp_path, result)


def test_exif_orientation_turns_the_photo_upright(tmp_path):
    # Stored landscape with the red block top left; orientation 6 = turn 90° clockwise.
    data = image_bytes(picture((400, 300)), "JPEG", quality=95, exif=gps_exif(orientation=6))
    with Image.open(io.BytesIO(data)) as source:
        assert source.size == (400, 300)
        assert source.getexif()[0x0112] == 6

    result = store(data, tmp_path)

    assert (result.width, result.height) == (300, 400)
    stored = files(tmp_path, result)
    assert set(stored) == {"300.webp", "fallback.jpg"}
    for image in stored.values():
        assert image.size == (300, 400)
        assert len(image.getexif()) == 0  # the orientation tag too: it is already applied
        red, green, blue = image.convert("RGB").getpixel((290, 10))  # now top right
        assert red > 200 and green < 60 and blue < 60
        assert image.convert("RGB").getpixel((10, 10))[1] > 150  # top left is background


def test_heic_photo_is_stored_upright_without_metadata(tmp_path):
    """An iPhone photo taken with the phone turned: HEIC, GPS in its EXIF, XMP."""
    data = heic(picture((400, 300)), exif=gps_exif(orientation=6), xmp=XMP.encode())
    exif = heif_exif(data)  # the test's own premise, read by pillow-heif alone
    assert exif.get_ifd(0x8825)[2] == (39.0, 42.0, 0.0)
    assert exif[0x0112] == 6
    assert SECRET.encode() in data

    result = store(data, tmp_path)

    # Turned once: by the file's rotation, not again by the EXIF orientation.
    assert (result.width, result.height) == (300, 400)
    assert (result.animated, result.bytes) == (False, len(data))
    stored = files(tmp_path, result)
    assert set(stored) == {"300.webp", "fallback.jpg"}
    for image in stored.values():
        assert image.size == (300, 400)
        red, green, blue = image.convert("RGB").getpixel((290, 10))  # now top right
        assert red > 200 and green < 60 and blue < 60
        assert image.convert("RGB").getpixel((10, 10))[1] > 150  # top left is background
    assert_no_metadata(tmp_path, result)


def test_orientation_is_applied_after_a_large_image_is_reduced(tmp_path):
    """A large PNG is reduced as soon as it is decoded; its EXIF orientation still counts."""
    image = picture((4000, 3300))
    data = image_bytes(image, "PNG", exif=gps_exif(orientation=6), compress_level=1)

    result = store(data, tmp_path)

    assert (result.width, result.height) == (1600, 1939)
    largest = files(tmp_path, result)["1600.webp"].convert("RGB")
    red, green, blue = largest.getpixel((1590, 10))  # the red block is now top right
    assert red > 200 and green < 60 and blue < 60
    assert largest.getpixel((10, 10))[1] > 150


def test_gif_is_accepted(tmp_path):
    data = image_bytes(picture((300, 200)), "GIF")

    result = store(data, tmp_path)

    assert result == StoredImage(result.key, 300, 200, animated=False, bytes=len(data))
    stored = files(tmp_path, result)
    assert set(stored) == {"300.webp", "fallback.jpg"}
    red, green, blue = stored["fallback.jpg"].getpixel((10, 10))
    assert red > 200 and green < 60 and blue < 60


def animation(kind) -> bytes:
    """Two frames: the picture, then all green."""
    first, second = picture((300, 200)), Image.new("RGB", (300, 200), (0, 255, 0))
    return image_bytes(first, kind, save_all=True, append_images=[second], duration=200, loop=0)


@pytest.mark.parametrize("kind", ["GIF", "WEBP", "PNG"])
def test_animation_is_stored_as_its_first_frame(tmp_path, kind):
    data = animation(kind)
    with Image.open(io.BytesIO(data)) as source:  # the test's own premise
        assert source.format == kind and source.n_frames == 2

    result = store(data, tmp_path)

    assert result.animated
    assert (result.width, result.height, result.bytes) == (300, 200, len(data))
    stored = files(tmp_path, result)
    assert set(stored) == {"300.webp", "fallback.jpg"}
    for name, image in stored.items():
        assert getattr(image, "n_frames", 1) == 1, name  # a still image
        red, green, blue = image.convert("RGB").getpixel((10, 10))  # the first frame's
        assert red > 200 and green < 60 and blue < 60, name


def test_large_phone_photo_is_scaled_down_not_refused(tmp_path):
    """24 megapixels of noise, which JPEG cannot compress: a file over 20 MB."""
    size = (6000, 4000)
    noise = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    data = image_bytes(noise, "JPEG", quality=95)
    assert 20 * MB < len(data) <= Defaults.MAX_IMAGE_BYTES

    result = store(
        data,
        tmp_path,
        max_bytes=Defaults.MAX_IMAGE_BYTES,
        max_pixels=Defaults.MAX_IMAGE_PIXELS,
    )

    assert (result.width, result.height) == (1600, 1067)
    assert result.bytes == len(data)
    stored = files(tmp_path, result)
    assert set(stored) == {"480.webp", "720.webp", "960.webp", "1600.webp", "fallback.jpg"}
    assert stored["1600.webp"].size == (1600, 1067)


def test_limits_hint(text):
    hint = limits_hint(Defaults.MAX_IMAGE_BYTES, Defaults.MAX_IMAGE_PIXELS)
    assert text(hint) == "JPEG, PNG, WebP, HEIC or GIF, up to 40 MB and 60 megapixels each."
    assert text(limits_hint(int(1.5 * MB), 400_000)) == (
        "JPEG, PNG, WebP, HEIC or GIF, up to 1.5 MB and 0.4 megapixels each."
    )


def transparent_png() -> bytes:
    """Left half fully transparent, right half opaque blue."""
    image = Image.new("RGBA", (800, 600), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((400, 0, 799, 599), fill=(0, 0, 255, 255))
    return image_bytes(image, "PNG")


def palette_png() -> bytes:
    """The same as a palette PNG whose colour 0 is transparent."""
    image = Image.new("P", (800, 600), 0)
    image.putpalette([0, 0, 0, 0, 0, 255])
    ImageDraw.Draw(image).rectangle((400, 0, 799, 599), fill=1)
    return image_bytes(image, "PNG", transparency=0)


@pytest.mark.parametrize("data", [transparent_png(), palette_png()], ids=["rgba", "palette"])
def test_png_with_transparency(tmp_path, data):
    result = store(data, tmp_path)

    assert (result.width, result.height) == (800, 600)
    stored = files(tmp_path, result)
    assert set(stored) == {"480.webp", "720.webp", "800.webp", "fallback.jpg"}
    webp = stored["800.webp"]
    assert webp.mode == "RGBA"  # WebP keeps the transparency
    assert webp.getpixel((10, 300))[3] == 0
    assert webp.getpixel((790, 300))[3] == 255
    fallback = stored["fallback.jpg"]
    assert fallback.mode == "RGB"  # the JPEG is flattened onto white
    assert min(fallback.getpixel((10, 300))) > 245
    red, green, blue = fallback.getpixel((790, 300))
    assert blue > 230 and red < 20 and green < 20


def test_opaque_images_are_stored_without_alpha(tmp_path):
    result = store(image_bytes(picture((600, 400), "L"), "PNG"), tmp_path)

    assert {image.mode for image in files(tmp_path, result).values()} == {"RGB"}


def test_16_bit_greyscale_is_not_washed_out(tmp_path):
    image = Image.new("I;16", (64, 64), 32768)  # middle grey on a 16-bit scale
    result = store(image_bytes(image, "PNG"), tmp_path)

    grey = files(tmp_path, result)["fallback.jpg"].getpixel((32, 32))
    assert all(120 <= channel <= 136 for channel in grey)


def test_same_image_twice_is_stored_once(tmp_path):
    data = image_bytes(picture((1200, 800)), "JPEG")
    first = store(data, tmp_path)
    written = {p.name: p.stat().st_mtime_ns for p in (tmp_path / first.key).iterdir()}

    again = store(data, tmp_path)

    assert again == first
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / first.key).iterdir()} == written
    assert [p.name for p in tmp_path.iterdir()] == [first.key]


def test_key_comes_from_the_pixels_not_the_file(tmp_path):
    image = picture((500, 300))
    png_data = image_bytes(image, "PNG")
    webp_data = image_bytes(image, "WEBP", lossless=True, exif=gps_exif())
    png = store(png_data, tmp_path)
    lossless_webp = store(webp_data, tmp_path)
    other = store(image_bytes(picture((500, 301)), "PNG"), tmp_path)

    assert png.key == lossless_webp.key
    assert other.key != png.key
    # Stored once, but each upload reports its own size.
    assert (png.bytes, lossless_webp.bytes) == (len(png_data), len(webp_data))


def test_a_missing_rendition_is_written_again(tmp_path):
    data = image_bytes(picture((2000, 1500)), "JPEG")
    result = store(data, tmp_path)
    (tmp_path / result.key / "960.webp").unlink()

    assert store(data, tmp_path) == result
    assert files(tmp_path, result)["960.webp"].size == (960, 720)


def stored_before_720(root, monkeypatch, size=(2000, 1500)) -> StoredImage:
    """A photo stored by the previous version, whose widths were 480, 960 and 1600."""
    with monkeypatch.context() as before:
        before.setattr(images, "RENDITION_WIDTHS", (480, 960, 1600))
        return store(image_bytes(picture(size), "JPEG", quality=90), root)


def test_missing_renditions_are_added_from_the_largest(tmp_path, monkeypatch):
    """A photo stored before 720 px was a width gets its 720 px file, from the 1600 px one;
    a second run writes nothing and leaves every file as it was."""
    result = stored_before_720(tmp_path, monkeypatch)
    assert set(files(tmp_path, result)) == {"480.webp", "960.webp", "1600.webp", "fallback.jpg"}

    assert add_missing_renditions(tmp_path, result.key, result.width) == ["720.webp"]

    stored = files(tmp_path, result)
    assert set(stored) == {f"{w}.webp" for w in RENDITION_WIDTHS} | {"fallback.jpg"}
    assert stored["720.webp"].format == "WEBP"
    assert stored["720.webp"].size == (720, 540)
    red, green, blue = stored["720.webp"].convert("RGB").getpixel((20, 20))  # the red block
    assert red > 200 and green < 60 and blue < 60
    assert not [p.name for p in (tmp_path / result.key).iterdir() if p.name.startswith(".")]
    written = {p.name: p.stat().st_mtime_ns for p in (tmp_path / result.key).iterdir()}

    assert add_missing_renditions(tmp_path, result.key, result.width) == []
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / result.key).iterdir()} == written


def test_missing_fallback_and_renditions_of_a_narrower_photo(tmp_path, monkeypatch):
    """A 1000 px photo: its 720 px file and a lost JPEG fallback are written, at the sizes an
    upload gives them; a 700 px photo needs nothing new (never scaled up)."""
    medium = stored_before_720(tmp_path, monkeypatch, (1000, 500))
    (tmp_path / medium.key / "fallback.jpg").unlink()
    narrow = stored_before_720(tmp_path, monkeypatch, (700, 350))

    written = add_missing_renditions(tmp_path, medium.key, medium.width)

    assert written == ["720.webp", "fallback.jpg"]
    stored = files(tmp_path, medium)
    assert stored["720.webp"].size == (720, 360)
    assert (stored["fallback.jpg"].format, stored["fallback.jpg"].size) == ("JPEG", (960, 480))
    assert add_missing_renditions(tmp_path, narrow.key, narrow.width) == []
    assert set(files(tmp_path, narrow)) == {"480.webp", "700.webp", "fallback.jpg"}


def test_added_renditions_carry_no_metadata(tmp_path):
    """Even if the largest stored file carried metadata, what is made from it does not: it
    is encoded from a fresh image of its pixels, as an upload is."""
    result = store(image_bytes(picture((2000, 1500)), "JPEG"), tmp_path)
    folder = tmp_path / result.key
    with Image.open(folder / "1600.webp") as largest:
        planted = image_bytes(largest, "WEBP", exif=gps_exif(), xmp=XMP.encode())
    assert SECRET.encode() in planted
    (folder / "1600.webp").write_bytes(planted)
    (folder / "720.webp").unlink()
    (folder / "fallback.jpg").unlink()

    assert add_missing_renditions(tmp_path, result.key, 1600) == ["720.webp", "fallback.jpg"]
    assert_no_metadata(tmp_path, result, names={"720.webp", "fallback.jpg"})


def test_the_largest_is_never_made_from_a_smaller_one(tmp_path):
    """The 1600 px file lost: the smaller ones are made from the 960 px one, and the 1600 px
    one is reported, not scaled up."""
    result = store(image_bytes(picture((2000, 1500)), "JPEG"), tmp_path)
    for name in ("1600.webp", "720.webp"):
        (tmp_path / result.key / name).unlink()

    with pytest.raises(RenditionsIncomplete, match=r"1600\.webp .*960\.webp \(960 px\)") as caught:
        add_missing_renditions(tmp_path, result.key, result.width)

    assert caught.value.written == ["720.webp"]
    assert set(files(tmp_path, result)) == {"480.webp", "720.webp", "960.webp", "fallback.jpg"}
    assert files(tmp_path, result)["720.webp"].size == (720, 540)


def test_what_cannot_be_completed_is_reported(tmp_path):
    """A missing folder, a folder without any WebP, a damaged largest file: an OSError that
    says which, and nothing written."""
    with pytest.raises(RenditionsIncomplete, match="is missing"):
        add_missing_renditions(tmp_path, "0123456789abcdef", 1600)

    empty = tmp_path / "00000000000000aa"
    empty.mkdir()
    (empty / "fallback.jpg").write_bytes(image_bytes(picture((960, 720)), "JPEG"))
    with pytest.raises(RenditionsIncomplete, match="no WebP"):
        add_missing_renditions(tmp_path, empty.name, 1600)
    assert [p.name for p in empty.iterdir()] == ["fallback.jpg"]

    result = store(image_bytes(picture((2000, 1500)), "JPEG"), tmp_path)
    (tmp_path / result.key / "720.webp").unlink()
    (tmp_path / result.key / "1600.webp").write_bytes(b"RIFF\0\0\0\0WEBPVP8 cut short")
    with pytest.raises(OSError, match="cannot be read") as caught:
        add_missing_renditions(tmp_path, result.key, result.width)
    assert caught.value.written == []
    assert "720.webp" not in os.listdir(tmp_path / result.key)


@pytest.mark.parametrize("key", ["../../etc", "0123456789ABCDEF", "0123456789abcdef/.."])
def test_added_renditions_stay_in_the_media_folder(tmp_path, key):
    with pytest.raises(ValueError, match="not an image key"):
        add_missing_renditions(tmp_path / "media", key, 1600)


def test_a_failed_write_leaves_no_file(tmp_path, monkeypatch):
    def disk_full(image, fp, *args, **kwargs):
        fp.write(b"half a file")
        raise OSError("No space left on device")

    monkeypatch.setattr(Image.Image, "save", disk_full)
    with pytest.raises(OSError, match="No space"):
        store(image_bytes(picture((600, 400)), "PNG"), tmp_path)

    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_no_temporary_files_remain(tmp_path):
    result = store(image_bytes(picture((1000, 700)), "JPEG"), tmp_path)

    assert not [p.name for p in (tmp_path / result.key).iterdir() if p.name.startswith(".")]


NOT_AN_IMAGE = (
    "This file is not a photo in a format the site accepts (JPEG, PNG, WebP, HEIC or GIF)."
)
DAMAGED = "This image file is damaged or incomplete. Please save or export it again."


def svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    "data",
    [
        b"Meeting notes, not a photo.\n" * 20,
        image_bytes(picture((300, 200)), "BMP"),
        image_bytes(picture((300, 200)), "TIFF"),
        image_bytes(picture((300, 200)), "ICO"),
        svg(),
        b"",
    ],
    ids=["text", "bmp", "tiff", "ico", "svg", "empty"],
)
def test_other_formats_are_refused(tmp_path, text, data):
    assert rejection(data, tmp_path, text) == NOT_AN_IMAGE


def test_file_name_and_content_type_are_not_trusted(tmp_path, text):
    upload = FileStorage(
        io.BytesIO(b"Meeting notes, not a photo.\n"),
        filename="photo.jpg",
        content_type="image/jpeg",
    )
    with pytest.raises(ImageRejected) as caught:
        store_image(upload.stream, tmp_path, MB)
    assert text(caught.value.message) == NOT_AN_IMAGE


def broken_png() -> bytes:
    data = bytearray(image_bytes(picture((300, 200)), "PNG"))
    data[data.index(b"IDAT") + 40] ^= 0xFF  # the chunk's checksum no longer matches
    return bytes(data)


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    "data",
    [
        image_bytes(picture((800, 600)), "JPEG")[:3000],
        broken_png(),
        b"\xff\xd8\xff\xe0garbage",
        truncated(heic(picture((800, 600)))),
        truncated(image_bytes(picture((800, 600)), "GIF")),
    ],
    ids=[
        "truncated-jpeg",
        "bad-png-checksum",
        "jpeg-header-only",
        "truncated-heic",
        "truncated-gif",
    ],
)
def test_damaged_files_are_refused(tmp_path, text, data):
    assert rejection(data, tmp_path, text) == DAMAGED


@pytest.mark.parametrize("max_bytes, shown", [(int(1.5 * MB), "1.5"), (2 * MB, "2")])
def test_too_many_bytes(tmp_path, text, max_bytes, shown):
    message = rejection(b"\xff" * (max_bytes + 1), tmp_path, text, max_bytes=max_bytes)
    assert message == f"The image is larger than {shown} MB."


def test_a_large_upload_is_not_read_to_the_end(tmp_path):
    class Upload(io.BytesIO):
        consumed = 0

        def read(self, size=-1):
            chunk = super().read(size)
            Upload.consumed += len(chunk)
            return chunk

    with pytest.raises(ImageRejected):
        store_image(Upload(b"\xff" * 10 * MB), tmp_path, MB)
    assert Upload.consumed == MB + 1


def test_exactly_max_bytes_is_accepted(tmp_path):
    data = image_bytes(picture((300, 200)), "JPEG")
    assert store(data, tmp_path, max_bytes=len(data)).width == 300


def test_more_than_60_megapixels_are_refused(tmp_path, text):
    message = rejection(png_header(10_000, 6_100), tmp_path, text)
    assert message == "The image has more than 60 million pixels. Please make it smaller."
    # 60 exactly pass that check (and fail as the header without pixels they are).
    assert rejection(png_header(10_000, 6_000), tmp_path, text) == DAMAGED


def test_too_many_pixels(tmp_path, text):
    data = image_bytes(picture((1000, 500)), "PNG")
    message = rejection(data, tmp_path, text, max_pixels=400_000)
    assert message == "The image has more than 0.4 million pixels. Please make it smaller."


def png_header(width, height) -> bytes:
    """A PNG that declares a size but holds no pixels: a decompression bomb's header."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    "size",
    [(8000, 8000), (10_000, 10_000), (20_000, 20_000)],
    ids=["over-our-limit", "pillow-warns", "pillow-refuses"],
)
def test_decompression_bombs_are_refused_before_decoding(tmp_path, text, size):
    # Had the pixels been decoded, the missing image data would say "damaged" instead.
    message = rejection(png_header(*size), tmp_path, text)
    assert message == "The image has more than 60 million pixels. Please make it smaller."


def test_too_tall_for_webp(tmp_path, text):
    data = image_bytes(Image.new("L", (200, 17_000), 128), "PNG")
    assert (
        rejection(data, tmp_path, text) == "This image is too tall for its width. Please crop it."
    )


def test_rendition_path():
    assert rendition_path("3fa2c9e01b7d44aa", 960, "webp") == "3fa2c9e01b7d44aa/960.webp"
    assert rendition_path("3fa2c9e01b7d44aa", 960, "jpg") == "3fa2c9e01b7d44aa/fallback.jpg"


@pytest.mark.parametrize(
    "key, width, ext",
    [
        ("../../etc/passwd", 960, "webp"),
        ("3fa2c9e01b7d44aa/..", 960, "webp"),
        ("3FA2C9E01B7D44AA", 960, "webp"),
        ("3fa2c9e01b7d44aa", 0, "webp"),
        ("3fa2c9e01b7d44aa", 960, "png"),
    ],
)
def test_rendition_path_refuses_what_cannot_be_stored(key, width, ext):
    with pytest.raises(ValueError):
        rendition_path(key, width, ext)
