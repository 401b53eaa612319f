"""Text helpers shared by the models and the editor: slugs and safe HTML."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from slugify import slugify

# python-slugify would spell Tajik letters the Russian way (ҷ -> ch); use Tajik Latin.
_TAJIK = {"ҷ": "j", "ҳ": "h", "ӣ": "i", "ғ": "gh", "қ": "q", "ӯ": "u"}
# Spelled the common way in both Tajik and Russian slugs (the default gives "ia", "iu", "i").
_COMMON = {"я": "ya", "ю": "yu", "ё": "yo", "й": "y"}
TAJIK_REPLACEMENTS = [[k, v] for k, v in (_TAJIK | _COMMON).items()] + [
    [k.upper(), v.capitalize()] for k, v in (_TAJIK | _COMMON).items()
]

SLUG_MAX = 80


def shortened(slug: str, limit: int = SLUG_MAX) -> str:
    """The slug cut after its last whole word within ``limit`` characters (a single word
    longer than that is cut). Not python-slugify's ``word_boundary``: it skips a word that
    does not fit and goes on with shorter ones after it, which changes what a title says."""
    if len(slug) <= limit:
        return slug
    head = slug[: limit + 1]
    return head[:-1] if head.endswith("-") else head.rpartition("-")[0] or slug[:limit]


def make_slug(title: str) -> str:
    """A lowercase ASCII slug; Tajik letters follow Tajik Latin spelling."""
    return shortened(slugify(title, replacements=TAJIK_REPLACEMENTS)) or "item"


def numbered(slug: str, n: int) -> str:
    """``slug-n``, shortened first so that it still fits in SLUG_MAX."""
    return f"{shortened(slug, SLUG_MAX - len(str(n)) - 1)}-{n}"


def first_free(slug: str, taken) -> str:
    """``slug``, or ``slug-2``, ``slug-3`` ... : the first for which ``taken`` says no."""
    candidate, n = slug, 1
    while taken(candidate):
        n += 1
        candidate = numbered(slug, n)
    return candidate


#: How wide a picture inside a text is shown: the column's width, or the screen's on a phone
#: (as the ``picture`` macro of templates/macros/content.html says for lead photos).
PICTURE_SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"

#: ``![alt](media:42)``: photo 42 of the media library.
MEDIA_REFERENCE = re.compile(r"media:([0-9]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Picture:
    """A photo of the media library as a text shows it: ``fallback`` the address of a JPEG,
    ``renditions`` (width, address of a WebP) pairs, smallest first; its size in pixels."""

    fallback: str
    renditions: tuple[tuple[int, str], ...]
    width: int
    height: int


#: ``media(image_id)``: the photo with that number, or None if there is none.
Media = Callable[[int], Picture | None]


def _media_picture(src: str, env) -> Picture | None:
    """The photo a ``media:N`` address names, if the text's ``media`` knows it (a number
    too large for a database's integer names none)."""
    found, media = MEDIA_REFERENCE.fullmatch(src), env.get("media")
    if not (found and media) or len(found.group(1).lstrip("0")) > 18:
        return None
    return media(int(found.group(1)))


def _picture_html(picture: Picture, alt: str) -> str:
    """The WebP renditions for the browser to choose from by the screen's width (every
    browser the site supports reads WebP), the JPEG as ``src``."""
    srcset = ", ".join(f"{url} {width}w" for width, url in picture.renditions)
    choice = f' srcset="{escapeHtml(srcset)}" sizes="{PICTURE_SIZES}"' if srcset else ""
    return (
        f'<img src="{escapeHtml(picture.fallback)}"{choice} width="{picture.width}"'
        f' height="{picture.height}" alt="{escapeHtml(alt)}" loading="lazy" decoding="async">'
    )


def _image(renderer, tokens, idx, options, env):
    token = tokens[idx]
    src = token.attrGet("src") or ""
    if MEDIA_REFERENCE.fullmatch(src):
        alt = renderer.renderInlineAsText(token.children or [], options, env)
        picture = _media_picture(src, env)
        # A photo the library does not have: its description, not a broken picture.
        return _picture_html(picture, alt) if picture else escapeHtml(alt)
    # Pictures inside a text are below the fold: the browser fetches them when they near
    # the screen (the lead image, the largest thing on screen, is fetched at once).
    token.attrSet("loading", "lazy")
    token.attrSet("decoding", "async")
    return renderer.image(tokens, idx, options, env)


#: CommonMark as GitHub extends it: tables, ~~strikethrough~~ and bare addresses as links.
#: A list may start on the line right after a sentence, as people type it.
_markdown = MarkdownIt("gfm-like")
_markdown.add_render_rule("image", _image)

