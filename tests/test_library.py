"""The photo library in the editor, as staff use it: many photos uploaded at once, found
by their captions in any language and case, the unused ones filtered, their texts edited,
a photo in use deleted only after the page says where, and the files of deleted photos
removed by ``prune-media``."""

import io
import os
import time

from babel.dates import format_date
from PIL import Image as PILImage

from asti.extensions import db
from asti.models import AuditEntry, Image, News, NewsPhoto
from tests.fixtures.html import Page, error, form_fields, get_page, html_of
from tests.fixtures.items import add_news, count, image_bytes
from tests.fixtures.staff import DUSHANBE, create, submit

LIBRARY = "/editor/library/"


def photo(name: str, colour, size=(800, 600)) -> tuple[io.BytesIO, str]:
    """A JPEG file as a browser sends it; each colour makes another photo."""
    return io.BytesIO(image_bytes(PILImage.new("RGB", size, colour), "JPEG")), name


def upload(client, files, status=302):
    """Send ``files`` at once through the library's upload form; the response."""
    fields = form_fields(html_of(client.get(LIBRARY)), LIBRARY)
    response = client.post(
        LIBRARY, data={**fields, "upload": files}, content_type="multipart/form-data"
    )
    assert response.status_code == status, html_of(response)
    return response


def ids(app, *names: str) -> list[int]:
    """The numbers of the photos uploaded under these file names."""
    with app.app_context():
        found = {i.name: i.id for i in db.session.scalars(db.select(Image))}
    return [found[name] for name in names]


def cards(page: Page) -> dict[str, str]:
    """The photos a library page lists: their number as shown ("No. 12") -> their text."""
    return {
        " ".join(text.split()[:2]): " ".join(text.split())
        for _, text in page.find_all("li", class_="library-photo")
    }


def listed(client, query: str = "") -> set[int]:
    """The numbers of the photos the library lists for ``query`` (its first page)."""
    page = get_page(client, LIBRARY + query)
    return {int(number.split()[1]) for number in cards(page)}


def slug_of(app, item_id: int, lang: str = "tg") -> str:
    with app.app_context():
        return db.session.get(News, item_id).translations[lang].slug


def test_many_photos_uploaded_at_once_are_listed_with_size_and_date(app, editor):
    before = count(app, Image)
    files = [photo("market.jpg", "red"), photo("hall.jpg", "green"), photo("road.jpg", "blue")]
    response = upload(editor, files)
    assert response.headers["Location"] == LIBRARY
    page = get_page(editor, LIBRARY)
    assert page.text("div", class_="flash") == "3 photos added."
    assert count(app, Image) == before + 3

    with app.app_context():
        images = {i.name: i for i in db.session.scalars(db.select(Image))}
        road = images["road.jpg"]
        uploaded = format_date((road.created_at + DUSHANBE).date(), "long", locale="en")
        size = f"{round(road.bytes / 1024)} KB"
    shown = cards(page)
    road_card = shown[f"No. {road.id}"]
    assert "road.jpg" in road_card and "800 × 600 px" in road_card and size in road_card
    assert f"Uploaded {uploaded}" in road_card and "Not used anywhere." in road_card
    assert f"![](media:{road.id})" in road_card  # the snippet to copy
    # Newest first: the last one sent comes first, and the three before anything older.
    assert list(shown)[:3] == [f"No. {n}" for n in ids(app, "road.jpg", "hall.jpg", "market.jpg")]

    thumbnail = page.find("img", src=f"/media/{road.key}/480.webp")[0]
    assert thumbnail["loading"] == "lazy" and thumbnail["alt"] == ""
    assert (thumbnail["width"], thumbnail["height"]) == ("480", "360")
    with editor.get(thumbnail["src"]) as served:
        assert served.status_code == 200
    links = page.links()
    assert f"/editor/library/{road.id}" in links
    form = page.find("input", type="file")[0]
    assert form["name"] == "upload" and "multiple" in form
    assert form["accept"] == "image/*,.heic,.heif"
    assert "MB" in page.text("p", id="upload-hint")  # the limits, before a refusal
    assert set(ids(app, "market.jpg", "hall.jpg", "road.jpg")) <= listed(editor, "?unused=1")


