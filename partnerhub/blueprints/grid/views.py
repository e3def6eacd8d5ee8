"""The building grid, its unit panel, its live poll, and what is done from the panel."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from partnerhub import access
from partnerhub.blueprints.fields import show_service_error
from partnerhub.blueprints.grid.forms import FilterForm, RequestForm, UnitEditForm
from partnerhub.blueprints.grid.panel import (
    cell_context,
    grid_context,
    panel_context,
    panel_response,
    poll_url,
)
from partnerhub.extensions import db
from partnerhub.models import Role
from partnerhub.services import grid as grid_service
from partnerhub.services import reservations, units
from partnerhub.services.errors import (
    DomainError,
    NotAllowed,
    UnitChanged,
    UnitNotAvailable,
)
from partnerhub.web import id_arg, is_htmx, render

bp = Blueprint("grid", __name__)


@bp.route("/buildings/<int:building_id>")
@login_required
def show_building(building_id):
    filter_form = FilterForm(request.args)
    opened_id = request.args.get("u", type=id_arg)

    building = access.building_or_404(current_user, building_id)
    grant = access.grant_for(current_user, building.id)
    opened = _unit_of(building.id, opened_id) if opened_id and not is_htmx() else None

    filters = filter_form.filters()
    grid = grid_service.load_grid(current_user, building, grant, filters)
    context = grid_context(grid, filter_form)
    if opened is not None:
        panel = grid_service.load_panel(current_user, opened, filters)
        context.update(panel_context(panel), status=200, message=None)

    response = render("grid/building.html", "grid/_grid.html", **context)
    if is_htmx():
        # The filters were applied in place: the address bar follows them.
        response.headers["HX-Push-Url"] = url_for(
            ".show_building", building_id=building.id, **filter_form.query_args()
        )
    return response


@bp.route("/buildings/<int:building_id>/panel")
@login_required
def unit_panel(building_id):
    """The panel of the unit whose cell was tapped (?u=<unit id>)."""
    unit_id = request.args.get("u", type=id_arg)

    unit = _unit_of(building_id, unit_id)

    return panel_response(current_user, unit)


@bp.route("/buildings/<int:building_id>/changes")
@login_required
def changes(building_id):
    """The live grid's poll: 204 when nothing changed, else the changed cells."""
    since = grid_service.Token.parse(request.args.get("since"))
    filter_form = FilterForm(request.args)

    building = access.building_or_404(current_user, building_id)
    grant = access.grant_for(current_user, building.id)

    filters = filter_form.filters()
    found = grid_service.changes_since(current_user, building, grant, since, filters)
    if found.empty:
        return _no_content()
    if found.redraw:
        grid = grid_service.load_grid(current_user, building, grant, filters)
        context = grid_context(grid, filter_form)
    else:
        context = {
            "poll_url": poll_url(building.id, found.token, filter_form),
            **cell_context(building.project.currency),
        }

    response = Response(render_template("grid/_changes.html", changes=found, **context))
    response.headers["Vary"] = "HX-Request"
    return response


@bp.post("/units/<int:unit_id>")
@access.roles_required(*Role.DEVELOPER_STAFF)
def update_unit(unit_id):
    """The developer's staff change a unit's price or status from its panel."""
    unit = access.unit_or_404(current_user, unit_id, for_update=True)
    form = UnitEditForm(unit.status)

    if not form.validate():
        db.session.rollback()
        return panel_response(current_user, unit, status=422, edit_form=form)

    try:
        units.update_unit(
            current_user,
            unit,
            price=form.price.data,
            status=form.status.data,
            seen_version=form.seen_version(),
        )
    except UnitChanged as error:
        db.session.rollback()
        return panel_response(current_user, unit, status=409, message=error.message)
    except DomainError as error:
        db.session.rollback()
        show_service_error(form, error)
        return panel_response(current_user, unit, status=422, edit_form=form)

    return _done(unit, _("Saved."))


@bp.post("/units/<int:unit_id>/reservations")
@access.roles_required(Role.AGENT, Role.AGENCY_ADMIN)
def request_reservation(unit_id):
    """An agent asks to reserve a unit for a client, from the unit's panel."""
    unit = access.unit_or_404(current_user, unit_id, for_update=True)
    grant = access.grant_for(current_user, unit.building_id)
    if grant is None:
        abort(404)
    form = RequestForm(grant.max_days)

    if not form.validate():
        db.session.rollback()
        return panel_response(current_user, unit, status=422, request_form=form)

    try:
        reservations.request_reservation(
            current_user,
            unit,
            grant,
            client_name=form.client_name.data,
            client_phone=form.client_phone.data,
            days=form.days.data,
            comment=form.comment.data,
        )
    except UnitNotAvailable as error:
        db.session.rollback()
        return panel_response(current_user, unit, status=409, message=error.message)
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except DomainError as error:
        db.session.rollback()
        show_service_error(form, error)
        return panel_response(current_user, unit, status=422, request_form=form)

    return _done(unit, _("Request sent. The developer's answer will show here."))


def _unit_of(building_id, unit_id):
    """A unit of this building that the viewer may open, or 404."""
    if unit_id is None:
        abort(404)
    unit = access.unit_or_404(current_user, unit_id)
    if unit.building_id != building_id:
        abort(404)
    return unit


def _no_content():
    response = Response(status=204)
    response.headers["Vary"] = "HX-Request"
    return response


def _done(unit, message):
    """After a change from the panel: the panel again, or the page without JS."""
    if is_htmx():
        return panel_response(current_user, unit, message=message)
    flash(message, "success")
    return redirect(url_for(".show_building", building_id=unit.building_id, u=unit.id))
