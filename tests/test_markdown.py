"""Markdown that formats as typed: CommonMark with tables, strikethrough and bare addresses
as links, made safe by nh3; the same text always gives the same bytes; a translation is
outdated when the original's text changes, never because HTML was rendered again; the
``rerender`` command; the formatting help of the editor's form."""

import html
import re
from datetime import datetime

import pytest
from sqlalchemy import select, update

from asti.extensions import db
from asti.kinds import kinds
from asti.models import News, NewsTranslation
from asti.text import render_markdown
from tests.fixtures.html import Page, get_page, html_of
from tests.fixtures.items import add_news, texts
from tests.fixtures.staff import create, edit

TABLE_AND_LIST = "Themes:\n- one\n- two\n\n| Town | People |\n| --- | --- |\n| Isfara | 120 |"
PHOTO = "![A photo](/static/favicon.svg)"


def test_a_list_right_under_a_sentence_and_a_table():
    """The list typed on the line after a sentence is a list, not part of the sentence."""
    page = Page(render_markdown(TABLE_AND_LIST))
    assert page.text("p") == "Themes:"
    assert [text for _, text in page.find_all("li")] == ["one", "two"]
    assert [text for _, text in page.find_all("th")] == ["Town", "People"]
    assert [text for _, text in page.find_all("td")] == ["Isfara", "120"]


def test_strikethrough_and_bare_addresses():
    page = Page(render_markdown("~~gone~~, see https://asti.tj/about and www.unicef.org."))
    assert page.text("s") == "gone"
    links = {a["href"]: text for a, text in page.find_all("a")}
    assert links == {"https://asti.tj/about": "https://asti.tj/about",
                     "http://www.unicef.org": "www.unicef.org"}  # fmt: skip


def test_only_safe_link_schemes():
    page = Page(render_markdown(
        "[a](https://a.tj) [b](mailto:info@asti.tj) [c](tel:+992922222222) "
        "[d](javascript:alert(1)) <a href=\"data:text/html,x\">e</a>"
    ))  # fmt: skip
    hrefs = [a.get("href") for a, _ in page.find_all("a")]
    assert hrefs == ["https://a.tj", "mailto:info@asti.tj", "tel:+992922222222", None]


def test_links_of_other_schemes_lose_their_address():
    """The web, email and telephone only: not ``ftp:``, ``sms:`` or ``ssh:``, which nh3
    lets through unless told."""
    page = Page(render_markdown(
        "[f](ftp://files.asti.tj/report.pdf) [g](sms:+992922222222) <a href=\"ssh://asti.tj\">h</a>"
    ))  # fmt: skip
    assert [a.get("href") for a, _ in page.find_all("a")] == [None, None, None]
    assert page.text("p") == "f g h"


def test_typed_html_is_cleaned_not_escaped():
    """Harmless tags typed as HTML stay; scripts and handlers go."""
    out = render_markdown(
        'Some <b>bold</b><script>alert(1)</script> <img src="/a.jpg" onerror="x">'
    )
    assert "<b>bold</b>" in out
    assert "script" not in out and "onerror" not in out


def test_pictures_in_a_text_are_lazy():
    """Markdown pictures and pictures typed as HTML alike."""
    typed, markdown = Page(render_markdown(f'<img src="/b.jpg" alt="B">\n\n{PHOTO}')).find_all(
        "img"
    )
    assert typed[0]["loading"] == markdown[0]["loading"] == "lazy"
    assert markdown[0]["decoding"] == "async" and markdown[0]["alt"] == "A photo"


@pytest.mark.parametrize("source", [
    PHOTO,
    f'{TABLE_AND_LIST}\n\n{PHOTO} <img src="/b.jpg" alt="B"> <a href="https://a.tj">a</a>',
])  # fmt: skip
def test_rendering_gives_the_same_bytes_every_time(source):
    assert len({render_markdown(source) for _ in range(100)}) == 1


def test_table_and_list_on_the_public_page(admin, client):
    """As typed in the editor, as readers get it."""
    item = create(admin, "news", {"en-title": "Themes and towns", "en-body": TABLE_AND_LIST})
    page = get_page(client, "/en/news/themes-and-towns/")
    assert [text for _, text in page.find_all("li") if text in ("one", "two")] == ["one", "two"]
    assert page.find_all("table") and page.text("td") == "Isfara"
    preview = get_page(admin, f"/editor/news/{item}/preview/en")
    assert preview.find_all("table") and preview.text("td") == "Isfara"


def test_text_that_stops_the_link_finder_is_saved_without_links(admin, client):
    """markdown-it-py's linkify raises on some input; the text is saved and shown anyway."""
    body = "Notes: edoctype[http://s:// and https://example.org"
    create(admin, "news", {"en-title": "Odd notes", "en-body": body})
    assert get_page(client, "/en/news/odd-notes/").text("div", class_="prose") == body


