"""Downloads a council can use: numbers as numbers with the unit in the header, no HTML, ISO dates, UTF-8
with a byte-order mark, formula-like text inert; the same table as XLSX."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from sufficiency.core.csv import csv_response, export_table
from sufficiency.core.xlsx import xlsx_bytes

HEADERS = ["Authority", "Spend", "Share", "Children", "As at", "Owner"]
ROWS = [
    ["Walsall", "£41.83m", "20.7%", "1,234", "31 March 2026", "Children&#x27;s <b>homes</b>"],
    ["Sandwell", "£950k", "–", "12", "28 February 2026", '=HYPERLINK("x")'],
]


def test_export_table_makes_numbers_units_iso_dates_and_plain_text():
    headers, rows = export_table(HEADERS, ROWS)
    assert headers == ["Authority", "Spend (£)", "Share (%)", "Children", "As at", "Owner"]
    assert rows[0][1:5] == [41_830_000.0, 20.7, 1234, "2026-03-31"]
    assert rows[1][1:5] == [950_000.0, None, 12, "2026-02-28"]
    assert rows[0][5] == "Children's homes"


def test_a_column_of_several_units_says_each_rows_unit():
    headers, rows = export_table(
        ["Measure", "Value"], [["Children in care", "637"], ["Over 20 miles", "16.2%"]]
    )
    assert headers == ["Measure", "Value", "Value: unit"]
    assert rows == [["Children in care", 637, ""], ["Over 20 miles", 16.2, "%"]]


def test_csv_download_is_utf8_with_bom_and_inert():
    headers, rows = export_table(HEADERS, ROWS)
    body = csv_response("t.csv", headers, rows).content
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    assert "Spend (£)" in text and ",41830000," in text and "&#x27;" not in text  # whole pounds, no ".0"
    assert "'=HYPERLINK" in text


def test_xlsx_holds_numbers_and_inert_text():
    book = load_workbook(io.BytesIO(xlsx_bytes("Spend", HEADERS, ROWS)))
    sheet = book.active
    assert [c.value for c in sheet[1]][:3] == ["Authority", "Spend (£)", "Share (%)"]
    assert sheet["B2"].value == 41_830_000 and sheet["D2"].value == 1234
    assert sheet["F3"].value.startswith("'=")


def test_months_and_short_dates_become_iso_and_a_declared_unit_heads_its_column():
    headers, rows = export_table(
        ["Month", "From", {"text": "Median days", "unit": "days"}, {"text": "Placed to plan", "unit": "%"}],
        [["Apr 2025", "14 Sep 2025", "2", "–"], ["March 2026", "1 March 2026", "5.5", "–"]],
    )
    # The unit is in the header even where every cell is blank (no cell could show it).
    assert headers == ["Month", "From", "Median days (days)", "Placed to plan (%)"]
    assert rows == [["2025-04", "2025-09-14", 2, None], ["2026-03", "2026-03-01", 5.5, None]]
