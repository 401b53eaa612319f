"""A kind of content is declared once. A throwaway kind (leaflets), added in this module by
a model, a form, a blueprint and one registry line, and nowhere else, shows up in the
editor's menu, dashboard, form, preview and revisions, in the sitemap and in search."""

import re

import pytest
from flask import Blueprint, render_template_string
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from wtforms import IntegerField
from wtforms.validators import Optional

from asti.editor.forms import ItemForm
from asti.extensions import db
from asti.i18n import show_item_or_404
from asti.models import Photo, Publishable, Translation
from asti.registry import Kind, kinds
from tests.fixtures.html import get_page
from tests.fixtures.staff import create

LEAFLET_PAGE = """{% extends "base.html" %}
{% block title %}{{ shown.t.title }}{% endblock %}
{% block content %}<article><h1>{{ shown.t.title }}</h1>
<p class="copies">{{ shown.item.copies }} copies</p>{{ shown.t.body_html }}</article>
{% endblock %}"""


@pytest.fixture(scope="module")
def leaflets():
    """The kind, registered for this module's tests only (its tables leave the metadata
    afterwards, so other tests never see them)."""

    class Leaflet(Publishable, db.Model):
        copies: Mapped[int | None]

    class LeafletTranslation(Translation, db.Model):
        pass

    class LeafletPhoto(Photo, db.Model):
        pass

    class LeafletForm(ItemForm):
        copies = IntegerField("Copies printed", [Optional()])

    bp = Blueprint("leaflets", __name__, url_prefix="/<lang:lang>/leaflets")

    def render(shown):
        return render_template_string(LEAFLET_PAGE, shown=shown)

    @bp.get("/<slug:slug>/")
    def detail(slug):
        return render(show_item_or_404(Leaflet, slug))

    kind = kinds.register(
        Kind("leaflets", Leaflet, LeafletForm, bp, "leaflets.detail", render, "Leaflet",
             "Leaflets", "New leaflet")
    )  # fmt: skip
    yield kind
    kinds.unregister(kind.key)
    for model in (LeafletPhoto, LeafletTranslation, Leaflet):
        db.metadata.remove(model.__table__)


@pytest.fixture
def app(leaflets, app):
    """The usual app, made while leaflets are registered, with their tables."""
    model = leaflets.model
    tables = [model.__table__, model.translation_class.__table__, model.photo_class.__table__]
    with app.app_context():
        db.metadata.create_all(db.engine, tables=tables)
    return app


def test_a_kind_declared_once_is_everywhere(app, admin, client, leaflets):
    menu = get_page(admin, "/editor/").find("nav", class_="main-nav")[1]
    assert "Leaflets" in menu
    form = get_page(admin, "/editor/leaflets/new")
    assert form.find("input", name="copies")
    assert form.find("input", name="tg-title") and form.find("input", name="en-title")
    assert form.find("input", name="upload", type="file")  # its gallery

    item_id = create(
        admin,
        "leaflets",
        {"copies": "500", "tg-title": "Варақаи амният", "en-title": "A security leaflet",
         "en-body": "Where to turn for **help**."},
    )  # fmt: skip
    with app.app_context():
        stored = db.session.scalar(select(leaflets.model))
        assert (stored.id, stored.copies) == (item_id, 500)
        assert {lang: t.title for lang, t in stored.translations.items()} == {
            "tg": "Варақаи амният",
            "en": "A security leaflet",
        }
        slug = stored.translations["en"].slug

    dashboard = get_page(admin, "/editor/")
    assert f"/editor/leaflets/{item_id}" in {a["href"] for a, _ in dashboard.find_all("a")}
    assert "Leaflet A security leaflet" in dashboard.text("main")  # kind, title
    matrix = get_page(admin, "/editor/translations/")
    assert "Leaflet" in matrix.text("table", class_="matrix")

    preview = get_page(admin, f"/editor/leaflets/{item_id}/preview/en")
    assert preview.text("h1") == "A security leaflet"
    assert preview.text("p", class_="copies") == "500 copies"
    assert get_page(admin, f"/editor/leaflets/{item_id}/revisions/").find("a")

    public = get_page(client, f"/en/leaflets/{slug}/")
    assert public.text("h1") == "A security leaflet"
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert re.search(rf"<loc>http://localhost/en/leaflets/{slug}/</loc>", sitemap)
    assert re.search(r"<loc>http://localhost/tg/leaflets/[a-z0-9-]+/</loc>", sitemap)
    found = get_page(client, "/en/search/?q=security+leaflet")
    assert " ".join(found.find("h2", class_="card-title")[1].split()) == "A security leaflet"
    assert found.text("p", class_="meta") == "Leaflet"
