"""The start page: the buildings this user works with."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from partnerhub.services import grid

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    if current_user.is_operator:
        return redirect(url_for("operator.developers"))

    buildings, free_counts = grid.buildings_for(current_user)

    return render_template(
        "home/index.html", buildings=buildings, free_counts=free_counts
    )
