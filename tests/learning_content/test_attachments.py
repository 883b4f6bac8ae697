"""The files built from a challenge's table (learning_content.attachments): pure, no database."""

import io

import openpyxl
import pytest

from learning_content import attachments

ROWS = (("Jour", "Pluie (mm)", "Code"), ("lundi", "1,5", "0012"), ("mardi", "12", "2025-03-04"))


def test_the_csv_opens_in_a_french_spreadsheet():
    data = attachments.as_csv(ROWS)
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == ["Jour;Pluie (mm);Code", "lundi;1,5;0012", "mardi;12;2025-03-04"]


def test_the_spreadsheet_holds_numbers_as_numbers_and_codes_as_text():
    sheet = openpyxl.load_workbook(io.BytesIO(attachments.as_xlsx(ROWS, title="releves"))).active
    assert sheet.title == "releves"
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Jour", "Pluie (mm)", "Code"], ["lundi", 1.5, "0012"], ["mardi", 12, "2025-03-04"],
    ]


@pytest.mark.parametrize("name, formats", [("a.csv", ["csv", "xlsx"]), ("a.xlsx", ["xlsx", "csv"])])
def test_the_named_format_comes_first(name, formats):
    assert attachments.formats_of(name) == formats


@pytest.mark.parametrize("size, label", [(1, "1 octet"), (999, "999 octets"), (1000, "1 Ko"), (5321, "5 Ko")])
def test_sizes_read_as_the_dsfr_writes_them(size, label):
    assert attachments.size_label(size) == label