# --- "outdated" follows the texts, not their HTML -----------------------------------------------

WHEN = datetime(2021, 3, 4, 5, 6, 7)


def section_states(client, item_id) -> dict[str, str]:
    """Each language's state as the item's form shows it (its section's class)."""
    page = get_page(client, f"/editor/news/{item_id}")
    sections = [a for _, a, _ in page.tags if re.fullmatch(r"lang-\w\w", a.get("id", ""))]
    return {a["id"][5:]: re.search(r"state-(\w+)", a["class"]).group(1) for a in sections}


def updated(app, item_id) -> dict[str, datetime]:
    return {lang: t["updated_at"] for lang, t in texts(app, News, item_id).items()}


def test_editing_the_original_outdates_a_translation_with_a_photo(app, admin):
    """A Russian text with a photo: an unchanged save moves nothing; changing the Tajik
    original marks the Russian translation outdated."""
    item = add_news(app, {"tg": "Акс", "ru": "Фото"}, body=f"Матн.\n\n{PHOTO}")
    with app.app_context():
        db.session.execute(
            update(NewsTranslation).where(NewsTranslation.parent_id == item).values(updated_at=WHEN)
        )
        db.session.commit()
    assert section_states(admin, item) == {"tg": "present", "ru": "present", "en": "missing"}
    for _ in range(5):  # the old cleaner wrote a photo's attributes in a random order
        edit(admin, "news", item, {})
        assert updated(app, item) == {"tg": WHEN, "ru": WHEN}
    assert section_states(admin, item)["ru"] == "present"

    edit(admin, "news", item, {"tg-body": f"Матни нав.\n\n{PHOTO}"})
    assert updated(app, item)["ru"] == WHEN and updated(app, item)["tg"] > WHEN
    assert section_states(admin, item)["ru"] == "outdated"


@pytest.mark.parametrize("kind", [kind.key for kind in kinds])
def test_every_text_field_dates_its_translation(app, kind):
    """Writing a text field moves the translation's date if the value is new, and only
    then; rendering its HTML again never does."""
    model = kinds[kind].model
    fields = model.translation_class.text_fields()
    with app.app_context():
        t = db.session.scalars(select(model.translation_class)).first()
        for name in fields:
            t.updated_at = WHEN
            setattr(t, name, getattr(t, name))
            t.render()
            db.session.flush()
            assert t.updated_at == WHEN, name
            setattr(t, name, getattr(t, name) + "x")
            db.session.flush()
            assert t.updated_at > WHEN, name
        db.session.rollback()


# --- flask --app asti rerender ------------------------------------------------------------------


def test_rerender_updates_old_html_and_outdates_nothing(app, runner):
    """HTML from an older renderer is replaced; the texts' dates stay; the changed texts
    are listed; a second run has nothing to do."""
    with app.app_context():
        row = select(NewsTranslation).where(NewsTranslation.lang == "ru").order_by(
            NewsTranslation.parent_id).limit(1)  # fmt: skip
        t = db.session.scalar(row)
        stale = update(NewsTranslation).where(NewsTranslation.id == t.id)
        db.session.execute(stale.values(body_html="<p>old</p>", updated_at=WHEN))
        db.session.commit()
        item_id, title, body = t.parent_id, t.title, t.body
    result = runner.invoke(args=["rerender"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"news {item_id} ru: {title}",
        "Texts rendered again: 1 changed.",
    ]
    assert texts(app, News, item_id)["ru"]["updated_at"] == WHEN
    with app.app_context():
        assert db.session.scalar(row).body_html == render_markdown(body)
    result = runner.invoke(args=["rerender"])
    assert result.output.splitlines() == ["Texts rendered again: 0 changed."]


# --- the formatting help ------------------------------------------------------------------------


def test_formatting_help_shows_what_the_renderer_makes(admin):
    """Each example: what to type, and beside it exactly what the site makes of it."""
    form = html_of(admin.get("/editor/news/new"))
    help_ = re.search(r'<details class="formatting-help">.*?</details>', form, re.S).group(0)
    assert Page(help_).text("summary") == "Formatting help"
    rows = re.findall(
        r"<tr><td><pre><code>(.*?)</code></pre></td><td[^>]*>(.*?)</td></tr>", help_, re.S
    )
    assert len(rows) >= 6
    for typed, shown in rows:
        assert shown == render_markdown(html.unescape(typed))
    made = Page("".join(shown for _, shown in rows))
    for tag in ("h2", "strong", "em", "s", "ul", "ol", "table"):
        assert made.find_all(tag), tag
    assert made.find("a", href="https://asti.tj/")
    photo = made.find("img")[0]
    assert photo["loading"] == "lazy" and photo["alt"]
    with admin.get(photo["src"]) as picture:  # a static file comes as an open file
        assert picture.status_code == 200
