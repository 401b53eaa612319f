"""Editing content: lists, one form per item with a section per language, preview,
trash, and the buttons that say what staff mean (Save draft, Preview, Publish, Unpublish).
Nothing typed is lost: a refused save shows the form again with the text as it was sent,
and a photo sent with it is kept."""

import re

from flask import (
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import (
    force_locale,
    get_locale,
    ngettext,
    refresh,
    to_user_timezone,
    to_utc,
)
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import NotFound

from ..config import LANGUAGES
from ..extensions import db
from ..i18n import localize, moment, negotiate, show
from ..images import ImageRejected
from ..models import DRAFT, LARGEST_ID, PUBLISHED, Image, Revision, utcnow
from ..registry import Kind, kinds
from . import bp
from .diff import words
from .media import store_uploads
from .records import apply, audit, item_columns, record, snapshot

PER_PAGE = 50

#: What the buttons of an item's form ask for (``action``). Without one, or with another
#: (a script, a browser that sends no button), a save keeps the item as public as it was.
DRAFT_ACTION, PUBLISH, UNPUBLISH, SAVE, BACK = "draft", "publish", "unpublish", "save", "edit"
ACTIONS = {DRAFT_ACTION, PUBLISH, UNPUBLISH, SAVE, BACK}


def get_item(kind: Kind, item_id: int, deleted: bool = False, lock: bool = False):
    """The item, or 404. ``lock`` holds its row until the save commits (PostgreSQL's
    SELECT ... FOR UPDATE; SQLite's BEGIN IMMEDIATE already does), so a second save of the
    same item waits, then sees the new version and gets the conflict page."""
    item = db.session.get(kind.model, item_id, with_for_update=lock, populate_existing=lock)
    if item is None or (item.deleted_at is not None) != deleted:
        raise NotFound()
    return item


def build_form(kind: Kind, item=None):
    """The item's form: bound to the POSTed data if any, else filled from the item."""
    data = {}
    if item is not None:
        data = {c.name: getattr(item, c.name) for c in item_columns(kind.model)}
        data["version"] = item.version
        if item.published_at is not None:
            data["published_at"] = to_user_timezone(item.published_at).replace(tzinfo=None)
        for field, relationship in kind.model.links.items():
            data[field] = [linked.id for linked in getattr(item, relationship)]
        fields = kind.translation_model.text_fields()
        for lang, t in item.translations.items():
            data[lang] = {name: getattr(t, name) for name in fields}
        data["photos"] = [photo_entry(p.image, n) for n, p in enumerate(item.photos, 1)]
        data["lead"] = item.image_id or ("none" if item.photos else None)
    form = kind.form(data=data)
    form.prepare(item, str(get_locale()))
    return form


def content_of(form, model) -> dict:
    """The form's content in the shape of a revision snapshot (see records.apply), its
    ``published_at`` being the date typed, if any."""
    data = {c.name: form[c.name].data for c in item_columns(model) if c.name in form}
    data["published_at"] = to_utc(form.published_at.data) if form.published_at.data else None
    for field in model.links:
        data[field] = form[field].data
    data["translations"] = {
        lang: section.form.content()
        for lang, section in form.sections()
        if section.form.is_filled()
    }
    data["photo_ids"] = gallery(form)
    data["image_id"] = lead(form, data["photo_ids"])
    return data


def gallery(form) -> list[int]:
    """The ids of the photos the form keeps, in the order its numbers give (a photo
    without a number stays where it was)."""
    kept = [
        (entry.position.data or index + 1, index, entry.image_id.data)
        for index, entry in enumerate(entry.form for entry in form.photos)
        if isinstance(entry.image_id.data, int) and not entry.remove.data
    ]
    ids = [image_id for _position, _index, image_id in sorted(kept)]
    return list(dict.fromkeys(ids))


def lead(form, photo_ids: list[int]) -> int | None:
    """The lead photo: the one chosen if it stays in the gallery, none if staff said so,
    else the gallery's first."""
    if form.lead.data == "none":
        return None
    if form.lead.data in photo_ids:
        return form.lead.data
    return photo_ids[0] if photo_ids else None


def write_photo_texts(form) -> None:
    """Put the descriptions, captions and credits typed for each photo into the library."""
    for entry in form.photos:
        image = db.session.get(Image, entry.form.image_id.data or 0)
        if image is not None:
            for lang, section in entry.form.texts():
                image.set_text(lang, **section.form.content())


def photo_entry(image, position: int) -> dict:
    """A photo of the gallery as its form's data: which, where, and its texts."""
    return {"image_id": image.id, "position": position, **image.text_values()}


def add_photo(form, image) -> None:
    """List ``image`` in the form's gallery, last, with its texts (once)."""
    if any(entry.form.image_id.data == image.id for entry in form.photos):
        return
    if len(form.photos) >= form.photos.max_entries:
        raise ImageRejected(
            ngettext(
                "A gallery holds at most %(num)s photo.",
                "A gallery holds at most %(num)s photos.",
                form.photos.max_entries,
            )
        )
    form.photos.append_entry(photo_entry(image, len(form.photos) + 1))


def take_photos(form, uploaded: list) -> bool:
    """List the photos this form brings (``uploaded``, stored from its files; numbers of the
    library) in its gallery, so that a form shown again keeps them; whether all were taken."""
    for image in uploaded:
        try:
            add_photo(form, image)
        except ImageRejected as error:
            form.upload.errors.append(f"{image.name}: {error.message}")
    taken = not form.upload.errors
    unknown = []
    for number in re.findall(r"\S+", (form.library.data or "").replace(",", " ")):
        known = number.isdecimal() and int(number) <= LARGEST_ID
        image = db.session.get(Image, int(number)) if known else None
        if image is None:
            unknown.append(number)
            continue
        try:
            add_photo(form, image)
        except ImageRejected as error:
            form.library.errors.append(error.message)
            taken = False
            break
    form.library.data = " ".join(unknown)  # what was taken is listed; the rest stays typed
    if unknown:
        form.library.errors.append(
            ngettext(
                "The library has no photo numbered %(numbers)s.",
                "The library has no photos numbered %(numbers)s.",
                len(unknown),
                numbers=", ".join(unknown),
            )
        )
        taken = False
    return taken


def checked(form) -> bool:
    """Validate the form and store the photos it brings, even when the rest is refused, so
    that the form shown again lists them and nobody chooses the same files twice."""
    valid = form.validate()
    uploaded = store_uploads(form.upload)
    valid = take_photos(form, uploaded) and valid
    if uploaded or not valid:
        # The photos only (nothing else has changed): kept whatever comes next, a refusal
        # or a conflict with someone else's save, which rolls back.
        db.session.commit()
    return valid


def later_date(form):
    """The date typed in the form (in UTC) if it is still to come: Publish then schedules
    the item, and its button says when."""
    typed = to_utc(form.published_at.data) if form.published_at.data else None
    return typed if typed is not None and typed > utcnow() else None


def edit_page(kind, form, item=None, status=200, theirs=None):
    ids = [entry.form.image_id.data for entry in form.photos]
    images = {i.id: i for i in db.session.scalars(select(Image).where(Image.id.in_(ids)))}
    return render_template(
        "editor/edit.html",
        kind=kind,
        form=form,
        item=item,
        theirs=theirs,
        images=images,
        original_changes=original_changes,
        public=item is not None and item.status == PUBLISHED,
        later=later_date(form),
    ), status


def conflict(kind, form, item):
    """Someone saved in between: show both versions, keep what this person typed, and let
    the next save (now against the latest version) go through knowingly."""
    db.session.rollback()
    db.session.refresh(item)
    form.version.data = str(item.version)
    form.form_errors.append(
        _("Someone else saved this item while you were editing it. Your text is kept in the "
          "form; their version is shown beside each language. Combine them and save again.")
    )  # fmt: skip
    return edit_page(kind, form, item, 409, theirs=snapshot(item))


def refused_form(kind: Kind, item_id: int | None = None):
    """The form as it was sent, when its CSRF token was refused: nothing is saved."""
    item = get_item(kind, item_id) if item_id is not None else None
    form = build_form(kind, item)
    form.form_errors.append(
        _("Your session's security check failed, so nothing was saved. Your text is kept "
          "below: check it and save again.")
    )  # fmt: skip
    return edit_page(kind, form, item, 400)


def publication(data: dict, item, action: str) -> tuple[str, object]:
    """The status and publication date a save leaves: Publish dates the item with the
    time typed, else the first publication's, else now; a draft keeps only a typed date."""
    public = action == PUBLISH or (action == SAVE and item is not None and item.status == PUBLISHED)
    typed = data["published_at"]
    kept = item.published_at if item is not None else None
    if typed is not None and kept is not None and typed == kept.replace(second=0, microsecond=0):
        typed = kept  # the form shows minutes: the same minute is the stored date, unchanged
    if not public:
        return DRAFT, typed
    return PUBLISHED, typed or kept or utcnow()


def saved_message(item, action: str) -> Markup:
    """What a save did, with a link to the public page when readers can see it."""
    if item.status == DRAFT:
        text = (
            _("Unpublished: readers no longer see it.")
            if action == UNPUBLISH
            else _("Draft saved. Readers do not see it.")
        )
        return Markup("{}").format(text)
    if item.is_scheduled:
        when = moment(item.published_at)
        return Markup("{}").format(_("Scheduled: it appears on the site on %(when)s.", when=when))
    text = _("Published.") if action == PUBLISH else _("Saved.")
    url = localize(item, str(get_locale())).url
    return Markup('{} <a href="{}">{}</a>').format(text, url, _("See it on the site"))


def save(kind: Kind, item=None):
    """Create or update an item from its form."""
    model = kind.model
    form = build_form(kind, item)
    if request.method != "POST":
        return edit_page(kind, form, item)
    action = request.form.get("action")
    if action not in ACTIONS:
        action = SAVE
    if action == BACK:  # from the preview: the form as it was sent, nothing saved
        return edit_page(kind, form, item)
    if not checked(form):
        return edit_page(kind, form, item, 400)
    if item is not None and not db.session().in_transaction():
        # Held again, as it is now: committing the photos let it go.
        db.session.refresh(item, with_for_update=True)
    if item is not None and form.version.data != str(item.version):
        return conflict(kind, form, item)
    data = content_of(form, model)
    data["status"], data["published_at"] = publication(data, item, action)
    created = item is None
    if created:
        item = model(source_lang=next(iter(data["translations"])))
        db.session.add(item)
    try:
        write_photo_texts(form)
        apply(item, data)
        for lang, section in form.sections():
            if section.form.confirm.data and lang in item.translations:
                item.translations[lang].updated_at = utcnow()
        if not created:
            item.updated_at = utcnow()  # every save bumps the version, even text-only ones
        verb = {PUBLISH: "published", UNPUBLISH: "unpublished"}.get(action, "saved")
        record(item, "created" if created else verb)
        db.session.commit()
    except StaleDataError:
        return conflict(kind, form, item)
    flash(saved_message(item, action))
    return redirect(url_for("editor.edit", kind=kind, item_id=item.id))


def original_changes(item, lang: str) -> dict[str, Markup]:
    """What changed in the original's text since the translation in ``lang`` was last
    saved, field by field as a word diff: what a translator has to bring over. Empty when
    no revision tells what the original said then."""
    translation, source = item.translations.get(lang), item.source
    if translation is None or source is None or translation is source:
        return {}
    # The save that last touched the translation recorded the original as it was then.
    then = db.session.scalar(
        select(Revision)
        .where(
            Revision.kind == kinds.of(item).key,
            Revision.item_id == item.id,
            Revision.created_at >= translation.updated_at,
        )
        .order_by(Revision.created_at, Revision.id)
        .limit(1)
    )
    old = then.data["translations"].get(source.lang) if then is not None else None
    if old is None:
        return {}
    fields = type(translation).text_fields()
    return {
        name: words(old.get(name) or "", getattr(source, name) or "")
        for name in fields
        if (old.get(name) or "") != (getattr(source, name) or "")
    }


@bp.get("/<kind:kind>/")
def items(kind):
    """All items of one kind, undated drafts first."""
    model = kind.model
    query = model.live().order_by(model.published_at.desc().nulls_first(), model.id.desc())
    pagination = db.paginate(query, per_page=PER_PAGE)
    return render_template("editor/items.html", kind=kind, pagination=pagination)


@bp.route("/<kind:kind>/new", methods=["GET", "POST"])
def create(kind):
    """A new item."""
    return save(kind)


@bp.route("/<kind:kind>/<int:item_id>", methods=["GET", "POST"])
def edit(kind, item_id):
    """Edit an item in all its languages."""
    return save(kind, get_item(kind, item_id, lock=request.method == "POST"))


def previewing(kind: Kind, item, code: str, form=None):
    """Render ``item``'s public page in ``code`` under a bar in the editor's language that
    says it is not public and leads back to the form; the page's language links lead to
    the same preview in another language."""
    editor_lang = negotiate()  # the page's own language (g.lang) is the previewed one
    if item.published_at is None:  # an undated draft, shown as if published now (the
        item.published_at = utcnow()  # callers roll back: a preview stores nothing)
    g.lang, g.preview = code, True
    refresh()  # the locale may have been read already, in the editor's language
    shown = show(item)
    g.alternates = {
        lang: url_for(request.endpoint, **{**request.view_args, "code": lang}) for lang in LANGUAGES
    }
    with force_locale(editor_lang):
        g.preview_banner = Markup(
            render_template(
                "editor/preview_banner.html",
                kind=kind,
                item=item,
                form=form,
                public=item.status == PUBLISHED,
                editor_lang=editor_lang,
            )
        )
    return kind.render(shown)


@bp.get("/<kind:kind>/<int:item_id>/preview/<code>")
def preview(kind, item_id, code):
    """The public page of the item as saved, draft or not, exactly as readers will see it."""
    if code not in LANGUAGES:
        raise NotFound()
    item = get_item(kind, item_id)
    try:
        return previewing(kind, item, code)
    finally:
        db.session.rollback()  # a preview never changes anything


@bp.post("/<kind:kind>/new/preview", defaults={"item_id": None, "code": None})
@bp.post("/<kind:kind>/new/preview/<code>", defaults={"item_id": None})
@bp.post("/<kind:kind>/<int:item_id>/preview", defaults={"code": None})
@bp.post("/<kind:kind>/<int:item_id>/preview/<code>")
def preview_form(kind, item_id, code):
    """The public page as the form's text would make it, saving nothing: the item is built
    in a transaction that is rolled back once the page is rendered."""
    saved = get_item(kind, item_id) if item_id is not None else None
    form = build_form(kind, saved)
    if not checked(form):
        return edit_page(kind, form, saved, 400)
    data = content_of(form, kind.model)
    filled = list(data["translations"])
    if code not in LANGUAGES:
        editor_lang = str(get_locale())
        code = editor_lang if editor_lang in filled else filled[0]
    item = saved or kind.model(source_lang=filled[0])
    db.session.add(item)
    data["status"] = item.status if saved else DRAFT
    data["published_at"] = data["published_at"] or item.published_at
    try:
        write_photo_texts(form)
        apply(item, data)
        db.session.flush()
        return previewing(kind, item, code, form)
    finally:
        db.session.rollback()


@bp.get("/<kind:kind>/<int:item_id>/delete")
def confirm_delete(kind, item_id):
    """Moving to the trash asks first, on a page of its own (no script needed)."""
    item = get_item(kind, item_id)
    return render_template("editor/delete.html", kind=kind, item=item)


@bp.post("/<kind:kind>/<int:item_id>/delete")
def delete(kind, item_id):
    """Move an item to the trash."""
    item = get_item(kind, item_id)
    item.deleted_at = utcnow()
    audit("deleted", item)
    db.session.commit()
    flash(_("Moved to the trash. It can be restored from there."))
    return redirect(url_for("editor.items", kind=kind))


@bp.get("/trash/")
def trash():
    """Deleted items, newest deletion first."""
    rows = []
    for kind in kinds:
        model = kind.model
        query = select(model).where(model.deleted_at.is_not(None))
        rows += [(kind, item) for item in db.session.scalars(query)]
    rows.sort(key=lambda row: row[1].deleted_at, reverse=True)
    return render_template("editor/trash.html", rows=rows)


@bp.post("/trash/<kind:kind>/<int:item_id>/restore")
def untrash(kind, item_id):
    """Take an item out of the trash."""
    item = get_item(kind, item_id, deleted=True)
    item.deleted_at = None
    audit("restored from trash", item)
    db.session.commit()
    flash(_("Restored."))
    return redirect(url_for("editor.edit", kind=kind, item_id=item.id))
