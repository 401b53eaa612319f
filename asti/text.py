"""Text helpers shared by the models and the editor: slugs and safe HTML."""

import markdown
import nh3
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


def render_markdown(source: str) -> str:
    """Markdown to HTML that is safe to show: no scripts, handlers or ``javascript:`` links."""
    html = markdown.markdown(source or "", extensions=["sane_lists"], output_format="html")
    # Pictures inside a text are below the fold: the browser fetches them when they near
    # the screen (the lead image, the largest thing on screen, is fetched at once).
    return nh3.clean(
        html,
        url_schemes={"http", "https", "mailto", "tel"},
        set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
    )
