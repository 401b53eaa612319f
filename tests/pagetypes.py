"""Every kind of page, as addresses on the demo site: what the HTML and accessibility
checks visit. ``get(url)`` returns a page's HTML; the items' addresses differ between
languages, so they are found through the lists' links."""

import re

from asti.config import LANGUAGES

#: The demo's Russian-only article: a fallback page in the other two languages.
RUSSIAN_ONLY = "trening-po-zhurnalistike"


def first_link(html: str, prefix: str) -> str:
    """The first link to an item under ``prefix`` (not a year or a filtered list)."""
    links = re.findall(rf'href="({re.escape(prefix)}[a-z0-9-]+/)"', html)
    return next(link for link in links if not re.search(r"/\d{4}/$", link))


def public_pages(get, lang: str) -> dict[str, str]:
    """Each public page type in one language: name -> address."""
    news = get(f"/{lang}/news/")
    return {
        "home": f"/{lang}/",
        "news list": f"/{lang}/news/",
        "news of a year": re.search(rf'href="(/{lang}/news/\d{{4}}/)"', news).group(1),
        "article": first_link(news, f"/{lang}/news/"),
        "fallback article": f"/{lang}/news/{RUSSIAN_ONLY}/",
        "programs": f"/{lang}/programs/",
        "program": first_link(get(f"/{lang}/programs/"), f"/{lang}/programs/"),
        "regions": f"/{lang}/regions/",
        "region": first_link(get(f"/{lang}/regions/"), f"/{lang}/regions/"),
        "about": f"/{lang}/about/",
        "contacts": f"/{lang}/contacts/",
        "search results": f"/{lang}/search/?q=youth",
        "search without results": f"/{lang}/search/?q=zzzzzz",
        "page not found": f"/{lang}/no-such-page/",
    }


def all_public_pages(get) -> dict[str, str]:
    return {
        f"{name} ({lang})": url
        for lang in LANGUAGES
        for name, url in public_pages(get, lang).items()
    }


#: The editor's pages, for an administrator (item 1 exists in the demo content); the
#: revision is made by the test before it visits them.
EDITOR_PAGES = {
    "editor: home": "/editor/",
    "editor: news": "/editor/news/",
    "editor: programs": "/editor/programs/",
    "editor: regions": "/editor/regions/",
    "editor: pages": "/editor/pages/",
    "editor: new news item": "/editor/news/new",
    "editor: new program": "/editor/programs/new",
    "editor: new region": "/editor/regions/new",
    "editor: new page": "/editor/pages/new",
    "editor: news item": "/editor/news/1",
    "editor: preview": "/editor/news/1/preview/en",
    "editor: revisions": "/editor/news/1/revisions/",
    "editor: a revision": "/editor/revisions/1",
    "editor: trash": "/editor/trash/",
    "editor: old addresses": "/editor/redirects/",
    "editor: accounts": "/editor/users/",
    "editor: new account": "/editor/users/new",
    "editor: an account": "/editor/users/1",
    "editor: audit log": "/editor/audit/",
    "editor: password": "/editor/password",
}
