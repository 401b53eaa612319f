"""Administrators manage staff accounts and read the audit log."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from ..extensions import db
from ..models import AuditEntry, User
from . import admin_required, bp
from .forms import UserForm
from .records import audit

AUDIT_PER_PAGE = 100


@bp.before_request
def admins_only():
    """Users and the audit log: administrators only (403 for editors)."""
    admin_pages = {"editor.users", "editor.user", "editor.new_user", "editor.audit_log"}
    if request.endpoint in admin_pages and current_user.is_authenticated:
        admin_required()


@bp.get("/users/")
def users():
    """Staff accounts."""
    return render_template(
        "editor/users.html", users=db.session.scalars(select(User).order_by(User.email)).all()
    )


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
    user.email, user.role, user.active = form.email.data, form.role.data, form.active.data
    if form.new_password.data:
        user.set_password(form.new_password.data)
    db.session.add(user)
    db.session.flush()
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
    account = db.session.get(User, user_id)
    if account is None:
        raise NotFound()
    form = UserForm(obj=account)
    if form.validate_on_submit() and save_user(form, account):
        flash(_("The account has been saved."))
        return redirect(url_for("editor.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("editor/user.html", form=form, user=account), status


@bp.get("/audit/")
def audit_log():
    """Who did what, newest first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    return render_template(
        "editor/audit.html", pagination=db.paginate(query, per_page=AUDIT_PER_PAGE)
    )
