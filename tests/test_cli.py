"""The `flask --app asti` commands, run for real against SQLite files."""

import re
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from PIL import Image as Pil
from sqlalchemy import select, text

from asti import demo
from asti.config import PROJECT_ROOT
from asti.extensions import db
from asti.models import (
    Image,
    LegacyRedirect,
    News,
    NewsTranslation,
    Page,
    Partner,
    Program,
    Region,
    User,
)
from tests.fixtures.apps import dispose, make_app
from tests.fixtures.html import get_page
from tests.fixtures.items import all_rows, count
from tests.fixtures.pagetypes import photo_file
from tests.fixtures.server import flask_cli, site_env
from tests.fixtures.staff import create

PASSWORD = "correct horse battery"
MIGRATIONS = PROJECT_ROOT / "asti" / "migrations"


@pytest.fixture
def fresh(tmp_path):
    """An app on a database file that has no schema yet."""
    app = make_app(tmp_path / "x.db")
    yield app
    dispose(app)


def test_seed_demo_twice_changes_nothing(app, runner):
    """seed-demo on a seeded database leaves every row as it was."""
    before = all_rows(app)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Demo content present."
    assert all_rows(app) == before


def test_seed_demo_on_empty_database(fresh):
    """init-db then seed-demo twice gives the demo content once."""
    runner = fresh.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    specs = [demo.NEWS, demo.PROGRAMS, demo.REGIONS, demo.PAGES, demo.PARTNERS]
    added = sum(map(len, specs)) + len(demo.legacy_redirects())  # the old site's addresses
    assert (
        f"Demo content: {added} items and old addresses added."
        in runner.invoke(args=["seed-demo"]).output
    )
    assert runner.invoke(args=["seed-demo"]).output.strip() == "Demo content present."
    models = (News, Program, Region, Page, Partner)
    assert [count(fresh, m) for m in models] == list(map(len, specs))
    assert count(fresh, LegacyRedirect) == len(demo.legacy_redirects()) == 23
    with fresh.app_context():
        ru_only = db.session.scalar(
            select(NewsTranslation).where(NewsTranslation.title == "Тренинг по журналистике")
        )
        assert list(ru_only.parent.translations) == ["ru"]
        dates = {d.date() for d in db.session.scalars(select(News.published_at))}
    assert dates == {date(2011, 10, 1), date(2017, 5, 29), date(2022, 9, 16)}


def test_seed_demo_if_empty_keeps_existing_content(app, runner):
    """--if-empty loads nothing once the site has news, even a demo item that is missing."""
    with app.app_context():
        db.session.delete(db.session.scalar(select(News).order_by(News.id).limit(1)))
        db.session.commit()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "not loaded" in result.output
    assert count(app, News) == 2


def test_init_db_migrates_to_head(fresh, tmp_path):
    """init-db on an empty file creates the latest schema; a second run is harmless."""
    (tmp_path / "x.db").touch()
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    runner = fresh.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "up to date" in result.output
        with fresh.app_context():
            assert db.session.scalars(text("SELECT version_num FROM alembic_version")).all() == [
                head
            ]
    tables = all_rows(fresh)
    assert len(tables.pop("content_state")) == 1  # the page caches' content token
    assert tables == {t.name: [] for t in db.metadata.sorted_tables if t.name != "content_state"}


def test_init_db_keeps_content(app, runner):
    """init-db on a database already at head changes no row."""
    before = all_rows(app)
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert all_rows(app) == before


