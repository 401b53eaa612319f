"""The six Tajik letters ғ қ ҳ ҷ ӣ ӯ and their capitals: search finds a word whether it
is written with the Tajik letter or with its Russian look-alike (г к х ч и у), and slugs
spell each letter in Tajik Latin (#19)."""

import unicodedata

import pytest

from asti.models import News
from asti.text import make_slug
from tests.fixtures.html import card_titles, get_page
from tests.fixtures.items import add_news, texts

#: Each letter with a word that holds it and no other of the six (so a case fails only
#: for its own letter), the word's Russian look-alike spelling, and its slug. The words
#: are rare in the demo content, so the new item is on the first page of results.
WORDS = {
    "ғ": ("чароғ", "чарог", "charogh"),
    "Ғ": ("Ғарм", "Гарм", "gharm"),
    "қ": ("қишлоқ", "кишлок", "qishloq"),
    "Қ": ("Қумсангир", "Кумсангир", "qumsangir"),
    "ҳ": ("маҳалла", "махалла", "mahalla"),
    "Ҳ": ("Ҳисор", "Хисор", "hisor"),
    "ҷ": ("ҷуворимакка", "чуворимакка", "juvorimakka"),
    "Ҷ": ("Ҷиргатол", "Чиргатол", "jirgatol"),
    "ӣ": ("миллӣ", "милли", "milli"),
    "Ӣ": ("МИЛЛӢ", "МИЛЛИ", "milli"),
    "ӯ": ("дӯст", "дуст", "dust"),
    "Ӯ": ("Ӯротеппа", "Уротеппа", "uroteppa"),
}
LETTERS = list(WORDS)
# "SMALL LETTER GHE WITH STROKE": pytest would show the letter itself as "\u0493".
NAMES = [unicodedata.name(letter).removeprefix("CYRILLIC ") for letter in LETTERS]


def found(client, query: str) -> list[str]:
    """The titles the Tajik site's search lists for ``query``."""
    return card_titles(get_page(client, "/tg/search/", query_string={"q": query}))


def typed(word: str) -> list[str]:
    """The word as a reader may type it: as written, in lower case, in capitals."""
    return list(dict.fromkeys([word, word.lower(), word.upper()]))


@pytest.mark.parametrize("letter", LETTERS, ids=NAMES)
def test_look_alike_finds_the_tajik_letter(app, client, letter):
    """Typed with a Russian keyboard, the word finds the text written in Tajik letters."""
    word, look_alike, _ = WORDS[letter]
    title = f"Хабар: {word}"
    add_news(app, {"tg": title})
    for query in typed(look_alike):
        assert title in found(client, query), query


@pytest.mark.parametrize("letter", LETTERS, ids=NAMES)
def test_tajik_letter_finds_the_look_alike(app, client, letter):
    """Typed with the Tajik letter, the word finds a text written with the look-alike (typed
    as written: a capital letter is a case of its own)."""
    word, look_alike, _ = WORDS[letter]
    title = f"Хабар: {look_alike}"
    add_news(app, {"tg": title})
    assert title in found(client, word)


@pytest.mark.parametrize("letter", LETTERS, ids=NAMES)
def test_slug_spells_the_letter_in_tajik_latin(app, client, letter):
    """ғ gh, қ q, ҳ h, ҷ j, ӣ i, ӯ u (not python-slugify's Russian g, k, kh, ch), in the
    address of a saved item."""
    word, _, slug = WORDS[letter]
    assert make_slug(word) == slug
    item = add_news(app, {"tg": word})
    assert texts(app, News, item)["tg"]["slug"] == slug
    assert get_page(client, f"/tg/news/{slug}/").text("h1") == word
