"""Importing listing files from the web: upload, map columns when needed, result."""

from flask import Blueprint, abort, current_app, redirect, url_for
from flask_login import current_user

from partnerhub import access
from partnerhub.blueprints.imports.forms import UploadForm, mapping_form
from partnerhub.models import Role
from partnerhub.services import importing
from partnerhub.web import render

bp = Blueprint("imports", __name__, url_prefix="/imports")


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
    form = UploadForm()

    if not form.validate_on_submit():
        return _upload_page(form, status=422 if form.is_submitted() else 200)

    result, stored = importing.import_upload(
        current_user.organization,
        form.file.data.stream,
        form.file.data.filename,
        form.project_name.data,
        actor=current_user,
    )

    if stored is not None:
        return redirect(url_for("imports.map_columns", token=stored.token))
    if not result.ok:
        return _upload_page(form, result=result, status=422)
    return _upload_page(UploadForm(formdata=None), result=result)


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
    return _upload_page(UploadForm(formdata=None), result=result)
