"""Importing listing files from the web: upload, map columns when needed, result."""

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    request,
    url_for,
)
from flask_login import current_user

from partnerhub import access
from partnerhub.blueprints.imports.forms import UploadForm, mapping_form
from partnerhub.models import Role
from partnerhub.services import importing
from partnerhub.web import error_response, is_htmx, render

bp = Blueprint("imports", __name__, url_prefix="/imports")


def _upload_form(**kwargs):
    form = UploadForm(**kwargs)
    form.offer_projects(importing.project_choices(current_user.organization_id))
    return form


def _upload_page(form, result=None, status=200):
    return render(
        "imports/upload.html",
        "imports/_upload.html",
        status=status,
        form=form,
        result=result,
        max_megabytes=current_app.config["LISTING_MAX_BYTES"] // (1024 * 1024),
    )


def _mapping_page(form, upload, preview, result=None, status=200):
    return render(
        "imports/mapping.html",
        "imports/_mapping.html",
        status=status,
        form=form,
        upload=upload,
        preview=preview,
        result=result,
        missing_labels=[str(importing.FIELD_LABELS[name]) for name in preview.missing],
    )


@bp.route("/", methods=["GET", "POST"])
@access.roles_required(Role.DEVELOPER_ADMIN)
def upload():
    form = _upload_form()

    if not form.validate_on_submit():
        return _upload_page(form, status=422 if form.is_submitted() else 200)
    project_id = form.project_id()
    if project_id is not None:
        access.project_or_404(current_user, project_id)

    try:
        result, stored = importing.import_upload(
            current_user.organization,
            form.file.data.stream,
            form.file.data.filename,
            form.project_name.data,
            actor=current_user,
            project_id=project_id,
            new_project=form.new_project(),
        )
    except importing.FileTooLarge as error:
        form.file.errors.append(error.message)
        return _upload_page(form, status=413)

    if stored is not None:
        return redirect(url_for("imports.map_columns", token=stored.token))
    if not result.ok:
        return _upload_page(form, result=result, status=422)
    return _upload_page(_upload_form(formdata=None), result=result)


@bp.errorhandler(413)
def body_too_large(_error):
    """The upload page again, the limit stated beside the file field.

    A body over MAX_CONTENT_LENGTH is refused while the form is read, before
    the view and its sign-in check run: hence the role is checked here, and
    anyone else gets the plain error page. The file cannot be kept, nor the
    other fields, which come after it in the body.
    """
    message = importing.too_large(current_app.config["LISTING_MAX_BYTES"]).message
    may_upload = (
        current_user.is_authenticated and current_user.role == Role.DEVELOPER_ADMIN
    )
    if is_htmx() or not may_upload or request.endpoint != "imports.upload":
        return error_response(413, message)

    form = _upload_form(formdata=None)
    form.file.errors = [message]
    return _upload_page(form, status=413)


@bp.route("/<token>/mapping", methods=["GET", "POST"])
@access.roles_required(Role.DEVELOPER_ADMIN)
def map_columns(token):
    stored = access.listing_upload_or_404(current_user, token)
    preview = importing.mapping_preview(stored)
    if preview is None:
        abort(404)
    form = mapping_form(preview)()

    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return _mapping_page(form, stored, preview, status=status)

    result = importing.import_with_mapping(
        current_user.organization, stored, form.mapping(), actor=current_user
    )

    if not result.ok:
        return _mapping_page(form, stored, preview, result=result, status=422)
    return _upload_page(_upload_form(formdata=None), result=result)
