"""The fostering recruitment page, month entry and CSV import, from hand-built funnel months."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placements.models import FosteringRecruitmentMonth
from sufficiency.authorities.models import AuditEvent, Membership
from sufficiency.reports.models import Measure, Objective, Strategy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
ON = "2025-03-31"


def _month(authority, month, route="in_house", **counts):
    return FosteringRecruitmentMonth.objects.create(authority=authority, month=month, route=route, **counts)


@pytest.fixture
def funnel(walsall):
    """Two in-house months in the 12 months to March 2025, one agency month, one in-house month before."""
    _month(
        walsall,
        D(2024, 4, 1),
        enquiries=40,
        initial_visits=10,
        applications=5,
        assessments_started=4,
        approvals=2,
        approved_places=3,
        deregistrations=1,
        deregistered_places=2,
        deregistration_reasons={"retirement": 1},
        days_enquiry_to_approval=200,
    )
    _month(
        walsall,
        D(2025, 3, 1),
        enquiries=60,
        initial_visits=15,
        applications=5,
        assessments_started=4,
        approvals=3,
        approved_places=4,
        deregistrations=0,
        days_enquiry_to_approval=250,
    )
    _month(walsall, D(2025, 1, 1), route="agency", enquiries=20, approvals=1, approved_places=1)
    _month(walsall, D(2023, 6, 1), enquiries=30, approvals=1, approved_places=1)  # the 12 months before


def _table(html: str, caption: str) -> dict[str, list[str]]:
    start = html.index(caption)
    body = html[start : html.index("</table>", start)]
    rows = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)[1:]:
        cells = [
            html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def test_supply_overview_summarises_the_in_house_funnel_as_the_recruitment_page(client, la_user, funnel):
    client.force_login(la_user)
    html = client.get(reverse("placements:supply-overview", kwargs={"code": "335"}), {"as_at": ON}).content
    html = html_lib.unescape(html.decode())
    start = html.index('id="recruitment-summary"')
    part = html[start : html.index("</dl>", start)]
    assert "April 2024 to March 2025" in part
    keys = [re.sub(r"\s+", " ", k).strip() for k in re.findall(r"<dt[^>]*>(.*?)</dt>", part, re.S)]
    values = [re.sub(r"\s+", " ", v).strip() for v in re.findall(r"<dd[^>]*>(.*?)</dd>", part, re.S)]
    # The in-house column of the recruitment page: agency months and the months before are left out.
    assert dict(zip(keys, values, strict=True)) == {
        "Enquiries": "100",
        "Households approved": "5",
        "Net change in households": "+4",
    }


def test_page_shows_stages_conversions_net_gain_and_reasons(client, la_user, funnel):
    client.force_login(la_user)
    response = client.get(reverse("reports:fostering-recruitment", kwargs={"code": "335"}), {"as_at": ON})
    assert response.status_code == 200
    html = response.content.decode()
    stages = _table(html, "Fostering recruitment in the 12 months</caption>")
    # columns: in-house, agency, all
    assert stages["Enquiries"] == ["100", "20", "120"]
    assert stages["Approvals"] == ["5", "1", "6"]
    assert stages["De-registrations"] == ["1", "0", "1"]
    assert stages["Net gain in households"] == ["+4", "+1", "+5"]
    assert stages["Net gain in places"] == ["+5", "+1", "+6"]
    assert stages["Enquiries to approvals"] == ["5.0%", "5.0%", "5.0%"]
    assert stages["Typical days from enquiry to approval"][0] == "230"  # (200*2 + 250*3) / 5
    conversions = _table(html, "Conversion between stages")
    assert conversions["Enquiries to initial visits"][0] == "25.0%"
    assert conversions["Assessments started to approvals"][0] == "62.5%"
    reasons = _table(html, "De-registrations by reason")
    assert reasons == {"Retirement or ill health": ["1", "0", "1"]}
    previous = _table(html, "Fostering recruitment in the previous 12 months")
    assert previous["Enquiries"] == ["30"]
    monthly = _table(html, "Fostering recruitment by month")
    assert list(monthly) == ["Jun 2023", "Apr 2024", "Jan 2025", "Mar 2025"]
    assert monthly["Jan 2025"][0] == "20"
    assert "data-plotly-figure" in html  # the chart, with the table above as its alternative
    assert "sets no target" not in html and "No strategy covers" in html


def test_targets_from_the_strategy_carry_rag(client, la_user, walsall, funnel):
    strategy = Strategy.objects.create(
        authority=walsall, title="Sufficiency Strategy", start_year=2024, end_year=2026
    )
    objective = Objective.objects.create(strategy=strategy, number=1, title="More in-house carers")
    Measure.objects.create(
        objective=objective,
        kpi_key="fostering_enquiries_12m",
        target_value=150,
        target_date=D(2026, 3, 31),
        direction="higher",
        tolerance=20,
    )
    Measure.objects.create(
        objective=objective,
        kpi_key="fostering_deregistrations_12m",
        target_value=2,
        target_date=D(2026, 3, 31),
        direction="lower",
        tolerance=0,
    )
    Measure.objects.create(  # not a recruitment measure: not shown here
        objective=objective,
        kpi_key="children_in_care",
        target_value=1,
        target_date=D(2026, 3, 31),
        direction="lower",
    )
    client.force_login(la_user)
    html = client.get(
        reverse("reports:fostering-recruitment", kwargs={"code": "335"}), {"as_at": ON}
    ).content.decode()
    marked = re.findall(r'data-measure="(\w+)" data-value="([\d.]*)" data-rag="(\w+)"', html)
    rags = {key: rag for key, _, rag in marked}
    assert {key: value for key, value, _ in marked}["fostering_enquiries_12m"] == "100.0"
    # 100 in-house enquiries against 150 (more than 20 short): red; 1 de-registration against at most 2: green.
    assert rags == {"fostering_enquiries_12m": "red", "fostering_deregistrations_12m": "green"}


def test_page_without_any_months_says_so(client, la_user, walsall):
    client.force_login(la_user)
    html = client.get(
        reverse("reports:fostering-recruitment", kwargs={"code": "335"}), {"as_at": ON}
    ).content.decode()
    assert "No month of fostering recruitment is recorded for this period." in html


def test_enter_a_month_by_form(client, la_user, walsall):
    client.force_login(la_user)
    url = reverse("placements:funnel-month-create", kwargs={"code": "335"})
    data = {
        "month_number": "2",
        "year": "2025",
        "route": "in_house",
        "enquiries": "31",
        "initial_visits": "9",
        "applications": "4",
        "assessments_started": "3",
        "approvals": "2",
        "approved_places": "3",
        "deregistrations": "1",
        "deregistered_places": "1",
        "dereg_retirement": "1",
        "dereg_other": "1",
    }
    response = client.post(url, data)  # reasons add up to 2, more than the 1 de-registration
    assert response.status_code == 200
    assert "The reasons add up to more than the de-registrations" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not FosteringRecruitmentMonth.objects.exists()
    data["dereg_other"] = ""
    response = client.post(url, data)
    assert response.status_code == 302
    record = FosteringRecruitmentMonth.objects.get()
    assert (record.month, record.enquiries, record.deregistration_reasons) == (
        D(2025, 2, 1),
        31,
        {"retirement": 1},
    )
    assert AuditEvent.objects.filter(action="fostering_recruitment_month.created").count() == 1


def test_import_refuses_a_bad_file_whole_and_reports_bad_rows(client, la_user, walsall):
    client.force_login(la_user)
    url = reverse("placements:funnel-import", kwargs={"code": "335"})
    missing = SimpleUploadedFile("funnel.csv", b"month,route,enquiries\n2025-01,in_house,5\n", "text/csv")
    response = client.post(url, {"file": missing})
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "The file has no column for" in html and "Nothing was imported." in html
    assert not FosteringRecruitmentMonth.objects.exists()

    content = (
        b"month,route,enquiries,initial_visits,applications,assessments_started,approvals,deregistrations,dereg_retirement\n"
        b"2025-01,in-house,40,10,5,4,2,1,1\n"
        b"2025-02,somewhere,40,10,5,4,2,0,0\n"
        b"2025-03,agency,x,10,5,4,2,0,0\n"
        b"2025-04,agency,12,3,2,1,1,0,0\n"
    )
    response = client.post(url, {"file": SimpleUploadedFile("funnel.csv", content, "text/csv")})
    html = html_lib.unescape(response.content.decode())
    assert response.status_code == 200
    assert "2 row(s) have problems and were not saved; 2 row(s) were saved." in html
    problems = _table(html, "Rows that need correcting")
    assert set(problems) == {"3", "4"}
    assert "must be in-house or agency" in problems["3"][0]
    assert "enquiries 'x'" in problems["4"][0]
    assert FosteringRecruitmentMonth.objects.count() == 2

    good = SimpleUploadedFile("funnel.csv", content.split(b"\n2025-02")[0] + b"\n", "text/csv")
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert FosteringRecruitmentMonth.objects.count() == 2  # the month was replaced, not added again


def test_roles_and_outsiders(client, walsall, other_la_user, funnel):
    board = UserFactory(email="board@walsall.example.gov.uk")
    Membership.objects.create(user=board, authority=walsall, role="board_member")
    page = reverse("reports:fostering-recruitment", kwargs={"code": "335"})
    writes = [
        reverse("placements:funnel-month-create", kwargs={"code": "335"}),
        reverse("placements:funnel-import", kwargs={"code": "335"}),
    ]
    client.force_login(board)
    html = client.get(page, {"as_at": ON}).content.decode()
    assert "Enter a month" not in html  # a board member reads the funnel but does not enter it
    for url in writes:
        assert client.get(url).status_code == 404
    client.force_login(other_la_user)
    for url in [page, *writes]:
        assert client.get(url).status_code == 404
