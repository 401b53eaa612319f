"""The ``?page=`` parameter shared by the paginated lists."""

import re

from flask import abort, request

MAX_PAGE = 100_000


def page_number() -> int:
    """``?page=`` as a positive number in ASCII digits; anything else names no page (404).
    (``str.isdigit`` would let "²" through, which ``int`` then refuses.)"""
    raw = request.args.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not 0 < int(raw) < MAX_PAGE:
        abort(404)
    return int(raw)
