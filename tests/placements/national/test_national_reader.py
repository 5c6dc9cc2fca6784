"""The DfE open-data reader: the published layout and its variants, markers, file and row problems."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from placements.national.reader import FileRefused, read_dfe_csv, year_of

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dfe"


def _read(name: str):
    return read_dfe_csv((FIXTURES / name).read_bytes())


def _cell(result, year, code, group_characteristic, indicator):
    [figure] = [
        f
        for f in result.figures
        if f.year == year
        and f.area_code == code
        and dict(f.filters).get("characteristic") == group_characteristic
        and f.indicator == indicator
    ]
    return figure


def test_published_layout_gives_exactly_the_values_in_it():
    result = _read("la_cla_at_31_march.csv")
    assert result.filter_columns == ("cla_group", "characteristic")
    assert result.indicator_columns == ("number", "percentage")
    assert result.years == (2024, 2025)
    assert result.problems == []
    assert len(result.figures) == 30 * 2
    england = _cell(result, 2025, "E92000001", "Total", "number")
    assert (england.value, england.marker, england.geographic_level) == (81770.0, "", "National")
    walsall = _cell(result, 2025, "E08000030", "Total", "number")
    assert (walsall.old_la_code, walsall.area_name, walsall.value) == ("335", "Walsall", 440.0)
    region = _cell(result, 2024, "E12000005", "Foster placements", "percentage")
    assert (region.area_name, region.value) == ("West Midlands", 66.0)


@pytest.mark.parametrize(
    ("code", "characteristic", "indicator", "marker"),
    [
        ("E08000030", "Foster placements", "number", "c"),
        ("E08000030", "Foster placements", "percentage", "c"),
        ("E12000005", "Over 20 miles", "percentage", "x"),
        ("E08000028", "Over 20 miles", "number", "low"),
        ("E08000028", "Over 20 miles", "percentage", "u"),
        ("E08000030", "Over 20 miles", "number", "z"),
        ("E08000030", "Over 20 miles", "percentage", ":"),
    ],
)
def test_markers_are_not_published_never_zero(code, characteristic, indicator, marker):
    figure = _cell(_read("la_cla_at_31_march.csv"), 2025, code, characteristic, indicator)
    assert figure.value is None
    assert figure.marker == marker


def test_bom_crlf_and_reordered_columns_without_filters():
    result = _read("la_cla_rates_bom_crlf.csv")
    assert result.filter_columns == ()
    assert set(result.indicator_columns) == {"population_estimate", "number", "rate_per_10000"}
    walsall = [f for f in result.figures if f.old_la_code == "335" and f.indicator == "rate_per_10000"]
    assert [(f.value, f.area_name, f.filter_key) for f in walsall] == [(67.0, "Walsall", "")]
    solihull = [f for f in result.figures if f.old_la_code == "334" and f.indicator == "number"]
    assert [(f.value, f.marker) for f in solihull] == [(None, "c")]


def test_financial_year_period_is_the_year_it_ends():
    result = _read("la_cla_stability_financial_year.csv")
    assert result.years == (2025,)
    assert year_of("202425") == 2025
    assert year_of("202426") is None
    assert year_of("2025") == 2025


def test_rows_with_problems_are_reported_and_left_out():
    result = _read("bad_rows.csv")
    problems = [(p.row, p.column) for p in result.problems]
    assert problems == [(3, "number"), (4, "old_la_code"), (5, "time_period"), (6, "geographic_level")]
    # England and Walsall read; the district row is another level and skipped quietly.
    assert sorted({f.area_code for f in result.figures}) == ["E08000030", "E92000001"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        ((FIXTURES / "not_dfe_layout.csv").read_bytes(), "time_period"),
        (b"time_period,time_identifier,geographic_level,country_code\n", "no rows"),
        (
            b"time_period,time_identifier,geographic_level,country_code,la_name\n2025,x,National,E9,\n",
            "no indicator",
        ),
        (b"time_period,time_period\n1,2\n", "twice"),
        (b"time_period\x00,x\n", "NUL"),
    ],
)
def test_file_level_problems_refuse_the_file(data, message):
    with pytest.raises(FileRefused, match=message):
        read_dfe_csv(data)


def test_reader_imports_no_django():
    code = (
        "import sys, placements.national.reader, placements.national.measures; print('django' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
