"""Form fields shared by several areas, and how a service's refusal reaches a form."""

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField
from wtforms.validators import NumberRange
from wtforms.widgets import TextInput

from partnerhub.models import MAX_PRICE

_NOT_IN_AMOUNTS = re.compile(
    r"[\s\u00a0\u202f'’_₽$€£₸]|zł|zl|руб\.?|р\.|PLN|RUB|EUR|USD", re.IGNORECASE
)


class MoneyField(DecimalField):
    """An amount as people type it: "5 100 000", "5 100 000,50 ₽", "745 135,50 zł"."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        text = _NOT_IN_AMOUNTS.sub("", valuelist[0] if valuelist else "")
        if not text:
            return
        if "," in text and "." in text:
            text = text.replace(",", "")  # 5,100,000.50
        try:
            value = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValueError(_l("Enter an amount such as 5 100 000.")) from None
        if not value.is_finite():
            raise ValueError(_l("Enter an amount such as 5 100 000."))
        self.data = value.quantize(Decimal("0.01"))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        if self.data == self.data.to_integral_value():
            return f"{self.data.to_integral_value():f}"
        return f"{self.data:f}"


def price_range():
    """A price from 1 to MAX_PRICE, with a message that says so."""
    return NumberRange(
        min=Decimal(1),
        max=MAX_PRICE,
        message=_l(
            "The price must be from 1 to %(max)s.",
            max=f"{MAX_PRICE:,.0f}".replace(",", " "),
        ),
    )


def show_service_error(form, error, *, fields=None, fallback=None):
    """Put a service's DomainError beside its field of the form, or above it.

    `fields` renames the service's field names to the form's; an error for a
    field the form does not have goes to the `fallback` field, else above the
    form.
    """
    name = (fields or {}).get(error.field, error.field)
    field = form._fields.get(name) if name else None
    if field is None and fallback is not None:
        field = form[fallback]
    if field is None:
        form.form_errors.append(error.message)
    else:
        field.errors = [*field.errors, error.message]
