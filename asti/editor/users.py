"""Administrators manage staff accounts and read the audit log."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from ..extensions import db
from ..models import REQUIRE_TWO_FACTOR, AuditEntry, ResetLink, Setting, User
from . import admin_required, bp
from .auth import keep_this_session
from .forms import RequireTwoFactorForm, UserForm
from .records import audit
from .twofactor import turn_off

AUDIT_PER_PAGE = 100


@bp.before_request
def admins_only():
    """Users and the audit log: administrators only (403 for editors)."""
    admin_pages = {"editor.users", "editor.user", "editor.new_user", "editor.audit_log",
                   "editor.require_two_factor", "editor.user_two_factor_off",
                   "editor.reset_link"}  # fmt: skip
    if request.endpoint in admin_pages and current_user.is_authenticated:
        admin_required()


@bp.get("/users/")
def users():
    """Staff accounts, and whether every one must sign in with two factors."""
    form = RequireTwoFactorForm(required=Setting.flag(REQUIRE_TWO_FACTOR))
    return render_template(
        "editor/users.html",
        users=db.session.scalars(select(User).order_by(User.email)).all(),
        form=form,
    )


@bp.post("/users/two-factor")
def require_two_factor():
    """Require two-factor sign-in of every account (each without it is sent to turn it on
    at its next request), or stop requiring it."""
    form = RequireTwoFactorForm()
    if form.validate_on_submit():
        Setting.set_flag(REQUIRE_TWO_FACTOR, form.required.data)
        audit("two-factor required" if form.required.data else "two-factor not required")
        db.session.commit()
        flash(_("The setting has been saved."))
    return redirect(url_for("editor.users"))


def save_user(form, user: User | None):
    taken = db.session.scalar(select(User).where(User.email == form.email.data))
    if taken is not None and taken is not user:
        form.email.errors.append(_("Another account has this email."))
        return None
    if user is None and not form.new_password.data:
        form.new_password.errors.append(_("A new account needs a password."))
        return None
    myself = user is not None and user.id == current_user.id
    if myself and (form.role.data != "admin" or not form.active.data):
        # An administrator locking themselves out would leave nobody to undo it.
        form.role.errors.append(_("You cannot remove your own administrator rights."))
        return None
    created = user is None
    user = user or User()
    disabled = user.active is not False and not form.active.data
    user.email, user.role, user.active = form.email.data, form.role.data, form.active.data
    if form.new_password.data:
        user.set_password(form.new_password.data)
    if not created and (form.new_password.data or disabled):
        user.end_sessions()  # whoever holds a session of the old password is out
    db.session.add(user)
    db.session.flush()
    if myself:
        keep_this_session(user)
    audit("user created" if created else "user changed", detail=user.email)
    db.session.commit()
    return user


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create a staff account."""
    form = UserForm()
    if form.validate_on_submit() and save_user(form, None):
        flash(_("The account has been created."))
        return redirect(url_for("editor.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("editor/user.html", form=form, user=None), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id):
    """Change a staff account: role, disable, reset the password."""
    account = account_of(user_id)
    form = UserForm(obj=account)
    if form.validate_on_submit() and save_user(form, account):
        flash(_("The account has been saved."))
        return redirect(url_for("editor.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("editor/user.html", form=form, user=account), status


def account_of(user_id: int) -> User:
    account = db.session.get(User, user_id)
    if account is None:
        raise NotFound()
    return account


@bp.post("/users/<int:user_id>/two-factor-off")
def user_two_factor_off(user_id):
    """An administrator turns two-factor sign-in off for an account whose phone is lost."""
    account = account_of(user_id)
    turn_off(account)
    if account.id == current_user.id:
        keep_this_session(account)
    audit("two-factor disabled", detail=account.email)
    db.session.commit()
    flash(_("Two-factor sign-in is off for this account."))
    return redirect(url_for("editor.user", user_id=account.id))


@bp.post("/users/<int:user_id>/reset-link")
def reset_link(user_id):
    """A one-time link that sets a new password, shown once (only its hash is kept)."""
    account = account_of(user_id)
    token = ResetLink.create(account)
    audit("reset link created", detail=account.email)
    db.session.commit()
    link = url_for("editor.reset_password", token=token, _external=True)
    return render_template("editor/reset_link.html", user=account, link=link)


@bp.get("/audit/")
def audit_log():
    """Who did what, newest first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    return render_template(
        "editor/audit.html", pagination=db.paginate(query, per_page=AUDIT_PER_PAGE)
    )
