"""PO "ASTI" public website and newsroom."""

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import assets, cli, database, editor, feeds, i18n, layout, pagecache, search, security
from .config import PROJECT_ROOT, Defaults
from .extensions import SessionInterface, babel
from .kinds import kinds
from .pages import page_not_found, server_error, too_large

MISSING_SECRET = (
    "ASTI refuses to start without a secret key: set the environment variable "
    "ASTI_SECRET_KEY, or SECRET_KEY in instance/config.py, to a long random string "
    "(for example the output of: python3 -c 'import secrets; print(secrets.token_hex(32))')."
)


def proxy_fix(app, inner):
    """Behind nginx: the client's address, scheme and host as nginx saw them (one proxy)."""
    if app.config["PROXY_FIX"]:
        return ProxyFix(inner, x_for=1, x_proto=1, x_host=1)
    return inner


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: configuration layers, extensions, blueprints, commands, and
    the WSGI stack in front of it."""
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

    database.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    i18n.init_app(app)  # before the blueprints: their rules use the `lang` converter
    layout.init_app(app)
    app.session_interface = SessionInterface()
    assets.init_app(app)
    pagecache.init_app(app)
    security.init_app(app)

    # The public pages of every kind of content (asti/kinds.py), then the others.
    for bp in dict.fromkeys(kind.blueprint for kind in kinds):
        app.register_blueprint(bp)
    app.register_blueprint(feeds.bp)
    search.init_app(app)
    editor.init_app(app)
    app.register_error_handler(404, page_not_found)
    app.register_error_handler(413, too_large)
    app.register_error_handler(500, server_error)
    cli.init_app(app)

    # The WSGI stack, in the order a request passes through it; Flask comes last.
    for layer in reversed([proxy_fix, assets.layer, pagecache.layer]):
        app.wsgi_app = layer(app, app.wsgi_app)
    return app
