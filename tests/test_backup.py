"""`flask backup` and `flask restore`: a round trip brings back every row and every image."""

import os
import re
import time
from pathlib import Path

from sqlalchemy import select

from asti.extensions import db
from asti.models import Image, News, NewsTranslation
from tests.fixtures.items import all_rows
from tests.fixtures.pagetypes import GALLERY_PHOTOS, add_gallery_article


def test_backup_and_restore_round_trip(app, runner, client, tmp_path):
    """Back up, damage the site (rows, a title, an image), restore: all as it was."""
    media = Path(app.instance_path) / "media" / "0123456789abcdef"
    media.mkdir(parents=True)
    (media / "480.webp").write_bytes(b"RIFF....WEBPVP8 image bytes")
    before = all_rows(app)

    result = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "backup" / "backup.json").exists()

    with app.app_context():
        news = db.session.scalars(select(News)).all()
        db.session.delete(news[0])
        news[1].set_translation("ru", "Испорчено")
        db.session.commit()
    (media / "480.webp").unlink()
    assert all_rows(app) != before

    result = runner.invoke(args=["restore", str(tmp_path / "backup"), "--yes"])
    assert result.exit_code == 0, result.output
    assert all_rows(app) == before
    assert (media / "480.webp").read_bytes() == b"RIFF....WEBPVP8 image bytes"
    with app.app_context():
        slug = db.session.scalar(select(NewsTranslation.slug).where(NewsTranslation.lang == "ru"))
    assert client.get(f"/ru/news/{slug}/").status_code == 200


def test_backup_refuses_a_used_folder(runner, tmp_path):
    """A backup never overwrites another one."""
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "backup.json").write_text("{}")
    result = runner.invoke(args=["backup", str(tmp_path / "old")])
    assert result.exit_code != 0 and "not empty" in result.output


def test_restore_asks_first(runner, tmp_path):
    """Without --yes, restore asks before replacing everything; "no" changes nothing."""
    assert runner.invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    result = runner.invoke(args=["restore", str(tmp_path / "b")], input="n\n")
    assert result.exit_code != 0 and "Continue?" in result.output


def test_the_photo_library_comes_back_with_a_restore(app, runner, client, tmp_path):
    """Photos, their texts in each language, galleries and the files: a photo deleted from
    the library after the backup (and pruned from disk) is back, in its place."""
    urls = add_gallery_article(app)
    before = all_rows(app)
    assert runner.invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 0
    with app.app_context():
        image = db.session.scalars(select(Image).order_by(Image.id)).first()
        key = image.key
        db.session.delete(image)
        db.session.commit()
    folder = Path(app.instance_path) / "media" / key
    for path in [folder, *folder.iterdir()]:  # uploaded hours ago (a new one is kept)
        os.utime(path, (time.time() - 7200,) * 2)
    assert runner.invoke(args=["prune-media"]).exit_code == 0
    assert not (Path(app.instance_path) / "media" / key).exists()

    result = runner.invoke(args=["restore", str(tmp_path / "backup"), "--yes"])
    assert result.exit_code == 0, result.output
    assert all_rows(app) == before
    page = client.get(urls["ru"]).text
    gallery = page[page.index('class="gallery"') :]
    thumbnails = re.findall(r'<img [^>]*src="([^"]+)"', gallery)
    assert len(thumbnails) == GALLERY_PHOTOS and "День 1 форума" in gallery
    for url in thumbnails:
        with client.get(url) as response:
            assert response.status_code == 200, url
