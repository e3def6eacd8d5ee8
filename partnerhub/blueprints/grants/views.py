"""Partners: the developer admin opens its buildings, whole or in part, to agencies."""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from partnerhub import access
from partnerhub.access import roles_required
from partnerhub.blueprints.fields import show_service_error
from partnerhub.blueprints.grants.forms import CHOSEN, WHOLE, GrantForm
from partnerhub.models import Role
from partnerhub.services import accounts, grants
from partnerhub.services.errors import DomainError
from partnerhub.web import htmx_redirect, render

bp = Blueprint("grants", __name__)

# The quick selector's buttons; any other submit saves.
PICK_ACTIONS = ("add", "remove")


@bp.get("/grants/")
@roles_required(Role.DEVELOPER_ADMIN)
def index():
    overview = grants.overview(current_user)

    return render("grants/index.html", "grants/index.html", overview=overview)


@bp.get("/grants/buildings/<int:building_id>/new")
@roles_required(Role.DEVELOPER_ADMIN)
def new_grant(building_id):
    building = access.building_or_404(current_user, building_id)

    form = _grant_form(building)
    return _show_form(form, building)


@bp.post("/grants/buildings/<int:building_id>/new")
@roles_required(Role.DEVELOPER_ADMIN)
def create_grant(building_id):
    building = access.building_or_404(current_user, building_id)
    form = _grant_form(building)
    action = request.form.get("action")

    if action in PICK_ACTIONS:
        return _pick(form, building, action)
    if not form.validate_on_submit():
        return _show_form(form, building, status=422)

    try:
        grant = grants.create_grant(
            current_user,
            building,
            form.agency_id.data,
            whole_building=form.whole_building,
            unit_ids=form.chosen_ids(),
            max_days=form.max_days.data,
        )
    except DomainError as error:
        show_service_error(form, error)
        return _show_form(form, building, status=422)

    flash(_("%(agency)s now has access to this building.", agency=grant.agency.name))
    return htmx_redirect(url_for("grants.index"))


@bp.get("/grants/<int:grant_id>")
@roles_required(Role.DEVELOPER_ADMIN)
def edit_grant(grant_id):
    grant = access.grant_or_404(current_user, grant_id)

    form = _grant_form(grant.building, grant)
    return _show_form(form, grant.building, grant)


@bp.post("/grants/<int:grant_id>")
@roles_required(Role.DEVELOPER_ADMIN)
def change_grant(grant_id):
    grant = access.grant_or_404(current_user, grant_id)
    form = _grant_form(grant.building, grant)
    action = request.form.get("action")

    if action in PICK_ACTIONS:
        return _pick(form, grant.building, action, grant)
    if not form.validate_on_submit():
        return _show_form(form, grant.building, grant, status=422)

    try:
        grants.change_grant(
            current_user,
            grant,
            whole_building=form.whole_building,
            unit_ids=form.chosen_ids(),
            max_days=form.max_days.data,
        )
    except DomainError as error:
        show_service_error(form, error)
        return _show_form(form, grant.building, grant, status=422)

    flash(_("The access of %(agency)s is saved.", agency=grant.agency.name))
    return htmx_redirect(url_for("grants.index"))


@bp.post("/grants/<int:grant_id>/revoke")
@roles_required(Role.DEVELOPER_ADMIN)
def revoke_grant(grant_id):
    grant = access.grant_or_404(current_user, grant_id)
    agency_name = grant.agency.name

    grants.revoke_grant(current_user, grant)

    flash(_("%(agency)s no longer has access to this building.", agency=agency_name))
    return htmx_redirect(url_for("grants.index"))


def _grant_form(building, grant=None):
    """The grant form with its choices; a new grant also picks the agency."""
    data = None
    if grant is not None and request.method == "GET":
        data = {
            "max_days": grant.max_days,
            "scope": WHOLE if grant.whole_building else CHOSEN,
            "unit_ids": [unit.id for unit in grant.units],
        }
    form = GrantForm(data=data)
    if grant is None:
        granted = grants.granted_agency_ids(building.id)
        form.agency_id.choices = [(0, _("Choose an agency"))] + [
            (agency.id, agency.name, {"disabled": True} if agency.id in granted else {})
            for agency in accounts.agencies()
        ]
    else:
        del form.agency_id
    form.pick_section.choices = [(0, _("All sections"))] + [
        (section.id, section.name) for section in building.sections
    ]
    return form


def _pick(form, building, action, grant=None):
    """Add or remove a section's floor range to the chosen units; saves nothing."""
    groups = grants.units_by_section(building)
    count = form.apply_pick(groups, action)
    if action == "add":
        note = ngettext(
            "%(num)s unit added to the choice.",
            "%(num)s units added to the choice.",
            count,
        )
    else:
        note = ngettext(
            "%(num)s unit removed from the choice.",
            "%(num)s units removed from the choice.",
            count,
        )
    return _show_form(form, building, grant, groups=groups, note=note)


def _show_form(form, building, grant=None, status=200, groups=None, note=None):
    return render(
        "grants/form.html",
        "grants/_form.html",
        status=status,
        form=form,
        building=building,
        grant=grant,
        groups=groups if groups is not None else grants.units_by_section(building),
        note=note,
    )
