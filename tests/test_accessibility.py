"""Accessibility, judged by axe-core (npm's axe-core, `make checkers`) in Debian's Chromium:
zero violations of the WCAG 2.1 A and AA rules and of axe's best practices, on every page
type, public in three languages and the editor's, on a phone's width and a desktop's."""

import json

import pytest

from asti.config import PROJECT_ROOT
from tests.fixtures.browser import english_context
from tests.fixtures.pagetypes import EDITOR_PAGES, LIBRARY_PAGES, all_public_pages, gallery_pages
from tests.fixtures.server import fetch
from tests.fixtures.staff import ADMIN, PASSWORD

AXE = PROJECT_ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}


def violations(page, url: str | None, status: int = 200) -> list[str]:
    """axe's violations on the page at ``url`` (None: the page the tab shows), one readable
    line each."""
    if url is None:
        url = page.url
    else:
        assert page.goto(url).status == status, url
    page.add_script_tag(path=str(AXE))  # the context bypasses CSP for this checker only
    result = page.evaluate(
        "rules => axe.run(document, {runOnly: {type: 'tag', values: rules}})", RULES
    )
    return [
        f"{url}: {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]


def checker_context(browser, base, viewport):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make checkers`")
    return english_context(browser, base, viewport=viewport, bypass_csp=True)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_public_pages_have_no_violations(browser, live_site, viewport):
    pages = all_public_pages(lambda url: fetch(live_site + url)[2]) | gallery_pages()
    context = checker_context(browser, live_site, VIEWPORTS[viewport])
    page = context.new_page()
    found = [
        line
        for name, url in pages.items()
        for line in violations(page, live_site + url, 404 if "not found" in name else 200)
    ]
    context.close()
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_editor_pages_have_no_violations(browser, live_site, viewport):
    """Every page of the editor, for an administrator, after one save (for a revision)."""
    context = checker_context(browser, live_site, VIEWPORTS[viewport])
    page = context.new_page()
    found = violations(page, live_site + "/editor/login")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_site}/editor/")
    page.goto(f"{live_site}/editor/news/1")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("status").wait_for()
    found += violations(page, page.url)  # the form with its "Saved." message
    for url in (EDITOR_PAGES | LIBRARY_PAGES).values():
        found += violations(page, live_site + url)
    # The form of an item with a gallery: from the photo's "Used in" list.
    page.goto(f"{live_site}/editor/library/1")
    page.locator(".uses a").first.click()
    page.locator(".photo-list").wait_for()
    found += violations(page, None)
    # Pages that answer a form: its refusal (the error summary), the preview of its text.
    page.goto(f"{live_site}/editor/news/new")
    page.get_by_role("button", name="Publish").click()
    page.locator(".error-summary").wait_for()
    found += violations(page, None)
    page.goto(f"{live_site}/editor/news/1")
    page.get_by_role("button", name="Preview").click()
    page.locator(".preview-bar").wait_for()
    found += violations(page, None)
    context.close()
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
