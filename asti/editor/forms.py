"""Editor forms. An item form has the shared fields and one section per language."""

import re

from flask import current_app
from flask_babel import get_translations, lazy_pgettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from sqlalchemy import select
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.exceptions import HTTPException
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    FieldList,
    FileField,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from ..config import LANGUAGES
from ..extensions import db
from ..i18n import ENDONYMS, localize
from ..images import limits_hint
from ..models import (
    COUNTRIES,
    LARGEST_ID,
    MIN_PASSWORD,
    REGION_KINDS,
    ROLES,
    SLUG_MAX,
    ImageText,
    Page,
    Program,
    Region,
    email_address,
    picture,
)
from ..regions.map import EAST, NORTH, SOUTH, WEST
from ..text import foreign_images

MARKDOWN_HELP = _l(
    "Markdown: **bold**, *italic*, [link](https://…), a line starting with - for a list; an "
    "empty line starts a new paragraph. More examples under “Formatting help”."
)


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class Messages:
    """WTForms' own messages ("This field is required.") in the interface language, from the
    site's catalogs: WTForms has no Tajik catalog, and its Russian one is not ours to correct.
    ``flask --app asti translate update`` copies its messages into our catalogs."""

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


MESSAGES = Messages()


class FormMeta:
    """The meta of every editor form and sub-form: WTForms' messages in the interface
    language, and NUL characters removed from every field (they mean nothing in text, and
    PostgreSQL cannot store them)."""

    def get_translations(self, form):
        return MESSAGES

    def wrap_formdata(self, form, formdata):
        formdata = super().wrap_formdata(form, formdata)
        if isinstance(formdata, CombinedMultiDict):
            # Only file fields take files: a text field sent as a file part (as some
            # scanners do) stays missing text, and never reaches a validator as a file.
            files, fields = formdata.dicts[0], formdata.dicts[1:]
            wanted = {field.name for field in form if isinstance(field, FileField)}
            uploads = MultiDict([(k, v) for k, v in files.items(multi=True) if k in wanted])
            formdata = CombinedMultiDict([uploads, *fields])
        return formdata

    def bind_field(self, form, unbound_field, options):
        if unbound_field.field_class not in (FormField, FieldList):  # they take no filters
            filters = [*unbound_field.kwargs.get("filters", ()), _without_nul]
            options = {**options, "filters": filters}
        return unbound_field.bind(form=form, **options)


class SafeForm(FlaskForm):
    Meta = FormMeta


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


#: The first option of a select that may name nothing.
NONE = [(None, "—")]


def titled(model, lang: str, *where) -> list[tuple[int, str]]:
    """Choices for a select: the items of ``model`` not in the trash, each titled in the
    editor's language ``lang`` (or a fallback)."""
    items = db.session.scalars(model.live().where(*where))
    return [(i.id, localize(i, lang).t.title) for i in items if i.translations]


def picture_refused(address: str) -> str:
    """Why a picture in a text cannot be shown, and what to do instead."""
    if address.startswith("media:"):
        return _l(
            "There is no photo %(reference)s in the photo library. Copy the snippet shown "
            "beside the photo, under Photos or in the library.",
            reference=address,
        )
    return _l(
        "The picture %(address)s is on another site, and the site shows only its own "
        "photos (pictures from elsewhere can disappear or track readers). Save the picture, "
        "add it under Photos, and paste the snippet shown beside it, such as "
        "![description](media:12).",
        address=address,
    )


class TranslationForm(Form):
    """One language's text. Left empty, the item simply has no text in that language."""

    Meta = FormMeta

    title = StringField(_l("Title"), [Length(max=300)])
    slug = StringField(
        _l("Address"),
        [Length(max=SLUG_MAX)],
        description=_l("The last part of the page's address; made from the title if empty."),
    )
    summary = TextAreaField(_l("Summary"), [Length(max=1000)])
    body = TextAreaField(_l("Text"), [Length(max=200_000)], description=MARKDOWN_HELP)
    confirm = BooleanField(_l("This translation matches the current original"))

    #: Fields whose content makes the language "filled".
    text_fields = ("title", "slug", "summary", "body")

    #: Fields written in Markdown, which may show photos.
    markdown_fields = ("body",)

    def is_filled(self) -> bool:
        return any((self[name].data or "").strip() for name in self.text_fields)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for name in self.markdown_fields:
            field = self[name]
            for address in foreign_images(field.data or "", picture):
                field.errors.append(picture_refused(address))
                valid = False
        return valid

    def validate_title(self, field):
        if self.is_filled() and not (field.data or "").strip():
            raise ValidationError(_l("A title is needed for this language."))

    def content(self) -> dict:
        # Browsers send line breaks as CRLF; stored text uses LF, so an unchanged form
        # must not look like a change (it would mark translations outdated).
        return {
            name: (self[name].data or "").replace("\r\n", "\n").strip() for name in self.text_fields
        }


