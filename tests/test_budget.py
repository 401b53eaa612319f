"""The low-bandwidth budget: what an article costs a reader on a slow mobile network.
Its HTML with every stylesheet and script it loads stays under 50 KB compressed; no web
font is downloaded; images load lazily, in the width the screen needs, with their size
known before they arrive; a favicon and a print stylesheet exist."""

import gzip
import io
import re

from PIL import Image

from tests.fixtures.html import Page, get_page
from tests.fixtures.items import image_bytes
from tests.fixtures.pagetypes import gallery_pages, public_pages
from tests.fixtures.staff import create, edit

BUDGET = 50 * 1024
#: What a browser downloads for fonts: none of these may appear in a stylesheet or page.
FONT_FILES = re.compile(r"@font-face|\.(?:woff2?|ttf|otf|eot)\b", re.I)


def body(client, url: str) -> bytes:
    """A file's bytes (static files come as open files: closed here)."""
    with client.get(url) as response:
        assert response.status_code == 200, url
        return response.get_data()


def compressed(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def assets_of(html: str) -> list[str]:
    """The stylesheets and scripts a page loads."""
    page = Page(html)
    sheets = [a["href"] for a, _ in page.find_all("link") if a.get("rel") == "stylesheet"]
    return sheets + [a["src"] for a, _ in page.find_all("script") if a.get("src")]


def test_article_fits_the_budget(app, client):
    """Every language's article and fallback article, and the article with a gallery of
    twelve photos, with their CSS and JS, compressed (the photos load lazily)."""
    galleries = list(gallery_pages(app).values())
    for lang in ("tg", "ru", "en"):
        pages = public_pages(lambda url: client.get(url).text, lang)
        for url in (pages["article"], pages["fallback article"], galleries.pop(0)):
            response = client.get(url)
            total = compressed(response.data)
            for asset in assets_of(response.text):
                total += compressed(body(client, asset))
            assert total < BUDGET, f"{url}: {total} bytes compressed"


def test_no_web_fonts(client):
    """System fonts only (they cover Cyrillic with Tajik letters on every phone)."""
    html = client.get("/tg/").text
    assert not FONT_FILES.search(html)
    for asset in assets_of(html):
        assert not FONT_FILES.search(body(client, asset).decode()), asset


def test_images_are_sized_responsive_and_lazy_below_the_fold(app, admin, client):
    """A news item's lead picture: WebP renditions in srcset with sizes, a fallback image
    with its width and height (no layout shift), fetched at once (it is the largest thing
    on screen); a picture inside the text is fetched lazily."""
    photo = Image.radial_gradient("L").resize((1600, 1000)).convert("RGB")
    upload = (io.BytesIO(image_bytes(photo, "JPEG")), "photo.jpg")
    text = "Text.\n\n![A second photo](/static/favicon.svg)"
    item = create(admin, "news", {"en-title": "With a photo", "en-body": text, "upload": [upload]})
    edit(admin, "news", item, {"photos-0-en-alt": "A photo"})
    article = get_page(client, "/en/news/with-a-photo/")
    source = article.find("source", type="image/webp")[0]
    assert source["sizes"]
    widths = [int(w) for w in re.findall(r" (\d+)w", source["srcset"])]
    assert len(widths) >= 2 and widths == sorted(widths)
    lead, inline = (a for a, _ in article.find_all("img"))
    assert (int(lead["width"]), int(lead["height"])) == (1600, 1000)
    assert lead["alt"] == "A photo" and "loading" not in lead
    assert lead["fetchpriority"] == "high"
    assert inline["alt"] == "A second photo" and inline["loading"] == "lazy"


def test_favicon_and_print_stylesheet(client):
    html = client.get("/en/").text
    page = Page(html)
    icon = page.find("link", rel="icon")[0]
    assert body(client, icon["href"]).startswith(b"<svg")
    css = "".join(body(client, asset).decode() for asset in assets_of(html))
    assert re.search(r"@media print\s*\{", css)
