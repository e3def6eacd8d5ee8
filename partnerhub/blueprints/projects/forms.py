from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from partnerhub.services.projects import COMMON_TIMEZONES


class ProjectForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    city = StringField(_l("City"), validators=[Length(max=120)])
    address = StringField(_l("Address"), validators=[Length(max=300)])
    timezone = SelectField(
        _l("Time zone"),
        description=_l("Reservations end at midnight of their last day in this zone."),
    )

    def __init__(self, *args, current_timezone=None, **kwargs):
        super().__init__(*args, **kwargs)
        zones = list(COMMON_TIMEZONES)
        if current_timezone and current_timezone not in zones:
            zones.append(current_timezone)
        self.timezone.choices = [(zone, zone.replace("_", " ")) for zone in zones]