def test_a_refused_file_is_named_and_the_others_are_stored(app, editor):
    before = count(app, Image)
    files = [
        photo("first.jpg", "navy"),
        (io.BytesIO(b"hello"), "notes.txt"),
        photo("last.jpg", "teal"),
    ]
    response = upload(editor, files, status=400)
    html = html_of(response)
    assert error(html, "upload") == (
        "notes.txt: This file is not a photo in a format the site accepts "
        "(JPEG, PNG, WebP, HEIC or GIF)."
    )
    assert "notes.txt" in Page(html).text("div", role="alert")
    assert Page(html).text("div", class_="flash") == "2 photos added."
    assert count(app, Image) == before + 2
    assert set(ids(app, "first.jpg", "last.jpg")) <= listed(editor)

    # Nothing chosen: said so, nothing stored.
    assert "Choose one or more photos." in error(html_of(upload(editor, [], status=400)), "upload")
    assert count(app, Image) == before + 2


def test_the_same_photo_sent_again_is_the_same_photo(app, editor):
    upload(editor, [photo("once.jpg", "olive")])
    response = upload(editor, [photo("again.jpg", "olive")])
    (number,) = ids(app, "once.jpg")
    flash = get_page(editor, response.headers["Location"]).text("div", class_="flash")
    assert flash == f"Already in the library: once.jpg (No. {number})."


def test_captions_in_tajik_and_russian_are_found_in_any_case(app, editor):
    upload(editor, [photo("IMG_0042.jpg", "maroon"), photo("other.jpg", "gray")])
    training, other = ids(app, "IMG_0042.jpg", "other.jpg")
    url = f"/editor/library/{training}"
    page = get_page(editor, url)
    assert page.find("input", name="tg-caption")[0]["lang"] == "tg"
    assert page.find("legend", lang="ru")[1] == "Русский"
    submit(editor, url, {
        "tg-alt": "Омӯзгорон дар толор",
        "tg-caption": "Тренинг дар Хуҷанд",
        "ru-caption": "ТРЕНИНГ в Худжанде",
        "ru-credit": "Фото: Зарина",
    }, action=url)  # fmt: skip
    page = get_page(editor, url)
    assert page.text("div", class_="flash") == "Saved."
    fields = form_fields(html_of(editor.get(url)), url)
    assert fields["tg-caption"] == "Тренинг дар Хуҷанд" and fields["ru-credit"] == "Фото: Зарина"
    assert fields["en-caption"] == ""
    with app.app_context():
        image = db.session.get(Image, training)
        assert set(image.texts) == {"tg", "ru"}
        assert image.snippet("tg") == f"![Омӯзгорон дар толор](media:{training})"

    for query in ("тренинг", "ТРЕНИНГ", "Тренинг", "ХУҶАНД", "худжанде", "зарина", "img_0042"):
        assert listed(editor, f"?q={query}") == {training}, query
    assert other in listed(editor, f"?q={other}")  # its number
    assert listed(editor, "?q=Khujand") == set()
    page = get_page(editor, f"{LIBRARY}?q=тренинг")
    assert page.find("input", name="q")[0]["value"] == "тренинг"

    # Too long a caption: refused, with what was typed, and nothing changed.
    long = "Тренинг " * 200
    response = submit(editor, url, {"tg-caption": long}, status=400, action=url)
    assert form_fields(html_of(response), url)["tg-caption"] == long
    assert "1000" in error(html_of(response), "tg-caption")
    with app.app_context():
        assert db.session.get(Image, training).texts["tg"].caption == "Тренинг дар Хуҷанд"


