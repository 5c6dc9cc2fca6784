"""A chart in every section of an authority's statement that has a table of children to draw: children by
age, stability, children by the Ofsted judgement of their setting, children by route, placement requests
and care leavers by accommodation. Each chart is drawn from the published table's printed cells (a
suppressed figure has no bar and reads "fewer than 5", in the alt text too), and appears with its alt text
in the web page, the printable page the PDF is made from, and the Word document's picture descriptions.

The register is synthetic: Walsall on 31 March 2025 with 35 children (3 of them aged 1 to 4; 6 in homes judged Good, 7
Outstanding, 2 Requires improvement and 6 Inadequate, 5 in a home not yet inspected), 16 care leavers aged 19 to 21 (2 in unsuitable accommodation) and 14
placement requests (2 not yet placed).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile

import pytest

from sufficiency.reports.statement.builder import build_statement_document
from sufficiency.reports.statement.render import render_body_html, render_docx, render_print_html

pytestmark = pytest.mark.django_db

AS_AT = dt.date(2025, 3, 31)
CHART_SECTIONS = {
    "children": "chart-children-age",
    "stability": "chart-stability",
    "quality": "chart-quality",
    "supply": "chart-routes",
    "unmet_need": "chart-finding",
    "care_leavers": "chart-care-leavers",
}


@pytest.fixture
def charted(walsall):
    from placements.models import CareLeaverRecord, Inspection, PlacementRequest, Setting
    from tests.factories import ChildFactory, EpisodeFactory

    good = Setting.objects.create(urn="SC910001", provision_type="childrens_home")
    Inspection.objects.create(setting=good, inspection_date=dt.date(2023, 5, 1), judgement="good")
    best = Setting.objects.create(urn="SC910002", provision_type="childrens_home")
    Inspection.objects.create(setting=best, inspection_date=dt.date(2023, 6, 1), judgement="outstanding")
    weak = Setting.objects.create(urn="SC910003", provision_type="childrens_home")
    Inspection.objects.create(
        setting=weak, inspection_date=dt.date(2024, 9, 1), judgement="requires_improvement"
    )
    poor = Setting.objects.create(urn="SC910004", provision_type="childrens_home")
    Inspection.objects.create(setting=poor, inspection_date=dt.date(2024, 10, 1), judgement="inadequate")
    Setting.objects.create(urn="SC910005", provision_type="childrens_home")  # not yet inspected
    # (date of birth, how many, PLACE, PLACE_PROVIDER, URN)
    children = [
        (dt.date(2022, 6, 1), 3, "U4", "PR1", None),
        (dt.date(2015, 6, 1), 6, "U4", "PR1", None),
        (dt.date(2011, 6, 1), 6, "K2", "PR4", "SC910001"),
        (dt.date(2010, 6, 1), 7, "K2", "PR4", "SC910002"),
        (dt.date(2008, 9, 1), 2, "K2", "PR4", "SC910003"),
        (dt.date(2009, 6, 1), 6, "K2", "PR4", "SC910004"),
        (dt.date(2010, 2, 1), 5, "K2", "PR4", "SC910005"),
    ]
    for dob, n, place, provider, urn in children:
        for _ in range(n):
            child = ChildFactory(authority=walsall, dob=dob)
            EpisodeFactory(
                child=child, decom=dt.date(2023, 1, 1), place=place, place_provider=provider, urn=urn or ""
            )
    for accommodation, n in (("B1", 8), ("B2", 2), ("0", 6)):
        for _ in range(n):
            leaver = ChildFactory(authority=walsall, dob=dt.date(2005, 1, 1))
            CareLeaverRecord.objects.create(
                authority=walsall, child=leaver, collection_year=2025, in_touch="YES", activity="F1",
                accommodation=accommodation,
            )  # fmt: skip
    for i, (urgency, placed) in enumerate([("planned", True)] * 7 + [("emergency", True)] * 5
                                          + [("planned", False)] * 2):  # fmt: skip
        PlacementRequest.objects.create(
            authority=walsall, birth_month=dt.date(2012, 5, 1), sex="F", home_postcode="WS1 1",
            requested_on=dt.date(2024, 6, 1) + dt.timedelta(days=i), urgency=urgency, fostering="preferred",
            residential="suitable", supported="unsuitable", status="placed" if placed else "not_placed",
            placed_on=dt.date(2024, 7, 1) if placed else None, placed_category="fostering_inhouse" if placed else "",
            placed_route="in_house" if placed else "",
        )  # fmt: skip
    return walsall


def _text(cell) -> str:
    return str(cell.get("text", "") if isinstance(cell, dict) else cell)


def test_every_section_with_children_to_draw_has_a_chart_of_its_published_table(charted):
    document = build_statement_document(authority=charted, as_at=AS_AT)
    sections = {s["key"]: s for s in document["sections"]}
    for key, chart_id in CHART_SECTIONS.items():
        charts = {c["id"]: c for c in sections[key]["charts"]}
        assert chart_id in charts, (key, list(charts))
        assert charts[chart_id]["kind"] == "bars"
        rows = sections[key]["data"]["bars"][chart_id]["rows"]
        for label, value, text in rows:
            assert f"{label} {text}" in charts[chart_id]["alt"]
            assert (value is None) == (
                text in ("fewer than 5", "Withheld (fewer than 5 children)", "No data")
            )
            assert not re.fullmatch(r"[1-4]", text)
            assert value is None or not 0 < value < 5
    bars = {key: {r[0]: r for r in sections[key]["data"]["bars"][cid]["rows"]} for key, cid in
            CHART_SECTIONS.items()}  # fmt: skip
    # Children by age: the 3 under-fives are suppressed with their next smallest band; the chart follows the table.
    ages = {_text(r[0]): _text(r[1]) for t in sections["children"]["tables"] if t["id"] == "table-children-age"
            for r in t["rows"]}  # fmt: skip
    assert ages["1 to 4"] == "fewer than 5"
    assert {label: text for label, (_l, _v, text) in bars["children"].items()} == {
        label: text for label, text in ages.items() if label != "Total"
    }
    # Quality: the 2 in a home that Requires improvement are suppressed with the 6 in an Inadequate one (their
    # sum is the printed count of children in settings below Good); the rest, the not yet inspected (all
    # children less the graded, whose share is Good or better is printed) and the total stay printed.
    assert bars["quality"] == {
        "Outstanding": ["Outstanding", 7, "7"],
        "Good": ["Good", 6, "6"],
        "Requires improvement": ["Requires improvement", None, "fewer than 5"],
        "Inadequate": ["Inadequate", None, "fewer than 5"],
        "Not yet inspected": ["Not yet inspected", 5, "5"],
    }
    quality_table = next(t for t in sections["quality"]["tables"] if t["id"] == "table-quality-judgements")
    assert [_text(c) for c in quality_table["rows"][-1][:2]] == ["Total", "26"]
    # Supply by route: 35 children, all in-house foster care or spot-purchased homes.
    assert bars["supply"]["In-house"][1:] == [9, "9"]
    assert bars["supply"]["Spot"][1:] == [26, "26"]
    # Placement requests: 9 planned, 5 emergencies; the 2 not placed are suppressed.
    assert bars["unmet_need"]["Not (yet) placed"][1:] == [None, "fewer than 5"]
    # Care leavers: 8 suitable, 2 unsuitable (suppressed), 6 with no information (suppressed with them).
    leavers = bars["care_leavers"]
    assert leavers["Unsuitable"][1:] == [None, "fewer than 5"]
    assert leavers["No information, not in touch or abroad"][1:] == [None, "fewer than 5"]
    assert leavers["Suitable"][1:] == [8, "8"]
    # Stability: two percentages, this year and a year earlier.
    assert "3 or more placements in the year, this year" in bars["stability"]


def test_the_new_charts_reach_the_web_page_the_pdf_source_and_word(charted):
    document = build_statement_document(authority=charted, as_at=AS_AT)
    charts = [c for s in document["sections"] for c in s["charts"] if c["id"] in CHART_SECTIONS.values()]
    assert len(charts) == len(CHART_SECTIONS)
    body, printable = render_body_html(document), render_print_html(document)
    for chart in charts:
        for page in (body, printable):
            assert f'alt="{html.escape(chart["alt"])}"' in page
            assert chart["title"] in page
    with zipfile.ZipFile(io.BytesIO(render_docx(document))) as docx:
        xml = docx.read("word/document.xml").decode()
    descriptions = [html.unescape(d) for d in re.findall(r'descr="([^"]*)"', xml)]
    for chart in charts:
        assert chart["alt"] in descriptions
