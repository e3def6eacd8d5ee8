from flask import Blueprint

bp = Blueprint("operator", __name__, url_prefix="/operator")


@bp.route("/developers")
def developers():
    return "operator: developers"
