"""Static files: served by WhiteNoise, under names that carry a hash of their content
(``css/site.3f2a1b9c0d.css``), so browsers and proxies may keep them forever and a new
version is a new name. No build step: the names are computed when the app starts."""

import hashlib
from pathlib import Path

from whitenoise import WhiteNoise

HASH_LENGTH = 10
#: Pre-compressed copies made by ``python -m whitenoise.compress``, served by WhiteNoise
#: to browsers that accept them, never named on their own.
COMPRESSED = {".gz", ".br"}


def fingerprints(folder: Path) -> dict[str, str]:
    """Each static file's path (relative, with /) and its name with a content hash."""
    names = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix in COMPRESSED:
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
        name = path.relative_to(folder).as_posix()
        stem, dot, suffix = name.rpartition(".")
        names[name] = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
    return names


class StaticFiles(WhiteNoise):
    """WhiteNoise with every file also reachable under its hashed name, cached forever."""

    def __init__(self, app, folder: Path, prefix: str, names: dict[str, str]):
        self.hashed_urls = {f"/{prefix}/{hashed}" for hashed in names.values()}
        super().__init__(app, root=folder, prefix=prefix)
        for name, hashed in names.items():
            self.add_file_to_dictionary(f"/{prefix}/{hashed}", str(folder / name))

    def immutable_file_test(self, path, url):
        return url in self.hashed_urls


def init_app(app) -> None:
    """Make ``url_for('static')`` use hashed names (not in debug mode, where a changed file
    must show at once)."""
    names = {} if app.debug else fingerprints(Path(app.static_folder))
    app.extensions["asti.static_names"] = names

    @app.url_defaults
    def hashed_static(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = names.get(values["filename"], values["filename"])


def layer(app, inner):
    """Static files, served by WhiteNoise around ``inner``: they never reach the layers below."""
    folder = Path(app.static_folder)
    names = app.extensions["asti.static_names"]
    return StaticFiles(inner, folder, app.static_url_path.strip("/"), names)
