"""The start page: the buildings this user works with."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from partnerhub import access
from partnerhub.extensions import db
from partnerhub.models import Building, Project, Unit, UnitStatus

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    if current_user.is_operator:
        return redirect(url_for("operator.developers"))

    buildings = db.session.scalars(
        access.visible_buildings(current_user).order_by(Project.name, Building.name)
    ).all()
    free_counts = dict(
        db.session.execute(
            select(Unit.building_id, func.count())
            .where(
                Unit.building_id.in_([b.id for b in buildings]),
                Unit.status == UnitStatus.AVAILABLE,
                access.unit_visibility_clause(current_user),
            )
            .group_by(Unit.building_id)
        ).all()
    )

    return render_template(
        "home/index.html", buildings=buildings, free_counts=free_counts
    )
