from flask import Blueprint

bp = Blueprint("reservations", __name__)


@bp.route("/reservations")
def my_reservations():
    return "reservations"
