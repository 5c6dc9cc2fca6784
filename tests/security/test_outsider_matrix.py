"""Attack: every route x every role x every method, by someone outside the authority whose records the
route names. Walsall (335) holds a child, an episode, a placement request, a vacancy and an import; each
Sandwell (333) role (the regional analyst included), a Sandwell API token (read:child, read:aggregate,
write:import), the platform data steward and an anonymous visitor try every route of Walsall's with GET,
POST, PUT, PATCH and DELETE. None may read or change Walsall's records: the answer is a sign-in redirect,
401, 403, 404 or 405 — never a 2xx, and never a 500.

The API's child-level routes name a record by its id alone (`/api/v1/children/<id>/`): they are attacked
with the id of Walsall's record of that kind, and a scoped identity's GET must be 404 (the record does not
exist for it), not merely refused.

Routes are discovered from the URL configuration (as the bounded-parameters attack does), so a new page or
endpoint is attacked without editing this file. Region pages (`/regions/<code>/`) are not Walsall's own
records: they publish suppressed aggregates to the region's members and are attacked by the disclosure
control tests instead.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client

from placements.finding import services as finding_services
from placements.models import ImportJob
from placements.supply.services import vacancy_record
from sufficiency.api.services import api_client_create
from sufficiency.authorities.models import Membership
from tests.factories import ChildFactory, EpisodeFactory, SettingFactory, UserFactory
from tests.security.test_bounded_parameters import _routes

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
ROLES = (
    "commissioner",
    "placement_finder",
    "board_member",
    "data_manager",
    "regional_analyst",
    "administrator",
)
REFUSED = {301, 302, 303, 401, 403, 404, 405}
OWN_CODE = re.compile(r"<str:code>|\(\?P<code>\[0-9\]\{3\}\)")
# Not an authority's records: sign-in and account pages, health, schema and docs, static pages.
NOT_RECORDS = re.compile(r"^/(sign-|account|accounts/|healthz|api/v1/(schema|docs)|privacy|cookies|accessib)")
# Reference data every signed-in caller may read: the authority's own name, codes and region.
REFERENCE = {("get", "/api/v1/authorities/335/")}
TOKEN_SCOPES = ("read:child", "read:aggregate", "write:import")
# API routes that name a record by id alone, by the kind of Walsall record whose id fills them. National
# reference data (settings, providers) is readable by every caller and is not an authority's record.
ID_ROUTE = re.compile(r"^api/v1/([a-z-]+)/\(\?P<pk>[^)]*\)/(errors/)?$")
ID_ROUTE_KINDS = {
    "children": "child",
    "episodes": "episode",
    "placement-requests": "request",
    "vacancies": "vacancy",
    "imports": "job",
}
NATIONAL = {"settings", "providers"}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def walsall_record_ids(walsall):
    """One of each kind of Walsall record a route can name: their ids by kind."""
    owner = UserFactory(email="owner@walsall.example.gov.uk")
    Membership.objects.create(user=owner, authority=walsall, role="placement_finder")
    child = ChildFactory(authority=walsall)
    episode = EpisodeFactory(child=child, decom=dt.date(2024, 4, 1))
    request = finding_services.placement_request_create(
        authority=walsall,
        data={"requested_on": dt.date(2025, 6, 2), "urgency": "planned", "fostering": "preferred",
              "residential": "suitable", "supported": "unsuitable", "sex": "F",
              "birth_month": dt.date(2012, 5, 1), "home_postcode": "WS1 1"},
        acting_user=owner,
    )  # fmt: skip
    job = ImportJob.objects.create(
        authority=walsall,
        status="succeeded",
        created_by=owner,
        error_count=1,
        error_report="file,row,column,value,message\nepisodes.csv,2,DECOM,2024-13-01,Not a date\n",
    )
    vacancy = vacancy_record(
        authority=walsall, setting=SettingFactory(local_authority=walsall), acting_user=owner
    )
    return {
        "child": child.pk,
        "episode": episode.pk,
        "request": request.pk,
        "job": job.pk,
        "vacancy": vacancy.pk,
    }


@pytest.fixture
def walsall_records(walsall_record_ids):
    """The ids of Walsall's records, every route naming an authority is tried with each."""
    return sorted(set(walsall_record_ids.values()))


def _walsall_paths(ids: list[int]) -> list[str]:
    """Every route naming an authority, filled in with Walsall's code and each of Walsall's record ids."""
    paths = set()
    for template in _routes():
        if not OWN_CODE.search(template):
            continue
        path = OWN_CODE.sub("335", "/" + template)
        path = re.sub(r"<slug:page>", "overview", path)
        path = re.sub(r"<slug:key>", "children_in_care", path)
        for pk in ids:
            filled = re.sub(r"<int:\w+>|\(\?P<pk>\[\^/\.\]\+\)", str(pk), path)
            if "<" not in filled and "(?P" not in filled and not NOT_RECORDS.search(filled):
                paths.add(filled)
    return sorted(paths)


def _token_client(authority) -> Client:
    """An API client of `authority` holding a token with the child-level, aggregate and import scopes (no
    throttle: the matrix sends more requests than an hour's allowance)."""
    token = api_client_create(
        authority=authority,
        name=f"Client {authority.dfe_code}",
        scopes=TOKEN_SCOPES,
        throttle_rate="100000/hour",
    )[1]
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token}")


