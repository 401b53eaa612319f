"""The ``?page=`` parameter shared by the paginated lists."""

import re
from dataclasses import dataclass

from flask import abort, request

MAX_PAGE = 100_000


def page_number() -> int:
    """``?page=`` as a positive number in ASCII digits; anything else names no page (404).
    (``str.isdigit`` would let "²" through, which ``int`` then refuses.)"""
    raw = request.args.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not 0 < int(raw) < MAX_PAGE:
        abort(404)
    return int(raw)


@dataclass(frozen=True)
class Page:
    """One page of a list (what the pager macro reads, as Flask-SQLAlchemy's pagination
    has it), for lists that keep their items per content version."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int:
        return self.page + 1
