"""The upload form and the column-mapping form of the import page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from partnerhub.services.importing import FIELD_LABELS, FIELDS, IGNORE


def _strip(value):
    return value.strip() if isinstance(value, str) else value


# The project choices besides the developer's projects, by their ids.
BY_FILE, NEW_PROJECT = "", "new"


class UploadForm(FlaskForm):
    file = FileField(
        _l("Listing file"), validators=[FileRequired(_l("Choose a file."))]
    )
    project = SelectField(_l("Import into"), choices=[], default=BY_FILE)
    project_name = StringField(
        _l("Project (complex) name"),
        validators=[Optional(), Length(max=200)],
        filters=[_strip],
    )

    def offer_projects(self, projects):
        """Offer the developer's projects, as (id, name), beside the other choices."""
        self.project.choices = [
            (BY_FILE, _l("Detect from the file")),
            (NEW_PROJECT, _l("A new project")),
            *((str(project_id), name) for project_id, name in projects),
        ]

    @property
    def has_projects(self):
        return len(self.project.choices) > 2

    def project_id(self):
        """The id of the existing project chosen, or None."""
        value = self.project.data or ""
        return int(value) if value.isdigit() else None

    def new_project(self):
        return self.project.data == NEW_PROJECT

    def validate_project_name(self, field):
        if field.data and self.project_id() is not None:
            raise ValidationError(
                _l("Leave the name empty to import into the project chosen above.")
            )


class MappingForm(FlaskForm):
    """One select per column of the file; built for each file by mapping_form()."""

    column_count = 0

    def columns(self):
        return [self[f"column_{i}"] for i in range(self.column_count)]

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        chosen = {}
        for column in self.columns():
            if column.data == IGNORE:
                continue
            if column.data in chosen:
                column.errors.append(
                    _l(
                        "%(field)s is already chosen for column %(column)s.",
                        field=FIELD_LABELS[column.data],
                        column=chosen[column.data].label.text,
                    )
                )
            else:
                chosen[column.data] = column
        if "number" not in chosen:
            self.form_errors.append(_l("Choose the column that holds the unit number."))
        return not self.form_errors and not any(c.errors for c in self.columns())

    def mapping(self):
        """{field: column index, "ignore": [indexes]} for the import service."""
        mapping = {IGNORE: []}
        for index, column in enumerate(self.columns()):
            if column.data == IGNORE:
                mapping[IGNORE].append(index)
            else:
                mapping[column.data] = index
        return mapping


def mapping_form(preview):
    """A MappingForm class for a file's header, preselected with what was recognised."""
    choices = [(IGNORE, FIELD_LABELS[IGNORE])] + [(f, FIELD_LABELS[f]) for f in FIELDS]
    by_index = {index: field for field, index in preview.suggested.items()}
    attributes = {"column_count": len(preview.headers)}
    for index, header in enumerate(preview.headers):
        attributes[f"column_{index}"] = SelectField(
            header or _l("Column %(n)s", n=index + 1),
            choices=choices,
            default=by_index.get(index, IGNORE),
        )
    return type("FileMappingForm", (MappingForm,), attributes)
