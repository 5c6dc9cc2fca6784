"""Prepare the national benchmark database for the load test: a commissioner and a placement finder for
one authority, an API client, and the list of pages that exist. Prints JSON for locustfile.py."""

from __future__ import annotations

import json

import django

django.setup()

from django.urls import NoReverseMatch, reverse  # noqa: E402

from placements.models import PlacementEpisode  # noqa: E402
from sufficiency.accounts.services import user_create_or_update  # noqa: E402
from sufficiency.api.services import api_client_create  # noqa: E402
from sufficiency.authorities.models import LocalAuthority  # noqa: E402

PASSWORD = "load-test-password-2026"  # noqa: S105 - a synthetic user in a throwaway benchmark database

code = (
    PlacementEpisode.objects.values_list("authority__dfe_code", flat=True)
    .order_by("authority__dfe_code")
    .first()
)
authority = LocalAuthority.objects.get(dfe_code=code)
email = "load.commissioner@load.sufficiency.invalid"
user_create_or_update(
    email=email, password=PASSWORD, roles=[(authority, "commissioner"), (authority, "placement_finder")]
)
_, token = api_client_create(authority=authority, name="Load test", scopes=["read:child", "read:aggregate"])


def url(name: str, **kwargs: str) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


pages = {
    "dashboard overview": url("dashboards:overview", code=code),
    "dashboard forecast": url("dashboards:forecast", code=code),
    "dashboard gap": url("dashboards:gap", code=code),
    "children in care": url("placements:child-list", code=code),
    "supply overview": url("placements:supply-overview", code=code),
    "home": url("home"),
}
forms = {"request form": url("placements:request-create", code=code)}
api = {
    "api children": "/api/v1/children/",
    "api episodes": "/api/v1/episodes/",
    "api settings": "/api/v1/settings/",
    "api providers": "/api/v1/providers/",
}
print(  # noqa: T201
    json.dumps(
        {
            "authority": code,
            "email": email,
            "password": PASSWORD,
            "token": token,
            "pages": {k: v for k, v in pages.items() if v},
            "forms": {k: v for k, v in forms.items() if v},
            "api": api,
        }
    )
)
