"""The files a challenge gives to open (issue 19): built from the table written in its YAML
(`attachment: {name, description, rows}`), as a CSV any tool opens and as a spreadsheet.

Pure functions: rows in, bytes out, built once per process for each table (a few kB)."""

import csv
import io
import re
from functools import lru_cache
from pathlib import PurePosixPath

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook

FORMATS = {
    "csv": ("CSV", "text/csv; charset=utf-8"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
# Written as the référentiel's authors typed them ("1250", "12,5"): numbers in the spreadsheet,
# so that a pupil can sort or add them; anything else (a date, a code such as 0012) stays text.
_INTEGER = re.compile(r"^-?(0|[1-9]\d{0,14})$")
_DECIMAL = re.compile(r"^-?(0|[1-9]\d{0,14})[.,]\d{1,6}$")


def stem(name: str) -> str:
    return PurePosixPath(name).stem


def formats_of(name: str) -> list[str]:
    """The formats offered, the one the référentiel names first."""
    named = PurePosixPath(name).suffix.lstrip(".").lower()
    return sorted(FORMATS, key=lambda extension: extension != named)


def as_csv(rows) -> bytes:
    # Semicolons and a byte order mark: what a French spreadsheet opens without asking.
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value: str):
    if _INTEGER.match(value):
        return int(value)
    if _DECIMAL.match(value):
        return float(value.replace(",", "."))
    return value


def as_xlsx(rows, *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31] or "Feuille1"
    for row in rows:
        sheet.append([_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=256)
def render(name: str, rows: tuple[tuple[str, ...], ...], extension: str) -> bytes:
    """The file in that format (KeyError for another format)."""
    if extension == "csv":
        return as_csv(rows)
    if extension == "xlsx":
        return as_xlsx(rows, title=stem(name))
    raise KeyError(extension)


def size_label(size: int) -> str:
    """« 3 Ko », as the DSFR download links give sizes."""
    if size < 1000:
        return ngettext("%(size)s octet", "%(size)s octets", size) % {"size": size}
    return _("%(size)s Ko") % {"size": max(round(size / 1000), 1)}