def test_create_user(app, runner):
    """create-user stores the lowercased email, the role and a hash of the password."""
    result = runner.invoke(
        args=["create-user", " Admin@Example.ORG ", "--role", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin admin@example.org." in result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.role, user.active) == ("admin@example.org", "admin", True)
        assert PASSWORD not in user.password_hash
        assert user.check_password(PASSWORD)
        assert not user.check_password(PASSWORD.upper())


@pytest.mark.parametrize(
    ("args", "typed", "message"),
    [
        (["a@example.org"], f"{PASSWORD}\n{PASSWORD}x\n", "The two passwords differ."),
        (["a@example.org"], "123456789\n123456789\n", "at least 10 characters"),
        (["example.org"], f"{PASSWORD}\n{PASSWORD}\n", "is not an email address"),
        (["a@"], f"{PASSWORD}\n{PASSWORD}\n", "is not an email address"),
        (["a@example.org", "--role", "root"], f"{PASSWORD}\n{PASSWORD}\n", "'root' is not one"),
    ],
    ids=["mismatch", "short", "no-at", "no-domain", "bad-role"],
)
def test_create_user_refuses(app, runner, args, typed, message):
    """Bad input ends with a non-zero status and a message, and stores no user."""
    result = runner.invoke(args=["create-user", *args], input=typed)
    assert result.exit_code != 0
    assert message in result.output
    assert count(app, User) == 0


def test_create_user_refuses_existing_email(app, runner):
    """An email that has an account already, in any case, is refused."""
    typed = f"{PASSWORD}\n{PASSWORD}\n"
    assert runner.invoke(args=["create-user", "a@example.org"], input=typed).exit_code == 0
    result = runner.invoke(args=["create-user", "A@Example.org", "--role", "admin"], input=typed)
    assert result.exit_code != 0
    assert "A user a@example.org exists already." in result.output
    with app.app_context():
        assert db.session.execute(select(User.email, User.role)).all() == [
            ("a@example.org", "editor")
        ]


def test_create_user_from_a_pipe(tmp_path):
    """The real `flask` command reads the password twice from a pipe."""
    path = tmp_path / "site.db"
    env = site_env(tmp_path, database=f"sqlite:///{path}")
    flask_cli(env, "init-db")
    out = flask_cli(env, "create-user", "pipe@example.org", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert "Created editor pipe@example.org." in out
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT email, role FROM user").fetchall() == [
            ("pipe@example.org", "editor")
        ]
    con.close()


def test_tajik_slug(app):
    """Tajik letters follow Tajik Latin spelling in slugs."""
    with app.app_context():
        t = Program().set_translation("tg", "Ҷамоати Ғафуров қӯҳ")
        assert t.slug == "jamoati-ghafurov-quh"
        assert Program().set_translation("tg", "ӣ ҳ Ҷ Ғ Қ Ӯ").slug == "i-h-j-gh-q-u"


def test_slugs_unique_per_language(app):
    """The same title gets x, then x-2, in one language; another language may reuse x."""
    with app.app_context():
        for _ in range(2):
            item = News()
            db.session.add(item)
            item.set_translation("en", "X")
            db.session.flush()
        item.set_translation("ru", "X")
        db.session.commit()
        rows = db.session.execute(
            select(NewsTranslation.lang, NewsTranslation.slug, NewsTranslation.parent_id)
            .where(NewsTranslation.title == "X")
            .order_by(NewsTranslation.id)
        ).all()
        first, second = rows[0].parent_id, item.id
    assert rows == [("en", "x", first), ("en", "x-2", second), ("ru", "x", second)]


def test_set_translation_updates_in_place(app):
    """Saving a language's text again updates the row; a given slug is cleaned and unique."""
    with app.app_context():
        news = db.session.scalar(
            select(News)
            .join(NewsTranslation)
            .where(
                NewsTranslation.slug
                == "upshift-is-a-4-day-training-conducted-at-the-innovation-labs"
            )
        )
        row_id = news.translations["en"].id
        news.set_translation("en", "UPSHIFT in Asht", body="*New* text")
        db.session.commit()
        assert news.translations["en"].id == row_id
        assert news.translations["en"].slug == "upshift-in-asht"
        assert news.translations["en"].body_html == "<p><em>New</em> text</p>"
        other = News()
        db.session.add(other)
        other.set_translation("en", "Other", slug="UPSHIFT in Asht!")
        db.session.commit()
        assert other.translations["en"].slug == "upshift-in-asht-2"


def test_models_and_migrations_agree(app, runner):
    """The migrations build exactly the schema the models describe (no pending change)."""
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def uploaded(app, admin, title: str, number: int) -> tuple[str, Path]:
    """A news item published with one 2000 × 1500 photo through the editor's form: the
    photo's key and its folder."""
    upload = (photo_file(number, (2000, 1500)), f"photo-{number}.jpg")
    create(admin, "news", {"en-title": title, "upload": [upload]})
    with app.app_context():
        key = db.session.scalar(select(Image.key).where(Image.name == f"photo-{number}.jpg"))
    return key, Path(app.instance_path) / "media" / key


def served(client, url) -> int:
    with client.get(url) as response:
        return response.status_code


def test_regenerate_renditions_writes_what_is_missing(app, admin, client, runner):
    """A photo stored before its 720 px file existed (here: that file deleted) is linked
    from its article but not found; the command writes it, 720 px wide, and a second run
    writes nothing."""
    key, folder = uploaded(app, admin, "Field visit", 1)
    srcset = get_page(client, "/en/news/field-visit/").find("source", type="image/webp")[0]
    assert f"/media/{key}/720.webp 720w" in srcset["srcset"]
    (folder / "720.webp").unlink()
    assert served(client, f"/media/{key}/720.webp") == 404
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}

    result = runner.invoke(args=["regenerate-renditions"])

    assert result.exit_code == 0, result.output
    assert f"({key}): wrote 720.webp" in result.output
    assert result.output.endswith("Rendition files written: 1.\n")
    with Pil.open(folder / "720.webp") as made:
        assert (made.format, made.size) == ("WEBP", (720, 540))
    assert served(client, f"/media/{key}/720.webp") == 200
    after = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert after.keys() == before.keys() | {"720.webp"}
    assert {name: after[name] for name in before} == before  # the others untouched

    again = runner.invoke(args=["regenerate-renditions"])

    assert again.exit_code == 0, again.output
    assert again.output == "Rendition files written: 0.\n"
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == after


def test_regenerate_renditions_reports_a_missing_folder(app, admin, runner):
    """A photo whose folder is gone is reported, the other photos are completed all the
    same, and the command ends with a non-zero status."""
    lost, lost_folder = uploaded(app, admin, "Lost photo", 1)
    kept, kept_folder = uploaded(app, admin, "Kept photo", 2)
    shutil.rmtree(lost_folder)
    (kept_folder / "720.webp").unlink()

    result = runner.invoke(args=["regenerate-renditions"])

    assert result.exit_code != 0
    assert re.search(rf"Photo \d+ \({lost}\): the folder .*{lost} is missing", result.output)
    assert f"({kept}): wrote 720.webp" in result.output
    assert "Rendition files written: 1." in result.output
    assert "Photos that could not be completed: 1 (see above)." in result.output
    assert (kept_folder / "720.webp").is_file()
    assert not lost_folder.exists()
