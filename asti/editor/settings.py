"""Site settings: what the site says of the organisation (name, description, address per
language), how to reach it, and its logo. Administrators only."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..config import LANGUAGES
from ..extensions import db
from ..images import ImageRejected
from ..layout import SITE, SITE_TEXTS, SOCIAL
from ..models import Image, Setting
from . import admin_required, bp
from .forms import SiteSettingsForm
from .media import store_upload
from .records import audit

#: The settings that are the same in every language, as the form names them.
COMMON = ("phones", "email", *SOCIAL, "latitude", "longitude")


def stored_form() -> SiteSettingsForm:
    """The form filled from the settings (or from what was posted)."""
    values = Setting.values(SITE)
    data = {name: values.get(name, "") for name in COMMON}
    for name in ("latitude", "longitude"):
        data[name] = float(values[name]) if name in values else None
    for lang in LANGUAGES:
        data[lang] = {name: values.get(f"{name}.{lang}", "") for name in SITE_TEXTS}
    logo = values.get("logo", "")
    data["logo_id"] = int(logo) if logo.isdecimal() else None
    return SiteSettingsForm(data=data)


def take_logo(form) -> None:
    """A chosen file is stored in the photo library at once, even if the rest of the form
    is refused, and kept in the form until it is saved: an upload is never lost."""
    file = form.logo.data
    if not getattr(file, "filename", ""):
        return
    try:
        form.logo_id.data = store_upload(file).id
    except ImageRejected as error:
        form.logo.errors.append(error.message)


@bp.route("/settings/", methods=["GET", "POST"])
def site_settings():
    """The organisation as the site presents it: shown in the header, the footer, the
    contacts page and to search engines."""
    admin_required()
    form = stored_form()
    if not form.is_submitted():
        return render_site_settings(form)
    valid = form.validate()
    take_logo(form)
    if not valid or form.logo.errors:
        db.session.commit()  # the uploaded logo stays in the library
        return render_site_settings(form, 400)
    values = {name: str(form[name].data or "").strip() for name in COMMON}
    values["phones"] = "\n".join(
        line.strip() for line in values["phones"].splitlines() if line.strip()
    )
    for lang, section in form.texts():
        for name in SITE_TEXTS:
            values[f"{name}.{lang}"] = (section[name].data or "").replace("\r\n", "\n").strip()
    logo = None if form.drawn_logo.data else form.logo_id.data
    values["logo"] = str(logo) if logo and db.session.get(Image, logo) else ""
    Setting.store(SITE, values)
    audit("site settings")
    db.session.commit()
    flash(_("The site settings have been saved."))
    return redirect(url_for("editor.site_settings"))


def render_site_settings(form, status: int = 200):
    logo = db.session.get(Image, form.logo_id.data) if form.logo_id.data else None
    return render_template("editor/settings.html", form=form, logo=logo), status
