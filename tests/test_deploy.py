"""The nginx configuration sends rendered pages itself in static-speed mode: with the same
headers the application would have sent."""

import re

from asti.config import PROJECT_ROOT, Defaults
from asti.pagecache.middleware import PUBLIC
from asti.security import HEADERS, HSTS

NGINX = PROJECT_ROOT / "deploy" / "nginx.conf"


def pages_location() -> dict[str, str]:
    """The add_header lines of the block that serves the rendered-pages folder."""
    text = NGINX.read_text()
    block = re.search(r"location / \{\n        root \$asti_pages;(.*?)\n    \}", text, re.S).group(
        0
    )
    assert "try_files ${uri}index.html @app;" in block
    return {
        name: value.strip('"')
        for name, value in re.findall(r"add_header ([\w-]+) (.+?);\n", block + "\n")
    }


def test_static_pages_carry_the_applications_headers():
    headers = pages_location()
    for name, value in HEADERS.items():
        assert headers[name] == value, name
    assert headers["Strict-Transport-Security"] == HSTS
    assert headers["Cache-Control"] == PUBLIC
    assert headers["Content-Language"] == "$asti_lang"


def test_static_pages_set_the_language_cookie_like_the_application():
    cookie = pages_location()["Set-Cookie"]
    assert cookie.startswith(f"{Defaults.LANGUAGE_COOKIE}=$asti_lang;")
    assert f"Max-Age={Defaults.LANGUAGE_COOKIE_MAX_AGE};" in cookie
    assert {"HttpOnly", "Secure", "SameSite=Lax", "Path=/"} <= set(cookie.replace(";", "").split())


def test_staff_and_queries_never_get_a_file():
    """Only GET/HEAD without the session cookie and without a query string map to the
    folder; everything else to a folder that does not exist."""
    text = NGINX.read_text()
    mapping = re.search(
        r'map "\$cookie_session:\$args:\$request_method" \$asti_pages \{(.*?)\}', text, re.S
    )
    rows = dict(re.findall(r'^\s*("?[^\s"]+"?)\s+(\S+);', mapping.group(1), re.M))
    assert rows == {
        '"::GET"': "/var/lib/asti/pages",
        '"::HEAD"': "/var/lib/asti/pages",
        "default": "/nonexistent",
    }
    assert Defaults.__dict__.get("SESSION_COOKIE_NAME", "session") == "session"


def directives(text: str, name: str) -> list[str]:
    """The values of the (uncommented) `name` directives in an nginx text."""
    return re.findall(rf"^\s*{name}\s+([^;]+);", text, re.M)


def test_uploads_fit_and_nginx_receives_them_whole_first():
    """nginx takes a request as large as the application does (eight phone photos), and
    receives all of it before passing it on, so no gunicorn worker waits on a slow phone."""
    text = NGINX.read_text()
    assert Defaults.MAX_CONTENT_LENGTH == 200 * 1024 * 1024
    assert directives(text, "client_max_body_size") == ["200m"]
    app_block = re.search(r"location @app \{(.*?)\n    \}", text, re.S).group(1)
    assert directives(app_block, "proxy_request_buffering") == ["on"]
    assert directives(text, "proxy_request_buffering") == ["on"]  # off nowhere
    assert directives(text, "client_body_temp_path")
