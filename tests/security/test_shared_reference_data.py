"""Attack: one council rewrites the national Ofsted register.

A Walsall data manager's Ofsted upload used to update the settings and judgements every authority reads:
a "Requires improvement" home became "Outstanding" and appeared in Sandwell's placement search. Now the
upload is a proposal: Sandwell's search and the setting's page change only when a platform data steward
publishes it, a rejected proposal changes nothing, and the published values say who supplied them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from placements import reference_data
from placements.finding import services as finding_services
from placements.models import Inspection, ReferenceDataProposal, Setting
from placements.services import import_job_create
from placements.supply.services import ofsted_import, vacancy_record
from sufficiency.authorities.models import AuditEvent, Membership
from tests.factories import SettingFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "URN,Provision type,Setting name,Local authority,Places,Inspection date,Overall effectiveness\n"
URN = "SC333777"


def _ofsted_csv(judgement: str, *, date: str = "01/10/2026") -> bytes:
    return (HEADER + f"{URN},Children's home,REDACTED,Sandwell,4,{date},{judgement}\n").encode()


@pytest.fixture
def sandwell_finder(sandwell):
    user = UserFactory(email="finder@sandwell.example.gov.uk")
    Membership.objects.create(user=user, authority=sandwell, role="placement_finder")
    return user


@pytest.fixture
def weak_home(sandwell, data_steward):
    """A Sandwell home judged Requires improvement, with a fresh vacancy Sandwell recorded."""
    outcome = ofsted_import(
        files=[("national.csv", _ofsted_csv("Requires improvement", date="01/03/2026"))],
        acting_user=data_steward,
    )
    assert outcome.ok, outcome.errors
    setting = Setting.objects.get(urn=URN)
    assert setting.latest_judgement == "requires_improvement"
    vacancy_record(authority=sandwell, setting=setting, acting_user=None, categories=["residential_external"])
    return setting


@pytest.fixture
def sandwell_search(client, sandwell, sandwell_finder):
    """What Sandwell's placement finder sees when searching (minimum judgement Good): included keys."""
    request = finding_services.placement_request_create(
        authority=sandwell,
        data={
            "birth_month": dt.date(2012, 5, 1),
            "sex": "F",
            "home_postcode": "B70 9",
            "requested_on": dt.date(2026, 11, 2),
            "urgency": "planned",
            "fostering": "unsuitable",
            "residential": "preferred",
            "supported": "unsuitable",
        },
        acting_user=sandwell_finder,
    )
    client.force_login(sandwell_finder)
    url = reverse("placements:request-search", kwargs={"code": "333", "pk": request.pk})

    def search() -> tuple[set[str], set[str], str]:
        client.force_login(sandwell_finder)
        response = client.get(url, {"min_judgement": "good"})
        assert response.status_code == 200
        included = {c["key"] for c in response.context["included"]}
        excluded = {c["key"] for c in response.context["excluded"]}
        return included, excluded, response.content.decode()

    return search


def _walsall_upload(walsall, data_manager, judgement: str) -> ReferenceDataProposal:
    outcome = ofsted_import(
        files=[("walsall-upload.csv", _ofsted_csv(judgement))], acting_user=data_manager, authority=walsall
    )
    assert outcome.ok, outcome.errors
    return ReferenceDataProposal.objects.get(pk=outcome.counts["proposal_id"])


