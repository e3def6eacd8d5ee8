"""The unit panel as a response, for the grid and for other areas.

Other blueprints that change a unit from its panel (cancelling a reservation)
answer with panel_response(), so that the panel and its cell come back the
same way from everywhere.
"""

from urllib.parse import parse_qs, urlsplit

from flask import Response, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from partnerhub import access
from partnerhub.blueprints.grid import display
from partnerhub.blueprints.grid.forms import FilterForm, RequestForm, UnitEditForm
from partnerhub.services import grid as grid_service
from partnerhub.web import is_htmx


def panel_response(
    user, unit, *, status=200, message=None, request_form=None, edit_form=None
):
    """The unit's panel with its refreshed cell (out of band), for this viewer.

    An htmx request gets the panel fragment; any other gets the building's page
    with the panel open. Either carries Vary: HX-Request. A form that came back
    with errors is shown instead of a fresh one.
    """
    htmx = is_htmx()
    filter_form = FilterForm(_filter_args(htmx))
    panel = grid_service.load_panel(user, unit, filter_form.filters())
    context = panel_context(panel, request_form=request_form, edit_form=edit_form)
    context.update(status=status, message=message)

    if htmx:
        html = render_template("grid/_panel_response.html", **context)
    else:
        building = access.building_or_404(user, unit.building_id)
        grid = grid_service.load_grid(
            user, building, panel.grant, filter_form.filters()
        )
        html = render_template(
            "grid/building.html", **{**grid_context(grid, filter_form), **context}
        )
    response = Response(html, status=status)
    response.headers["Vary"] = "HX-Request"
    return response


def panel_context(panel, *, request_form=None, edit_form=None):
    unit = panel.unit
    if request_form is None and panel.can_request:
        request_form = RequestForm(panel.grant.max_days, formdata=None)
    if edit_form is None and panel.can_edit:
        edit_form = UnitEditForm(
            unit.status,
            formdata=None,
            price=unit.price,
            status=unit.status,
            seen=unit.changed_version,
        )
    return {
        "panel": panel,
        "request_form": request_form,
        "edit_form": edit_form,
        **cell_context(panel.project.currency),
        "kinds": display.KIND_LABELS,
        "audit_value": display.audit_value,
        "history_labels": display.HISTORY_LABELS,
    }


def grid_context(grid, filter_form):
    """What grid/_grid.html needs."""
    return {
        "grid": grid,
        "form": filter_form,
        "filter_query": filter_form.query(),
        "not_granted": display.NOT_GRANTED,
        "poll_url": poll_url(grid.building.id, grid.token, filter_form),
        **cell_context(grid.project.currency),
    }


def cell_context(currency):
    """What drawing cells needs (display.CellText writes them)."""
    return {"text": display.CellText(currency), "statuses": display.UNIT_STATUSES}


def poll_url(building_id, token, filter_form):
    """The live grid's next poll, with the filters the grid was drawn with."""
    return url_for(
        "grid.changes",
        building_id=building_id,
        since=str(token),
        **filter_form.query_args(),
    )


def _filter_args(htmx):
    """The grid's filters as the viewer has them, so the cell keeps its dimming.

    A click from the grid comes with the page's address in HX-Current-URL; a
    page load has them in its own query string.
    """
    if not htmx:
        return request.args if request.method == "GET" else MultiDict()
    current = request.headers.get("HX-Current-URL") or ""
    return MultiDict(
        [
            (key, value)
            for key, values in parse_qs(urlsplit(current).query).items()
            for value in values
        ]
    )
