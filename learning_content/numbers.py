import re
from decimal import Decimal, InvalidOperation

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_number(text: str) -> Decimal | None:
    """A number as a pupil types it: `3,5`, `3.50`, ` 12 `, `1 000` → Decimal; else None."""
    cleaned = text.replace("\u00a0", " ").replace("\u202f", " ").strip().replace(" ", "")
    if not _NUMBER.match(cleaned):
        return None
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        return None
