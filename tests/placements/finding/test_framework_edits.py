"""A commissioner's change to the authority's framework memberships, made on the supply pages, is what the
matching search says next: the tier it names, and no framework once the membership is ended."""

from __future__ import annotations

import pytest
from django.urls import reverse

from placements.finding import selectors
from placements.finding.matching import PASS
from placements.models import FrameworkMembership
from sufficiency.core.locking import version_of

pytestmark = pytest.mark.django_db


def _framework_reasons(make_request, home):
    matches = selectors.match_candidates_for_request(placement_request=make_request())
    match = next(m for m in matches if m.candidate.kind == "setting" and m.candidate.object_id == home.pk)
    return match.candidate.route, [
        r.text for r in match.reasons if r.status == PASS and "framework" in r.text
    ]


def test_the_matching_reason_follows_an_edit_and_an_end(
    client, la_user, walsall, make_request, home, vacancies
):
    assert _framework_reasons(make_request, home) == (
        "framework",
        ["On your framework: WM Residential FCA, tier 1"],
    )
    membership = FrameworkMembership.objects.get(authority=walsall, setting=home)
    client.force_login(la_user)
    url = reverse("placements:framework-update", kwargs={"code": "335", "pk": membership.pk})
    response = client.post(
        url,
        {
            "setting_urn": home.urn,
            "framework": "WM Residential Flexible Contracting Arrangement",
            "tier": "3",
            "version": version_of(membership),
        },
    )
    assert response.status_code == 302
    assert _framework_reasons(make_request, home) == (
        "framework",
        ["On your framework: WM Residential Flexible Contracting Arrangement, tier 3"],
    )

    membership.refresh_from_db()
    url = reverse("placements:framework-end", kwargs={"code": "335", "pk": membership.pk})
    assert client.post(url, {"version": version_of(membership)}).status_code == 302
    assert _framework_reasons(make_request, home) == ("spot", [])


def test_adding_a_membership_on_the_page_puts_the_home_on_the_framework(
    client, la_user, walsall, make_request, home, vacancies
):
    FrameworkMembership.objects.filter(authority=walsall).delete()
    assert _framework_reasons(make_request, home) == ("spot", [])
    client.force_login(la_user)
    response = client.post(
        reverse("placements:framework-create", kwargs={"code": "335"}),
        {"setting_urn": home.urn, "framework": "Black Country Homes", "tier": ""},
    )
    assert response.status_code == 302
    assert _framework_reasons(make_request, home) == ("framework", ["On your framework: Black Country Homes"])
