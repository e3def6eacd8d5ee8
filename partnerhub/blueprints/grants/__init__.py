from flask import Blueprint

bp = Blueprint("grants", __name__, url_prefix="/grants")


@bp.route("/")
def index():
    return "grants"
