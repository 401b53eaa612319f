"""Alembic environment, driven by Flask-Migrate: the engine and models come from the app."""

import logging
from contextlib import nullcontext
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
# Keep the application's loggers alive when Alembic configures its own.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_ext = current_app.extensions["migrate"]
engine = migrate_ext.db.engine
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)
target_metadata = migrate_ext.db.metadata


def include_object(obj, name, type_, reflected, compare_to):
    # The search index is made by hand per database engine (FTS5 or tsvector), not from
    # the models: autogenerate must neither drop nor create it.
    return not (type_ == "table" and name.startswith("search_"))


def run_migrations_offline():
    """Emit SQL to stdout instead of running it (``flask db upgrade --sql``)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        # `flask db migrate` with no model change must not write an empty migration.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(migrate_ext.configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    # `copy-data` migrates another database than the app's, on its own connection and
    # inside its transaction (asti/copydata.py): that connection is used as it is.
    given = config.attributes.get("connection")
    with nullcontext(given) if given is not None else engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite's batch mode rebuilds a table and drops the old copy: with foreign keys
            # on, that drop would cascade-delete every row referring to it. The pragma only
            # works outside a transaction, hence on the driver's connection itself.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        conf_args.setdefault("include_object", include_object)
        context.configure(connection=connection, target_metadata=target_metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            driver = connection.connection.driver_connection
            broken = driver.execute("PRAGMA foreign_key_check").fetchall()
            driver.execute("PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"migration left rows with broken references: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
