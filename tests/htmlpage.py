"""A small reader for the HTML the site serves: what a browser or crawler would see."""

import json
import re
from html.parser import HTMLParser

# The layout's schema.org data: the one <script> a page may hold, since it is never run.
JSON_LD = re.compile(r'<script type="application/ld\+json">([^<]*)</script>')


def without_json_ld(html: str) -> str:
    """The page without its schema.org blocks, after checking that each is JSON and holds
    no ``<`` (so no text inside can close the element and start a real script)."""
    for data in JSON_LD.findall(html):
        json.loads(data)
    return JSON_LD.sub("", html)


class Page(HTMLParser):
    """Collects the tags of a page with their attributes, and the text under each tag."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self._open: list[list] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        entry = [tag, dict(attrs), ""]
        self.tags.append(entry)
        if tag not in {"meta", "link", "img", "br", "input", "hr"}:
            self._open.append(entry)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for entry in self._open:
            entry[2] += data

    def find_all(self, tag, **attrs):
        return [
            (a, text)
            for t, a, text in self.tags
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def find(self, tag, **attrs):
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    @property
    def lang(self):
        return self.find("html")[0]["lang"]

    @property
    def canonical(self):
        return self.find("link", rel="canonical")[0]["href"]

    @property
    def hreflang(self) -> dict[str, str]:
        links = self.find_all("link", rel="alternate")
        # Other alternates, such as the news feed, are not language versions.
        return {a["hreflang"]: a["href"] for a, _ in links if "hreflang" in a}

    @property
    def switcher(self) -> dict[str, str]:
        nav = [a for t, a, _ in self.tags if t == "a" and "hreflang" in a]
        return {a["hreflang"]: a["href"] for a in nav}

    def links(self) -> set[str]:
        return {a["href"] for a, _ in self.find_all("a") if a.get("href", "").startswith("/")}

    def text(self, tag, **attrs) -> str:
        return " ".join(self.find(tag, **attrs)[1].split())
