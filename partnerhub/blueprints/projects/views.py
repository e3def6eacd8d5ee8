"""The developer admin's projects: what was imported, and each project's settings."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from partnerhub import access
from partnerhub.blueprints.fields import show_service_error
from partnerhub.blueprints.projects.forms import ProjectForm
from partnerhub.extensions import db
from partnerhub.models import Role
from partnerhub.services import projects
from partnerhub.services.errors import DomainError
from partnerhub.web import render

bp = Blueprint("projects", __name__, url_prefix="/projects")
admin_only = access.roles_required(Role.DEVELOPER_ADMIN)


@bp.route("/")
@admin_only
def index():
    listed, unit_counts = projects.projects_of(current_user.organization_id)

    return render(
        "projects/index.html",
        "projects/index.html",
        projects=listed,
        unit_counts=unit_counts,
    )


@bp.route("/<int:project_id>", methods=["GET", "POST"])
@admin_only
def edit(project_id):
    project = access.project_or_404(current_user, project_id)
    form = ProjectForm(obj=project, current_timezone=project.timezone)

    if request.method == "POST" and form.validate():
        try:
            projects.update_project(
                current_user,
                project,
                name=form.name.data,
                city=form.city.data,
                address=form.address.data,
                timezone=form.timezone.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_service_error(form, error, fallback="name")
        else:
            flash(_("Project saved."), "success")
            return redirect(url_for(".index"))

    status = 422 if request.method == "POST" else 200
    return render(
        "projects/edit.html",
        "projects/edit.html",
        status=status,
        form=form,
        project=project,
    )
