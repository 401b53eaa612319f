"""A real browser against the real server: Debian's Chromium, driven by Playwright, talks to
gunicorn serving a database prepared by the real `flask --app asti` commands.

The scenario is what the newsroom does every week: log in, write a news item in Tajik with
an image, publish it, then read it on the public site in Tajik and in English, on a phone's
width, and without JavaScript.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import gunicorn
import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from asti.config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EMAIL = "editor@example.org"
PASSWORD = "long-enough-password"
STARTUP_SECONDS = 20
# Since 25.1 gunicorn opens a control socket in ~/.gunicorn/ by default, shared by every
# gunicorn of the user (`make run`, another test run): a test server keeps out of it.
NO_CONTROL_SOCKET = ["--no-control-socket"] if gunicorn.version_info >= (25, 1) else []

TITLE = "Ҷавонон дар Исфара омӯзиш гузаштанд"
BODY = "Ин матни озмоишӣ аст.\n\nҶавонон дар **Исфара** омӯзиш гузаштанд.\n\n- якум\n- дуюм\n"
IMAGE_ALT = "Ҷавонон дар синфхона"
#: The article's lead image.
IMG = "article picture > img"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask_cli(env: dict, *args: str, stdin: str | None = None) -> None:
    """Run `python -m flask --app asti ARGS` as an operator would, failing loudly."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "asti", *args],
        cwd=PROJECT_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}"


def log_tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn serving a fresh demo site on a free loopback port; yields its base URL."""
    tmp = tmp_path_factory.mktemp("server")
    env = {
        **os.environ,
        "ASTI_SECRET_KEY": secrets.token_hex(32),
        "ASTI_DATABASE_URL": f"sqlite:///{tmp / 'asti.db'}",
        "ASTI_INSTANCE_PATH": str(tmp),
    }
    flask_cli(env, "init-db")
    flask_cli(env, "seed-demo")
    flask_cli(env, "create-user", EMAIL, "--role", "editor", stdin=f"{PASSWORD}\n{PASSWORD}\n")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             *NO_CONTROL_SOCKET, "wsgi:app"],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}:\n{log_tail(log)}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer /healthz in {STARTUP_SECONDS} s:\n"
                            f"{log_tail(log)}")  # fmt: skip
            time.sleep(0.1)
        yield base
    finally:
        stop(process)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium; CI installs it (`make chromium`), so its absence is a failure."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium (`make chromium`, or "
            "`apt-get install chromium`). Never `playwright install`."
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def english_context(browser: Browser, base: str, **options) -> BrowserContext:
    """A reader or editor whose browser asks for English (the editor's labels are English)."""
    context = browser.new_context(
        base_url=base, locale="en-US", extra_http_headers={"Accept-Language": "en"}, **options
    )
    context.set_default_timeout(15_000)
    return context


def make_jpeg(path: Path) -> Path:
    """A 1200×800 photo-like JPEG: a few coloured rectangles."""
    image = Image.new("RGB", (1200, 800), (235, 228, 210))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 520, 1200, 800), fill=(70, 130, 60))
    draw.rectangle((120, 140, 520, 520), fill=(200, 60, 50))
    draw.rectangle((640, 220, 1080, 520), fill=(40, 90, 170))
    draw.rectangle((860, 40, 1000, 180), fill=(245, 200, 40))
    image.save(path, "JPEG", quality=85)
    return path


def image_loaded(page: Page) -> bool:
    """Wait until the article's image has been fetched (or failed), then say if it loaded."""
    page.wait_for_function(
        "sel => { const img = document.querySelector(sel); return img && img.complete; }",
        arg=IMG,
    )
    return page.locator(IMG).evaluate("img => img.complete && img.naturalWidth > 0")


def test_write_publish_and_read_a_tajik_news_item(browser, server, tmp_path):
    context = english_context(browser, server)
    page = context.new_page()
    try:
        # 1. The editor asks for a login, then shows its overview.
        page.goto("/editor/")
        expect(page).to_have_url(f"{server}/editor/login?next=%2Feditor%2F")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(f"{server}/editor/")
        expect(page.get_by_role("heading", name="Translations", level=1)).to_be_visible()

        # 2. A new news item, in Tajik only, with an image, published at once.
        page.goto("/editor/news/new")
        tajik = page.locator("#lang-tg")
        tajik.get_by_label("Title", exact=True).fill(TITLE)
        tajik.get_by_label("Text", exact=True).fill(BODY)
        tajik.get_by_label("Image description", exact=True).fill(IMAGE_ALT)
        page.locator("input[name=image]").set_input_files(make_jpeg(tmp_path / "photo.jpg"))
        page.get_by_label("Status", exact=True).select_option(label="Published")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_have_text("Saved.")
        expect(page).to_have_url(re.compile(rf"^{re.escape(server)}/editor/news/\d+$"))

        # 3. The Tajik site lists it first; the article shows the text and the image.
        page.goto("/tg/news/")
        first = page.locator("main .cards > li").first
        expect(first.locator(".card-title")).to_have_text(TITLE)
        first.get_by_role("link", name=TITLE, exact=True).click()
        expect(page).to_have_url(re.compile(rf"^{re.escape(server)}/tg/news/[^/]+/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(page.get_by_role("note")).to_have_count(0)  # no "available in ... only" here
        prose = page.locator("article .prose")
        expect(prose.locator("strong")).to_have_text("Исфара")
        expect(prose.locator("li")).to_have_text(["якум", "дуюм"])
        expect(page.locator(IMG)).to_have_attribute("alt", IMAGE_ALT)
        assert image_loaded(page), "the article's image did not load"
        tajik_article = page.url

        # 4. The English site lists it, labelled as Tajik, and says so on the article.
        page.goto("/en/news/")
        card = page.locator("main .cards > li").filter(has_text=TITLE)
        expect(card).to_have_count(1)
        expect(card.locator(".lang-label")).to_have_text("Тоҷикӣ")
        card.get_by_role("link", name=TITLE, exact=True).click()
        expect(page).to_have_url(re.compile(rf"^{re.escape(server)}/en/news/[^/]+/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "tg")
        expect(page.get_by_role("note")).to_have_text("This page is available in Tajik only.")

        # On a phone's width the article fits: no sideways scrolling.
        page.set_viewport_size({"width": 360, "height": 800})
        page.goto(tajik_article)
        assert image_loaded(page), "the article's image did not load at 360 px"
        page.screenshot(path=tmp_path / "article-360.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the article is {width} px wide in a 360 px viewport"
    finally:
        context.close()

    # 5. Without JavaScript the public site still works: pages load, the menu's links work.
    context = english_context(browser, server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/en/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        menu = page.get_by_role("navigation", name="Main menu")
        links = menu.get_by_role("link")
        expect(links).to_have_count(7)
        for href in links.evaluate_all("links => links.map(a => a.href)"):
            response = page.goto(href)
            assert response is not None and response.ok, f"{href}: {response and response.status}"
            expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.goto("/en/")
        menu.get_by_role("link", name="News", exact=True).click()
        expect(page).to_have_url(f"{server}/en/news/")
        expect(page.get_by_role("heading", name="News", level=1)).to_be_visible()
        expect(page.locator("main .cards > li").filter(has_text=TITLE)).to_have_count(1)
    finally:
        context.close()
