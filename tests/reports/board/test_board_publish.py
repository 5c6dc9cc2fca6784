"""Publishing freezes a board report: the document, charts, HTML and PDF never change afterwards, whatever
happens to the register; versions count up per authority; the next draft compares with the last one."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError

from sufficiency.authorities.models import AuditEvent
from sufficiency.reports.board import services
from sufficiency.reports.models import BoardReport, PublishedReport
from tests.reports.conftest import D, _episode

pytestmark = pytest.mark.django_db
MEETING = dt.date(2025, 6, 2)


def _publish(walsall, la_user, **commentary):
    report = services.report_create(
        authority=walsall, as_at=D, acting_user=la_user, author_name="Head of Service"
    )
    if commentary:
        services.commentary_update(report=report, texts=commentary, acting_user=la_user)
    return services.report_publish(
        report=report, meeting_name="Corporate Parenting Board", meeting_date=MEETING, acting_user=la_user
    )


def _pdf_text(pdf: bytes) -> list[str]:
    pypdf = pytest.importorskip("pypdf")
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _add_child_in_care(walsall):
    from tests.factories import ChildFactory

    child = ChildFactory(authority=walsall, child_ref="W9", dob=dt.date(2011, 1, 1))
    _episode(child, decom=dt.date(2025, 2, 1), place="U4", place_provider="PR4")


def test_publish_freezes_the_report_against_later_data_changes(register, strategy, la_user, client):
    walsall = register["walsall"]
    published = _publish(walsall, la_user, introduction="The Board is asked to note progress.")
    frozen = {
        "pdf": bytes(published.pdf),
        "html": published.html,
        "body": published.body_html,
        "document": published.document,
        "charts": published.charts,
    }
    assert frozen["pdf"].startswith(b"%PDF")
    assert published.pdf_sha256 == services.sha256_hex(frozen["pdf"])
    assert published.document["sections"][3]["data"]["total"] == 7

    # The register and the strategy change after the meeting.
    _add_child_in_care(walsall)
    strategy.actions.update(status="complete")

    again = PublishedReport.objects.get(pk=published.pk)
    assert bytes(again.pdf) == frozen["pdf"]
    assert (again.html, again.body_html, again.document, again.charts) == (
        frozen["html"], frozen["body"], frozen["document"], frozen["charts"]
    )  # fmt: skip
    client.force_login(la_user)
    base = f"/authorities/335/board-reports/{published.version}/"
    assert client.get(f"{base}pdf/").content == frozen["pdf"]
    assert client.get(f"{base}print/").content.decode() == frozen["html"]
    assert frozen["body"] in client.get(base).content.decode()
    # ...while a new draft as at the same date sees the new child.
    draft = services.report_create(authority=walsall, as_at=D, acting_user=la_user)
    live = services.draft_render(report=draft)["document"]
    assert live["sections"][3]["data"]["total"] == 8


def test_pdf_has_running_header_page_numbers_contents_and_tags(register, strategy, la_user):
    published = _publish(register["walsall"], la_user)
    pdf = bytes(published.pdf)
    pages = _pdf_text(pdf)
    assert len(pages) == published.page_count >= 5
    for number, text in enumerate(pages, start=1):
        assert "Walsall" in text
        assert "Figures as at 31 March 2025 · Version 1" in text
        assert f"Page {number} of {len(pages)}" in text
    assert "Contents" in pages[0] and "Appendix A" in pages[0]
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert reader.metadata.title.startswith(
        "Walsall: Placement sufficiency strategy update, as at 31 March 2025"
    )
    assert "alt=" in published.html and 'scope="col"' in published.html and 'scope="row"' in published.html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_text_reads_like_a_board_paper(register, strategy, la_user, tmp_path):
    published = _publish(register["walsall"], la_user, consultation="The Children in Care Council met twice.")
    path = tmp_path / "report.pdf"
    path.write_bytes(bytes(published.pdf))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for heading in ("1. Purpose of the report and recommendations", "4. Where our children live",
                    "11. Progress against targets", "Appendix A. Key performance indicators"):  # fmt: skip
        assert heading in text
    assert "At 31 March 2025 there were 7 children in our care" in text
    assert "The Children in Care Council met twice." in text


def test_versions_count_up_and_the_next_draft_shows_change_since_the_last_report(register, la_user, fast_pdf):
    walsall = register["walsall"]
    first = _publish(walsall, la_user)
    assert first.version == 1
    assert first.report.status == "published" and first.report.version == 1
    _add_child_in_care(walsall)
    draft = services.report_create(authority=walsall, as_at=D, acting_user=la_user)
    document = services.draft_render(report=draft)["document"]
    assert document["comparison"]["version"] == 1
    children = next(k for k in document["kpis"] if k["key"] == "children_in_care")
    assert (children["last_report_value"], children["value"], children["change_since_last_report"]) == (
        7,
        8,
        1,
    )
    assert children["change_since_last_report_text"] == "+1"
    assert all("change_since_last_report" in k for k in document["kpis"])
    second = services.report_publish(
        report=draft, meeting_name="Board", meeting_date=MEETING, acting_user=la_user
    )
    assert second.version == 2
    assert second.document["comparison"]["version"] == 1
    assert first.document == PublishedReport.objects.get(version=1).document


def test_a_published_report_cannot_be_changed_or_published_again(register, la_user, fast_pdf):
    published = _publish(register["walsall"], la_user)
    report = BoardReport.objects.get(pk=published.report_id)
    with pytest.raises(ValidationError):
        services.report_publish(
            report=report, meeting_name="Again", meeting_date=MEETING, acting_user=la_user
        )
    with pytest.raises(ValidationError):
        services.commentary_update(report=report, texts={"conclusion": "Edited later"}, acting_user=la_user)
    with pytest.raises(ValidationError):
        services.report_update(report=report, acting_user=la_user, title="Retitled")
    with pytest.raises(ValidationError):
        services.report_delete(report=report, acting_user=la_user)
    assert PublishedReport.objects.count() == 1


def test_publish_is_audited_without_commentary(register, la_user, fast_pdf):
    published = _publish(register["walsall"], la_user, conclusion="Secret wording")
    event = AuditEvent.objects.get(action="board_report.published")
    assert event.detail["version"] == 1 and event.detail["pdf_sha256"] == published.pdf_sha256
    assert not any("Secret" in str(e.detail) for e in AuditEvent.objects.all())


def test_publish_needs_a_meeting_name(register, la_user, fast_pdf):
    report = services.report_create(authority=register["walsall"], as_at=D, acting_user=la_user)
    with pytest.raises(ValidationError):
        services.report_publish(report=report, meeting_name="  ", meeting_date=MEETING, acting_user=la_user)
    report.refresh_from_db()
    assert report.status == "draft" and not PublishedReport.objects.exists()


def test_a_published_report_says_when_its_figures_have_changed_in_the_live_data(
    register, strategy, la_user, client
):
    walsall = register["walsall"]
    published = _publish(walsall, la_user)
    client.force_login(la_user)
    url = f"/authorities/335/board-reports/{published.version}/"
    # Nothing changed since publication: no notice.
    content = client.get(url).content.decode()
    assert "have changed in the live data" not in content

    # An import adds a child in care on the report's date: the page says its figures have changed.
    _add_child_in_care(walsall)
    content = client.get(url).content.decode()
    assert "have changed in the live data" in content
    from sufficiency.reports.board.selectors import published_changes

    assert published_changes(published=published)["count"] >= 1
    frozen = {k["key"]: k["value"] for k in published.document["kpis"]}
    assert frozen["children_in_care"] == 7
    assert "Children in care" in content.split("have changed in the live data", 1)[1]
