"""The kinds of content, as the rest of the site reads them. Each kind is declared once,
in ``asti/kinds.py``; the editor (its URLs, forms, menus, preview and translation
matrix), the sitemap, the news feed, search and the page cache read this registry instead
of naming the kinds themselves."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask import Blueprint
from werkzeug.routing import BaseConverter, ValidationError


@dataclass(frozen=True, eq=False)  # compared, and hashed, as itself
class Kind:
    """A kind of content: what the site needs to know of it, besides its model."""

    #: Its name in editor URLs, revisions, the audit log, slug redirects and the search index.
    key: str
    #: The ``Publishable`` model (its texts: ``model.translation_class``).
    model: type
    #: The editor's form (an ``asti.editor.forms.ItemForm``).
    form: type
    #: The blueprint of its public pages, and the endpoint of an item's page.
    blueprint: Blueprint
    endpoint: str
    #: Renders an item's public page from an ``i18n.Localized``: the public view and the
    #: editor's preview call the same function, so both show exactly the same.
    render: Callable
    #: Names in the interface (lazy strings): "Program", "Programs", and the heading of a
    #: new one, "New program" (a whole phrase: the adjective agrees with the noun).
    singular: str
    plural: str
    new: str
    #: The public list of the kind, if it has one (the sitemap lists it too).
    list_endpoint: str | None = None
    sitemap: bool = True
    #: In the Atom feed of the latest news.
    feed: bool = False
    search: bool = True

    @property
    def translation_model(self) -> type:
        return self.model.translation_class


class Registry:
    """The kinds by key, in the order they were registered (the order of menus)."""

    def __init__(self):
        self._kinds: dict[str, Kind] = {}
        self._by_model: dict[type, Kind] = {}

    def register(self, kind: Kind) -> Kind:
        if kind.key in self._kinds or kind.model in self._by_model:
            raise ValueError(f"a kind {kind.key!r} or of {kind.model} is registered already")
        self._kinds[kind.key] = self._by_model[kind.model] = kind
        return kind

    def unregister(self, key: str) -> None:
        del self._by_model[self._kinds.pop(key).model]

    def __getitem__(self, key: str) -> Kind:
        return self._kinds[key]

    def __contains__(self, key: str) -> bool:
        return key in self._kinds

    def __iter__(self) -> Iterator[Kind]:
        return iter(list(self._kinds.values()))

    def of(self, item_or_model) -> Kind:
        """The kind of an item (or of a model)."""
        model = item_or_model if isinstance(item_or_model, type) else type(item_or_model)
        return self._by_model[model]

    def models(self, flag: str | None = None) -> list[type]:
        """The models of every kind, or of those where ``flag`` (sitemap, feed, search) is set."""
        return [k.model for k in self if flag is None or getattr(k, flag)]


kinds = Registry()


class KindConverter(BaseConverter):
    """``<kind:kind>`` in a URL: a registered kind's key, given to the view as its Kind."""

    regex = "[a-z]+"

    def to_python(self, value: str) -> Kind:
        if value not in kinds:
            raise ValidationError()
        return kinds[value]

    def to_url(self, value) -> str:
        return value.key if isinstance(value, Kind) else value