def test_walsall_upload_cannot_change_sandwells_search_until_a_steward_publishes(
    walsall, data_manager, data_steward, weak_home, sandwell_search, client
):
    key = f"setting:{weak_home.pk}"
    included, excluded, _ = sandwell_search()
    assert key in excluded and key not in included

    proposal = _walsall_upload(walsall, data_manager, "Outstanding")
    weak_home.refresh_from_db()
    assert weak_home.latest_judgement == "requires_improvement"
    assert not Inspection.objects.filter(setting=weak_home, judgement="outstanding").exists()
    included, excluded, _ = sandwell_search()
    assert key in excluded and key not in included  # the proposal changes nothing anyone reads
    assert proposal.status == "pending"
    assert proposal.counts == {
        "settings_new": 0,
        "settings_changed": 1,
        "judgements_changed": 1,
        "settings_read": 1,
    }

    # A data manager cannot publish it, through the service or the page.
    with pytest.raises(Exception, match="steward"):
        reference_data.reference_proposal_publish(proposal_id=proposal.pk, acting_user=data_manager)
    client.force_login(data_manager)
    url = reverse("reference:proposal-detail", kwargs={"pk": proposal.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "publish"}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "pending"

    # The steward reviews the difference for the setting and publishes it.
    client.force_login(data_steward)
    page = client.get(url).content.decode()
    assert URN in page and "Requires improvement" in page and "Outstanding" in page
    assert client.post(url, {"decision": "publish"}).status_code == 302
    weak_home.refresh_from_db()
    assert weak_home.latest_judgement == "outstanding"
    assert weak_home.supplied_by_authority == walsall
    assert weak_home.published_by == data_steward
    assert weak_home.source == "Ofsted file walsall-upload.csv"
    assert AuditEvent.objects.filter(action="reference_data.published", authority=walsall).count() == 1

    # Now it is published, Sandwell's search offers it, and says where the judgement came from.
    included, _, content = sandwell_search()
    assert key in included
    assert "Ofsted data: published" in content
    assert "from Ofsted file walsall-upload.csv, supplied by Walsall" in content

    # Published once only: a second publish is refused with a message, the register unchanged.
    client.force_login(data_steward)
    response = client.post(url, {"decision": "reject"}, follow=True)
    assert "published already" in response.content.decode()


def test_a_rejected_proposal_changes_nothing(
    walsall, data_manager, data_steward, weak_home, sandwell_search, client
):
    before = Setting.objects.values().get(pk=weak_home.pk)
    inspections = list(Inspection.objects.values_list("setting_id", "inspection_date", "judgement"))
    proposal = _walsall_upload(walsall, data_manager, "Outstanding")
    client.force_login(data_steward)
    url = reverse("reference:proposal-detail", kwargs={"pk": proposal.pk})
    assert (
        client.post(url, {"decision": "reject", "reason": "Not in Ofsted's published file"}).status_code
        == 302
    )
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.reviewed_by == data_steward
    assert Setting.objects.values().get(pk=weak_home.pk) == before
    assert list(Inspection.objects.values_list("setting_id", "inspection_date", "judgement")) == inspections
    assert f"setting:{weak_home.pk}" not in sandwell_search()[0]
    assert AuditEvent.objects.filter(action="reference_data.rejected", authority=walsall).exists()
    with pytest.raises(reference_data.ProposalAlreadyDecided):
        reference_data.reference_proposal_publish(proposal_id=proposal.pk, acting_user=data_steward)


def test_hiding_a_good_home_is_also_only_a_proposal(walsall, data_manager, sandwell):
    home = SettingFactory(
        urn=URN, provision_type="childrens_home", latest_judgement="good", local_authority=sandwell
    )
    _walsall_upload(walsall, data_manager, "Inadequate")
    home.refresh_from_db()
    assert home.latest_judgement == "good"


def test_a_web_upload_by_a_data_manager_becomes_a_proposal_the_steward_lists(
    client, walsall, data_manager, data_steward, weak_home, django_capture_on_commit_callbacks
):
    job = import_job_create(
        authority=walsall,
        files=[("walsall-upload.csv", _ofsted_csv("Outstanding"))],
        acting_user=data_manager,
        kind="ofsted",
    )
    from placements.services import import_job_execute

    import_job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded", job.failure
    client.force_login(data_manager)
    page = client.get(
        reverse("placements:import-detail", kwargs={"code": "335", "pk": job.pk})
    ).content.decode()
    assert "Sent for review" in page and "when a platform data steward publishes" in page
    assert client.get(reverse("reference:proposal-list")).status_code == 404
    client.force_login(data_steward)
    listing = client.get(reverse("reference:proposal-list")).content.decode()
    assert (
        "Walsall" in listing and "Awaiting review" in listing and "0 new, 1 changed, 1 judgements" in listing
    )


def test_provenance_is_shown_on_the_setting_page(client, walsall, la_user, weak_home, data_steward):
    client.force_login(la_user)
    page = client.get(
        reverse("placements:setting-detail", kwargs={"code": "335", "pk": weak_home.pk})
    ).content.decode()
    assert "Ofsted data" in page
    assert "from Ofsted file national.csv, supplied by the platform data steward" in page


def test_a_stewards_own_import_publishes_directly_with_provenance(data_steward, walsall):
    outcome = ofsted_import(files=[("ofsted-nov.csv", _ofsted_csv("Good"))], acting_user=data_steward)
    assert outcome.ok
    setting = Setting.objects.get(urn=URN)
    assert setting.published_by == data_steward and setting.supplied_by == data_steward
    assert setting.supplied_by_authority is None
    publication = reference_data.ofsted_publication_latest()
    assert publication.status == "published" and publication.source == "Ofsted file ofsted-nov.csv"
    assert reference_data.ofsted_provenance_text().startswith("Ofsted data: published ")


def test_only_the_steward_reaches_the_review_pages_whatever_the_role_or_method(
    walsall, sandwell, data_manager, data_steward
):
    """Every role of an authority (Walsall's own data manager included), anonymous, every method: refused;
    nothing is decided."""
    from django.test import Client

    proposal = _walsall_upload(walsall, data_manager, "Outstanding")
    paths = [
        reverse("reference:proposal-list"),
        reverse("reference:proposal-detail", kwargs={"pk": proposal.pk}),
    ]
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role in (
        "commissioner",
        "placement_finder",
        "board_member",
        "data_manager",
        "regional_analyst",
        "administrator",
    ):
        for authority in (walsall, sandwell):
            user = UserFactory(email=f"{role}@{authority.dfe_code}.example.gov.uk")
            Membership.objects.create(user=user, authority=authority, role=role)
            client = Client(raise_request_exception=False)
            client.force_login(user)
            clients[f"{authority} {role}"] = client
    failures = []
    for who, client in clients.items():
        for path in paths:
            for method in ("get", "post", "put", "patch", "delete"):
                data = {"decision": "publish"} if method == "post" else None
                status = getattr(client, method)(path, data).status_code
                if status not in {302, 403, 404, 405}:
                    failures.append(f"{who} {method} {path}: {status}")
    assert not failures, failures
    proposal.refresh_from_db()
    assert proposal.status == "pending"
    steward = Client()
    steward.force_login(data_steward)
    assert all(steward.get(path).status_code == 200 for path in paths)


def test_the_home_page_links_a_steward_to_the_review(client, data_steward, la_user):
    client.force_login(data_steward)
    assert reverse("reference:proposal-list") in client.get(reverse("home")).content.decode()
    client.force_login(la_user)
    assert reverse("reference:proposal-list") not in client.get(reverse("home")).content.decode()


def test_queued_upload_whose_uploader_was_deleted_is_staged_for_review_not_published(
    walsall, data_manager, weak_home
):
    """No signed-in user used to mean "the command line", which publishes: a Walsall upload queued by a
    data manager whose account was deleted before the worker ran reached every authority's search."""
    from placements.services import import_job_execute

    job = import_job_create(
        authority=walsall,
        files=[("walsall-upload.csv", _ofsted_csv("Outstanding"))],
        acting_user=data_manager,
        kind="ofsted",
    )
    data_manager.delete()
    import_job_execute(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "succeeded", job.failure
    weak_home.refresh_from_db()
    assert weak_home.latest_judgement == "requires_improvement"  # the register is unchanged
    assert not Inspection.objects.filter(setting=weak_home, judgement="outstanding").exists()
    proposal = ReferenceDataProposal.objects.get(pk=job.summary["counts"]["proposal_id"])
    assert proposal.status == "pending"
    assert proposal.supplied_by_authority == walsall
    assert proposal.supplied_by is None
    assert proposal.supplied_by_label == f"import job {job.pk} (uploader's account deleted)"
    assert proposal.counts["judgements_changed"] == 1


def test_no_user_without_publish_stages_a_proposal(walsall, weak_home):
    outcome = ofsted_import(files=[("x.csv", _ofsted_csv("Outstanding"))], authority=walsall)
    assert outcome.ok, outcome.errors
    assert ReferenceDataProposal.objects.get(pk=outcome.counts["proposal_id"]).status == "pending"
    weak_home.refresh_from_db()
    assert weak_home.latest_judgement == "requires_improvement"


def test_the_command_line_publishes_directly(weak_home, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "national.csv"
    path.write_bytes(_ofsted_csv("Good", date="01/11/2026"))
    call_command("import_ofsted", str(path), "--error-report", str(tmp_path / "report.csv"))
    weak_home.refresh_from_db()
    assert weak_home.latest_judgement == "good"
    assert weak_home.supplied_by_label == "command line"
