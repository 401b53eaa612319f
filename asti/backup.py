"""Backups: the database (SQLite's online backup API, or pg_dump) and the uploaded images,
into one folder; restore puts both back. Safe while the site runs."""

import json
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

MANIFEST = "backup.json"
SQLITE_FILE = "asti.db"
POSTGRES_FILE = "asti.dump"
MEDIA = "media"


def _libpq_url(url) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore read it (without the driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def backup(database_url: str, media: Path, folder: Path) -> dict:
    """Write a backup of the database and the media folder into ``folder`` (new or empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty: choose a new folder for each backup")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(folder / SQLITE_FILE)
        try:
            source.backup(target)  # a consistent copy, even while workers write
        finally:
            target.close()
            source.close()
        database = SQLITE_FILE
    else:
        with (folder / POSTGRES_FILE).open("wb") as out:
            subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", _libpq_url(url)],
                stdout=out,
                check=True,
            )
        database = POSTGRES_FILE
    if media.is_dir():
        shutil.copytree(media, folder / MEDIA)
    manifest = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": url.get_backend_name(),
        "database": database,
        "media": media.is_dir(),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(database_url: str, media: Path, folder: Path) -> dict:
    """Replace the database and the media folder by the backup in ``folder``."""
    manifest = json.loads((folder / MANIFEST).read_text())
    url = make_url(database_url)
    if manifest["engine"] != url.get_backend_name():
        raise ValueError(
            f"this backup is of a {manifest['engine']} database, not {url.get_backend_name()}"
        )
    if manifest["engine"] == "sqlite":
        source = sqlite3.connect(folder / manifest["database"])
        target = sqlite3.connect(url.database)
        try:
            source.backup(target)  # page by page into the live file, under its locks
        finally:
            target.close()
            source.close()
    else:
        subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
             "--dbname", _libpq_url(url), str(folder / manifest["database"])],
            check=True,
        )  # fmt: skip
    if manifest["media"]:
        staging = media.with_name(media.name + ".restoring")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(folder / MEDIA, staging)
        shutil.rmtree(media, ignore_errors=True)
        staging.rename(media)
    return manifest
