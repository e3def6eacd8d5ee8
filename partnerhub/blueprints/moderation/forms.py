from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from partnerhub.blueprints.fields import MoneyField, price_range
from partnerhub.services.reservations import MAX_APPROVED_DAYS


class DecisionForm(FlaskForm):
    """A manager's decision on a request, posted from its row."""

    def arguments(self):
        """The fields as the service step's keyword arguments, named alike."""
        return {
            name: field.data
            for name, field in self._fields.items()
            if name != "csrf_token"
        }


class ApproveForm(DecisionForm):
    days = IntegerField(
        _l("Days"),
        validators=[
            InputRequired(_l("Enter the term in days.")),
            NumberRange(min=1, max=MAX_APPROVED_DAYS),
        ],
    )
    price = MoneyField(
        _l("Fixed price"),
        validators=[
            InputRequired(_l("Enter the fixed price.")),
            price_range(),
        ],
    )


class RejectForm(DecisionForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Say why the request is rejected.")),
            Length(max=2000),
        ],
    )


class AskForm(DecisionForm):
    text = TextAreaField(
        _l("What do you need from the agent?"),
        validators=[
            DataRequired(_l("Write what you need from the agent.")),
            Length(max=5000),
        ],
    )
