"""Screenshots of the site for the README and for whoever wants to see it without running it:
the home page, the news list, an article, a program, the regions, the contacts and the
editor's form of an item, in Tajik on a 1280 px wide screen and in Russian on a 360 px phone.

Run with `make screenshots` (it installs Debian's Chromium when missing), which runs
`python -m bench.screenshots`. Not a test, and not part of `make test`: it writes PNG files
into docs/screenshots/ and fails only when the site or a page does not work.

1. The demo site as the browser tests get it (``tests/fixtures/browser.py`` ``demo_site``):
   a temporary folder and SQLite database made by the real `flask --app asti` commands, the
   benchmark's extra news, an article with a gallery, staff accounts; gunicorn on a free
   127.0.0.1 port.
2. In Debian's Chromium (Playwright, never a browser of its own), the editor logs in and
   gives the demo's first article and first program a photo each (their real texts, in
   the three languages) through the item form's "Add photos", as staff do, described in
   the three languages; each becomes its item's lead photo.
3. Each page in each screen's language: a browser that asks for that language, its first
   screen only (the viewport, what a reader sees before scrolling; a whole page would be
   long and heavy for a README), once it and its visible images have loaded; the editor's
   form after logging in with that browser (the editor speaks the browser's language).
   Files are named ``<page>-<language>-<width>.png``.

Only 127.0.0.1 is ever contacted.
"""

import contextlib
import io
import math
import shutil
import sqlite3
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from random import Random
from urllib.parse import urlsplit

from PIL import Image as Pil
from PIL import ImageDraw
from playwright.sync_api import Browser, Page, Response, expect

from asti import demo
from tests.fixtures.browser import (
    CHROMIUM,
    MISSING,
    chromium,
    demo_site,
    english_context,
    reader_context,
)
from tests.fixtures.html import Page as Html
from tests.fixtures.server import SiteError
from tests.fixtures.staff import EDITOR, PASSWORD

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "docs" / "screenshots"

#: Each screen: its language and what the browser looks like (the phone's as the browser
#: tests' phone: tests/test_browser.py PHONE).
SCREENS = {
    "tg": {"viewport": {"width": 1280, "height": 800}},
    "ru": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
}
#: What gets a photo, as staff would give it one: the demo's first article and first
#: program (written in the three languages, with their real texts).
PHOTOGRAPHED = {"news": demo.NEWS[0], "programs": demo.PROGRAMS[0]}
#: The photos are drawn (landscape() below); their description says so.
PHOTO_ALT = {
    "tg": "Расми намуна: кӯҳҳо ва водӣ, кашидашуда",
    "ru": "Пример снимка: нарисованные горы и долина",
    "en": "Sample picture: drawn mountains and a valley",
}
#: Visible images (not lazy ones further down) have loaded or failed.
IMAGES_SETTLED = """() => [...document.images].every(img => {
    const box = img.getBoundingClientRect();
    return box.bottom <= 0 || box.top >= innerHeight || box.width === 0 || img.complete;
})"""
#: Every stylesheet has arrived with its rules (a file of static/ changed while the site
#: runs can arrive empty or cut: that page would be shot unstyled).
STYLED = """() => document.styleSheets.length > 0
    && [...document.styleSheets].every(sheet => sheet.cssRules.length > 0)"""


def log(message: str) -> None:
    print(f"[screenshots {datetime.now():%H:%M:%S}] {message}", flush=True)


def log_in(page: Page) -> None:
    """Log in as EDITOR through the login form (by field names: its labels are in the
    browser's language)."""
    page.goto("/editor/login")
    page.locator("input[name=email]").fill(EDITOR)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url("**/editor/")


def item_id(database: Path, kind: str, spec: dict) -> int:
    """The id of the demo item ``spec`` of ``kind`` (news, programs), found by its English
    title in the site's SQLite file."""
    table = {"news": "news", "programs": "program"}[kind]
    with contextlib.closing(sqlite3.connect(database)) as con:
        (found,) = con.execute(
            f"SELECT {table}_id FROM {table}_translation WHERE lang = 'en' AND title = ?",
            (spec["text"]["en"]["title"],),
        ).fetchone()
    return found


def landscape(number: int, size: tuple[int, int] = (1600, 1067)) -> bytes:
    """A drawn stand-in for a photo (we have none we may publish): a sky, ranges of
    mountains and a green valley, different for each ``number``, as a JPEG."""
    width, height = size
    picture = Pil.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    for y in range(height):  # the sky, lighter towards the horizon
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(120 + 110 * t), int(165 + 70 * t), 225))
    random = Random(number)
    ranges = [((112, 128, 150), 0.38), ((86, 104, 96), 0.5), ((70, 112, 70), 0.64)]
    for colour, level in ranges:
        points, x = [(0, height)], 0
        while x < width + 120:
            points.append((x, int(height * (level - random.uniform(0.0, 0.16)))))
            x += random.randint(90, 220)
        draw.polygon([*points, (width, height)], fill=colour)
    draw.rectangle((0, int(height * 0.72), width, height), fill=(96, 138, 64))
    river = [(x, int(height * 0.86 + 30 * math.sin(x / 170 + number))) for x in range(0, width, 20)]
    draw.line(river, fill=(150, 190, 215), width=24)
    data = io.BytesIO()
    picture.save(data, "JPEG", quality=85)
    return data.getvalue()


