"""Photo stories through the item form: many phone photos in one submit, kept when the
form is refused, shown to readers as a gallery; photos inside the text, and pictures from
other sites refused with a reason."""

import io
import os
import re

import pillow_heif
from PIL import Image as PILImage
from PIL import ImageDraw

from asti.extensions import db
from asti.models import Image, News, Revision
from tests.fixtures.html import Page, error, form_fields, get_page, html_of
from tests.fixtures.items import count, image_bytes
from tests.fixtures.staff import create, edit, post, submit

pillow_heif.register_heif_opener()  # the tests write HEIC files, as iPhones do

NEW = "/editor/news/new"
MB = 1024 * 1024


def gps_exif() -> PILImage.Exif:
    exif = PILImage.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (40.0, 17.0, 0.0), 3: "E", 4: (69.0, 37.0, 0.0)}  # the GPS IFD
    return exif


def drawn(size, colour) -> PILImage.Image:
    """A picture that is not one flat colour (each test photo has its own pixels)."""
    image = PILImage.new("RGB", size, colour)
    ImageDraw.Draw(image).ellipse((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), "white")
    return image


def heic(size, colour) -> bytes:
    out = io.BytesIO()
    drawn(size, colour).save(out, format="HEIF", exif=gps_exif().tobytes())
    return out.getvalue()