class ProgramTranslationForm(TranslationForm):
    donor = StringField(_l("Donor"), [Length(max=300)])
    partners = StringField(_l("Partners"), [Length(max=500)])
    goals = TextAreaField(_l("Goals"), [Length(max=20_000)], description=MARKDOWN_HELP)
    results = TextAreaField(_l("Results"), [Length(max=20_000)], description=MARKDOWN_HELP)

    text_fields = (*TranslationForm.text_fields, "donor", "partners", "goals", "results")
    markdown_fields = ("body", "goals", "results")


#: What the file chooser offers: pictures, and the HEIC files of iPhones, which some
#: browsers do not count as pictures.
ACCEPT = "image/*,.heic,.heif"
ADDED_WHEN_SAVED = _l(
    "Choose several at once if you like. They are added when you save or preview; then "
    "you can describe them and change their order."
)


def upload_limits() -> str:
    """The hint under a field that takes photos: the formats and limits of this site."""
    config = current_app.config
    return limits_hint(config["MAX_IMAGE_BYTES"], config["MAX_IMAGE_PIXELS"])


def _id(value):
    """An id from a hidden field: a number, or None if it cannot be one."""
    if isinstance(value, str) and value.isdecimal() and int(value) <= LARGEST_ID:
        return int(value)
    return value if isinstance(value, int) else None


def _lead(value):
    """The lead photo's radio button: an id, or ``none`` (no lead photo)."""
    return "none" if value == "none" else _id(value)


class PhotoTextForm(Form):
    """What a photo shows, its caption and its credit, in one language. They belong to
    the photo of the library: the same photo in another item says the same."""

    Meta = FormMeta

    alt = StringField(
        _l("Description"),
        [Length(max=300)],
        description=_l("What the photo shows, for readers who cannot see it."),
    )
    caption = StringField(_l("Caption"), [Length(max=1000)])
    credit = StringField(_l("Credit"), [Length(max=300)], description=_l("Who took the photo."))

    def content(self) -> dict:
        return {name: (self[name].data or "").strip() for name in ImageText.FIELDS}


class PhotoTexts:
    """A form with a photo's texts in each language: a ``PhotoTextForm`` per language."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for lang in LANGUAGES:
            setattr(cls, lang, FormField(PhotoTextForm, label=ENDONYMS[lang]))

    def texts(self):
        return [(lang, self[lang]) for lang in LANGUAGES]


class PhotoForm(PhotoTexts, Form):
    """One photo of the item's gallery: its place, whether it stays, and its texts."""

    Meta = FormMeta

    image_id = HiddenField(filters=[_id])
    position = IntegerField(_l("Order"), [Optional(), NumberRange(1, 10_000)])
    remove = BooleanField(_l("Remove from this item"))


class PhotoTextsForm(PhotoTexts, SafeForm):
    """A photo's description, caption and credit, on its page in the library."""


