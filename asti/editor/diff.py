"""Word-level differences between two texts, as HTML: what was removed in ``<del>``, what
was added in ``<ins>``, everything else as it was. Shown inside ``white-space: pre-wrap``,
so line breaks stay where they are."""

import re
from difflib import SequenceMatcher

from markupsafe import Markup, escape

#: A word, a run of whitespace, or of punctuation (so "world." -> "world!" changes one mark).
TOKENS = re.compile(r"\w+|\s+|[^\w\s]+")

#: A line break added or removed would be invisible: a mark shows where it is. A removed
#: one is only the mark, so that the lines are those of the new text.
MARK = Markup('<span class="break" aria-hidden="true">↵</span>')
BREAK = {"ins": MARK + "\n", "del": MARK}


def _tokens(text: str) -> list[str]:
    return TOKENS.findall((text or "").replace("\r\n", "\n"))


def _marked(tag: str, text: str) -> Markup:
    if not text:
        return Markup()
    lines = BREAK[tag].join(escape(line) for line in text.split("\n"))
    return Markup("<{0}>{1}</{0}>").format(Markup(tag), lines)


def words(old: str, new: str) -> Markup:
    """``new`` as HTML, with the words of ``old`` it removed in ``<del>`` and those it
    added in ``<ins>``; all text escaped. The same texts always give the same HTML."""
    a, b = _tokens(old), _tokens(new)
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    runs = [(op == "equal", "".join(a[i1:i2]), "".join(b[j1:j2])) for op, i1, i2, j1, j2 in opcodes]
    merged = []
    for i, (same, removed, added) in enumerate(runs):
        # Equal and changed runs alternate. A space between two changes belongs to them:
        # "b c" -> "x y" reads as one change, not as two changes and a space.
        if not same or (removed.isspace() and 0 < i < len(runs) - 1):
            if merged and not merged[-1][0]:
                merged[-1] = (False, merged[-1][1] + removed, merged[-1][2] + added)
                continue
            same = False
        merged.append((same, removed, added))
    return Markup().join(
        escape(removed) if same else _marked("del", removed) + _marked("ins", added)
        for same, removed, added in merged
    )
