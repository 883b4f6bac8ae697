"""Pix's CSV cells (domain rules §9.0): `;`, a BOM, decimal commas, Oui/Non, NA, and the
formula-injection guard. Pure functions shared by every CSV the app writes."""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

SEPARATOR = ";"
LINE_END = "\n"
BOM = "\ufeff"
NA = "NA"
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection): such a
# string gets a leading apostrophe. Numbers are never guarded, so -3 stays a number.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Digits and dashes (dates, phone numbers) are written unquoted, as Pix does.
_UNQUOTED = re.compile(r"[0-9][0-9-]*")


def yes_no(value: bool) -> str:
    return _("Oui") if value else _("Non")


def guard(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def number_text(value: int | float | Decimal) -> str:
    """Decimal comma, no exponent, no trailing zero: 0.5 → 0,5; 1.0 → 1; -2 → -2."""
    if isinstance(value, int):
        return str(value)
    number = Decimal(repr(value)) if isinstance(value, float) else value
    return format(number.normalize(), "f").replace(".", ",")


def plain(value):
    """None and booleans as the text the table shows; numbers and strings unchanged."""
    if value is None:
        return NA
    if isinstance(value, bool):
        return yes_no(value)
    return value


def csv_cell(value) -> str:
    value = plain(value)
    if isinstance(value, (int, float, Decimal)):
        return number_text(value)
    text = str(value)
    if _UNQUOTED.fullmatch(text):
        return text
    return '"' + guard(text).replace('"', '""') + '"'


def csv_line(values) -> str:
    return SEPARATOR.join(csv_cell(value) for value in values) + LINE_END
