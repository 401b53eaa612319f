"""Text helpers shared by the models and the editor: slugs and safe HTML."""

import nh3
from markdown_it import MarkdownIt
from slugify import slugify

# python-slugify would spell Tajik letters the Russian way (ҷ -> ch); use Tajik Latin.
_TAJIK = {"ҷ": "j", "ҳ": "h", "ӣ": "i", "ғ": "gh", "қ": "q", "ӯ": "u"}
# Spelled the common way in both Tajik and Russian slugs (the default gives "ia", "iu", "i").
_COMMON = {"я": "ya", "ю": "yu", "ё": "yo", "й": "y"}
TAJIK_REPLACEMENTS = [[k, v] for k, v in (_TAJIK | _COMMON).items()] + [
    [k.upper(), v.capitalize()] for k, v in (_TAJIK | _COMMON).items()
]

SLUG_MAX = 80


def make_slug(title: str) -> str:
    """A lowercase ASCII slug; Tajik letters follow Tajik Latin spelling."""
    return slugify(title, replacements=TAJIK_REPLACEMENTS, max_length=SLUG_MAX) or "item"


def numbered(slug: str, n: int) -> str:
    """``slug-n``, shortened first so that it still fits in SLUG_MAX."""
    return f"{slug[: SLUG_MAX - len(str(n)) - 1].rstrip('-')}-{n}"


def first_free(slug: str, taken) -> str:
    """``slug``, or ``slug-2``, ``slug-3`` ... : the first for which ``taken`` says no."""
    candidate, n = slug, 1
    while taken(candidate):
        n += 1
        candidate = numbered(slug, n)
    return candidate


def _lazy_image(renderer, tokens, idx, options, env):
    # Pictures inside a text are below the fold: the browser fetches them when they near
    # the screen (the lead image, the largest thing on screen, is fetched at once).
    tokens[idx].attrSet("loading", "lazy")
    tokens[idx].attrSet("decoding", "async")
    return renderer.image(tokens, idx, options, env)


#: CommonMark as GitHub extends it: tables, ~~strikethrough~~ and bare addresses as links.
#: A list may start on the line right after a sentence, as people type it.
_markdown = MarkdownIt("gfm-like")
_markdown.add_render_rule("image", _lazy_image)

#: nh3's defaults, and the two attributes the image rule writes.
_ATTRIBUTES = nh3.ALLOWED_ATTRIBUTES | {
    "img": nh3.ALLOWED_ATTRIBUTES["img"] | {"loading", "decoding"}
}


def render_markdown(source: str) -> str:
    """Markdown to HTML that is safe to show: no scripts, handlers or ``javascript:`` links.
    The same text always gives the same bytes."""
    return nh3.clean(
        _markdown.render(source or ""),
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        # An <img> typed as HTML is lazy too. One attribute only: nh3 adds several in a
        # random order, and one it finds already there it sets in place.
        set_tag_attribute_values={"img": {"loading": "lazy"}},
    ).rstrip()
