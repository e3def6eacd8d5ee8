"""Each organization's admin adds its own people: staff for a developer, agents
for an agency, and can turn an account off."""

# Limitation: the admin sets the newcomer's first password and hands it over;
# there are no invitation links by e-mail yet, and no way to change a password.

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from partnerhub import access
from partnerhub.access import roles_required
from partnerhub.blueprints.fields import show_service_error
from partnerhub.blueprints.grants.forms import ROLE_LABELS, MemberForm
from partnerhub.blueprints.grants.views import bp
from partnerhub.models import Role
from partnerhub.services import accounts
from partnerhub.services.errors import DomainError, NotAllowed
from partnerhub.web import htmx_redirect, render

ADMINS = (Role.DEVELOPER_ADMIN, Role.AGENCY_ADMIN)


@bp.get("/team")
@roles_required(*ADMINS)
def show_team():
    return _show(_member_form())


@bp.post("/team")
@roles_required(*ADMINS)
def add_member():
    form = _member_form()

    if not form.validate_on_submit():
        return _show(form, status=422)

    try:
        member = accounts.add_member(
            current_user,
            form.email.data,
            form.password.data,
            form.full_name.data,
            form.role.data,
        )
    except DomainError as error:
        show_service_error(form, error)
        return _show(form, status=422)

    flash(_("%(name)s is added and can sign in now.", name=member.full_name))
    return htmx_redirect(url_for("grants.show_team"))


@bp.post("/team/<int:member_id>/active")
@roles_required(*ADMINS)
def set_member_active(member_id):
    member = access.member_or_404(current_user, member_id)
    active = request.form.get("active") == "1"

    try:
        accounts.set_member_active(current_user, member, active)
    except NotAllowed:
        abort(403)

    if active:
        flash(_("%(name)s can sign in again.", name=member.full_name))
    else:
        flash(_("%(name)s is turned off and signed out.", name=member.full_name))
    return htmx_redirect(url_for("grants.show_team"))


def _member_form():
    form = MemberForm()
    form.role.choices = [
        (role, ROLE_LABELS[role]) for role in access.assignable_roles(current_user)
    ]
    return form


def _show(form, status=200):
    return render(
        "grants/team.html",
        "grants/_member_form.html",
        status=status,
        form=form,
        members=accounts.members_of(current_user.organization_id),
        assignable=access.assignable_roles(current_user),
        role_labels=ROLE_LABELS,
    )