def large_jpeg() -> bytes:
    """6000 × 4000 of fine noise at high quality: more than 20 MB, as a phone writes."""
    w, h = 6000, 4000
    noise = PILImage.frombytes("L", (w // 2, h // 2), os.urandom(w * h // 4))
    data = image_bytes(noise.resize((w, h)).convert("RGB"), "JPEG", quality=98)
    assert len(data) > 20 * MB
    return data


def phone_photos() -> list[tuple[io.BytesIO, str]]:
    """Five photos as a phone's gallery gives them, in the order they were chosen."""
    return [
        (io.BytesIO(image_bytes(drawn((1200, 900), "red"), "JPEG")), "market.jpg"),
        (io.BytesIO(heic((1600, 1200), "green")), "IMG_0042.HEIC"),
        (io.BytesIO(large_jpeg()), "training-hall.jpg"),
        (
            io.BytesIO(image_bytes(drawn((1000, 750), "blue"), "JPEG", exif=gps_exif())),
            "border-post.jpg",
        ),
        (io.BytesIO(image_bytes(drawn((800, 600), "orange"), "PNG")), "poster.png"),
    ]


def gallery_names(app, item_id) -> list[str]:
    with app.app_context():
        news = db.session.get(News, item_id)
        return [photo.image.name for photo in news.photos]


def served(client, url) -> PILImage.Image:
    with client.get(url) as response:  # a file response: closed, or its file stays open
        assert response.status_code == 200, url
        data = response.get_data()
    image = PILImage.open(io.BytesIO(data))
    image.load()
    return image


def test_five_phone_photos_in_one_submit_make_a_gallery(app, admin, client):
    fields = form_fields(html_of(admin.get(NEW)))
    # Refused (a text without a title), yet the photos are stored and listed again.
    fields |= {"en-body": "Eight trainers met in Khujand.", "upload": phone_photos()}
    refused = post(admin, NEW, fields)
    assert refused.status_code == 400
    html = html_of(refused)
    assert error(html, "en-title") == "A title is needed for this language."
    kept = form_fields(html)
    ids = [kept[f"photos-{n}-image_id"] for n in range(5)]
    assert all(i.isdecimal() for i in ids) and "photos-5-image_id" not in kept
    assert len(Page(html).find_all("li", class_="photo-row")) == 5
    assert kept["en-body"] == "Eight trainers met in Khujand."
    stored = count(app, Image)

    # Sent again with the title: no file chosen a second time, nothing uploaded again.
    kept |= {"en-title": "Training of trainers", "action": "publish"}
    saved = admin.post(NEW, data=kept)
    assert saved.status_code == 302, html_of(saved)
    assert count(app, Image) == stored
    item = int(saved.headers["Location"].rsplit("/", 1)[1])
    names = ["market.jpg", "IMG_0042.HEIC", "training-hall.jpg", "border-post.jpg", "poster.png"]
    assert gallery_names(app, item) == names
    with app.app_context():
        news = db.session.get(News, item)
        assert news.image_id == news.photos[0].image_id  # the first photo leads
        assert news.photos[2].image.width == 1600  # the 6000 px photo, downscaled

    # A Tajik reader sees the five as thumbnails linking to larger files.
    page = get_page(client, "/tg/news/training-of-trainers/")
    assert page.find("section", class_="gallery")
    html = html_of(client.get("/tg/news/training-of-trainers/"))
    grid = html[html.index('class="gallery"') :]
    thumbnails = [attrs for attrs, _ in Page(grid).find_all("img")]
    assert len(thumbnails) == 5
    urls = set()
    for img in thumbnails:
        srcset = [part.split() for part in img["srcset"].split(",")]
        assert img["loading"] == "lazy" and img["width"] and img["height"]
        urls |= {url for url, _w in srcset} | {img["src"]}
    links = [a["href"] for a, _ in Page(grid).find_all("a") if "/media/" in a.get("href", "")]
    assert len(links) == 5
    for link, img in zip(links, thumbnails, strict=True):
        smallest = min(
            int(w.rstrip("w")) for _u, w in (p.split() for p in img["srcset"].split(","))
        )
        assert served(client, link).width > smallest
    urls |= set(links)
    assert page.find("figure", class_="lead-image")
    # No file readers can fetch carries where or with what it was taken.
    for url in urls:
        image = served(client, url)
        assert not image.getexif().get_ifd(0x8825), url
        assert len(image.getexif()) == 0 and "exif" not in image.info, url


def test_photos_are_reordered_and_removed_in_the_form(app, admin):
    uploads = [
        (io.BytesIO(image_bytes(drawn((640, 480), colour), "JPEG")), f"{colour}.jpg")
        for colour in ("red", "green", "blue")
    ]
    item = create(admin, "news", {"en-title": "Three photos", "upload": uploads})
    assert gallery_names(app, item) == ["red.jpg", "green.jpg", "blue.jpg"]
    edit(
        admin,
        "news",
        item,
        {"photos-0-position": "3", "photos-2-position": "1", "photos-1-remove": "y"},
    )
    assert gallery_names(app, item) == ["blue.jpg", "red.jpg"]
    with app.app_context():
        news = db.session.get(News, item)
        assert news.image.name == "red.jpg"  # the lead stays the photo chosen, not a place
        edit(admin, "news", item, {"lead": "none"})
        db.session.expire_all()
        assert db.session.get(News, item).image_id is None


def test_captions_belong_to_the_photo_in_every_item(app, admin, client):
    upload = (io.BytesIO(image_bytes(drawn((640, 480), "teal"), "JPEG")), "field.jpg")
    first = create(admin, "news", {"tg-title": "Ҷамъомад", "upload": [upload]})
    edit(admin, "news", first, {"photos-0-tg-caption": "Ҷамъомади ҷавонон",
                                "photos-0-ru-caption": "Встреча молодёжи"})  # fmt: skip
    with app.app_context():
        image_id = db.session.get(News, first).photos[0].image_id
    second = create(admin, "news", {"tg-title": "Боз як хабар", "library": str(image_id)})
    page = get_page(admin, f"/editor/news/{second}")
    assert page.find("input", name="photos-0-tg-caption")[0]["value"] == "Ҷамъомади ҷавонон"
    assert gallery_names(app, second) == ["field.jpg"]


def test_unknown_library_numbers_are_refused_and_kept(admin):
    response = submit(admin, NEW, {"en-title": "From the library", "library": "12345 abc"},
                      status=400)  # fmt: skip
    html = html_of(response)
    assert "12345" in error(html, "library") and form_fields(html)["library"] == "12345 abc"
    assert form_fields(html)["en-title"] == "From the library"


def test_a_library_photo_inside_the_text(app, admin, client):
    upload = (io.BytesIO(image_bytes(drawn((1200, 800), "purple"), "JPEG")), "inside.jpg")
    item = create(admin, "news", {"en-title": "With a photo inside", "upload": [upload]})
    with app.app_context():
        image = db.session.get(News, item).photos[0].image
        image_id, widths = image.id, [w for w, _ in image.renditions]
    snippet = Page(html_of(admin.get(f"/editor/news/{item}"))).text("p", class_="snippet")
    assert f"(media:{image_id})" in snippet
    edit(admin, "news", item, {"en-body": f"Before.\n\n![Trainers at work](media:{image_id})"})
    html = html_of(client.get("/en/news/with-a-photo-inside/"))
    prose = html[html.index('class="prose"') :]
    img = re.search(r"<img [^>]*>", prose).group(0)
    assert 'alt="Trainers at work"' in img and 'loading="lazy"' in img
    assert 'width="1200"' in img and 'height="800"' in img
    srcset = re.search(r'srcset="([^"]+)"', prose).group(1)
    assert [int(part.split()[1].rstrip("w")) for part in srcset.split(",")] == widths
    for part in srcset.split(","):
        assert served(client, part.split()[0]).format == "WEBP"


def test_a_picture_from_another_site_is_refused_with_the_reason(app, admin):
    fields = {
        "en-title": "Borrowed picture",
        "en-summary": "A summary typed with care.",
        "en-body": "Look:\n\n![x](https://example.org/a.jpg)",
        "ru-title": "Заимствованная картинка",
    }
    before = count(app, News)
    response = submit(admin, NEW, {**fields, "action": "publish"}, status=400)
    html = html_of(response)
    message = error(html, "en-body")
    assert "https://example.org/a.jpg" in message and "another site" in message
    assert "media:" in message  # and how to show a photo instead
    kept = form_fields(html)
    assert {name: kept[name].replace("\r\n", "\n") for name in fields} == fields
    assert count(app, News) == before


def test_a_refused_file_does_not_lose_the_others(app, admin):
    uploads = [
        (io.BytesIO(image_bytes(drawn((640, 480), "navy"), "JPEG")), "good.jpg"),
        (io.BytesIO(b"%PDF-1.4 not a photo"), "report.pdf"),
    ]
    response = submit(admin, NEW, {"en-title": "Mixed", "upload": uploads, "action": "publish"},
                      status=400)  # fmt: skip
    html = html_of(response)
    assert error(html, "upload").startswith("report.pdf: ")
    assert form_fields(html)["photos-0-image_id"].isdecimal()


def test_an_animated_gif_is_kept_still_and_staff_are_told(app, admin):
    frames = [drawn((320, 240), colour).convert("P") for colour in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)
    upload = (io.BytesIO(out.getvalue()), "wave.gif")
    response = submit(admin, NEW, {"en-title": "Animated", "action": "publish", "upload": [upload]})
    follow = html_of(admin.get(response.headers["Location"]))
    assert "wave.gif is animated" in follow


def test_a_caption_changed_in_the_library_reaches_the_cached_page(app, admin, client):
    uploads = [
        (io.BytesIO(image_bytes(drawn((640, 480), colour), "JPEG")), f"{colour}.jpg")
        for colour in ("olive", "maroon")
    ]
    item = create(admin, "news", {"en-title": "Two photos", "upload": uploads})
    assert "Seminar" not in client.get("/en/news/two-photos/").text  # now in the page cache
    with app.app_context():
        image_id = db.session.get(News, item).photos[1].image_id
    url = f"/editor/library/{image_id}"
    submit(admin, url, {"en-caption": "Seminar in Isfara"}, action=url)
    page = html_of(client.get("/en/news/two-photos/"))
    assert "Seminar in Isfara" in page[page.index('class="gallery"') :]


def test_photos_sent_with_a_conflicting_save_are_kept(app, admin):
    """Someone saved meanwhile: the conflict page keeps the photos chosen, listed."""
    item = create(admin, "news", {"en-title": "Busy item"})
    stale = form_fields(html_of(admin.get(f"/editor/news/{item}")))
    edit(admin, "news", item, {"en-title": "Busy item, renamed"})
    upload = (io.BytesIO(image_bytes(drawn((640, 480), "gold"), "JPEG")), "kept.jpg")
    response = post(admin, f"/editor/news/{item}", stale | {"upload": [upload]})
    assert response.status_code == 409
    kept = form_fields(html_of(response))
    with app.app_context():
        assert db.session.get(Image, int(kept["photos-0-image_id"])).name == "kept.jpg"
    again = post(admin, f"/editor/news/{item}", kept | {"action": "save"})
    assert again.status_code == 302
    assert gallery_names(app, item) == ["kept.jpg"]


def test_a_full_gallery_refuses_more_with_a_reason(app, admin, monkeypatch):
    """The form holds a limited number of photos: one more is refused, not an error."""
    from asti.editor.forms import ItemForm

    monkeypatch.setattr(ItemForm.photos, "kwargs", {**ItemForm.photos.kwargs, "max_entries": 2})
    uploads = [
        (io.BytesIO(image_bytes(drawn((320, 240), colour), "JPEG")), f"{colour}.jpg")
        for colour in ("red", "green", "blue")
    ]
    response = submit(admin, NEW, {"en-title": "Full", "upload": uploads}, status=400)
    html = html_of(response)
    assert error(html, "upload") == "blue.jpg: A gallery holds at most 2 photos."
    assert len(Page(html).find_all("li", class_="photo-row")) == 2


def test_restoring_a_revision_whose_photos_were_deleted_since(app, admin, client):
    """The revision names photos the library no longer has: they are left out, not an error,
    and the photos still there come back in their order, the lead among them."""
    uploads = [
        (io.BytesIO(image_bytes(drawn((320, 240), colour), "JPEG")), f"{colour}.jpg")
        for colour in ("plum", "khaki")
    ]
    item = create(admin, "news", {"en-title": "Two kept", "upload": uploads})
    with app.app_context():
        first = db.session.scalar(db.select(db.func.min(Revision.id)).filter_by(item_id=item))
        plum, khaki = (p.image_id for p in db.session.get(News, item).photos)
    edit(admin, "news", item, {"photos-0-remove": "y", "photos-1-remove": "y"})
    submit(admin, f"/editor/library/{plum}/delete", action=f"/editor/library/{plum}/delete")
    response = submit(
        admin, f"/editor/revisions/{first}", action=f"/editor/revisions/{first}/restore"
    )
    assert response.status_code == 302
    assert gallery_names(app, item) == ["khaki.jpg"]
    with app.app_context():
        assert db.session.get(News, item).image_id is None  # the lead was the deleted photo
    assert client.get("/en/news/two-kept/").status_code == 200
