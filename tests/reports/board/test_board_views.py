"""Who can see and do what with board reports. Board members (and regional analysts, and every other
reader of the authority's aggregates) see published reports only; drafts are 404 to them. Commissioners
and administrators write and publish. Another authority's reports are always 404."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from sufficiency.core.locking import version_of
from sufficiency.reports.board import services
from sufficiency.reports.models import BoardReport, PublishedReport, ReportSection
from tests.reports.conftest import D

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(register, la_user, fast_pdf):
    walsall = register["walsall"]
    published_draft = services.report_create(authority=walsall, as_at=D, acting_user=la_user)
    published = services.report_publish(
        report=published_draft, meeting_name="Corporate Parenting Board", meeting_date=dt.date(2025, 6, 2),
        acting_user=la_user,
    )  # fmt: skip
    draft = services.report_create(authority=walsall, as_at=D, acting_user=la_user, title="Next update")
    return {"published": published, "draft": draft}


def _urls(reports):
    v, pk = reports["published"].version, reports["draft"].pk
    published = {
        "list": reverse("reports:board-report-list", kwargs={"code": "335"}),
        "published": reverse("reports:board-published", kwargs={"code": "335", "version": v}),
        "published-print": reverse("reports:board-published-print", kwargs={"code": "335", "version": v}),
        "published-pdf": reverse("reports:board-published-pdf", kwargs={"code": "335", "version": v}),
    }
    drafts = {
        name: reverse(f"reports:board-{name}", kwargs={"code": "335", "pk": pk})
        for name in ("draft", "draft-update", "draft-commentary", "draft-publish", "draft-print")
    }
    drafts["create"] = reverse("reports:board-report-create", kwargs={"code": "335"})
    return published, drafts


@pytest.mark.parametrize("role", ["board_member", "regional_user", "data_manager"])
def test_readers_see_published_reports_only(request, client, reports, role):
    client.force_login(request.getfixturevalue(role))
    published, drafts = _urls(reports)
    for name, url in published.items():
        assert client.get(url).status_code == 200, name
    for name, url in drafts.items():
        assert client.get(url).status_code == 404, name
    assert client.post(drafts["draft-publish"], {"meeting_name": "x"}).status_code == 404
    listing = client.get(published["list"]).content.decode()
    assert "Next update" not in listing and "Start a new report" not in listing
    assert client.get(published["published-pdf"])["Content-Type"] == "application/pdf"


def test_commissioner_sees_everything(client, la_user, reports):
    client.force_login(la_user)
    published, drafts = _urls(reports)
    for name, url in {**published, **drafts}.items():
        assert client.get(url).status_code == 200, name
    listing = client.get(published["list"]).content.decode()
    assert "Next update" in listing and "Start a new report" in listing


def test_other_authority_gets_404_everywhere(client, other_la_user, reports):
    client.force_login(other_la_user)
    published, drafts = _urls(reports)
    for name, url in {**published, **drafts}.items():
        assert client.get(url).status_code == 404, name
    sandwell_list = reverse("reports:board-report-list", kwargs={"code": "333"})
    assert client.get(sandwell_list).status_code == 200
    missing = reverse("reports:board-published", kwargs={"code": "333", "version": 1})
    assert client.get(missing).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, reports):
    published, _ = _urls(reports)
    assert client.get(published["published-pdf"]).status_code == 302


def test_a_published_draft_url_is_404(client, la_user, reports):
    client.force_login(la_user)
    url = reverse("reports:board-draft", kwargs={"code": "335", "pk": reports["published"].report_id})
    assert client.get(url).status_code == 404


def test_create_edit_commentary_and_publish_through_the_pages(
    client, la_user, register, fast_pdf, django_capture_on_commit_callbacks
):
    client.force_login(la_user)
    response = client.post(
        reverse("reports:board-report-create", kwargs={"code": "335"}),
        {
            "title": "Quarterly update",
            "as_at_day": "31",
            "as_at_month": "3",
            "as_at_year": "2025",
            "author_name": "HoS",
        },
    )
    report = BoardReport.objects.get(title="Quarterly update")
    assert response.status_code == 302 and report.as_at == D and report.author == la_user
    commentary_url = reverse("reports:board-draft-commentary", kwargs={"code": "335", "pk": report.pk})
    response = client.post(
        commentary_url,
        {"fostering": "Recruitment is up.\r\n\r\nSecond paragraph.", "version": version_of(report)},
    )
    assert response.status_code == 302
    assert ReportSection.objects.get(report=report, section="fostering").commentary == (
        "Recruitment is up.\n\nSecond paragraph."
    )
    publish_url = reverse("reports:board-draft-publish", kwargs={"code": "335", "pk": report.pk})
    response = client.post(publish_url, {"meeting_name": "CPB", "meeting_date_day": "2", "meeting_date_month": "6",
                                         "meeting_date_year": "2025"})  # fmt: skip
    assert response.status_code == 200 and "Confirm that you understand" in response.content.decode()
    assert not PublishedReport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the worker (eager) runs on commit
        response = client.post(publish_url, {"meeting_name": "CPB", "meeting_date_day": "2",
                                             "meeting_date_month": "6", "meeting_date_year": "2025",
                                             "confirm": "on"})  # fmt: skip
    published = PublishedReport.objects.get()
    # In a test the commit (and so the publication) comes after the response: it shows the draft, whose
    # status poll then links to the published version.
    assert response.url == reverse("reports:board-draft", kwargs={"code": "335", "pk": report.pk})
    status_url = reverse("reports:board-draft-publish-status", kwargs={"code": "335", "pk": report.pk})
    assert client.get(status_url).json()["published_url"] == reverse(
        "reports:board-published", kwargs={"code": "335", "version": 1}
    )
    assert published.meeting_name == "CPB" and published.meeting_date == dt.date(2025, 6, 2)
    page = client.get(
        reverse("reports:board-published", kwargs={"code": "335", "version": 1})
    ).content.decode()
    assert "<p>Recruitment is up.</p>" in page and "<p>Second paragraph.</p>" in page


def test_commentary_is_escaped(client, la_user, register):
    report = services.report_create(authority=register["walsall"], as_at=D, acting_user=la_user)
    services.commentary_update(
        report=report, acting_user=la_user, texts={"conclusion": '<script>alert("x")</script><b>bold</b>'}
    )
    client.force_login(la_user)
    page = client.get(
        reverse("reports:board-draft", kwargs={"code": "335", "pk": report.pk})
    ).content.decode()
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page


def test_printable_page_allows_only_its_own_stylesheet(client, la_user, reports):
    client.force_login(la_user)
    published, _ = _urls(reports)
    csp = client.get(published["published-print"])["Content-Security-Policy"]
    assert "'sha256-" in csp and "unsafe-inline" not in csp.split("style-src")[1].split(";")[0]


def test_draft_page_query_count_is_capped(client, la_user, register, strategy, django_assert_max_num_queries):
    report = services.report_create(authority=register["walsall"], as_at=D, acting_user=la_user)
    client.force_login(la_user)
    url = reverse("reports:board-draft", kwargs={"code": "335", "pk": report.pk})
    # A fixed number per KPI and section (usable fostering places, the funnel and in-house homes' occupancy
    # add their own reads; the ledger reads its approaches grouped, apart from its requests; the request frame
    # of the authority and of the region reads its unit costs once each), never one
    # per child or row.
    with django_assert_max_num_queries(73):
        assert client.get(url).status_code == 200


def test_the_pdf_downloads_with_a_sensible_name_and_can_be_opened_in_the_browser(
    client, board_member, la_user, reports
):
    published = reports["published"]
    name = f"walsall-sufficiency-board-report-{D:%Y-%m-%d}-v{published.version}.pdf"
    client.force_login(board_member)
    page = client.get(_urls(reports)[0]["published"]).content.decode()
    download = re.search(r'href="([^"]*/pdf/\?download=1)" download>Download the PDF', page).group(1)
    response = client.get(download)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    shown = client.get(_urls(reports)[0]["published-pdf"])  # "Open the PDF in the browser"
    assert shown["Content-Disposition"] == f'inline; filename="{name}"'
    listing = client.get(_urls(reports)[0]["list"]).content.decode()
    assert f'href="{download}" download>Download PDF' in listing
    client.force_login(la_user)
    draft = reverse("reports:board-draft-pdf", kwargs={"code": "335", "pk": reports["draft"].pk})
    assert client.get(draft, {"download": "1"})["Content-Disposition"] == (
        f'attachment; filename="walsall-sufficiency-board-report-{D:%Y-%m-%d}-draft.pdf"'
    )


def test_the_pdf_name_holds_only_letters_digits_and_hyphens_whatever_the_authority_is_called():
    from types import SimpleNamespace

    from sufficiency.reports.board_views import _filename

    authority = SimpleNamespace(name='Bristol, City of "St. Helens"')
    assert _filename(authority, dt.date(2026, 3, 31), "v2") == (
        "bristol-city-of-st-helens-sufficiency-board-report-2026-03-31-v2.pdf"
    )