class ItemForm(SafeForm):
    """Fields every content type shares."""

    translation_form = TranslationForm
    version = HiddenField()
    # Whether an item is public is not a field: the buttons say it (Save draft, Publish,
    # Unpublish), so publishing is one press, not a select to change and a save.
    published_at = DateTimeLocalField(
        _l("Publication date"),
        [Optional()],
        format="%Y-%m-%dT%H:%M",
        description=_l("Empty: the moment you press Publish. A later date and time "
                       "schedules the publication: the item appears then."),
    )  # fmt: skip
    #: The gallery, in order. A photo uploaded with this form is stored at once and listed
    #: here, so a form shown again (refused, or back from the preview) keeps it.
    photos = FieldList(FormField(PhotoForm), max_entries=200)
    #: The lead photo's id, or ``none``; without a choice, the gallery's first photo.
    lead = HiddenField(filters=[_lead])
    upload = MultipleFileField(_l("Add photos"), render_kw={"accept": ACCEPT})
    library = StringField(
        _l("Add photos from the library"),
        [Length(max=1000)],
        description=_l("Their numbers in the library, for example 12, 15."),
    )

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for lang in LANGUAGES:
            setattr(cls, lang, FormField(cls.translation_form, label=ENDONYMS[lang]))

    #: The item being edited (None for a new one).
    item_id = None

    def prepare(self, item, lang: str) -> None:
        """Made for ``item`` (None: a new one): fill what depends on the database, such as
        the choices of a select, titled in the editor's language ``lang``."""
        self.item_id = item.id if item is not None else None
        self.upload.description = f"{ADDED_WHEN_SAVED} {upload_limits()}"

    def sections(self):
        return [(lang, self[lang]) for lang in LANGUAGES]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not any(section.form.is_filled() for _, section in self.sections()):
            self.form_errors.append(_l("Fill in at least one language."))
            valid = False
        return valid


def _id_or_none(value):
    return int(value) if value not in (None, "", "None") else None


class RegionsField(SelectMultipleField):
    """Regions as checkboxes grouped under their oblast (a long multiple select needs
    Ctrl+click, which few staff know). ``tree`` is what the template draws."""

    model = Region
    #: What the field says when there is nothing to choose.
    empty = _l("No regions yet.")

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=int, **kwargs)
        self.tree = []

    def prepare(self, lang: str) -> None:
        items = list(db.session.scalars(self.model.live()))
        titles = {x.id: localize(x, lang).t.title for x in items if x.translations}
        items = [x for x in items if x.id in titles]
        self.choices = options(titles.items())
        self.titles = titles
        self.tree = self.arrange(items)

    def arrange(self, items):
        return Region.tree(items)


class ProgramsField(RegionsField):
    """Programs as checkboxes, in the order of their titles."""

    model = Program
    empty = _l("No programs yet.")

    def arrange(self, items):
        return [(p, []) for p in sorted(items, key=lambda p: self.titles[p.id].casefold())]


class NewsForm(ItemForm):
    program_id = SelectField(_l("Program"), coerce=_id_or_none, validate_choice=True)
    region_ids = RegionsField(_l("Regions"))

    def prepare(self, item, lang):
        super().prepare(item, lang)
        self.program_id.choices = options(NONE + titled(Program, lang))
        self.region_ids.prepare(lang)


class ProgramForm(ItemForm):
    translation_form = ProgramTranslationForm
    is_current = BooleanField(_l("Current program"))
    start_date = DateField(_l("Start"), [Optional()])
    end_date = DateField(_l("End"), [Optional()])
    region_ids = RegionsField(_l("Target regions"))

    def prepare(self, item, lang):
        super().prepare(item, lang)
        self.region_ids.prepare(lang)

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end cannot be before the start."))


class PartnerForm(ItemForm):
    website = StringField(
        _l("Website"),
        [Optional(), Length(max=500),
         Regexp(r"^https?://[^\s/]+\.[^\s]+$",
                message=_l("Give the whole address, starting with https://"))],
        description=_l("For example https://www.saferworld.org.uk"),
        filters=[lambda value: value.strip() if value else value],
    )  # fmt: skip
    program_ids = ProgramsField(_l("Programs"))

    def prepare(self, item, lang):
        super().prepare(item, lang)
        self.program_ids.prepare(lang)


class CoordinateField(FloatField):
    """Degrees as a number, typed with a decimal point or a comma (as Russian has it)."""

    def process_formdata(self, valuelist):
        value = str(valuelist[0]).strip().replace(",", ".") if valuelist else ""
        if not value:
            self.data = None  # empty: no point, and no complaint
            return
        super().process_formdata([value])

    def pre_validate(self, form):
        # A value that is no number has its message: a range message on top would confuse.
        if self.process_errors:
            raise StopValidation()


# The map of the regions page covers a fixed box: a point outside it could not be shown,
# so it is refused here rather than silently left off the map.
def latitude_field(description) -> CoordinateField:
    return CoordinateField(
        _l("Latitude (degrees north)"),
        [Optional(), NumberRange(SOUTH, NORTH,
                                 message=_l("The map shows latitudes from %(min)s to %(max)s."))],
        invalid_value_message=_l("Enter a number, for example 40.28."),
        description=description,
        render_kw={"min": SOUTH, "max": NORTH},
    )  # fmt: skip


