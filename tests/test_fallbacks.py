"""Fallback texts for every kind and every reader's language: the text shown in another
language is marked with that language, says so in the reader's, and names the original
as canonical; which language is shown follows the FALLBACKS setting (#19)."""

from html.parser import HTMLParser

import pytest
from flask import url_for

from asti.config import LANGUAGES
from asti.extensions import db
from asti.registry import kinds
from tests.fixtures.html import Page, html_of

KINDS = [kind.key for kind in kinds]

#: What a new item of a kind needs besides its texts.
REQUIRED = {"regions": {"kind": "district"}, "pages": {"key": "annual-report"}}

#: Each language's text of the items: title and body, never alike across languages.
TEXTS = {
    "tg": ("Ҳисоботи солона", "Дар бораи кори ташкилот дар соли гузашта."),
    "ru": ("Годовой отчёт", "О работе организации за прошедший год."),
    "en": ("Annual report", "About the organisation's work in the past year."),
}

#: The notice on a page whose only text is in another language: (reader, text) -> notice.
ONLY_IN = {
    ("tg", "ru"): "Ин саҳифа танҳо бо забони русӣ дастрас аст.",
    ("tg", "en"): "Ин саҳифа танҳо бо забони англисӣ дастрас аст.",
    ("ru", "tg"): "Эта страница доступна только на таджикском языке.",
    ("ru", "en"): "Эта страница доступна только на английском языке.",
    ("en", "tg"): "This page is available in Tajik only.",
    ("en", "ru"): "This page is available in Russian only.",
}
#: The notice to a Tajik reader when the item has texts in several other languages.
NOT_YET = "Ин саҳифа ҳанӯз ба ин забон тарҷума нашудааст; "
SHOWN_IN = {
    "ru": NOT_YET + "он бо забони русӣ нишон дода мешавад.",
    "en": NOT_YET + "он бо забони англисӣ нишон дода мешавад.",
}

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class Languages(HTMLParser):
    """The text of a page's <main>, each piece with the language a screen reader or a
    translator takes it to be in: the `lang` of its nearest element that states one."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self._open: list[tuple[str, str | None]] = []
        self.pieces: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self._open.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        tags = [tag for tag, _ in self._open]
        if "main" in tags and "script" not in tags and data.strip():
            lang = next(lang for _, lang in reversed(self._open) if lang)
            self.pieces.append((" ".join(data.split()), lang))

    def of(self, text: str) -> set[str]:
        """The languages of the pieces of text that hold ``text``."""
        return {lang for piece, lang in self.pieces if text in piece}


def add_item(app, kind: str, langs: list[str]) -> int:
    """A published item of ``kind`` with TEXTS in ``langs``, saved one by one in that
    order (so the first has the lowest id); its id."""
    with app.app_context():
        item = kinds[kind].model(**REQUIRED.get(kind, {}))
        db.session.add(item)
        for lang in langs:
            title, body = TEXTS[lang]
            item.set_translation(lang, title, body=body)
            db.session.flush()
        db.session.commit()
        return item.id


def address(app, kind: str, item_id: int, lang: str, text: str, external=False) -> str:
    """The page of the item in ``lang``, under the slug of its text in ``text``."""
    with app.test_request_context():
        item = db.session.get(kinds[kind].model, item_id)
        values = item.url_values(item.translations[text])
        return url_for(kinds[kind].endpoint, lang=lang, _external=external, **values)


def check_shown(html: str, reader: str, shown: str, notice: str | None, canonical: str):
    """The page in ``reader``'s language shows the text in ``shown``, marked as such."""
    page, langs = Page(html), Languages(html)
    title, body = TEXTS[shown]
    assert page.lang == reader
    assert page.text("h1") == title
    assert langs.of(title) == {shown}, "the title's language"
    assert langs.of(body) == {shown}, "the body's language"
    notices = [" ".join(text.split()) for _, text in page.find_all("p", class_="notice")]
    assert notices == ([notice] if notice else [])
    if notice:
        assert langs.of(notice) == {reader}, "the notice is in the reader's language"
    assert page.canonical == canonical


