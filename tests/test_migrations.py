"""Migrations are the only way the schema changes: a database made by the first one is
brought to the latest with its content intact (on SQLite, and on PostgreSQL in CI)."""

from datetime import datetime

from flask_migrate import upgrade
from sqlalchemy import text

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