def longitude_field() -> CoordinateField:
    return CoordinateField(
        _l("Longitude (degrees east)"),
        [Optional(), NumberRange(WEST, EAST,
                                 message=_l("The map shows longitudes from %(min)s to %(max)s."))],
        invalid_value_message=_l("Enter a number, for example 69.62."),
        render_kw={"min": WEST, "max": EAST},
    )  # fmt: skip


def one_point(form) -> bool:
    """One number alone is no point on the map: say so instead of dropping it."""
    valid = True
    for field, other in ((form.latitude, form.longitude), (form.longitude, form.latitude)):
        if field.data is None and not field.errors and other.data is not None:
            field.errors.append(_l("Give both the latitude and the longitude, or neither."))
            valid = False
    return valid


class RegionForm(ItemForm):
    kind = SelectField(_l("Kind"), choices=options(REGION_KINDS.items()))
    country = SelectField(_l("Country"), choices=options(COUNTRIES.items()))
    parent_id = SelectField(_l("Part of"), coerce=_id_or_none)

    def prepare(self, item, lang):
        super().prepare(item, lang)
        self.parent_id.choices = options(NONE + titled(Region, lang, Region.id != self.item_id))

    def validate_parent_id(self, field):
        # A region inside one of its own sub-regions would make the tree a loop.
        node = db.session.get(Region, field.data) if field.data else None
        seen = set()
        while node is not None and node.id not in seen:
            if node.id == self.item_id:
                raise ValidationError(_l("A region cannot be part of itself."))
            seen.add(node.id)
            node = node.parent

    position = IntegerField(
        _l("Order in the list"),
        [Optional(), NumberRange(0, 10_000)],
        default=0,
        filters=[lambda value: 0 if value is None else value],
    )
    latitude = latitude_field(
        _l("Where the map of the regions marks the place, for example 40.28 and 69.62 for "
           "Khujand; for a region (oblast), where its name is written. Leave both empty to "
           "keep the place off the map.")
    )  # fmt: skip
    longitude = longitude_field()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return one_point(self) and valid


class PageForm(ItemForm):
    key = StringField(
        _l("Key"),
        [DataRequired(), Length(max=40),
         Regexp(r"^[a-z0-9-]+$", message=_l("Use a-z, 0-9 and -."))],
        description=_l("The page's address in every language, for example about."),
    )  # fmt: skip

    def validate_key(self, field):
        # /<lang>/<key>/ must not be an address the site already uses, such as news.
        try:
            endpoint, _args = current_app.url_map.bind("").match(f"/en/{field.data}/")
        except HTTPException:
            endpoint = None
        other = db.session.scalar(select(Page.id).where(Page.key == field.data))
        if endpoint != "pages.page" or other not in (None, self.item_id):
            raise ValidationError(_l("This address is already used by the site."))


class RedirectForm(SafeForm):
    old_path = StringField(
        _l("Old address"),
        [DataRequired(), Length(max=1000)],
        description=_l("A path of the old site, for example /en/ob-organizacii.html"),
    )
    target = StringField(
        _l("New address"),
        [DataRequired(), Length(max=1000)],
        description=_l("A path of this site, for example /en/about/"),
    )


