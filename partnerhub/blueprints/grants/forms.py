from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from partnerhub.models import Role
from partnerhub.services import accounts, grants

WHOLE = "whole"
CHOSEN = "units"

ROLE_LABELS = {
    Role.OPERATOR: _l("Platform operator"),
    Role.DEVELOPER_ADMIN: _l("Developer admin"),
    Role.SALES_MANAGER: _l("Sales manager"),
    Role.AGENCY_ADMIN: _l("Agency admin"),
    Role.AGENT: _l("Agent"),
}


class GrantForm(FlaskForm):
    # Any id is let through to the service, which explains a wrong one.
    agency_id = SelectField(
        _l("Agency"),
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(_l("Choose an agency."))],
    )
    max_days = IntegerField(
        _l("Longest reservation, days"),
        default=14,
        validators=[
            InputRequired(),
            NumberRange(min=grants.MIN_DAYS, max=grants.MAX_DAYS),
        ],
    )
    scope = RadioField(
        _l("What the agency sees"),
        choices=[
            (WHOLE, _l("The whole building")),
            (CHOSEN, _l("Only the units chosen below")),
        ],
        default=WHOLE,
    )
    # Checked by the service, which says clearly what is wrong with a unit.
    unit_ids = SelectMultipleField(_l("Units"), coerce=int, validate_choice=False)

    # The quick selector: a section and a floor range added or removed at once.
    pick_section = SelectField(_l("Section"), coerce=int, validate_choice=False)
    floor_from = IntegerField(_l("From floor"), validators=[Optional()])
    floor_to = IntegerField(_l("To floor"), validators=[Optional()])

    @property
    def whole_building(self):
        return self.scope.data != CHOSEN

    def chosen_ids(self):
        return set(self.unit_ids.data or ())

    def apply_pick(self, groups, action):
        """Add or remove the quick selector's units; returns how many it matched."""
        picked = grants.pick_units(
            groups,
            section_id=self.pick_section.data or None,
            floor_from=self.floor_from.data,
            floor_to=self.floor_to.data,
        )
        chosen = self.chosen_ids()
        chosen = chosen | picked if action == "add" else chosen - picked
        self.unit_ids.data = sorted(chosen)
        self.scope.data = CHOSEN
        return len(picked)


class MemberForm(FlaskForm):
    """A colleague added to one's own organization."""

    full_name = StringField(
        _l("Full name"), validators=[DataRequired(), Length(max=200)]
    )
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=accounts.MIN_PASSWORD_LENGTH, max=200)],
        description=_l("Give it to them in person; they can sign in at once."),
    )
    role = SelectField(_l("Role"))

    def validate_email(self, field):
        if accounts.email_taken(field.data):
            raise ValidationError(_l("This e-mail is already in use."))
