from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, Regexp, ValidationError

from partnerhub.services import accounts

# Where a service's error about a field belongs on this form.
SERVICE_FIELDS = {
    "name": "name",
    "slug": "slug",
    "email": "admin_email",
    "password": "admin_password",
}


class OrganizationForm(FlaskForm):
    """A new organization and its first admin."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name"),
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(
                r"^[a-z0-9][a-z0-9-]*$",
                message=_l("Lowercase Latin letters, digits and hyphens only."),
            ),
        ],
    )
    admin_email = EmailField(
        _l("Admin's e-mail"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    admin_name = StringField(
        _l("Admin's full name"), validators=[DataRequired(), Length(max=200)]
    )
    admin_password = PasswordField(
        _l("Admin's password"),
        validators=[DataRequired(), Length(min=accounts.MIN_PASSWORD_LENGTH, max=200)],
    )

    def validate_slug(self, field):
        if accounts.slug_taken(field.data):
            raise ValidationError(_l("This short name is already taken."))

    def validate_admin_email(self, field):
        if accounts.email_taken(field.data):
            raise ValidationError(_l("This e-mail is already in use."))
