"""The sufficiency statement's printed figures agree with the KPI page, on the hand-built register of the
reconciliation tests (tests/reports/conftest.py).

- An authority's statement: every key figure its web page prints (the "Key figures" table of each section,
  this year) is the KPI page's value for the same authority and date, to the precision printed; a figure
  the statement withholds is one the KPI page shows as a count of children or a figure made of one.
- A regional statement: the pooled children in care it prints is the sum of its authorities' KPI values
  (the same catalogue the KPI page shows), and each authority's own figure beside it is that authority's
  value, wherever they are printed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from sufficiency.reports.kpis import registry
from sufficiency.reports.kpis.base import Unit
from tests.reconciliation.reconcile import Figure, agree, banner_date, measures, number, page
from tests.reports.conftest import register  # noqa: F401  (the hand-built register fixture)

pytestmark = pytest.mark.django_db

WITHHELD = {"fewer than 5", "Withheld (fewer than 5 children)"}


def _text(el: Any) -> str:
    return " ".join("".join(el.itertext()).split())


def _decimals(text: str) -> int:
    digits = text.replace("%", "").replace(",", "").replace("£", "").strip()
    return len(digits.split(".")[1]) if "." in digits else 0


def _key_figures(html: str) -> list[tuple[str, str]]:
    """(measure name, "This year" text) of every "Key figures" table of a statement's web page."""
    tree = lxml_html.fromstring(html)
    rows = []
    for table in tree.xpath("//table[caption]"):
        if _text(table.xpath("./caption")[0]) != "Key figures":
            continue
        header = [_text(c) for c in table.xpath("./thead/tr/th")]
        col = header.index("This year")
        for tr in table.xpath("./tbody/tr"):
            cells = [_text(c) for c in tr.xpath("./th|./td")]
            rows.append((cells[0], cells[col]))
    return rows


def _kpi_page(client, authority) -> tuple[str | None, dict[str, float | None]]:
    response = client.get(reverse("reports:kpi-list", kwargs={"code": authority.dfe_code}))
    assert response.status_code == 200
    tree = page(response.content)
    return banner_date(tree), {key: (None if raw == "" else float(raw)) for key, raw, _rag in measures(tree)}


@pytest.fixture
def larger(register):  # noqa: F811
    """The hand-built register with 24 more Walsall children and 12 more Sandwell children in foster care
    (in care since 2023, aged 12 or 13), so the statements print counts as well as suppress them."""
    from tests.factories import ChildFactory, EpisodeFactory

    for authority, n in ((register["walsall"], 24), (register["sandwell"], 12)):
        for i in range(n):
            child = ChildFactory(authority=authority, dob=dt.date(2012, 1 + i % 12, 1))
            EpisodeFactory(child=child, decom=dt.date(2023, 1, 1) + dt.timedelta(days=i), place="U4",
                           place_provider="PR1" if i % 2 else "PR4")  # fmt: skip
    return register


@pytest.fixture
def uniform(walsall, sandwell):
    """A register with no small counts at all: 30 Walsall and 20 Sandwell children, all aged 12 or 13, in
    care since 2023 in foster care under a full care order."""
    from tests.factories import ChildFactory, EpisodeFactory

    for authority, n in ((walsall, 30), (sandwell, 20)):
        for i in range(n):
            child = ChildFactory(authority=authority, dob=dt.date(2012, 1 + i % 12, 1))
            EpisodeFactory(child=child, decom=dt.date(2023, 1, 1), place="U4", place_provider="PR1")
    return {"walsall": walsall, "sandwell": sandwell}