def _id_paths(ids: dict[str, int]) -> list[str]:
    """Every API route that names a record by its id alone, filled with Walsall's record of its kind."""
    paths, kinds = [], set()
    for template in _routes():
        found = ID_ROUTE.match(template)
        if not found or found.group(1) in NATIONAL:
            continue
        kinds.add(found.group(1))
        paths.append(
            ID_ROUTE.sub(lambda m: f"/api/v1/{m.group(1)}/{ids[ID_ROUTE_KINDS[m.group(1)]]}/", template)
        )
        if found.group(2):
            paths[-1] += found.group(2)
    # A new child-level route by id must be added to ID_ROUTE_KINDS (and so to this attack).
    assert kinds == set(ID_ROUTE_KINDS), kinds ^ set(ID_ROUTE_KINDS)
    return sorted(paths)


def _outsiders(sandwell) -> dict[str, Client]:
    clients: dict[str, Client] = {
        "anonymous": Client(raise_request_exception=False),
        "Sandwell API token": _token_client(sandwell),
    }
    for role in ROLES:
        user = UserFactory(email=f"{role}@sandwell.example.gov.uk")
        Membership.objects.create(user=user, authority=sandwell, role=role)
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[f"Sandwell {role}"] = client
    # The platform data steward belongs to no authority: national reference data only.
    steward = UserFactory(email="steward@platform.example.gov.uk", is_data_steward=True)
    client = Client(raise_request_exception=False)
    client.force_login(steward)
    clients["platform data steward"] = client
    return clients


def test_no_outsider_reads_or_changes_another_authoritys_records(walsall, sandwell, walsall_records):
    paths = _walsall_paths(walsall_records)
    # The attack reaches the register, finding, supply, imports, dashboards, reports and the API.
    for part in ("children", "requests", "imports", "supply", "dashboards", "api/v1"):
        assert any(part in p for p in paths), f"no route with {part!r} was found"
    failures = []
    tried = 0
    for who, client in _outsiders(sandwell).items():
        for path in paths:
            for method in METHODS:
                response = getattr(client, method)(path)
                tried += 1
                if response.status_code not in REFUSED and not (
                    who != "anonymous" and (method, path) in REFERENCE and response.status_code == 200
                ):
                    failures.append(f"{who} {method.upper()} {path}: {response.status_code}")
    assert tried > 1000
    assert not failures, f"{len(failures)} of {tried} requests were not refused:\n" + "\n".join(failures[:40])


def test_walsalls_own_member_is_not_refused_by_the_matrix(walsall, walsall_records):
    """The same routes do open for Walsall's own commissioner: the attack above tests scoping, not typos."""
    user = UserFactory(email="commissioner@walsall.example.gov.uk")
    Membership.objects.create(user=user, authority=walsall, role="commissioner")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    paths = _walsall_paths(walsall_records)
    opened = [p for p in paths if client.get(p).status_code == 200]
    assert any("/children/" in p for p in opened) and any("/dashboards/" in p for p in opened), opened


def _scoped(who: str, path: str) -> bool:
    """Whether `who` may read records of the kind `path` names (so a refusal must be "no such record", 404):
    the token holds every scope; a commissioner reads child-level records, a data manager imports."""
    imports = path.startswith("/api/v1/imports/")
    return who == "Sandwell API token" or who == (
        "Sandwell data_manager" if imports else "Sandwell commissioner"
    )


def test_no_outsider_reaches_another_authoritys_records_by_id_through_the_api(
    walsall, sandwell, walsall_record_ids
):
    paths = _id_paths(walsall_record_ids)
    assert len(paths) == len(ID_ROUTE_KINDS) + 1  # the import's errors too
    failures, tried = [], 0
    for who, client in _outsiders(sandwell).items():
        for path in paths:
            for method in METHODS:
                status = getattr(client, method)(path).status_code
                tried += 1
                if status not in REFUSED - {301, 302, 303} or (
                    method == "get" and _scoped(who, path) and status != 404
                ):
                    failures.append(f"{who} {method.upper()} {path}: {status}")
    assert not failures, f"{len(failures)} of {tried} requests were not refused:\n" + "\n".join(failures[:40])


def test_walsalls_own_token_reads_the_records_the_id_attack_uses(walsall, walsall_record_ids):
    """The same ids open for Walsall's own token: the attack above tests scoping, not wrong ids."""
    client = _token_client(walsall)
    for path in _id_paths(walsall_record_ids):
        assert client.get(path).status_code == 200, path


def test_api_lists_hold_no_record_of_another_authority(walsall, sandwell, walsall_record_ids):
    lists = sorted({"/api/v1/" + kind + "/" for kind in ID_ROUTE_KINDS})
    for who, client in _outsiders(sandwell).items():
        for path in lists:
            response = client.get(path)
            assert response.status_code in REFUSED | {200}, f"{who} GET {path}: {response.status_code}"
            if response.status_code == 200:
                body = response.json()
                rows = body["results"] if isinstance(body, dict) else body
                assert rows == [], f"{who} GET {path}: {rows}"
