"""The benchmark's bare Flask app (bench/baseline.py) renders the site's own templates, with
plain stand-ins for what the site gives them: for the same article, the site's HTML."""

import json

from flask import g
from sqlalchemy import select

from asti.extensions import db
from asti.i18n import localize
from asti.models import News
from bench import baseline


def english_addresses(app) -> list[str]:
    """Every news item's address in English: translated items, and fallbacks."""
    with app.test_request_context("/en/"):
        g.lang = "en"
        return [localize(news).url for news in db.session.scalars(select(News).order_by(News.id))]


def test_baseline_renders_the_sites_article_page(app, client):
    """Each demo article, read off the site into the baseline's data, comes out of the bare
    app byte for byte as the site sends it (a fallback among them)."""
    fallbacks = 0
    for path in english_addresses(app):
        data = baseline.snapshot(app, path)
        fallbacks += data["shown"]["is_fallback"]
        bare = baseline.create_app(json.loads(json.dumps(data))).test_client().get(path)
        assert bare.status_code == 200, path
        assert bare.get_data(as_text=True) == client.get(path).get_data(as_text=True), path
    assert fallbacks


def test_baseline_serves_its_data():
    """What the benchmark runs: the committed data at any article address, and hello world."""
    data = json.loads(baseline.DATA.read_text(encoding="utf-8"))
    client = baseline.app.test_client()
    page = client.get("/en/news/any-address/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"<h1>{data['shown']['t']['title']}</h1>" in html
    assert html.count('<li class="card">') == len(data["others"]) == 5
    assert client.get("/hello").get_data(as_text=True) == "Hello, World!"