def test_the_pages_keep_the_search(app, editor):
    with app.app_context():
        for n in range(50):
            image = Image(key=f"{n:016x}", width=800, height=600, name=f"p{n}.jpg", bytes=2_500_000)
            db.session.add(image)
            db.session.flush()
            image.set_text("ru", caption=f"Тренинг {n}")
        db.session.add(Image(key="f" * 16, width=800, height=600, name="x.jpg"))
        db.session.commit()
    page = get_page(editor, f"{LIBRARY}?q=ТРЕНИНГ")
    assert len(cards(page)) == 48
    assert "2.4 MB" in next(iter(cards(page).values()))
    later = page.find("a", rel="next")[0]["href"]
    assert "q=%D0%A2%D0%A0%D0%95%D0%9D%D0%98%D0%9D%D0%93" in later and "page=2" in later
    assert len(cards(get_page(editor, later))) == 2


def test_unused_photos_are_those_no_gallery_lead_or_text_shows(app, editor):
    upload(editor, [photo("a.jpg", "red"), photo("b.jpg", "green"), photo("c.jpg", "blue")])
    a, b, c = ids(app, "a.jpg", "b.jpg", "c.jpg")
    create(editor, "news", {
        "tg-title": "Хабар бо сурат", "photos-0-image_id": str(b), "photos-0-position": "1",
    })  # fmt: skip
    create(editor, "news", {"tg-title": "Хабар бо матн", "tg-body": f"Пеш.\n\n![x](media:{c})"})
    # Photo a10 (there is none) is not photo a: a number is read whole.
    add_news(app, {"en": "Another number"}, body=f"![y](media:{a}0) and (MEDIA:{a}1)")

    unused = listed(editor, "?unused=1")
    assert a in unused and b not in unused and c not in unused
    page = get_page(editor, f"{LIBRARY}?unused=1")
    assert "checked" in page.find("input", name="unused")[0]
    assert listed(editor, "?unused=1&q=b.jpg") == set()
    assert listed(editor, "?unused=1&q=a.jpg") == {a}

    shown = cards(get_page(editor, LIBRARY))
    assert "Used in 1 item" in shown[f"No. {b}"] and "Used in 1 item" in shown[f"No. {c}"]
    assert "Not used anywhere." in shown[f"No. {a}"]


def test_deleting_a_photo_in_use_says_where_and_removes_it_there(app, editor, client):
    upload(editor, [photo("lead.jpg", "purple"), photo("inside.jpg", "orange")])
    lead, inside = ids(app, "lead.jpg", "inside.jpg")
    gallery_news = create(editor, "news", {
        "tg-title": "Сурати асосӣ", "photos-0-image_id": str(lead), "photos-0-position": "1",
    })  # fmt: skip
    text_news = create(editor, "news", {
        "en-title": "A photo in the text", "en-body": f"Before.\n\n![Trainers](media:{inside})",
    })  # fmt: skip
    with app.app_context():
        keys = {i.id: i.key for i in db.session.scalars(db.select(Image))}
        assert db.session.get(News, gallery_news).image_id == lead
    gallery_page = f"/tg/news/{slug_of(app, gallery_news)}/"
    text_page = f"/en/news/{slug_of(app, text_news, 'en')}/"
    assert keys[lead] in html_of(client.get(gallery_page))
    assert keys[inside] in html_of(client.get(text_page))

    # The photo's page and the confirmation say where it is used.
    used = get_page(editor, f"/editor/library/{lead}")
    assert f"/editor/news/{gallery_news}" in used.links()
    assert "Сурати асосӣ" in used.text("ul", class_="uses")
    assert "as the lead photo, in the gallery" in used.text("ul", class_="uses")
    assert f"/editor/library/{lead}/delete" in used.links()
    confirm = get_page(editor, f"/editor/library/{lead}/delete")
    warning = confirm.text("div", class_="alert")
    assert "It is used in 1 item:" in warning and "Сурати асосӣ" in warning
    assert "removed from the library and from these items" in warning
    assert f"/editor/news/{gallery_news}" in confirm.links()

    url = f"/editor/library/{lead}/delete"
    response = submit(editor, url, action=url)
    assert response.headers["Location"] == LIBRARY
    assert get_page(editor, LIBRARY).text("div", class_="flash") == "The photo was deleted."
    get_page(editor, f"/editor/library/{lead}", status=404)
    assert count(app, NewsPhoto, NewsPhoto.parent_id == gallery_news) == 0
    with app.app_context():
        assert db.session.get(News, gallery_news).image_id is None
    assert keys[lead] not in html_of(client.get(gallery_page))

    inside_page = get_page(editor, f"/editor/library/{inside}")
    assert "in the text" in inside_page.text("ul", class_="uses")
    url = f"/editor/library/{inside}/delete"
    assert "A photo in the text" in get_page(editor, url).text("div", class_="alert")
    submit(editor, url, action=url)
    html = html_of(client.get(text_page))
    assert keys[inside] not in html and "Trainers" in html  # its description stays
    assert count(app, Image, Image.id.in_([lead, inside])) == 0

    # The audit log says what was deleted.
    with app.app_context():
        details = list(db.session.scalars(db.select(AuditEntry.detail).where(
            AuditEntry.action == "photo deleted")))  # fmt: skip
    assert details == [f"photo {lead} lead.jpg", f"photo {inside} inside.jpg"]


