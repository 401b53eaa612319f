"""The content token: one row of ``content_state`` whose token changes, in the
transaction of the change itself, with every change of what the public may see; and when
the next scheduled item appears. Everything kept per content version (pages, counts)
is kept under a token."""

import secrets
from collections import namedtuple
from datetime import datetime

from flask import current_app, request
from sqlalchemy import event, func, select, update

from ..extensions import db
from ..models import AuditEntry, ContentState, LoginAttempt, Revision, User, utcnow
from ..registry import kinds

#: Changes to these never change what the public sees.
PRIVATE = (AuditEntry, ContentState, LoginAttempt, Revision, User)
STATE = select(ContentState.token, ContentState.changed_at, ContentState.next_change_at).where(
    ContentState.id == 1
)
#: The same, as plain SQL: the page cache reads it for every anonymous request, on the
#: driver's own connection (see PageCache.state).
STATE_SQL = "SELECT token, changed_at, next_change_at FROM content_state WHERE id = 1"
State = namedtuple("State", "token changed_at next_change_at")
#: Where a request keeps the state it was served under (read once per request).
STATE_KEY = "asti.content_state"
#: Set in a session's info when its transaction changed the content.
CHANGED_KEY = "asti.content_changed"
MAX_FACTS = 1000


def next_scheduled(connection, now):
    """When the earliest scheduled item appears (a published item with a future date)."""
    times = [
        connection.scalar(select(func.min(m.published_at)).where(m.scheduled(now)))
        for m in kinds.models()
    ]
    return min((t for t in times if t is not None), default=None)


def bump(connection, expected: str | None = None) -> bool:
    """Give the content a new token (only if it is still ``expected``, when given)."""
    table = ContentState.__table__
    now = utcnow()
    # The write comes first: in SQLite it takes the write lock before anything is read.
    change = update(table).where(table.c.id == 1)
    if expected is not None:
        change = change.where(table.c.token == expected)
    if not connection.execute(change.values(token=secrets.token_hex(16), changed_at=now)).rowcount:
        return False
    due = next_scheduled(connection, now)
    connection.execute(update(table).where(table.c.id == 1).values(next_change_at=due))
    return True


def content_changed(session) -> None:
    """Mark the content as changed in the session's transaction (for writes made without
    the ORM, such as bulk inserts; ORM flushes are noticed by themselves)."""
    bump(session.connection())
    session.info[CHANGED_KEY] = True


def current_state(engine):
    """The content's token, when it last changed, and when it next will; a scheduled time
    that has passed makes a change now. None if the database has no content state."""
    with engine.connect() as connection:
        state = connection.execute(STATE).first()
        if state is None or state.next_change_at is None or state.next_change_at > utcnow():
            return state
        connection.rollback()
        with connection.begin():
            bump(connection, expected=state.token)
        return connection.execute(STATE).first()


def read_state(engine):
    """The content state, as ``current_state``, on a pooled DBAPI connection, below
    SQLAlchemy's Core (a seventh of the cost): every anonymous request reads it. A
    scheduled time that has passed goes the long way (it writes)."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(STATE_SQL)
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()
    if row is None:
        return None
    token, changed_at, next_change_at = row
    if isinstance(changed_at, str):  # SQLite hands out text
        changed_at = datetime.fromisoformat(changed_at)
        next_change_at = next_change_at and datetime.fromisoformat(next_change_at)
    if next_change_at is not None and next_change_at <= utcnow():
        return current_state(engine)
    return State(token, changed_at, next_change_at)


def per_version(key, compute):
    """A fact about the content as a whole (how many news, in which years), computed once
    per content token in this worker: lists would otherwise count every row each time."""
    if request.method not in ("GET", "HEAD"):
        # A request that writes may hold SQLite's write lock, which reading the token on
        # another connection would wait for: such requests are few, and compute.
        return compute()
    state = request.environ.get(STATE_KEY)
    if state is None:  # no page cache in front: read it once for this request
        state = request.environ[STATE_KEY] = read_state(db.engine)
    facts = current_app.extensions.setdefault("asti.facts", {})
    known = facts.get(key)
    if known is not None and known[0] == state.token:
        return known[1]
    if len(facts) >= MAX_FACTS:
        facts.clear()
    value = compute()
    facts[key] = (state.token, value)
    return value


# --- noticing changes ------------------------------------------------------------------------


def notice_changes(session, flush_context):
    if any(not isinstance(o, PRIVATE) for o in (*session.new, *session.dirty, *session.deleted)):
        content_changed(session)


def notice_bulk_changes(orm_execute_state):
    """``update(News)...`` and the like change rows without a flush."""
    mapper = orm_execute_state.bind_mapper
    if orm_execute_state.is_select or mapper is None or issubclass(mapper.class_, PRIVATE):
        return None
    result = orm_execute_state.invoke_statement()
    content_changed(orm_execute_state.session)
    return result


def forget_changes(session):
    session.info.pop(CHANGED_KEY, None)


def listen(target, name: str, listener) -> None:
    """``event.listen`` once: the session is shared by every app made in one process."""
    if not event.contains(target, name, listener):
        event.listen(target, name, listener)


def init_app(app) -> None:
    """Watch the app's database sessions for changes of the public content."""
    listen(db.session, "after_flush", notice_changes)
    listen(db.session, "do_orm_execute", notice_bulk_changes)
    listen(db.session, "after_rollback", forget_changes)