# --- a text in another language ---------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("reader", "written"), list(ONLY_IN))
def test_text_in_another_language_only(app, client, kind, reader, written):
    """The only text there is, marked with its language, a notice in the reader's language,
    and the original's page as canonical (a fallback page is a copy of it)."""
    item = add_item(app, kind, [written])
    response = client.get(address(app, kind, item, reader, written))
    assert response.status_code == 200
    canonical = address(app, kind, item, written, written, external=True)
    check_shown(html_of(response), reader, written, ONLY_IN[reader, written], canonical)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reader", LANGUAGES)
def test_text_in_the_readers_language(app, client, kind, reader):
    """With a text of its own, a page is plain: no notice, no other language, its own
    canonical (the other text is saved first: being first must not make it win)."""
    other = next(lang for lang in LANGUAGES if lang != reader)
    item = add_item(app, kind, [other, reader])
    url = address(app, kind, item, reader, reader)
    response = client.get(url)
    assert response.status_code == 200
    check_shown(html_of(response), reader, reader, None, "http://localhost" + url)


# --- which language: the FALLBACKS setting -----------------------------------------------------


def tajik_reader_sees(app, client, kind: str, item_id: int, shown: str) -> None:
    """Reached through either text's address, the page for a Tajik reader shows the text
    in ``shown``."""
    canonical = address(app, kind, item_id, shown, shown, external=True)
    for slug_lang in ("en", "ru"):
        response = client.get(address(app, kind, item_id, "tg", slug_lang), follow_redirects=True)
        assert response.status_code == 200
        assert response.request.path == address(app, kind, item_id, "tg", shown)
        check_shown(html_of(response), "tg", shown, SHOWN_IN[shown], canonical)


@pytest.mark.parametrize("kind", KINDS)
def test_a_language_the_chain_leaves_out_is_still_shown(app, worker, kind):
    """FALLBACKS may name fewer languages than the site has (here tg → ru, and nothing
    for Russian): an item written in English alone is still there for a Tajik reader and a
    Russian one, in English."""
    item = add_item(app, kind, ["en"])
    other = worker(FALLBACKS={"tg": ["ru"]})
    canonical = address(app, kind, item, "en", "en", external=True)
    for reader in ("tg", "ru"):
        response = other.test_client().get(address(app, kind, item, reader, "en"))
        assert response.status_code == 200
        check_shown(html_of(response), reader, "en", ONLY_IN[reader, "en"], canonical)


def stored_in_order(app, kind: str, langs: list[str]) -> int:
    """An item with texts in ``langs``, stored in that order (their ids say so)."""
    item = add_item(app, kind, langs)
    with app.app_context():
        texts = db.session.get(kinds[kind].model, item).translations
        assert sorted(langs, key=lambda lang: texts[lang].id) == langs
    return item


@pytest.mark.parametrize("kind", KINDS)
def test_tajik_reader_gets_russian_before_english(app, client, kind):
    """The default chain is tg → ru → en: English saved first does not come first."""
    assert app.config["FALLBACKS"]["tg"] == ["ru", "en"]
    tajik_reader_sees(app, client, kind, stored_in_order(app, kind, ["en", "ru"]), "ru")


@pytest.mark.parametrize("kind", KINDS)
def test_changed_chain_gives_english_first(app, worker, kind):
    """With FALLBACKS set to tg → en → ru, English comes first, though saved last."""
    item = stored_in_order(app, kind, ["ru", "en"])
    fallbacks = {"tg": ["en", "ru"], "ru": ["en", "tg"], "en": ["ru", "tg"]}
    other = worker(FALLBACKS=fallbacks)
    tajik_reader_sees(other, other.test_client(), kind, item, "en")
