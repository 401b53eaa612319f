"""Publishing as staff mean it: Save draft, Preview (of the unsaved form), Publish and
Unpublish; the publication date; the form's error summary, language sections, original
beside each translation, regions as checkboxes; the trash asking first."""

import io
import re
from datetime import timedelta

import pytest
from PIL import Image as PILImage

from asti.extensions import db
from asti.models import Image, News, utcnow
from tests.fixtures.html import Page, alert, form_fields, get_page, html_of
from tests.fixtures.items import all_rows, count, image_bytes, revision_ids
from tests.fixtures.staff import create, edit, local_time, staff_client, submit

NEW = "/editor/news/new"


def stored(app, item_id):
    with app.app_context():
        return db.session.get(News, item_id)


def new_form(client, url=NEW) -> dict:
    return form_fields(html_of(client.get(url)))


def photo() -> tuple[io.BytesIO, str]:
    return io.BytesIO(image_bytes(PILImage.new("RGB", (800, 600), (30, 120, 90)), "JPEG")), "a.jpg"


# --- the buttons and the publication date ---------------------------------------------------


def test_draft_is_undated_and_publishing_dates_it(app, admin, client):
    """A draft has no publication date; Publish gives it the moment it is pressed, and a
    later Unpublish and Publish keep that first date."""
    item = create(admin, "news", {"en-title": "Written early", "action": "draft"})
    draft = stored(app, item)
    assert draft.status == "draft" and draft.published_at is None
    assert client.get("/en/news/written-early/").status_code == 404

    pressed = utcnow().replace(microsecond=0)
    response = edit(admin, "news", item, {"action": "publish"})
    published = stored(app, item)
    assert published.status == "published"
    assert published.published_at >= pressed > draft.created_at - timedelta(seconds=1)
    page = get_page(admin, response.headers["Location"])
    message = page.find("div", class_="flash")[1]
    assert "Published." in message
    public = page.find("a", href="/en/news/written-early/")  # the message links to it
    assert public and get_page(client, "/en/news/written-early/").text("h1") == "Written early"

    edit(admin, "news", item, {"action": "unpublish"})
    assert stored(app, item).status == "draft"
    assert client.get("/en/news/written-early/").status_code == 404
    edit(admin, "news", item, {"action": "publish"})
    assert stored(app, item).published_at == published.published_at


def test_a_chosen_date_is_kept_and_a_future_one_schedules(app, admin):
    item = create(admin, "news", {"en-title": "Old news", "published_at": "2011-10-01T10:00"})
    assert stored(app, item).published_at.year == 2011
    later = create(
        admin, "news", {"en-title": "Tomorrow", "published_at": local_time(timedelta(days=1))}
    )
    assert stored(app, later).is_scheduled
    page = get_page(admin, f"/editor/news/{later}")
    assert "Scheduled" in page.text("p", class_="meta")
    # A draft dated later: its Publish button says that it schedules.
    tomorrow = local_time(timedelta(days=1))
    draft = create(
        admin, "news", {"en-title": "Planned", "published_at": tomorrow, "action": "draft"}
    )
    page = get_page(admin, f"/editor/news/{draft}")
    assert page.text("button", value="publish").startswith("Publish on ")
    assert get_page(admin, NEW).text("button", value="publish") == "Publish"


def test_buttons_say_what_they_do(admin, app):
    """A draft offers Save draft, Preview, Publish (Enter saves a draft); a published item
    Save changes, Preview, Unpublish. There is no status select."""

    def buttons(url):
        page = get_page(admin, url)
        return [a.get("value") for a, _ in page.find_all("button") if a.get("name") == "action"]

    assert buttons(NEW) == ["draft", "preview", "publish"]
    item = create(admin, "news", {"en-title": "Live"})
    assert buttons(f"/editor/news/{item}") == ["save", "preview", "unpublish"]
    assert "status" not in new_form(admin)
    # Saving a published item without a button (a script, Enter in old browsers) keeps it public.
    edit(admin, "news", item, {"en-title": "Live, edited"})
    assert stored(app, item).status == "published"


# --- preview of the unsaved form ------------------------------------------------------------


