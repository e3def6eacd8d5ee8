"""The platform operator: developer and agency organizations and their admins."""

from flask import Blueprint, flash, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from partnerhub.access import roles_required
from partnerhub.blueprints.fields import show_service_error
from partnerhub.blueprints.operator.forms import SERVICE_FIELDS, OrganizationForm
from partnerhub.models import OrgKind, Role
from partnerhub.services import accounts
from partnerhub.services.errors import DomainError
from partnerhub.web import htmx_redirect, render

bp = Blueprint("operator", __name__, url_prefix="/operator")

# What differs between the developers' page and the agencies' page.
PAGES = {
    OrgKind.DEVELOPER: {
        "title": _l("Developers"),
        "form_title": _l("New developer"),
        "submit": _l("Create the developer and its admin"),
        "empty": _l("No developers yet."),
        "endpoint": "operator.developers",
        "create": accounts.create_developer,
        "admin_role": Role.DEVELOPER_ADMIN,
    },
    OrgKind.AGENCY: {
        "title": _l("Agencies"),
        "form_title": _l("New agency"),
        "submit": _l("Create the agency and its admin"),
        "empty": _l("No agencies yet."),
        "endpoint": "operator.agencies",
        "create": accounts.create_agency,
        "admin_role": Role.AGENCY_ADMIN,
    },
}


@bp.get("/developers")
@roles_required(Role.OPERATOR)
def developers():
    return _show(OrgKind.DEVELOPER, OrganizationForm())


@bp.post("/developers")
@roles_required(Role.OPERATOR)
def create_developer():
    return _create(OrgKind.DEVELOPER)


@bp.get("/agencies")
@roles_required(Role.OPERATOR)
def agencies():
    return _show(OrgKind.AGENCY, OrganizationForm())


@bp.post("/agencies")
@roles_required(Role.OPERATOR)
def create_agency():
    return _create(OrgKind.AGENCY)


def _create(kind):
    page = PAGES[kind]
    form = OrganizationForm()

    if not form.validate_on_submit():
        return _show(kind, form, status=422)

    try:
        org, _admin = page["create"](
            form.name.data,
            form.slug.data,
            form.admin_email.data,
            form.admin_password.data,
            form.admin_name.data,
            actor=current_user,
        )
    except DomainError as error:
        show_service_error(form, error, fields=SERVICE_FIELDS)
        return _show(kind, form, status=422)

    flash(_("%(name)s is created; its admin can sign in now.", name=org.name))
    return htmx_redirect(url_for(page["endpoint"]))


def _show(kind, form, status=200):
    return render(
        "operator/organizations.html",
        "operator/_organization_form.html",
        status=status,
        form=form,
        kind=kind,
        labels=PAGES[kind],
        organizations=accounts.organizations_with_users(kind),
    )
