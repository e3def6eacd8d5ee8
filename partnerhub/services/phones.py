"""Clients' phone numbers: parsed, checked and stored in E.164."""

import phonenumbers
from flask_babel import lazy_gettext as _l

from partnerhub.services.errors import DomainError

# Where a number written without a country code most likely comes from.
REGION_BY_CURRENCY = {"RUB": "RU", "PLN": "PL", "KZT": "KZ", "BYN": "BY"}


def normalize_phone(raw, currency="RUB"):
    """The number in E.164, or a DomainError on the client_phone field."""
    region = REGION_BY_CURRENCY.get(currency, "RU")
    try:
        parsed = phonenumbers.parse((raw or "").strip(), region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise DomainError(
            _l("Enter a valid phone number, e.g. +7 916 123-45-67."),
            field="client_phone",
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164):
    """A stored number written for people: +7 916 123-45-67."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