def test_preview_of_the_unsaved_form_saves_nothing(app, admin):
    fields = new_form(admin) | {"tg-title": "Пешнамоиш", "ru-title": "Предпросмотр",
                                "ru-body": "Темы:\n- одна\n- две"}  # fmt: skip
    news, images = count(app, News), count(app, Image)
    response = admin.post("/editor/news/new/preview/ru", data=fields)
    assert response.status_code == 200
    page = Page(html_of(response))
    assert page.lang == "ru" and page.text("h1") == "Предпросмотр"
    banner = page.find("section", class_="preview-bar")[0]
    assert banner["lang"] == "en"  # the editor's language, not the page's
    assert "Preview, not published" in page.text("section", class_="preview-bar")
    assert count(app, News) == news and count(app, Image) == images
    # Its language switcher stays in the preview: buttons sending the same text again.
    switch = {a["lang"]: a["formaction"] for a, _ in page.find_all("button", form="preview-form")}
    assert switch == {code: f"/editor/news/new/preview/{code}" for code in ("tg", "ru", "en")}
    again = admin.post(switch["tg"], data=fields)
    assert Page(html_of(again)).text("h1") == "Пешнамоиш"

    # The bar's form carries the text: back to editing keeps it, Publish saves it.
    carried = form_fields(html_of(response), "/editor/news/new")
    assert carried["ru-body"].replace("\r\n", "\n") == "Темы:\n- одна\n- две"
    back = admin.post("/editor/news/new", data=carried | {"action": "edit"})
    assert back.status_code == 200 and count(app, News) == news
    assert form_fields(html_of(back))["tg-title"] == "Пешнамоиш"
    published = admin.post("/editor/news/new", data=carried | {"action": "publish"})
    assert published.status_code == 302 and count(app, News) == news + 1


def test_preview_of_changes_to_a_saved_item(app, admin, client):
    item = create(admin, "news", {"en-title": "As saved", "en-body": "Saved text"})
    before = revision_ids(app, "news", item)
    fields = new_form(admin, f"/editor/news/{item}") | {"en-body": "Changed, not saved"}
    page = Page(html_of(admin.post(f"/editor/news/{item}/preview", data=fields)))
    assert "Changed, not saved" in page.text("div", class_="prose")
    assert "not saved yet" in page.text("section", class_="preview-bar")
    assert revision_ids(app, "news", item) == before
    assert "Saved text" in get_page(client, "/en/news/as-saved/").text("div", class_="prose")


def test_preview_of_a_refused_form_shows_the_form(app, admin):
    response = admin.post("/editor/news/new/preview", data=new_form(admin))
    assert response.status_code == 400
    assert alert(html_of(response)).startswith("Fill in at least one language.")


def test_saved_preview_links_stay_in_the_preview(admin):
    item = create(admin, "news", {"en-title": "Only English", "action": "draft"})
    page = get_page(admin, f"/editor/news/{item}/preview/en")
    assert page.switcher == {c: f"/editor/news/{item}/preview/{c}" for c in ("tg", "ru", "en")}
    assert page.find("a", href=f"/editor/news/{item}")  # back to editing
    get_page(admin, page.switcher["tg"])  # a fallback, not a 404


# --- the form -------------------------------------------------------------------------------


def test_error_summary_links_to_the_fields_in_error(admin):
    fields = new_form(admin) | {"ru-body": "Текст без заголовка", "published_at": "not a date"}
    html = html_of(admin.post(NEW, data=fields))
    page = Page(html)
    summary = page.find("div", class_="alert error-summary")[0]
    assert summary.get("tabindex") == "-1" and "autofocus" in summary
    targets = [a["href"] for a, _ in page.find_all("a") if a.get("href", "").startswith("#")]
    field_links = [t for t in targets if t not in ("#main",)]
    assert {"#ru-title", "#published_at"} <= set(field_links)
    ids = {a.get("id") for _, a, _ in page.tags}
    assert all(link[1:] in ids for link in field_links)
    # The section in error is open; a language nobody touched stays closed.
    sections = {
        a["id"]: "open" in a
        for a, _ in page.find_all("details", class_="lang-section state-missing")
    }
    assert sections["lang-ru"] and not sections["lang-tg"]


def test_a_photo_sent_with_a_refused_form_is_kept(app, admin):
    """Stored at once, shown again, and used by the next save without choosing it again."""
    fields = new_form(admin) | {"upload": [photo()]}
    response = admin.post(NEW, data=fields, content_type="multipart/form-data")
    assert response.status_code == 400
    kept = form_fields(html_of(response))
    assert kept["photos-0-image_id"].isdecimal()
    assert Page(html_of(response)).find("li", class_="photo-row")
    saved = admin.post(NEW, data=kept | {"en-title": "With the kept photo", "action": "publish"})
    assert saved.status_code == 302
    item = int(saved.headers["Location"].rsplit("/", 1)[1])
    assert stored(app, item).image_id == int(kept["photos-0-image_id"])


