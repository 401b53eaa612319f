"""The kinds of content of the site, one registry line each. Adding a kind takes a model
(``asti/models.py``), a form (``asti/editor/forms.py``), a blueprint with its public pages
(``asti/<kind>/``) and a line here: the editor, sitemap, feed and search read the rest
from the registry (``asti/registry.py``; docs/architecture.md tells the steps)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from . import news, pages, partners, programs, regions
from .editor.forms import NewsForm, PageForm, PartnerForm, ProgramForm, RegionForm
from .models import News, Page, Partner, Program, Region
from .registry import Kind, kinds

kinds.register(Kind(
    "news", News, NewsForm, news.bp, "news.detail", news.render_detail,
    lazy_pgettext("one news item", "News"), _l("News"), _l("New news item"),
    list_endpoint="news.index", feed=True,
))  # fmt: skip
kinds.register(Kind(
    "programs", Program, ProgramForm, programs.bp, "programs.detail", programs.render_detail,
    _l("Program"), _l("Programs"), _l("New program"), list_endpoint="programs.index",
))  # fmt: skip
kinds.register(Kind(
    "regions", Region, RegionForm, regions.bp, "regions.detail", regions.render_detail,
    _l("Region"), _l("Regions"), _l("New region"), list_endpoint="regions.index",
))  # fmt: skip
kinds.register(Kind(
    "pages", Page, PageForm, pages.bp, "pages.page", pages.render_detail, _l("Page"),
    _l("Pages"), _l("New page"),
))  # fmt: skip
kinds.register(Kind(
    "partners", Partner, PartnerForm, partners.bp, "partners.detail", partners.render_detail,
    _l("Partner or donor"), _l("Partners"), _l("New partner or donor"),
    list_endpoint="partners.index",
))  # fmt: skip
