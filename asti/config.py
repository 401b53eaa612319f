"""Configuration layers: defaults here, then ``instance/config.py``, then ``ASTI_*``
environment variables, then the mapping a test passes to ``create_app``."""

from pathlib import Path

#: The checkout that holds templates/, static/ and translations/; an installed package
#: (``pip install .``) carries them inside itself instead.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
if not (PROJECT_ROOT / "templates").is_dir():
    PROJECT_ROOT = Path(__file__).resolve().parent

LANGUAGES = ("tg", "ru", "en")


class Defaults:
    SECRET_KEY = None
    #: ``None`` means "a SQLite file in the instance folder" (resolved in the factory,
    #: because the instance folder is only known there).
    DATABASE_URL = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    #: Behind nginx: trust its X-Forwarded-For/-Proto/-Host (one proxy), so HTTPS is seen.
    PROXY_FIX = False

    DEFAULT_LANGUAGE = "tg"
    #: Where a reader goes when an item has no text in the asked language.
    FALLBACKS = {"tg": ["ru", "en"], "ru": ["en", "tg"], "en": ["ru", "tg"]}
    LANGUAGE_COOKIE = "lang"
    LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600

    BABEL_DEFAULT_LOCALE = "tg"
    BABEL_DEFAULT_TIMEZONE = "Asia/Dushanbe"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")

    #: Rendered public pages kept in each gunicorn worker's memory (0: none); and a folder
    #: where they are also written for nginx to send by itself (deploy/nginx.conf).
    PAGE_CACHE_BYTES = 32 * 1024 * 1024
    PAGE_CACHE_DIR = None

    NEWS_PER_PAGE = 10
    OTHER_NEWS = 5

    # Staff sessions: long enough that a slow afternoon of writing never logs anyone out.
    PERMANENT_SESSION_LIFETIME = 14 * 24 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # A form's CSRF token lives as long as the session, not an hour: long edits must save.
    WTF_CSRF_TIME_LIMIT = None

    #: Failed logins allowed per account, and per address, within LOGIN_WINDOW seconds.
    LOGIN_MAX_FAILURES = 5
    LOGIN_MAX_FAILURES_PER_IP = 20
    LOGIN_WINDOW = 15 * 60

    #: One uploaded photo, as phones make them (a 48-megapixel photo is 5 to 30 MB): it is
    #: scaled down to the largest rendition, never refused for being large (asti/images.py).
    MAX_IMAGE_BYTES = 40 * 1024 * 1024
    MAX_IMAGE_PIXELS = 60_000_000
    #: A whole request: eight large photos at once. nginx's client_max_body_size is the same
    #: (deploy/nginx.conf), and nginx receives all of it before a worker is involved.
    MAX_CONTENT_LENGTH = 200 * 1024 * 1024