#: nh3's defaults, and what the image rule writes (a media photo's renditions too).
_TAGS = nh3.ALLOWED_TAGS
_ATTRIBUTES = nh3.ALLOWED_ATTRIBUTES | {
    "img": nh3.ALLOWED_ATTRIBUTES["img"] | {"loading", "decoding", "srcset", "sizes"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
#: What nh3 lets through in a ``src`` besides paths: the web's schemes, and addresses that
#: start with a host (``//cdn.example/x.png``).
_WEB = re.compile(r"[/\\]{2}|https?:", re.IGNORECASE)
#: Spaces and control characters, which browsers drop around an address.
_AROUND = "".join(map(chr, range(33)))


def _srcset_urls(srcset: str) -> list[str]:
    """The addresses of a ``srcset`` (as HTML reads it: a ``data:`` address may hold commas)."""
    urls, pos, end = [], 0, len(srcset)
    while True:
        while pos < end and srcset[pos] in " \t\n\r\f,":
            pos += 1
        if pos == end:
            return urls
        start = pos
        while pos < end and srcset[pos] not in " \t\n\r\f":
            pos += 1
        url = srcset[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # the descriptors ("480w", "2x"), up to the next comma outside brackets
            depth = 0
            while pos < end and (srcset[pos] != "," or depth):
                depth += {"(": 1, ")": -1 if depth else 0}.get(srcset[pos], 0)
                pos += 1
        if url:
            urls.append(url)


def _address(url: str) -> str:
    """``url`` as a browser reads it: without the spaces and control characters around it,
    and without the tabs and line breaks inside."""
    return re.sub(r"[\t\n\r]", "", url.strip(_AROUND))


def _on_this_site(url: str) -> bool:
    """A path on this site: no scheme (``https:``, ``data:``, ``media:`` ...) and no host
    (``//cdn.example/x.png``, which browsers also read spelled with backslashes)."""
    address = _address(url)
    return not re.match(r"[/\\]{2}|[a-z][a-z0-9+.-]*:", address, re.IGNORECASE)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # nh3 checks the schemes of ``src`` and ``href`` only: a ``srcset`` must pass the same
    # test, every one of its addresses.
    if attribute == "srcset":
        ok = all(_on_this_site(url) or _WEB.match(_address(url)) for url in _srcset_urls(value))
        return value if ok else None
    return value


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=_URL_SCHEMES,
        # An <img> typed as HTML is lazy too. One attribute only: nh3 adds several in a
        # random order, and one it finds already there it sets in place.
        set_tag_attribute_values={"img": {"loading": "lazy"}},
    ).rstrip()


def render_markdown(source: str, media: Media | None = None) -> str:
    """Markdown to HTML that is safe to show: no scripts, handlers or ``javascript:`` links.
    ``![alt](media:42)`` shows photo 42 of the media library as ``media(42)`` gives it, or
    only its alt text if it gives None. The same text always gives the same bytes."""
    env = {"media": media}
    tokens = _parse(_markdown, source or "", env)
    return _clean(_markdown.renderer.render(tokens, _markdown.options, env))


def _parse(markdown: MarkdownIt, source: str, env: dict) -> list:
    """The text's tokens. markdown-it-py's linkify stops on some rare input (``a[http://b://``
    raises "inline rule didn't increment state.pos"): such a text is read again without
    turning bare addresses into links, rather than refused with an error."""
    try:
        return markdown.parse(source, env)
    except RuntimeError:
        return type(markdown)("gfm-like").disable("linkify").parse(source, env)


# --- the pictures a text may not show ------------------------------------------------------------


class _AsTyped(MarkdownIt):
    """Reads a text exactly as ``_markdown`` does, but keeps the addresses as typed (not
    percent-encoded, no punycode) for the messages that quote them."""

    def normalizeLink(self, url: str) -> str:
        return url

    def validateLink(self, url: str) -> bool:
        return super().validateLink(super().normalizeLink(url))


def _typed_image(renderer, tokens, idx, options, env):
    """A Markdown picture as a bare ``<img>``, or nothing: a photo ``media`` knows, and every
    picture when only the HTML typed in the text is wanted."""
    src = tokens[idx].attrGet("src") or ""
    if env["markdown_images"] and not _media_picture(_markdown.normalizeLink(src), env):
        return f'<img src="{escapeHtml(src)}">'
    return ""


_as_typed = _AsTyped("gfm-like")
_as_typed.add_render_rule("image", _typed_image)


class _Images(HTMLParser):
    """The addresses of the pictures in a piece of HTML, in order."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        first = {}  # a browser keeps the first of an attribute typed twice
        for name, value in attrs:
            first.setdefault(name, value or "")
        if tag in ("img", "image"):  # <image> is read as <img>
            self.urls += [first["src"]] if "src" in first else []
        if tag in ("img", "image", "source") and "srcset" in first:
            self.urls += _srcset_urls(first["srcset"])

    def parse_marked_section(self, i, report=1):
        # ``<![`` not followed by a name: a comment up to the next ``>`` (as HTML reads it),
        # where html.parser before Python 3.13 raises AssertionError.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return self.parse_bogus_comment(i, report)


def foreign_images(source: str, media: Media | None = None) -> list[str]:
    """The addresses of the pictures in the text that its public page would not show, as
    typed, in order, each once: every address that is not a path on this site (with a
    scheme such as ``https:`` or ``data:``, or a host: ``//cdn.example/x.png``), and the
    ``media:N`` photos that ``media`` does not know (or any typed as HTML)."""
    env = {"media": media, "markdown_images": True}
    tokens = _parse(_as_typed, source or "", env)
    found = _Images(_as_typed.renderer.render(tokens, _as_typed.options, env)).urls
    # And what nh3 makes of the HTML typed in the text, read by the browser's own rules,
    # where these differ from html.parser's (comments, <svg> ...).
    env["markdown_images"] = False
    found += _Images(_clean(_as_typed.renderer.render(tokens, _as_typed.options, env))).urls
    return list(dict.fromkeys(url for url in found if url.strip() and not _on_this_site(url)))