@pytest.mark.parametrize("fixture", ["register", "larger"])
def test_the_statement_web_page_prints_the_kpi_pages_figures(fixture, request, client, walsall, la_user):
    request.getfixturevalue(fixture)
    from sufficiency.reports.statement.builder import build_statement_document
    from sufficiency.reports.statement.render import render_body_html

    client.force_login(la_user)
    on, kpi_page = _kpi_page(client, walsall)
    assert on is not None
    document = build_statement_document(authority=walsall, as_at=dt.date.fromisoformat(on))
    by_name = {kpi.name: kpi for kpi in registry}
    printed = _key_figures(render_body_html(document))
    assert len(printed) >= 40  # every section's key figures, some of them twice
    compared, withheld, wrong = 0, 0, []
    for name, text in printed:
        kpi = by_name[name]
        value = kpi_page[kpi.key]
        if text in WITHHELD:
            withheld += 1
            # A withheld count is a count of children the KPI page shows (1 to 4, or protecting one).
            assert value is not None, (name, value)
            if kpi.unit == Unit.COUNT:
                assert value >= 1, (name, value)
            continue
        if text == "No data":
            assert value is None, (name, value)
            continue
        shown = number(text)
        assert shown is not None, (name, text)
        statement = Figure(kpi.key, on, "statement web page", shown, _decimals(text))
        kpi_figure = Figure(kpi.key, on, "kpi page", value)
        compared += 1
        if not agree(statement, kpi_figure):
            wrong.append((name, text, value))
    assert wrong == []
    print(f"{fixture}: {compared} printed key figures agree with the KPI page, {withheld} withheld")
    assert compared >= (5 if fixture == "register" else 15) and withheld >= 1, (compared, withheld)


@pytest.mark.parametrize("fixture", ["larger", "uniform"])
def test_the_regional_statement_pools_the_authorities_kpi_values(
    fixture, request, client, walsall, sandwell, la_user
):
    """Where the regional statement prints the pooled children in care, it is the sum of the authorities'
    values; where it prints an authority's own, it is that authority's value. On the hand-built register
    (with more children) the small counts of its first children withhold the pooled figure and Sandwell's
    (the region less Walsall's own would give Sandwell's away); on a register with no small counts all
    three are printed and compared."""
    request.getfixturevalue(fixture)
    from sufficiency.reports.kpis import KpiSession
    from sufficiency.reports.statement.builder import build_regional_document
    from sufficiency.reports.statement.render import render_body_html

    client.force_login(la_user)
    on, kpi_page = _kpi_page(client, walsall)
    as_at = dt.date.fromisoformat(on)
    document = build_regional_document(authority=walsall, region=walsall.region, as_at=as_at)
    members = document["region"]["authorities"]
    assert set(members) >= {walsall.name, sandwell.name}
    # Each authority's value of the catalogue figure (the KPI page's own source); Walsall's as its page shows.
    from sufficiency.authorities.models import LocalAuthority

    own = {}
    for la in LocalAuthority.objects.filter(name__in=members):
        own[la.name] = registry["children_in_care"].evaluate(KpiSession(la).context(as_at)).value
    assert own[walsall.name] == kpi_page["children_in_care"]
    tree = lxml_html.fromstring(render_body_html(document))
    side = next(
        t
        for t in tree.xpath("//table[caption]")
        if _text(t.xpath("./caption")[0]).startswith("Each authority")
    )
    header = [_text(c) for c in side.xpath("./thead/tr/th")]
    row = next(
        [_text(c) for c in tr.xpath("./th|./td")]
        for tr in side.xpath("./tbody/tr")
        if _text(tr.xpath("./th|./td")[0]) == registry["children_in_care"].name
    )
    pooled = row[1]
    printed = [cell for cell in row[1:] if cell not in WITHHELD]
    assert len(printed) == (3 if fixture == "uniform" else 1), row
    if pooled not in WITHHELD:
        assert number(pooled) == sum(own.values())
    for name, cell in zip(header[2:], row[2:], strict=True):
        if cell not in WITHHELD:
            assert number(cell) == own[name], (name, cell, own[name])
    # The forecast table's "Now" column and its total print the same children.
    forecast = next(t for t in tree.xpath("//table[caption]") if _text(t.xpath("./caption")[0]).startswith(
        "Children in care now and expected"))  # fmt: skip
    now = {
        (cells := [_text(c) for c in tr.xpath("./th|./td")])[0]: cells[1]
        for tr in forecast.xpath("./tbody/tr")
    }
    assert now["Total"] == pooled
    for name, cell in now.items():
        if name != "Total" and cell not in WITHHELD:
            assert number(cell) == own[name]
