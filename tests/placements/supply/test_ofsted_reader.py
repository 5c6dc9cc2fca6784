"""The Ofsted reader (pure pandas): formats, header aliases, redaction, judgement scales, history."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

from placements.choices import JudgementChoices, JudgementScaleChoices, ProvisionTypeChoices, SectorChoices
from placements.ofsted import authority_key, read_ofsted
from placements.ofsted import columns as c

FIXTURE = Path(__file__).parents[2] / "fixtures" / "ofsted" / "providers_monthly.csv"


def _csv(text: str) -> list[tuple[str, bytes]]:
    return [("providers.csv", text.encode())]


def _frame() -> pd.DataFrame:
    return pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)


def test_codes_match_the_registers_choices():
    assert set(c.PROVISION_TYPES.values()) | {
        c.SUPPORTED_ACCOMMODATION,
        c.OTHER_PROVISION,
        c.RESIDENTIAL_SPECIAL_SCHOOL,
    } <= set(ProvisionTypeChoices.values)
    judgements = {
        *c.FOUR_POINT_JUDGEMENTS.values(),
        *c.THREE_OUTCOME_JUDGEMENTS.values(),
        *(code for _, code in c.OTHER_STATES),
        c.NOT_YET_INSPECTED,
    }
    assert judgements == set(JudgementChoices.values)
    assert set(c.SECTORS.values()) <= set(SectorChoices.values)
    assert {c.FOUR_POINT, c.THREE_OUTCOME} == set(JudgementScaleChoices.values)


def test_reads_the_csv_fixture():
    result = read_ofsted([(FIXTURE.name, FIXTURE.read_bytes())])
    assert result.ok, result.errors
    settings = result.settings.set_index("urn")
    assert len(settings) == 6
    home = settings.loc["SC900001"]
    assert home["provision_type"] == "childrens_home"
    assert home["name"] is None  # REDACTED: keep what the register holds
    assert home["registered_places"] == 4
    assert home["judgement"] == "good"
    assert home["registration_date"] == dt.date(2010, 2, 1)
    assert home["owner"] == "Synthetic Care Homes Ltd"
    assert settings.loc["SC900002", "judgement"] == "requires_improvement"
    assert settings.loc["SC900005", "judgement"] == "outstanding"
    assert settings.loc["SC900006", "provision_type"] == "other"
    assert any("Voluntary adoption agency" in w.message for w in result.warnings)


def test_supported_accommodation_uses_the_three_outcome_model():
    result = read_ofsted([(FIXTURE.name, FIXTURE.read_bytes())])
    sa = result.settings.set_index("urn").loc["2900004"]
    assert sa["judgement_scale"] == "three_outcome"
    assert sa["judgement"] == "sa_inconsistent"
    inspection = result.inspections.set_index("urn").loc["2900004"]
    assert inspection["judgement_scale"] == "three_outcome"


@pytest.mark.parametrize("value", ["Good", "4", "Outstanding"])
def test_supported_accommodation_skips_four_point_grades(value):
    result = read_ofsted(
        _csv(
            "URN,Provision type,Inspection date,Overall experiences and progress of young people\n"
            f"1,Supported accommodation,01/01/2025,{value}\n2,Supported accommodation,01/01/2025,Outcome 3\n"
        )
    )
    assert result.ok
    assert list(result.settings["urn"]) == ["2"]
    assert "3-outcome" in result.skipped[0].message
    assert result.skipped[0].row == 2


@pytest.mark.parametrize("value", ["Consistently strong service delivery leads to ...", "outcome 1", "1"])
def test_supported_accommodation_outcome_words_and_numbers(value):
    result = read_ofsted(
        _csv(
            f'URN,Provision type,Inspection date,Overall outcome\n1,Supported accommodation,01/01/2025,"{value}"\n'
        )
    )
    assert result.ok, result.errors
    assert result.settings.iloc[0]["judgement"] == "sa_strong"


@pytest.mark.parametrize("value", ["", "Not yet inspected", "not inspected", "-"])
def test_blank_or_not_yet_inspected(value):
    result = read_ofsted(_csv(f"URN,Provision type,Overall effectiveness\nSC1,Children's home,{value}\n"))
    assert result.ok
    assert result.settings.iloc[0]["judgement"] == "not_yet_inspected"
    assert result.inspections.empty


def test_header_aliases_case_whitespace_and_extra_columns():
    text = (
        " urn ,PROVISION TYPE,Registration Status,Local Authority Name,Number of registered places,"
        "Owner,Latest full inspection date,Overall experiences and progress of children and young people "
        "(latest full inspection),Something else\n"
        "sc 123456,Childrens Home,Suspended,Walsall,5,Acme,2024-03-12,3,ignored\n"
    )
    result = read_ofsted(_csv(text))
    assert result.ok, result.errors
    row = result.settings.iloc[0]
    assert row["urn"] == "SC123456"
    assert row["registration_status"] == "suspended"
    assert row["registered_places"] == 5
    assert row["judgement"] == "requires_improvement"
    assert row["local_authority_key"] == "walsall"


def test_not_an_ofsted_file_is_a_file_error():
    result = read_ofsted(_csv("CHILD,SEX,DOB\n1,1,01/01/2010\n"))
    assert not result.ok
    assert result.errors[0].row is None
    assert "not an Ofsted provider file" in result.errors[0].message


def test_every_unreadable_row_is_skipped_and_reported_with_file_row_column_value():
    text = (
        "URN,Provision type,Places,Registration status,Inspection date,Overall effectiveness\n"
        "SC1,Children's home,four,Active,,\n"
        "SC2,Children's home,3,Dormant,,\n"
        "SC3,Children's home,3,Active,31/02/2024,2\n"
        "SC4,Children's home,3,Active,,2\n"
        "SC5,,3,Active,,\n"
        "SC6,Children's home,3,Active,01/02/2024,2\n"
    )
    result = read_ofsted(_csv(text))
    assert result.ok
    assert list(result.settings["urn"]) == ["SC6"]
    assert result.sheets[0].rows_read == 1
    assert result.sheets[0].rows_skipped == 5
    found = {(e.row, e.column) for e in result.skipped}
    assert found == {
        (2, "Places"),
        (3, "Registration status"),
        (4, "Inspection date"),
        (5, "Inspection date"),
        (6, "Provision type"),
    }
    assert all(e.file == "providers.csv" for e in result.skipped)
    assert next(e for e in result.skipped if e.row == 2).value == "four"


def test_two_rows_for_a_urn_keep_both_judgements_and_the_latest_details():
    text = (
        "URN,Provision type,Places,Inspection date,Overall effectiveness\n"
        "SC1,Children's home,4,01/06/2024,Good\n"
        "SC1,Children's home,3,01/06/2021,Inadequate\n"
    )
    result = read_ofsted(_csv(text))
    assert result.ok
    assert len(result.settings) == 1
    assert result.settings.iloc[0]["registered_places"] == 4
    assert sorted(result.inspections["judgement"]) == ["good", "inadequate"]


def test_a_conflicting_second_judgement_for_one_inspection_is_skipped():
    text = (
        "URN,Provision type,Inspection date,Overall effectiveness\n"
        "SC1,Children's home,01/06/2024,Good\n"
        "SC1,Children's home,01/06/2024,Inadequate\n"
    )
    result = read_ofsted(_csv(text))
    assert result.ok
    assert list(result.inspections["judgement"]) == ["good"]
    assert "two different judgements" in result.skipped[0].message
    assert result.skipped[0].row == 3


def _excel(engine: str) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine=engine) as writer:
        pd.DataFrame([["About this data"], ["Published monthly"]]).to_excel(
            writer, sheet_name="Notes", header=False, index=False
        )
        _frame().to_excel(writer, sheet_name="Providers", index=False, startrow=3)
    return buffer.getvalue()


@pytest.mark.parametrize(("engine", "suffix"), [("openpyxl", "xlsx"), ("odf", "ods")])
def test_reads_spreadsheets_with_title_rows_and_several_sheets(engine, suffix):
    result = read_ofsted([(f"providers.{suffix}", _excel(engine))])
    assert result.ok, result.errors
    assert result.files[0].kind == f"ofsted_{suffix}"
    settings = result.settings.set_index("urn")
    assert len(settings) == 6
    assert settings.loc["SC900001", "judgement"] == "good"
    assert settings.loc["SC900001", "source_row"] == 5  # header on spreadsheet row 4
    assert settings.loc["2900004", "judgement_scale"] == "three_outcome"
    assert settings.loc["SC900001", "registration_date"] == dt.date(2010, 2, 1)


def test_old_excel_files_are_refused_with_advice():
    result = read_ofsted([("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)])
    assert not result.ok
    assert ".xlsx" in result.errors[0].message


@pytest.mark.parametrize(
    ("ofsted", "dfe"),
    [
        ("Bristol, City of", "Bristol, City of"),
        ("City of Bristol", "Bristol, City of"),
        ("Telford & Wrekin", "Telford and Wrekin"),
        ("St Helens", "St. Helens"),
        ("County Durham", "Durham"),
        ("Herefordshire, County of", "Herefordshire"),
        ("Kingston upon Hull, City of", "Kingston upon Hull, City of"),
        ("Newcastle upon Tyne", "Newcastle Upon Tyne"),
        ("Southend on Sea", "Southend-on-Sea"),
    ],
)
def test_authority_names_meet(ofsted, dfe):
    assert authority_key(ofsted) == authority_key(dfe)
