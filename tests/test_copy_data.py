"""`flask --app asti copy-data`: a SQLite site moved into an empty PostgreSQL database has
every row there, shows the same pages, revisions and search results, and takes new items
under fresh ids; a second copy into it is refused and changes nothing.

The source is always a SQLite site (the suite's demo file), whatever database the suite
runs on; the target is a database made on the PostgreSQL server of ASTI_TEST_DATABASE_URL
(the second run of ``.ci/run``), or else on a local server if one answers."""

import re
import shutil

import pytest
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.exc import OperationalError

from asti import copydata, demo
from asti.extensions import db
from asti.models import News, Page, Partner, Program, Region
from asti.search import index
from bench.data import generate
from tests.fixtures.apps import Postgres, dispose, make_app
from tests.fixtures.items import all_rows
from tests.fixtures.pagetypes import add_photos, all_public_pages, gallery_texts, photo_file
from tests.fixtures.staff import (
    ADMIN,
    EDITOR,
    add_account,
    create,
    edit,
    enrol,
    login,
    press,
    staff_client,
)

#: Where a PostgreSQL server installed from Debian's packages answers, for a run of the
#: suite on SQLite (``make test``) on a machine that has one (libpq's PGHOST, PGPORT...
#: point elsewhere).
LOCAL = "postgresql+psycopg://postgres@/postgres"
#: The article uploaded through the editor, then renamed (which leaves a slug redirect).
TITLE, RENAMED = "Moved with its photo", "Moved with its photo to PostgreSQL"
OLD, NEW = "/en/news/moved-with-its-photo/", "/en/news/moved-with-its-photo-to-postgresql/"


@pytest.fixture(scope="module")
def server(postgres):
    """The PostgreSQL server that receives the copies."""
    if postgres is not None:
        yield postgres
        return
    local = Postgres(LOCAL)
    try:
        local.run("SELECT 1")
    except OperationalError as error:
        local.admin.dispose()
        pytest.skip(
            "copy-data needs a PostgreSQL server: ASTI_TEST_DATABASE_URL is not set (the "
            f"second run of .ci/run sets it) and none answers at {LOCAL} "
            f"({str(error.orig).splitlines()[0]})"
        )
    yield local
    local.admin.dispose()


@pytest.fixture
def target(server):
    """The URL of a new, empty database on that server; dropped afterwards."""
    name = next(server.names)
    yield server.create(name)
    server.drop(name)


@pytest.fixture
def site(seeded_db, tmp_path):
    """A SQLite site with the demo content, whatever database the suite runs on."""
    app = make_app(shutil.copy(seeded_db, tmp_path / "site.db"))
    app.instance_path = str(tmp_path / "instance")
    yield app
    dispose(app)


def fill(site) -> int:
    """Give the site a row in every table, as staff and readers would: benchmark news,
    an article with a photo uploaded in the editor and then renamed (a revision and a slug
    redirect), a gallery for an item of each other kind, a region inside a newer one, an
    item in the trash, accounts with two-factor sign-in, a reset link, a failed sign-in.
    The article's id."""
    add_account(site, ADMIN, "admin")
    add_account(site, EDITOR, "editor")
    with site.app_context():
        generate(25)
        for model in (Program, Region, Page, Partner):
            add_photos(site, db.session.scalars(select(model)).first(), gallery_texts(2))
        valley = Region(kind="oblast")
        valley.set_translation("en", "Ferghana valley")
        db.session.get(Region, 1).parent = valley  # a parent with a later id than its child
        db.session.commit()
    admin = staff_client(site, ADMIN)
    upload = [(photo_file(7), "moved.jpg")]
    article = create(admin, "news", {"en-title": TITLE, "en-body": "Khujand.", "upload": upload})
    edit(admin, "news", article, {"en-title": RENAMED, "en-slug": ""})
    press(admin, "/editor/news/1/delete", "/editor/news/1/delete")
    enrol(staff_client(site, EDITOR))
    runner = site.test_cli_runner()
    assert runner.invoke(args=["reset-password", EDITOR]).exit_code == 0
    assert login(site.test_client(), ADMIN, "not the password").status_code == 401
    return article


def copy_data(app, url):
    return app.test_cli_runner().invoke(args=["copy-data", "--to", url])


def without_tokens(html: str) -> str:
    """A page without its CSRF tokens: each session gets its own."""
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "csrf_token", html)


#: A search page's list of results, and one result in it.
RESULTS = re.compile(r'(<ol class="cards compact results"[^>]*>)(.*?)(</ol>)', re.S)
CARD = re.compile(r'<li class="card">.*?</li>', re.S)


