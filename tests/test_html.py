"""Valid HTML, judged by the Nu HTML Checker (the W3C validator's engine, npm's vnu-jar,
run with the machine's Java; `make checkers` installs it): zero errors on every page type,
public in three languages and the editor's."""

import json
import re
import shutil
import subprocess

import pytest

from asti.config import PROJECT_ROOT
from tests.fixtures.html import csrf_of, form_fields
from tests.fixtures.pagetypes import (
    EDITOR_PAGES,
    LIBRARY_PAGES,
    add_gallery_article,
    all_public_pages,
    gallery_pages,
)
from tests.fixtures.staff import EDITOR, edit, login, staff_client, totp_code

VNU = PROJECT_ROOT / ".venv" / "node" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def validate(pages: dict[str, bytes], folder) -> list[str]:
    """Check the pages in one run of the checker; its errors, as readable lines."""
    if not VNU.exists() or shutil.which("java") is None:
        pytest.fail(f"{VNU} or java is missing: run `make checkers`")
    folder.mkdir()
    names = {}
    for number, (name, html) in enumerate(pages.items()):
        path = folder / f"{number:03d}.html"
        path.write_bytes(html)
        names[path.name] = name
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr)["messages"]
    return [
        f"{names.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}: line "
        f"{m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()}]"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]


def test_public_pages_are_valid_html(app, client, tmp_path):
    urls = all_public_pages(lambda url: client.get(url).text) | gallery_pages(app)
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == (404 if "not found" in name else 200), url
        pages[f"{name} {url}"] = response.data
    assert validate(pages, tmp_path / "vnu") == []


def test_editor_pages_are_valid_html(app, accounts, admin, tmp_path):
    edit(admin, "news", 1, {"en-title": "Community security in the Ferghana valley, again"})
    add_gallery_article(app)  # its photos are in the library
    pages = {"editor: login": app.test_client().get("/editor/login").data}
    for name, url in (EDITOR_PAGES | LIBRARY_PAGES).items():
        response = admin.get(url)
        assert response.status_code == 200, url
        pages[f"{name} {url}"] = response.data
    # Pages that answer a form: its refusal (the error summary), the preview of its text.
    refused = form_fields(admin.get("/editor/news/new").text) | {"ru-body": "No title"}
    pages["editor: refused form"] = admin.post("/editor/news/new", data=refused).data
    typed = form_fields(admin.get("/editor/news/1").text) | {"ru-body": "Not saved yet"}
    pages["editor: preview of the form"] = admin.post("/editor/news/1/preview/ru", data=typed).data
    # The form of an item with a gallery, as saved and refused; its preview.
    used_in = re.search(
        r'<ul class="uses">.*?href="([^"]+)"', admin.get("/editor/library/1").text, re.S
    )
    url = used_in.group(1)
    pages["editor: an item with photos"] = admin.get(url).data
    typed = form_fields(admin.get(url).text) | {"photos-0-ru-caption": "x" * 1001}
    pages["editor: refused photos"] = admin.post(url, data=typed).data
    pages["editor: preview with photos"] = admin.post(f"{url}/preview/tg", data=typed).data
    # Two-factor sign-in: the recovery codes shown once, the code asked after the password.
    enrolling = staff_client(app, EDITOR)
    page = enrolling.get("/editor/account/two-factor").text
    secret = re.search(r'<code class="snippet">([A-Z2-7]+)</code>', page).group(1)
    shown = enrolling.post("/editor/account/two-factor",
                           data=form_fields(page) | {"code": totp_code(secret)})  # fmt: skip
    pages["editor: recovery codes"] = shown.data
    pages["editor: two-factor off"] = enrolling.get("/editor/account/two-factor/off").data
    second_step = app.test_client()
    login(second_step, EDITOR)
    pages["editor: sign-in code"] = second_step.get("/editor/login/code").data
    # A reset link, as an administrator sees it made, and its page.
    made = admin.post(
        f"/editor/users/{accounts[EDITOR]}/reset-link",
        data={"csrf_token": csrf_of(admin.get("/editor/password").text)},
    )
    pages["editor: reset link made"] = made.data
    link = re.search(r"<code>https?://[^/]+(/editor/reset/[^<]+)</code>", made.text).group(1)
    pages["editor: reset link"] = app.test_client().get(link).data
    pages["editor: used reset link"] = app.test_client().get("/editor/reset/used").data
    assert validate(pages, tmp_path / "vnu") == []