def add_photo(page: Page, form_url: str, number: int) -> dict[str, str]:
    """Give the item of the form at ``form_url`` a photo through its "Add photos" field, as
    staff do (its first photo: its lead photo), described in each language; the item's
    public address in each language of SCREENS."""
    page.goto(form_url)
    page.get_by_label("Add photos", exact=True).set_input_files(
        files=[{"name": f"photo-{number}.jpg", "mimeType": "image/jpeg",
                "buffer": landscape(number)}]
    )  # fmt: skip
    page.locator("button[name=action][value=save]").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    page.locator(".photo-texts > summary").first.click()
    for lang, alt in PHOTO_ALT.items():
        page.locator(f"input[name=photos-0-{lang}-alt]").fill(alt)
    page.locator("button[name=action][value=save]").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    page.get_by_role("status").get_by_role("link").click()
    page.wait_for_load_state()
    switcher = Html(page.content()).switcher
    return {lang: urlsplit(switcher[lang]).path for lang in SCREENS}


def add_photos(browser: Browser, base: str, database: Path) -> dict[str, dict[str, str]]:
    """The items of PHOTOGRAPHED get their photo through the editor; for each kind, the
    address of the item's form ("form") and of its public page in each language."""
    context = english_context(browser, base)
    page = context.new_page()
    addresses = {}
    try:
        log_in(page)
        for number, (kind, spec) in enumerate(PHOTOGRAPHED.items(), 1):
            form_url = f"/editor/{kind}/{item_id(database, kind, spec)}"
            addresses[kind] = {"form": form_url, **add_photo(page, form_url, number)}
    finally:
        context.close()
    return addresses


def pages(lang: str, items: dict[str, dict[str, str]]) -> dict[str, str]:
    """What is shot in ``lang``: name -> address."""
    return {
        "home": f"/{lang}/",
        "news": f"/{lang}/news/",
        "article": items["news"][lang],
        "program": items["programs"][lang],
        "regions": f"/{lang}/regions/",
        "contacts": f"/{lang}/contacts/",
    }


def shoot(page: Page, path: str, out: Path, lang: str | None) -> None:
    """The first screen of ``path`` once it and its visible images have loaded, as PNG.
    RuntimeError if the page, or anything it loads, fails (no picture of a broken page)."""
    failed = []

    def record(response: Response) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", record)
    try:
        response = page.goto(path, wait_until="networkidle")
        page.wait_for_function(IMAGES_SETTLED)
    finally:
        page.remove_listener("response", record)
    if response is None or response.status != 200:
        raise RuntimeError(f"{path}: {response.status if response else 'no response'}")
    if failed:
        raise RuntimeError(f"{path} loads what fails: {', '.join(failed)}")
    if lang and page.locator("html").get_attribute("lang") != lang:
        raise RuntimeError(f"{path} is not in {lang}")
    if not page.evaluate(STYLED):
        raise RuntimeError(f"{path}: a stylesheet did not arrive whole (static/ changed?)")
    page.screenshot(path=out, animations="disabled")
    with Pil.open(out) as image:  # Playwright's PNG, compressed again: smaller, the same
        image.load()
        image.save(out, "PNG", optimize=True)


def main() -> int:
    if not CHROMIUM.exists():
        raise SystemExit(MISSING)
    FOLDER.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="asti-screenshots-"))
    log(f"working folder {tmp}")
    written = []
    try:
        with demo_site(tmp) as base, chromium() as browser:
            log(f"gunicorn on {base}")
            items = add_photos(browser, base, tmp / "asti.db")
            for item in items.values():
                log(f"a photo added to {item['tg']} through {item['form']}")
            for lang, screen in SCREENS.items():
                width = screen["viewport"]["width"]
                context = reader_context(browser, base, lang, **screen)
                try:
                    page = context.new_page()
                    for name, path in pages(lang, items).items():
                        out = FOLDER / f"{name}-{lang}-{width}.png"
                        shoot(page, path, out, lang)
                        written.append(out)
                    log_in(page)
                    out = FOLDER / f"editor-{lang}-{width}.png"
                    shoot(page, items["programs"]["form"], out, None)
                    written.append(out)
                finally:
                    context.close()
    except (RuntimeError, SiteError) as error:
        log(f"FAILED: {error}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for out in written:
        with Pil.open(out) as image:
            size = f"{image.width}×{image.height}"
        log(f"wrote {out.relative_to(ROOT)} ({size}, {out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