def searched(client, url: str) -> tuple[list[str], list[str]]:
    """A search's pages without their results, and the results of all its pages in a
    fixed order. SQLite (FTS5's bm25) and PostgreSQL (ts_rank) score matches differently,
    so the same results may come in another order, and so on other pages; a result's place
    changes nothing else in it but whether its photo loads lazily."""
    pages, cards = [], []
    while url:
        page = client.get(url).text
        pages.append(RESULTS.sub(r"\1\3", page))
        cards += [card.replace(' loading="lazy"', "") for card in CARD.findall(page)]
        following = re.search(r'<a rel="next" href="([^"]+)"', page)
        url = following and following.group(1).replace("&amp;", "&")
    return pages, sorted(cards)


def hits(app, word: str, lang: str) -> tuple[list[index.Hit], int]:
    with app.app_context():
        found = index.find(db.session, word, lang, page=1, per_page=50)
        return found.hits, found.total


def test_a_sqlite_site_moves_to_postgresql(site, target):
    article = fill(site)
    rows = all_rows(site)
    empty = [table for table, found in rows.items() if not found]
    assert not empty, f"nothing of these is copied: {empty}"

    result = copy_data(site, target)

    assert result.exit_code == 0, result.output
    news = len(rows["news"])
    assert re.search(rf"^news +{news} +{news}$", result.output, re.M), result.output
    moved = make_app(target)
    moved.instance_path = site.instance_path  # the images: shared storage (docs/deploy.md)
    try:
        copied = all_rows(moved)
        # The content token alone differs: building the search index is a change.
        assert len(copied.pop("content_state")) == len(rows.pop("content_state")) == 1
        assert copied == rows

        # Readers see the same pages, byte for byte, in every language; the same search
        # results, though perhaps ranked otherwise (see `searched`).
        before, after = site.test_client(), moved.test_client()
        pages = all_public_pages(lambda url: before.get(url).text)
        old_path, _ = demo.legacy_redirects()[0]
        extra = [NEW, NEW.replace("/en/", "/ru/"), "/en/search/?q=khujand", "/ru/news/?page=2"]
        for url in [*pages.values(), *extra, OLD, old_path]:
            mine, theirs = before.get(url), after.get(url)
            assert (theirs.status_code, theirs.location) == (mine.status_code, mine.location), url
            if "/search/" in url:
                assert searched(after, url) == searched(before, url), url
            else:
                assert theirs.text == mine.text, url
        assert after.get(OLD).location == NEW
        for word, lang in [("khujand", "en"), ("ҷавонон", "tg"), ("журналист", "ru")]:
            (found, total), (there, counted) = hits(site, word, lang), hits(moved, word, lang)
            assert total, word
            assert (sorted(there, key=repr), counted) == (sorted(found, key=repr), total), word

        # Staff sign in with their own passwords and find the same history (the page's
        # sign-out form has a CSRF token of the session).
        revisions = f"/editor/news/{article}/revisions/"
        mine, theirs = staff_client(site, ADMIN).get(revisions), staff_client(moved, ADMIN)
        assert without_tokens(theirs.get(revisions).text) == without_tokens(mine.text)
        # A new item takes the next id, not one of the copied ones.
        with moved.app_context():
            last = db.session.scalar(select(func.max(News.id)))
        assert create(theirs, "news", {"en-title": "First news on PostgreSQL"}) == last + 1

        # A second copy into the site, now with content, is refused before any write.
        kept = all_rows(moved)
        again = copy_data(site, target)
        assert again.exit_code != 0
        assert "Nothing copied: the target database is not empty: " in again.output
        assert all_rows(moved) == kept
    finally:
        dispose(moved)


def test_a_count_that_differs_leaves_the_target_as_it_was(site, target, monkeypatch):
    """All or nothing: a table that comes out short (here, one left out) fails the copy,
    and the target keeps nothing of it, not even the schema."""
    copy_table = copydata.copy_table

    def short(reading, writing, table):
        if table.name != "news_region":
            copy_table(reading, writing, table)

    monkeypatch.setattr(copydata, "copy_table", short)
    result = copy_data(site, target)

    assert result.exit_code == 1
    assert re.search(r"^news_region +[1-9]\d* +0  DIFFERENT$", result.output, re.M), result.output
    assert "Nothing copied: the row counts differ in news_region." in result.output
    engine = create_engine(target)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_only_postgresql_is_a_target(site, tmp_path):
    result = copy_data(site, f"sqlite:///{tmp_path / 'copy.db'}")
    assert result.exit_code == 1
    assert "Nothing copied: the target must be a PostgreSQL database" in result.output
    assert not (tmp_path / "copy.db").exists()
