"""A setting's page: other authorities' children living there are disclosure-controlled (1 to 4 shown as
"c", zero shown), unless the home is one of the authority's own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ChildFactory, EpisodeFactory, SettingFactory

pytestmark = pytest.mark.django_db


def _occupancy_text(client, setting) -> str:
    url = reverse("placements:setting-detail", kwargs={"code": "335", "pk": setting.pk})
    body = client.get(url).content.decode()
    return " ".join(body[body.index("Children in care living here") :].split())[:200]


@pytest.mark.parametrize(("others", "shown"), [(2, "c"), (0, "0"), (5, "5")])
def test_other_authorities_children_at_a_setting_are_suppressed_under_five(
    client, la_user, walsall, sandwell, others, shown
):
    setting = SettingFactory()
    EpisodeFactory(child=ChildFactory(authority=walsall), setting=setting)
    for _ in range(others):
        EpisodeFactory(child=ChildFactory(authority=sandwell), setting=setting)
    client.force_login(la_user)
    assert f"1 of ours, {shown} from other authorities" in _occupancy_text(client, setting)
