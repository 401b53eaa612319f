"""The catalogs and the demo content say each key term one way (translations/glossary.md),
and the catalogs keep what translators and Russian typography need."""

import re

import pytest
from babel.messages.pofile import read_po

from asti import demo
from asti.config import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "translations"
NBSP = "\u00a0"


def glossary() -> list[tuple[str, dict[str, str]]]:
    """(English term, {"ru": ..., "tg": ...}) for each row of the glossary's tables."""
    rows = []
    for line in (TRANSLATIONS / "glossary.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("English", "---"):
            rows.append((cells[0], {"ru": cells[1], "tg": cells[2]}))
    return rows


def mentions(english: str, text: str) -> bool:
    """Whether ``text`` names the term: each word whole, any case, a plural -s allowed."""
    words = [re.escape(w[:-1]) + "(y|ies)" if w.endswith("y") else re.escape(w) + "s?"
             for w in english.split()]  # fmt: skip
    text = re.sub(r"%\(\w+\)\w", "", text)  # a placeholder's name is no word of the text
    return re.search(r"\b" + r"\W+".join(words) + r"\b", text, re.IGNORECASE) is not None


def stem(word: str, lang: str) -> str:
    """Enough of a word to find its inflected forms: Russian changes its endings
    («область», «области»), Tajik adds suffixes but turns a final ӣ into ии («наздисарҳадӣ»,
    «наздисарҳадии»)."""
    if lang == "ru" and len(word) > 4:
        return word[:-2]
    if lang == "tg" and word.endswith(("ӣ", "и")) and len(word) > 4:
        return word[:-1]
    return word


def says(term: str, lang: str, text: str) -> bool:
    """Whether ``text`` uses the term (or its abbreviation, after a slash)."""
    folded = text.lower().replace(NBSP, " ")
    return any(
        all(stem(w, lang) in folded for w in re.split(r"[\s-]+", form))
        for form in term.lower().split(" / ")
    )


def catalog(lang):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


def forms(value) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [value]


def test_glossary_is_read():
    terms = dict(glossary())
    assert terms["jamoat"] == {"ru": "джамоат", "tg": "ҷамоат"}
    assert len(terms) > 30


@pytest.mark.parametrize("lang", ["ru", "tg"])
def test_catalog_follows_the_glossary(lang):
    """Every message whose English names a glossary term says it the glossary's way."""
    wrong = []
    for m in catalog(lang):
        english = " ".join(forms(m.id))
        for term, translations in glossary():
            if m.id and mentions(term, english):
                said = forms(m.string)
                wrong += [(term, s) for s in said if not says(translations[lang], lang, s)]
    assert wrong == []


def demo_texts():
    """(English, Russian, Tajik) of each field of each demo item written in all three."""
    for spec in [*demo.REGIONS, *demo.PROGRAMS, *demo.NEWS, *demo.PAGES]:
        text = spec["text"]
        if {"en", "ru", "tg"} <= text.keys():
            for field, english in text["en"].items():
                if field in text["ru"] and field in text["tg"] and field != "slug":
                    yield english, {"ru": text["ru"][field], "tg": text["tg"][field]}


def test_demo_follows_the_glossary():
    """The demo's Russian and Tajik texts use the glossary's word wherever the English
    text of the same field names a term."""
    wrong = []
    for english, translated in demo_texts():
        for term, translations in glossary():
            if mentions(term, english):
                for lang in ("ru", "tg"):
                    if not says(translations[lang], lang, translated[lang]):
                        wrong.append((term, lang, translated[lang][:80]))
    assert wrong == []


def test_a_term_said_two_ways_is_found():
    """The check itself: a Tajik message that calls a jamoat «деҳа» fails it."""
    assert not says("ҷамоат", "tg", "Деҳаҳои наздисарҳадӣ")
    assert says("ҷамоат", "tg", "Ҷамоатҳои наздисарҳадӣ")
    assert says("приграничное сообщество", "ru", "приграничных сообществ")
    assert says("ҷомеаи наздисарҳадӣ", "tg", "ҷомеаҳои наздисарҳадии")
    assert mentions("cross-border community", "Cross-border communities")
    assert not mentions("town", "Townhall")


# --- what translators and typography need ----------------------------------------------------


@pytest.mark.parametrize("lang", ["tg", "ru", "en"])
def test_catalog_keeps_context_for_translators(lang):
    """Source locations, translator comments and contexts reach every catalog."""
    text = (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").read_text()
    assert re.search(r"^#: (asti|templates)/\S+:\d+", text, re.M)
    assert re.search(r"^#\. TRANSLATORS: ", text, re.M)
    assert re.search(r'^msgctxt "', text, re.M)


def test_one_english_word_two_meanings_has_two_contexts():
    """ "Search" the heading and "Search" the button are two messages in Russian and Tajik."""
    for lang, heading, button in (("ru", "Поиск", "Найти"), ("tg", "Ҷустуҷӯ", "Ҷустан")):
        cat = catalog(lang)
        assert cat.get("Search").string == heading
        assert cat.get("Search", context="button").string == button


def test_russian_typography():
    """Russian keeps units and dashes with their words: a non-breaking space before «МБ»,
    «КБ» and an em dash, inside «с. ш.», and «ёлочки» for quotes."""
    wrong = []
    for m in catalog("ru"):
        for s in forms(m.string):
            if re.search(r" (—|МБ|КБ|млн)|с\. ш\.|в\. д\.|\"", s):
                wrong.append(s)
    assert wrong == []
