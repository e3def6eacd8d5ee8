import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from partnerhub.blueprints.fields import MoneyField, price_range
from partnerhub.blueprints.grid.display import ROOM_FILTER_LABELS, UNIT_STATUSES
from partnerhub.models import UnitStatus
from partnerhub.services.grid import ROOM_CHOICES, GridFilters

_SPACES = re.compile(r"[\s\u00a0\u202f_']+")


class AmountField(Field):
    """A number as people type it: '8 500 000', '54,3', '7.8'."""

    widget = TextInput(input_type="text")

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        if self.data == self.data.to_integral_value():
            return f"{self.data.to_integral_value():f}"
        return f"{self.data.normalize():f}"

    def process_formdata(self, valuelist):
        self.data = None
        raw = _SPACES.sub("", valuelist[0] if valuelist else "").replace(",", ".")
        if not raw:
            return
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise ValueError(_l("Not a number.")) from None
        if not value.is_finite() or value < 0 or value > Decimal("1e12"):
            raise ValueError(_l("Not a number."))
        self.data = value


class FilterForm(FlaskForm):
    """The grid's filters: a GET form whose bad values are ignored, with a note."""

    class Meta:
        csrf = False

    rooms = SelectMultipleField(
        _l("Rooms"),
        choices=[(value, ROOM_FILTER_LABELS[value]) for value in ROOM_CHOICES],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[Optional()],
        # WTForms' own message is not in its Russian catalog; a bad choice is
        # simply left out, so the note says that.
        validate_choice=False,
    )
    price_min = AmountField(_l("Price from"))
    price_max = AmountField(_l("Price to"))
    area_min = AmountField(_l("Area from, m²"))
    area_max = AmountField(_l("Area to, m²"))
    status = SelectField(
        _l("Status"),
        choices=[("", _l("Any"))]
        + [(status, UNIT_STATUSES[status].label) for status in UnitStatus.ALL],
        validators=[Optional()],
        validate_choice=False,
    )

    def __init__(self, args):
        super().__init__(formdata=args)
        self.validate()

    def filters(self):
        """The filters with every value that made sense; the rest is dropped."""

        def good(field):
            return None if field.errors else field.data

        rooms = frozenset(
            value for value in (self.rooms.data or []) if value in ROOM_CHOICES
        )
        status = self.status.data if self.status.data in UnitStatus.ALL else None
        return GridFilters(
            rooms=rooms,
            price_min=good(self.price_min),
            price_max=good(self.price_max),
            area_min=good(self.area_min),
            area_max=good(self.area_max),
            status=status,
        )

    def query(self):
        """The good values as (name, value) pairs, to carry them in links."""
        filters = self.filters()
        pairs = [("rooms", value) for value in ROOM_CHOICES if value in filters.rooms]
        for name in ("price_min", "price_max", "area_min", "area_max"):
            value = getattr(filters, name)
            if value is not None:
                pairs.append((name, f"{value:f}"))
        if filters.status:
            pairs.append(("status", filters.status))
        return pairs

    def query_args(self):
        """The good values as url_for arguments."""
        args = {}
        for name, value in self.query():
            args.setdefault(name, []).append(value)
        return args

    @property
    def problems(self):
        notes = [
            f"{field.label.text}: {' '.join(str(error) for error in field.errors)}"
            for field in self
            if field.errors
        ]
        unknown = [
            value for value in self.rooms.data or [] if value not in ROOM_CHOICES
        ]
        if unknown:
            notes.append(f"{self.rooms.label.text}: {', '.join(unknown)}")
        return notes


class RequestForm(FlaskForm):
    """An agent's reservation request, from the unit panel."""

    client_name = StringField(
        _l("Client's name"),
        validators=[DataRequired(_l("Enter the client's name.")), Length(max=200)],
        render_kw={"autocomplete": "off"},
    )
    client_phone = TelField(
        _l("Client's phone"),
        validators=[DataRequired(_l("Enter the client's phone.")), Length(max=40)],
        render_kw={"autocomplete": "off", "inputmode": "tel"},
    )
    days = IntegerField(_l("Days"), validators=[InputRequired(_l("Enter the term."))])
    comment = TextAreaField(
        _l("Comment"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )

    def __init__(self, max_days, **kwargs):
        super().__init__(**kwargs)
        self.days.validators = [
            InputRequired(_l("Enter the term.")),
            NumberRange(
                1,
                max_days,
                ngettext("From 1 to %(num)s day.", "From 1 to %(num)s days.", max_days),
            ),
        ]
        self.days.render_kw = {"min": 1, "max": max_days, "inputmode": "numeric"}
        if self.days.data is None and not self.is_submitted():
            self.days.data = min(7, max_days)


class UnitEditForm(FlaskForm):
    """The developer's staff setting a unit's price and status."""

    price = MoneyField(_l("Price"), validators=[Optional(), price_range()])
    status = SelectField(
        _l("Status"),
        choices=[
            (status, UNIT_STATUSES[status].label) for status in UnitStatus.SETTABLE
        ],
    )
    seen = HiddenField()

    def __init__(self, current_status, **kwargs):
        super().__init__(**kwargs)
        if current_status not in UnitStatus.SETTABLE:
            # A status that follows a reservation is shown, and can be kept.
            label = UNIT_STATUSES[current_status].label
            self.status.choices = [(current_status, label), *self.status.choices]

    def seen_version(self):
        return int(self.seen.data) if (self.seen.data or "").isdigit() else None
