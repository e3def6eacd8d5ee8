import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import TextInput

from partnerhub.services.reservations import MAX_APPROVED_DAYS

_NOT_IN_AMOUNTS = re.compile(r"[\s\u00a0\u202f₽$€£₸zł]|руб\.?|PLN|RUB", re.IGNORECASE)


class MoneyField(DecimalField):
    """An amount as people type it: "5 100 000", "5100000,50", "5 100 000 ₽"."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = _NOT_IN_AMOUNTS.sub("", valuelist[0]).replace(",", ".")
        try:
            self.data = Decimal(text).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            self.data = None
            raise ValueError(_l("Not a valid amount.")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        if self.data == self.data.to_integral():
            return str(self.data.quantize(Decimal(1)))
        return str(self.data)


class ApproveForm(FlaskForm):
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
            NumberRange(min=Decimal("0.01"), message=_l("Enter the fixed price.")),
        ],
    )


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Say why the request is rejected.")),
            Length(max=2000),
        ],
    )


class AskForm(FlaskForm):
    text = TextAreaField(
        _l("What do you need from the agent?"),
        validators=[
            DataRequired(_l("Write what you need from the agent.")),
            Length(max=5000),
        ],
    )