def test_regions_are_checkboxes_under_their_oblast(app, admin):
    page = get_page(admin, NEW)
    html = html_of(admin.get(NEW))
    boxes = page.find_all("input", type="checkbox", name="region_ids")
    assert boxes and not page.find_all("select", name="region_ids")
    # Sughd's districts are listed inside Sughd's own item of the list.
    sughd = re.search(
        r"<li><input[^>]*>\s*<label[^>]*>Sughd region</label>\s*<ul>(.*?)</ul>", html, re.S
    )
    assert sughd and "Isfara" in sughd.group(1)
    labels = {a["for"]: text.strip() for a, text in page.find_all("label") if "for" in a}
    isfara = next(a["value"] for a, _ in boxes if labels[a["id"]] == "Isfara")
    item = create(admin, "news", {"en-title": "In Isfara", "region_ids": [isfara]})
    with app.app_context():
        assert [r.id for r in db.session.get(News, item).regions] == [int(isfara)]
    checked = [
        a["value"]
        for a, _ in get_page(admin, f"/editor/news/{item}").find_all("input", name="region_ids")
        if "checked" in a
    ]
    assert checked == [isfara]


def test_translation_shows_its_original_and_what_changed(app, admin):
    """The Russian text holds a photo (whose HTML once came out different at every save):
    only the Tajik original's change makes it outdated, and its form shows that change."""
    body = "Молодёжь прошла обучение.\n\n![Класс](/media/class.jpg)"
    texts = {"tg-title": "Омӯзиш", "tg-body": "Ҷавонон омӯзиш гузаштанд.",
             "ru-title": "Обучение", "ru-body": body}  # fmt: skip
    item = create(admin, "news", texts)
    edit(admin, "news", item, {})  # saved unchanged: nothing becomes outdated
    page = get_page(admin, f"/editor/news/{item}")
    assert "state-present" in page.find("details", id="lang-ru")[0]["class"]
    original = page.find("details", class_="original")
    assert "Ҷавонон омӯзиш гузаштанд." in original[1] and "open" not in original[0]
    edit(admin, "news", item, {"tg-body": "Ҷавонон дар Исфара омӯзиш гузаштанд."})
    html = html_of(admin.get(f"/editor/news/{item}"))
    page = Page(html)
    ru = html.split('<details id="lang-ru"')[1].split('<details id="lang-en"')[0]
    assert "state-outdated" in ru and re.search(r"<ins>\s*дар Исфара</ins>", ru)
    assert page.find("dd", lang="tg")


def test_trash_asks_first(app, admin, client):
    item = create(admin, "news", {"en-title": "To be thrown"})
    form_page = get_page(admin, f"/editor/news/{item}")
    assert not form_page.find_all("form", action=f"/editor/news/{item}/delete")
    confirm = get_page(admin, f"/editor/news/{item}/delete")
    assert "To be thrown" in confirm.text("main")
    submit(admin, f"/editor/news/{item}/delete", action=f"/editor/news/{item}/delete")
    assert client.get("/en/news/to-be-thrown/").status_code == 404
    assert stored(app, item).deleted_at is not None


def test_preview_banner_in_the_editors_language(app, accounts):
    russian = staff_client(app, "admin@asti.tj", lang="ru")
    item = create(russian, "news", {"en-title": "English only"})
    page = get_page(russian, f"/editor/news/{item}/preview/en")
    assert page.lang == "en" and page.find("section", class_="preview-bar")[0]["lang"] == "ru"


@pytest.mark.parametrize("kind", ["news", "programs", "regions", "pages"])
def test_every_kind_previews_unsaved(app, admin, kind):
    """The preview of a new item's form renders that kind's public page, saving nothing."""
    fields = new_form(admin, f"/editor/{kind}/new") | {"en-title": "Seen before saving"}
    if kind == "pages":
        fields["key"] = "seen-before-saving"
    before = all_rows(app)
    response = admin.post(f"/editor/{kind}/new/preview/en", data=fields)
    assert response.status_code == 200, html_of(response)
    assert Page(html_of(response)).text("h1") == "Seen before saving"
    assert all_rows(app) == before


def test_an_unknown_button_keeps_a_public_item_public(app, admin):
    """Only Unpublish or Save draft take an item off the site: any other value of the
    button (an old browser, a script) saves it as it was."""
    item = create(admin, "news", {"en-title": "Stays online"})
    edit(admin, "news", item, {"en-body": "Edited", "action": "preview"})
    assert stored(app, item).status == "published"
