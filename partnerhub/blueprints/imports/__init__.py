from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")


@bp.route("/")
def upload():
    return "import"
