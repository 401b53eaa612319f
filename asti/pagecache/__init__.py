"""Rendered public pages, kept until the content changes.

Every change of what the public may see (a save, a translation added, an image, a
redirect, a scheduled time reached) writes a new token into the one row of
``content_state``, in the transaction of the change itself (``state``). Each anonymous
GET reads that row: a page kept from a request under the same token is sent again as it
is (or as a 304), without running the application; any other is rendered and kept
(``middleware``). Since the token lives in the database, all gunicorn workers, and all
servers of one database, agree.

Pages are kept in each worker's memory (PAGE_CACHE_BYTES each) and, with PAGE_CACHE_DIR
set, also as files that nginx sends without asking the application (``files``;
deploy/nginx.conf), removed when a change is committed (and by ``flask --app asti
pages-refresh``, run every minute by a timer, for scheduled items and for changes made on
another server).

Never kept: any request with a session cookie (staff), any response that sets a cookie
other than the reader's language, and any response not marked public by ``mark_public``
(the editor, errors, redirects, uploads, the health check).
"""

from . import files, state
from .middleware import PageCache, mark_public


def init_app(app) -> None:
    """Notice content changes in every session, mark public responses, add the command."""
    state.init_app(app)
    files.init_app(app)
    app.after_request(mark_public)


def layer(app, inner):
    """The page cache as a WSGI layer around ``inner`` (``inner`` itself when it is off)."""
    if app.config["PAGE_CACHE_BYTES"] or app.config["PAGE_CACHE_DIR"]:
        return PageCache(app, inner)
    return inner
