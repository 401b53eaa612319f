"""Migrations are the only way the schema changes: a database made by the first one is
brought to the latest with its content intact (on SQLite, and on PostgreSQL in CI)."""

from datetime import datetime

from sqlalchemy import text

from asti.database import upgrade
from asti.extensions import db
from tests.fixtures.apps import make_app
from tests.fixtures.html import get_page

FIRST = "0001"


def test_upgrade_from_the_first_migration_keeps_content(postgres, tmp_path):
    """Rows written under schema 0001 are served after `init-db` upgrades to the head."""
    database = postgres.create("asti_upgrade") if postgres else tmp_path / "old.db"
    app = make_app(database)
    stamp = datetime(2015, 3, 8, 9, 0)
    with app.app_context():
        upgrade(revision=FIRST)
        # The models describe the latest schema, so the old one is written with plain SQL.
        db.session.execute(
            text(
                "INSERT INTO news (id, status, published_at, created_at, updated_at) "
                "VALUES (1, 'published', :t, :t, :t)"
            ),
            {"t": stamp},
        )
        db.session.execute(
            text(
                "INSERT INTO news_translation (id, lang, title, slug, summary, body, body_html, "
                "updated_at, news_id) VALUES (1, 'ru', 'Старая новость', 'staraya-novost', "
                "'Кратко', 'Текст', '<p>Текст</p>', :t, 1)"
            ),
            {"t": stamp},
        )
        db.session.commit()
        db.engine.dispose()
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    page = get_page(client, "/ru/news/staraya-novost/")
    assert page.text("h1") == "Старая новость"
    assert page.text("div", class_="prose") == "Текст"
    assert "8 марта 2015" in page.text("time")
    found = get_page(client, "/ru/search/?q=старая")
    assert "Старая новость" in found.text("h2", class_="card-title")
    with app.app_context():
        versions = db.session.execute(text("SELECT version FROM news")).scalars().all()
        assert versions == [1]  # new columns got their defaults
        db.session.remove()
        db.engine.dispose()
    if postgres:
        postgres.drop("asti_upgrade")


def test_the_models_describe_the_schema_the_migrations_make(runner):
    """Autogenerate finds nothing to migrate: the models, the tables of texts they derive
    from their names included, say what the migrations made."""
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_an_items_photo_and_its_description_move_into_the_library(postgres, tmp_path):
    """0007: the description written per language for an item's photo becomes the photo's
    own description in that language, and the photo the first of the item's gallery."""
    database = postgres.create("asti_media") if postgres else tmp_path / "media.db"
    app = make_app(database)
    stamp = datetime(2020, 5, 1, 10, 0)
    with app.app_context():
        upgrade(revision="0006")
        for statement in (
            "INSERT INTO image (id, key, width, height, created_at) "
            "VALUES (7, '0123456789abcdef', 1600, 1200, :t)",
            "INSERT INTO news (id, status, published_at, created_at, updated_at, deleted_at, "
            "source_lang, version, image_id) VALUES (1, 'published', :t, :t, :t, NULL, 'ru', 1, 7)",
            "INSERT INTO news_translation (id, lang, title, slug, summary, body, body_html, "
            "image_alt, updated_at, news_id) VALUES (1, 'ru', 'Тренинг', 'trening', '', '', '', "
            "'Участники тренинга', :t, 1), "
            "(2, 'en', 'Training', 'training', '', '', '', '', :t, 1)",
        ):
            db.session.execute(text(statement), {"t": stamp})
        db.session.commit()
        upgrade()
        texts = db.session.execute(text("SELECT image_id, lang, alt FROM image_text")).all()
        assert [tuple(row) for row in texts] == [(7, "ru", "Участники тренинга")]
        photos = db.session.execute(text("SELECT news_id, image_id, position FROM news_photo"))
        assert [tuple(row) for row in photos] == [(1, 7, 0)]
        db.session.remove()
        db.engine.dispose()
    if postgres:
        postgres.drop("asti_media")
