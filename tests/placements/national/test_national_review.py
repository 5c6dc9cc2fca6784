"""National statistics go through the reviewed workflow: a data manager's file is a proposal that changes
nothing anyone reads until a platform data steward publishes it; the command line and a steward publish
directly; every import names its publication in its provenance."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from placements.choices import ProposalStatusChoices, ReferenceDatasetChoices
from placements.models import NationalFigure, NationalStatisticsImport, ReferenceDataProposal
from placements.national.selectors import national_comparators
from placements.national.services import national_statistics_import
from placements.reference_data import reference_proposal_publish, reference_proposal_reject
from sufficiency.authorities.models import AuditEvent

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dfe"
pytestmark = pytest.mark.django_db


def _file(name):
    return (name, (FIXTURES / name).read_bytes())


def _propose(data_manager, walsall, *names):
    outcome = national_statistics_import(
        files=[_file(n) for n in names], acting_user=data_manager, authority=walsall
    )
    assert outcome.ok and outcome.proposal is not None
    return outcome.proposal


def test_a_data_managers_file_is_a_proposal_and_changes_nothing(data_manager, walsall):
    proposal = _propose(data_manager, walsall, "la_cla_at_31_march.csv")
    assert proposal.dataset == ReferenceDatasetChoices.NATIONAL_STATISTICS
    assert proposal.status == ProposalStatusChoices.PENDING
    assert proposal.supplied_by_authority == walsall and proposal.supplier == "Walsall"
    assert not NationalFigure.objects.exists() and not NationalStatisticsImport.objects.exists()
    assert (
        national_comparators(authority=walsall, kpi_key="children_in_care", on=dt.date(2025, 3, 31)) is None
    )
    assert proposal.counts["new"] == 60 and proposal.counts["changed"] == 0
    assert AuditEvent.objects.filter(action="reference_data.proposed", authority=walsall).exists()


def test_a_refused_file_is_not_staged(data_manager, walsall):
    outcome = national_statistics_import(
        files=[_file("not_dfe_layout.csv")], acting_user=data_manager, authority=walsall
    )
    assert not outcome.ok and outcome.proposal is None
    assert "not_dfe_layout.csv" in outcome.files[0].refused
    assert not ReferenceDataProposal.objects.exists()


def test_only_a_steward_publishes_and_the_provenance_names_the_supplier(data_manager, data_steward, walsall):
    proposal = _propose(data_manager, walsall, "la_cla_at_31_march.csv")
    with pytest.raises(PermissionDenied):
        reference_proposal_publish(proposal_id=proposal.pk, acting_user=data_manager)
    assert not NationalFigure.objects.exists()
    published = reference_proposal_publish(proposal_id=proposal.pk, acting_user=data_steward)
    assert published.status == ProposalStatusChoices.PUBLISHED and published.published_by == data_steward
    assert published.counts["published"]["figures"] == 60
    record = NationalStatisticsImport.objects.get()
    assert record.publication == published
    assert "supplied by Walsall, published by a data steward on" in record.provenance
    found = national_comparators(authority=walsall, kpi_key="children_in_care", on=dt.date(2025, 3, 31))
    assert found is not None and found.published_own == 440
    assert "supplied by Walsall" in found.provenance[0]


def test_a_rejected_proposal_changes_nothing(data_manager, data_steward, walsall):
    national_statistics_import(files=[_file("la_cla_at_31_march.csv")])
    before = list(NationalFigure.objects.order_by("pk").values_list("pk", "value", "marker"))
    proposal = _propose(data_manager, walsall, "la_cla_rates_bom_crlf.csv")
    reference_proposal_reject(proposal_id=proposal.pk, acting_user=data_steward, reason="Not the release")
    assert list(NationalFigure.objects.order_by("pk").values_list("pk", "value", "marker")) == before


def test_the_command_line_and_a_steward_publish_directly(data_steward):
    call_command("import_dfe_statistics", str(FIXTURES / "la_cla_at_31_march.csv"), "--json")
    record = NationalStatisticsImport.objects.get()
    assert record.publication.status == ProposalStatusChoices.PUBLISHED
    assert record.publication.dataset == ReferenceDatasetChoices.NATIONAL_STATISTICS
    outcome = national_statistics_import(files=[_file("la_cla_rates_bom_crlf.csv")], acting_user=data_steward)
    assert (
        outcome.proposal is None
        and outcome.files[0].statistics_import.publication.published_by == data_steward
    )


def test_the_review_page_shows_changed_figures_and_publishes(client, data_manager, data_steward, walsall):
    national_statistics_import(files=[_file("la_cla_at_31_march.csv")])
    text = (FIXTURES / "la_cla_at_31_march.csv").read_text()
    revised = text.replace("Walsall,Total,Total,440,100", "Walsall,Total,Total,452,100")
    outcome = national_statistics_import(
        files=[("revised.csv", revised.encode())], acting_user=data_manager, authority=walsall
    )
    proposal = outcome.proposal
    assert proposal.counts == {"new": 0, "changed": 1, "unchanged": 59, "removed": 0, "rows_rejected": 0}
    client.force_login(data_manager)
    url = reverse("reference:proposal-detail", kwargs={"pk": proposal.pk})
    assert client.get(url).status_code == 404
    client.force_login(data_steward)
    html = client.get(url).content.decode()
    assert "0 new figures, 1 changed, 59 unchanged, 0 removed" in html
    assert "proposal-coverage" not in html and "proposal-removed-figures" not in html
    assert 'id="proposal-changed-figures"' in html and '<td class="govuk-table__cell">440</td>' in html
    assert "Publish to every authority" in html
    listing = client.get(reverse("reference:proposal-list")).content.decode()
    assert "0 new, 1 changed, 0 removed figures" in listing
    client.post(url, {"decision": "publish"})
    walsall_total = NationalFigure.objects.get(
        year=2025, old_la_code="335", filter_key__contains="total", indicator="number"
    )
    assert walsall_total.value == 452


def test_the_upload_page_sends_a_data_managers_files_for_review(client, data_manager, walsall):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(data_manager)
    url = reverse("placements:national-upload", kwargs={"code": "335"})
    assert client.get(url).status_code == 200
    name, data = _file("la_cla_at_31_march.csv")
    response = client.post(url, {"tables": [SimpleUploadedFile(name, data, "text/csv")]}, follow=True)
    assert "Sent for review" in response.content.decode()
    proposal = ReferenceDataProposal.objects.get()
    assert proposal.supplied_by == data_manager and proposal.supplied_by_authority == walsall
    assert not NationalFigure.objects.exists()
    # A file not in the DfE's layout is refused whole, with the GOV.UK error summary; nothing is sent.
    name, data = _file("not_dfe_layout.csv")
    response = client.post(url, {"tables": [SimpleUploadedFile(name, data, "text/csv")]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and "not_dfe_layout.csv" in html
    assert ReferenceDataProposal.objects.count() == 1
    response = client.post(url, {})
    assert "Select at least one DfE statistics CSV file" in response.content.decode()


def test_the_upload_page_is_for_importers_of_the_authority_only(client, la_user, other_la_user, data_manager):
    url = reverse("placements:national-upload", kwargs={"code": "335"})
    client.force_login(other_la_user)
    assert client.get(url).status_code == 404
    client.force_login(la_user)  # a commissioner does not import
    assert client.get(url).status_code in (403, 404)


def test_a_windows_1252_file_is_sent_for_review_and_its_figures_read(client, data_manager, data_steward):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = (FIXTURES / "la_cla_stability_financial_year.csv").read_text()
    data = text.replace(",Walsall,", ",Walsall (Conseil Général),").encode("cp1252")
    assert b"\xe9" in data  # é as one Windows-1252 byte: not UTF-8
    client.force_login(data_manager)
    url = reverse("placements:national-upload", kwargs={"code": "335"})
    response = client.post(url, {"tables": [SimpleUploadedFile("stability.csv", data, "text/csv")]})
    assert response.status_code == 302
    proposal = ReferenceDataProposal.objects.get()
    assert proposal.counts["new"] == 10 and proposal.counts["rows_rejected"] == 0
    reference_proposal_publish(proposal_id=proposal.pk, acting_user=data_steward)
    walsall = NationalFigure.objects.get(old_la_code="335", indicator="percentage")
    assert walsall.area_name == "Walsall (Conseil Général)" and walsall.value == 8 and walsall.year == 2025


def test_the_review_shows_the_figures_a_partial_file_would_remove(
    client, data_manager, data_steward, walsall
):
    national_statistics_import(files=[_file("la_cla_at_31_march.csv")])
    lines = (FIXTURES / "la_cla_at_31_march.csv").read_text().splitlines()
    walsall_only = [lines[0]] + [
        line
        for line in lines[1:]
        if line.startswith("2025,") and ",Birmingham," not in line and ",Sandwell," not in line
    ]
    outcome = national_statistics_import(
        files=[("walsall_only.csv", "\n".join(walsall_only).encode())],
        acting_user=data_manager,
        authority=walsall,
    )
    proposal = outcome.proposal
    # 2025 only: England, the region and Walsall unchanged (9 rows x 2 indicators); Birmingham's and
    # Sandwell's 6 rows x 2 indicators would go. 2024 is not in the file and is left alone.
    assert proposal.counts == {"new": 0, "changed": 0, "unchanged": 18, "removed": 12, "rows_rejected": 0}
    client.force_login(data_steward)
    html = client.get(reverse("reference:proposal-detail", kwargs={"pk": proposal.pk})).content.decode()
    assert "0 new figures, 0 changed, 18 unchanged, 12 removed" in html
    assert "31 March 2025: 0 new, 0 changed, 18 unchanged, 12 removed" in html
    assert 'id="proposal-coverage-2025"' in html and "figures for 1 authority, but 3 hold" in html
    removed_table = html.split('id="proposal-removed-figures"')[1].split("</table>")[0]
    assert removed_table.count('<tr class="govuk-table__row">') == 13  # header + 12
    assert "Birmingham" in removed_table and "Sandwell" in removed_table and "Walsall" not in removed_table
    assert "not published (low)" in removed_table  # Sandwell's marker, shown as held
    reference_proposal_publish(proposal_id=proposal.pk, acting_user=data_steward)
    held_2025 = NationalFigure.objects.filter(year=2025)
    assert held_2025.count() == 18 and not held_2025.filter(old_la_code__in=["330", "333"]).exists()
    assert NationalFigure.objects.filter(year=2024).count() == 30


def test_an_import_says_which_kpis_each_file_fed(client, data_manager, data_steward, walsall):
    import io

    from placements.national.measures import MEASURES

    out = io.StringIO()
    call_command("import_dfe_statistics", str(FIXTURES / "la_cla_at_31_march.csv"), stdout=out)
    text = out.getvalue()
    assert "KPIs this file feeds (3): children_in_care, pct_foster_care, pct_placed_over_20_miles" in text
    assert f"KPIs it holds no row for ({len(MEASURES) - 3}): care_leavers_eet," in text
    out = io.StringIO()
    call_command("import_dfe_statistics", str(FIXTURES / "la_cla_rates_bom_crlf.csv"), "--json", stdout=out)
    summary = json.loads(out.getvalue())[0]
    assert summary["kpis_fed"] == ["children_in_care", "cla_rate_per_10000"]
    # A file whose wording differs from the DfE's imports but feeds nothing: the review page says so.
    revised = (FIXTURES / "la_cla_stability_financial_year.csv").read_text()
    revised = revised.replace("Three or more placements during the year", "3+ placements in year")
    outcome = national_statistics_import(
        files=[("reworded.csv", revised.encode())], acting_user=data_manager, authority=walsall
    )
    client.force_login(data_steward)
    html = client.get(
        reverse("reference:proposal-detail", kwargs={"pk": outcome.proposal.pk})
    ).content.decode()
    listed = html.split('id="proposal-measures"')[1].split("</ul>")[0]
    assert listed.count('data-fed="no"') == len(MEASURES) and 'data-fed="yes"' not in listed
    outcome = national_statistics_import(
        files=[_file("la_cla_stability_financial_year.csv")], acting_user=data_manager, authority=walsall
    )
    html = client.get(
        reverse("reference:proposal-detail", kwargs={"pk": outcome.proposal.pk})
    ).content.decode()
    listed = html.split('id="proposal-measures"')[1].split("</ul>")[0]
    assert '<li data-measure="stability_3_plus_placements" data-fed="yes">' in listed
    assert listed.count('data-fed="yes"') == 1