class LoginForm(SafeForm):
    email = EmailField(
        _l("Email"), [DataRequired(), Length(max=254)], render_kw={"autocomplete": "username"}
    )
    password = PasswordField(
        _l("Password"),
        [DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


NEW = {"autocomplete": "new-password"}


class CurrentPasswordForm(SafeForm):
    """Asks for the password again before a change to the account (turning two-factor
    sign-in off, setting a new password)."""

    current_password = PasswordField(
        _l("Current password"), [DataRequired()], render_kw={"autocomplete": "current-password"}
    )


class ResetPasswordForm(SafeForm):
    """A new password, typed twice (through a reset link, or in ``PasswordForm``)."""

    new_password = PasswordField(
        _l("New password"), [InputRequired(), Length(min=MIN_PASSWORD, max=200)], render_kw=NEW
    )
    repeat = PasswordField(
        _l("Repeat the password"),
        [EqualTo("new_password", message=_l("The two passwords differ."))],
        render_kw=NEW,
    )


class PasswordForm(CurrentPasswordForm, ResetPasswordForm):
    """Changing one's own password: the current one, then the new one twice."""


class CodeForm(SafeForm):
    code = StringField(
        _l("Code"),
        [DataRequired(), Length(max=40)],
        description=_l("The six digits your authenticator app shows, or a recovery code."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )


class EnrolForm(SafeForm):
    code = StringField(
        _l("Code"),
        [DataRequired(), Length(max=40)],
        description=_l("The six digits your authenticator app shows now."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class RequireTwoFactorForm(SafeForm):
    required = BooleanField(_l("Every account must sign in with a code from an authenticator app"))


class UserForm(SafeForm):
    email = EmailField(_l("Email"), [DataRequired(), Length(max=254)])
    role = SelectField(
        _l("Role"),
        choices=options(ROLES.items()),
        default="editor",  # least privilege unless an administrator is chosen
    )
    active = BooleanField(_l("Can log in"), default=True)
    new_password = PasswordField(
        _l("New password"),
        [Optional(), Length(min=MIN_PASSWORD, max=200)],
        description=_l("Leave empty to keep the current password."),
        render_kw=NEW,
    )
    repeat = PasswordField(
        _l("Repeat the password"),
        [EqualTo("new_password", message=_l("The two passwords differ."))],
        render_kw=NEW,
    )

    def validate_email(self, field):
        address = email_address(field.data)
        if address is None:
            raise ValidationError(_l("This is not an email address."))
        field.data = address


class SiteTextForm(Form):
    """What the site says of the organisation in one language."""

    Meta = FormMeta

    name = StringField(
        _l("Name of the organisation"),
        [Length(max=300)],
        description=_l("In the footer, on the home page and in search engines."),
    )
    description = TextAreaField(
        _l("Short description"),
        [Length(max=500)],
        description=_l("One or two sentences: what the organisation does, and where."),
    )
    address = TextAreaField(lazy_pgettext("postal", "Address"), [Length(max=500)])


#: A telephone number as people write it: a plus, digits, spaces, hyphens, brackets.
PHONE = re.compile(r"\+?[\d ()-]{5,30}")
WEB_PAGE = Regexp(
    r"^https://\S+\.\S+$", message=_l("Give the whole address, starting with https://")
)


class SiteSettingsForm(SafeForm):
    """The organisation's name, description, address, contacts and logo, which the header,
    the footer, the contacts page and search engines show."""

    phones = TextAreaField(
        _l("Telephone numbers"),
        [Length(max=500)],
        description=_l("One per line, with the country code, for example +992 …"),
    )
    email = EmailField(_l("E-mail address"), [Optional(), Length(max=254)])
    facebook = StringField("Facebook", [Optional(), Length(max=500), WEB_PAGE])
    telegram = StringField("Telegram", [Optional(), Length(max=500), WEB_PAGE])
    instagram = StringField("Instagram", [Optional(), Length(max=500), WEB_PAGE])
    youtube = StringField("YouTube", [Optional(), Length(max=500), WEB_PAGE])
    latitude = latitude_field(
        _l("Where the map of the contacts page marks the office, for example 40.28 and 69.62 "
           "for Khujand. Leave both empty to show no map.")
    )  # fmt: skip
    longitude = longitude_field()
    logo = FileField(_l("Upload a logo"), render_kw={"accept": ACCEPT})
    #: A logo uploaded with a form that was refused: stored, and kept for the next try.
    logo_id = HiddenField(filters=[_id])
    drawn_logo = BooleanField(_l("Use the drawn logo (remove the uploaded one)"))

    def texts(self):
        return [(lang, self[lang]) for lang in LANGUAGES]

    def validate_phones(self, field):
        if not all(
            PHONE.fullmatch(line.strip())
            for line in (field.data or "").splitlines()
            if line.strip()
        ):
            raise ValidationError(
                _l("Write each number with digits, spaces, hyphens or brackets, one per line.")
            )

    def validate_email(self, field):
        if field.data:
            address = email_address(field.data)
            if address is None:
                raise ValidationError(_l("This is not an email address."))
            field.data = address

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return one_point(self) and valid


for _lang in LANGUAGES:
    setattr(SiteSettingsForm, _lang, FormField(SiteTextForm, label=ENDONYMS[_lang]))