def test_an_item_in_the_trash_still_uses_its_photos(app, editor):
    upload(editor, [photo("kept.jpg", "silver")])
    (kept,) = ids(app, "kept.jpg")
    item = create(editor, "news", {"en-title": "Trashed", "library": str(kept)})
    submit(editor, f"/editor/news/{item}/delete", action=f"/editor/news/{item}/delete")
    assert kept not in listed(editor, "?unused=1")
    page = get_page(editor, f"/editor/library/{kept}")
    uses = page.text("ul", class_="uses")
    assert "Trashed" in uses and "In the trash" in uses
    assert "/editor/trash/" in page.links()
    assert "In the trash" in get_page(editor, f"/editor/library/{kept}/delete").text(
        "div", class_="alert"
    )


def test_unknown_photos_and_other_people(app, editor, client):
    get_page(editor, "/editor/library/99999999999999999999", status=404)
    get_page(editor, "/editor/library/99999999999999999999/delete", status=404)
    get_page(editor, "/editor/library/2147483647", status=404)
    assert client.get(LIBRARY).status_code == 302  # not logged in: the login page
    assert client.get("/editor/library/1").status_code == 302
    menu = get_page(editor, "/editor/").find("a", href=LIBRARY)
    assert menu[1] == "Photo library"


def test_prune_media_removes_only_the_folders_no_photo_uses(app, editor, runner):
    upload(editor, [photo("kept.jpg", "black")])
    media = app.instance_path + "/media"
    with app.app_context():
        (recorded,) = db.session.scalars(db.select(Image.key))
    orphan, fresh, other = (
        f"{media}/{name}" for name in ("0123456789abcdef", "fedcba9876543210", "notes")
    )
    for folder in (orphan, fresh, other):
        os.makedirs(folder)
        with open(f"{folder}/480.webp", "wb") as out:
            out.write(b"x")
    hours_ago = time.time() - 3 * 3600
    for path in (orphan, f"{orphan}/480.webp"):
        os.utime(path, (hours_ago, hours_ago))

    dry = runner.invoke(args=["prune-media", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would remove 0123456789abcdef" in dry.output and os.path.isdir(orphan)
    assert "Unused photo folders to remove: 1." in dry.output

    result = runner.invoke(args=["prune-media"])
    assert result.exit_code == 0, result.output
    assert "Removed 0123456789abcdef" in result.output
    assert "Kept fedcba9876543210" in result.output  # too recent: an upload in progress?
    assert result.output.strip().endswith("Unused photo folders removed: 1.")
    assert not os.path.exists(orphan)
    assert os.path.isdir(fresh) and os.path.isdir(other)
    assert os.path.isfile(f"{media}/{recorded}/480.webp")
