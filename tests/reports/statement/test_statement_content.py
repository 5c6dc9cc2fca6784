"""More of a statement's content, on the hand-built register (tests/reports/conftest.py): the forecast by
age band, children by route to market for each type of placement, and the page as an HTML download.

Walsall on 31 March 2025: W1 and W6 with its own foster carers, W7 in its own home and W4 with kinship
carers (in-house); W2 in an external home (SC900001, which Walsall buys through a framework); W3 with an
agency and W8 in an unregistered placement (spot).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from sufficiency.reports.kpis import KpiSession
from sufficiency.reports.statement import services
from sufficiency.reports.statement.builder import build_statement_document, routes_table
from tests.reports.conftest import D

pytestmark = pytest.mark.django_db

#: The baseline forecast by age band at 12, 24 and 36 months.
AGE_FORECAST = {"1_4": (0.8, 0.6, 0.4), "10_15": (5.4, 5.6, 6.2), "16_17": (1.2, 1.8, 2.4)}


@pytest.fixture
def forecast_run(register):
    from forecasting.choices import RunStatusChoices
    from forecasting.models import ForecastRun, ForecastValue

    run = ForecastRun.objects.create(
        authority=register["walsall"], status=RunStatusChoices.SUCCEEDED, as_at=D, horizon_months=36,
        finished_at=timezone.now(),
    )  # fmt: skip
    rows = [("total", "total", (7.4, 8.0, 9.0))] + [("age_band", k, v) for k, v in AGE_FORECAST.items()]
    for dimension, key, means in rows:
        for months, mean in zip((12, 24, 36), means, strict=True):
            month_end = (pd.Timestamp(D) + pd.offsets.MonthEnd(months)).date()
            ForecastValue.objects.create(
                run=run, scenario="baseline", month_end=month_end, months_ahead=months, dimension=dimension,
                key=key, mean=mean, p50=mean, p10=mean, p90=mean, p2_5=mean, p97_5=mean,
            )  # fmt: skip
    return run


def _tables(document):
    return {t["id"]: t for s in document["sections"] for t in s["tables"]}


def _text(cell):
    return str(cell.get("text", "") if isinstance(cell, dict) else cell)


def test_forecast_by_age_band_beside_the_published_age_counts(register, forecast_run):
    document = build_statement_document(authority=register["walsall"], as_at=D)
    tables = _tables(document)
    ages = tables["table-forecast-ages"]
    assert [row[0] for row in ages["rows"]] == ["1 to 4", "10 to 15", "16 and 17"]
    # "Now" is the age table's cell (the same count, suppressed the same way).
    now = {row[0]: _text(row[1]) for row in tables["table-children-age"]["rows"]}
    assert [_text(row[1]) for row in ages["rows"]] == [now["1 to 4"], now["10 to 15"], now["16 and 17"]]
    assert now["1 to 4"] == "fewer than 5"
    # Projections are whole numbers; 1 to 4 reads "fewer than 5" (0.4 rounds to 0 and is printed).
    by_label = {row[0]: [_text(c) for c in row[2:]] for row in ages["rows"]}
    assert by_label["10 to 15"] == ["5", "6", "6"]
    assert by_label["16 and 17"] == ["fewer than 5", "fewer than 5", "fewer than 5"]
    assert by_label["1 to 4"] == ["fewer than 5", "fewer than 5", "0"]


def test_children_by_route_for_each_type_of_placement(register):
    from placements.models import FrameworkMembership, Setting

    walsall = register["walsall"]
    FrameworkMembership.objects.create(
        authority=walsall, setting=Setting.objects.get(urn="SC900001"), framework="WM Residential"
    )
    ctx = KpiSession(walsall).context(D)
    table = routes_table(walsall, ctx)
    assert [h["text"] for h in table["headers"]] == [
        "Type of placement", "In-house", "Framework", "Spot", "Total"
    ]  # fmt: skip
    rows = {row[0]: row[1:] for row in table["rows"]}
    assert rows["Total"] == ["4", "1", "2", "7"]
    external_homes = next(label for label in rows if label.startswith("Residential: external"))
    assert rows[external_homes] == ["0", "1", "0", "1"]
    # Published, every count is a cell of the statement's linked table: no 1 to 4 is printed, and all
    # children read as the key figures print them.
    document = build_statement_document(authority=walsall, as_at=D)
    published = _tables(document)["table-routes"]
    cells = [_text(c) for row in published["rows"] for c in row[1:]]
    assert not [c for c in cells if re.fullmatch(r"[1-4]", c)]
    assert "fewer than 5" in cells
    kpis = {e["key"]: e for s in document["sections"] for e in s["kpis"]}
    assert _text(published["rows"][-1][4]) == kpis["children_in_care"]["text"]
    # No row (a type: its routes and total) or column (a route: its types and total) has exactly one
    # suppressed cell, which its total less the others would give back.
    grid = [[_text(c) == "fewer than 5" for c in row[1:]] for row in published["rows"]]
    assert all(sum(row) != 1 for row in grid)
    assert all(sum(column) != 1 for column in zip(*grid, strict=True))


def test_the_standalone_page_downloads_as_an_html_file_named_after_the_statement(
    client, register, la_user, board_member
):
    from sufficiency.reports.statement.choices import StatementStatusChoices as Status

    walsall = register["walsall"]
    statement = services.statement_create(authority=walsall, as_at=D, acting_user=la_user)
    url = reverse("reports:statement-detail", kwargs={"code": "335", "pk": statement.pk})
    client.force_login(la_user)
    response = client.get(url, {"download": "html"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="walsall-sufficiency-statement-2025-03-31-draft.html"'
    )
    page = response.content.decode()
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    assert "<link" not in page and "<script" not in page  # standalone: styles inlined
    assert "fewer than 5" in page
    assert "?download=html" in client.get(url).content.decode()  # linked from the page
    # A reader outside the editors gets a draft's download no more than its page.
    client.force_login(board_member)
    assert client.get(url, {"download": "html"}).status_code == 404
    services.statement_transition(statement=statement, to=Status.IN_REVIEW, acting_user=la_user)
    services.statement_transition(statement=statement, to=Status.APPROVED, acting_user=la_user)
    services.statement_publish(statement=statement, acting_user=la_user)
    published = client.get(url, {"download": "html"})
    assert published["Content-Disposition"].endswith('-2025-03-31-v1.html"')


def test_what_we_will_do_lists_every_objective_with_its_description_and_measures(register, strategy, la_user):
    from sufficiency.reports import services as strategy_services

    strategy_services.objective_create(
        strategy=strategy, acting_user=la_user, number=3, title="Homes for older teenagers",
        description="Supported accommodation in the borough for every 16 and 17 year old who needs it.",
    )  # fmt: skip
    document = build_statement_document(authority=register["walsall"], as_at=D)
    section = next(s for s in document["sections"] if s["key"] == "what_we_will_do")
    table = next(t for t in section["tables"] if t["id"] == "table-objectives")
    assert [h["text"] for h in table["headers"]] == ["Objective", "What it means", "Measures and targets"]
    rows = {_text(r[0]): [_text(c) for c in r[1:]] for r in table["rows"]}
    assert list(rows) == ["1. Family settings", "2. Close to home", "3. Homes for older teenagers"]
    assert rows["1. Family settings"] == [
        "–",
        "Children in foster care: 57.0% by 31 March 2026; "
        "In-house share of fostering (excluding kinship): 70.0% by 31 March 2026",
    ]
    assert rows["2. Close to home"][1].startswith(
        "Children placed more than 20 miles from home: 10.0% by 31 March"
    )
    # An objective with no measures is listed too, with its description.
    assert rows["3. Homes for older teenagers"] == [
        "Supported accommodation in the borough for every 16 and 17 year old who needs it.",
        "No measures yet",
    ]
