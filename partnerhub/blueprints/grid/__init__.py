from flask import Blueprint

bp = Blueprint("grid", __name__)


@bp.route("/buildings/<int:building_id>")
def show_building(building_id):
    return "grid"
