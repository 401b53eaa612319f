"""PO "ASTI" public website and newsroom."""

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import assets, cli, editor, i18n, pagecache, security
from .config import PROJECT_ROOT, Defaults
from .extensions import SessionInterface, babel, db, migrate
from .feeds import bp as feeds_bp
from .news import bp as news_bp
from .pages import bp as pages_bp
from .pages import page_not_found, server_error, too_large
from .programs import bp as programs_bp
from .regions import bp as regions_bp
from .search import bp as search_bp

MISSING_SECRET = (
    "ASTI refuses to start without a secret key: set the environment variable "
    "ASTI_SECRET_KEY, or SECRET_KEY in instance/config.py, to a long random string "
    "(for example the output of: python3 -c 'import secrets; print(secrets.token_hex(32))')."
)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: configuration layers, extensions, blueprints, commands."""
    app = Flask(
        __name__,
        # Flask's default: instance/ beside a checkout, <prefix>/var/asti-instance when
        # installed; ASTI_INSTANCE_PATH puts it anywhere (the server's /var/lib/asti).
        instance_path=os.environ.get("ASTI_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ASTI")
    if test_config:
        app.config.from_mapping(test_config)

    if app.config["SECRET_KEY"] not in (None, ""):
        app.config["SECRET_KEY"] = str(app.config["SECRET_KEY"])  # env values may parse as JSON
    elif not (app.debug or app.testing):
        raise RuntimeError(MISSING_SECRET)  # an empty value (a template not filled in) too

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = (
        app.config["DATABASE_URL"] or f"sqlite:///{Path(app.instance_path) / 'asti.db'}"
    )

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True
    )
    babel.init_app(app, locale_selector=i18n.select_locale)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    i18n.init_app(app)  # before the blueprints: their rules use the `lang` converter

    app.session_interface = SessionInterface()
    pagecache.init_app(app)  # inside WhiteNoise: static files never reach it
    assets.init_app(app)
    if app.config["PROXY_FIX"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    security.init_app(app)

    editor.init_app(app)
    for bp in (pages_bp, news_bp, programs_bp, regions_bp, feeds_bp, search_bp, editor.bp):
        app.register_blueprint(bp)
    app.register_error_handler(404, page_not_found)
    app.register_error_handler(413, too_large)
    app.register_error_handler(500, server_error)

    cli.init_app(app)
    return app
