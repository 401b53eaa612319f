"""The interface catalogs match the strings in the code and are fully translated."""

import io
import re

import pytest
from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from asti.cli import interface_messages
from asti.config import LANGUAGES, PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[a-z]|\{\w*\}")


def key(message_id) -> str:
    """The catalog key of a message: its singular form."""
    return message_id[0] if isinstance(message_id, tuple | list) else message_id


@pytest.fixture(scope="module")
def source_ids() -> set[str]:
    """The msgids in the code and templates now, and WTForms' own, as extracted by
    `flask --app asti translate extract`."""
    ids = {(m.context, key(m.id)) for m in interface_messages() if m.id}
    assert len(ids) > 50
    return ids


def catalog(lang):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


def messages(lang):
    return [m for m in catalog(lang) if m.id]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_matches_source(lang, source_ids):
    """Every string of the code is in the catalog, and the catalog has no stale string."""
    ids = {(m.context, key(m.id)) for m in messages(lang)}
    assert sorted(source_ids - ids) == [], "run: flask --app asti translate update"
    assert sorted(ids - source_ids) == [], "obsolete strings: run translate update"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_complete(lang):
    """Every msgstr is filled in, nothing is fuzzy, and placeholders are kept."""
    assert not catalog(lang).fuzzy
    for m in messages(lang):
        strings = m.string if isinstance(m.string, tuple | list) else [m.string]
        assert all(strings), f"{lang}: untranslated {m.id!r}"
        assert not m.fuzzy, f"{lang}: fuzzy {m.id!r}"
        wanted = set(PLACEHOLDER.findall(" ".join([m.id] if isinstance(m.id, str) else m.id)))
        for s in strings:
            assert set(PLACEHOLDER.findall(s)) == wanted, f"{lang}: {m.id!r} -> {s!r}"


def test_tajik_plural_forms():
    """tg: two forms, "one" for 0 and 1 as CLDR says (one: i = 0 or n = 1)."""
    tg = catalog("tg")
    assert dict(tg.mime_headers)["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    cldr = Locale("tg").plural_form
    for n in range(30):
        assert (n > 1) == (cldr(n) != "one"), n


def test_tajik_letters():
    """The tg catalog is written in Tajik, not Russian: it uses ғ ӣ қ ӯ ҳ ҷ."""
    strings = [s for m in messages("tg") for s in (m.string if m.pluralizable else [m.string])]
    text = " ".join(strings).lower()
    assert {c for c in "ғӣқӯҳҷ" if c not in text} == set()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalog_fresh(lang):
    """The committed messages.mo is exactly what messages.po compiles to (the .mo files
    are committed so that a plain `pip install .` carries working catalogs)."""
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as po:
        compiled = io.BytesIO()
        write_mo(compiled, read_po(po, locale=lang))
    mo = folder / "messages.mo"
    assert mo.exists() and mo.read_bytes() == compiled.getvalue(), (
        "run: flask --app asti translate compile, and commit the .mo files"
    )
