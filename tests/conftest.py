"""Role-named fixtures (docs/architecture.md principle 11): who can see what reads straight from the tests."""

from __future__ import annotations

import pytest

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _reference_authorities(request):
    """Transactional tests flush the database, migrations' reference data included: put it back."""
    if "django_db_setup" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue(
            "db" if "transactional_db" not in request.fixturenames else "transactional_db"
        )
        from sufficiency.authorities.reference import ensure_local_authorities

        ensure_local_authorities()
        _ensure_statistical_neighbours()


def _ensure_statistical_neighbours():
    """The synthetic list of statistical neighbours the placements migration loads: a flush (a transactional
    test, or a module fixture that loads the demo) empties it, and the comparators' tests count on it."""
    import importlib

    from django.apps import apps

    from placements.models import StatisticalNeighbourList

    if not StatisticalNeighbourList.objects.exists():
        importlib.import_module("placements.migrations.0008_load_statistical_neighbours").load(apps, None)


def _authority(code):
    from sufficiency.authorities.models import LocalAuthority

    return LocalAuthority.objects.get(dfe_code=code)


@pytest.fixture
def walsall(db):
    return _authority("335")


@pytest.fixture
def sandwell(db):
    return _authority("333")


def _member(authority, role, email):
    from sufficiency.authorities.models import Membership
    from tests.factories import UserFactory

    user = UserFactory(email=email)
    Membership.objects.create(user=user, authority=authority, role=role)
    return user


@pytest.fixture
def la_user(walsall):
    """A Walsall commissioner: sees Walsall's children and dashboards."""
    return _member(walsall, "commissioner", "commissioner@walsall.example.gov.uk")


@pytest.fixture
def data_manager(walsall):
    """A Walsall data manager: imports Walsall's files."""
    return _member(walsall, "data_manager", "data@walsall.example.gov.uk")


@pytest.fixture
def data_steward(db):
    """A platform data steward: publishes national reference data (the Ofsted register), belongs to no
    authority."""
    from tests.factories import UserFactory

    return UserFactory(email="steward@platform.example.gov.uk", is_data_steward=True)


@pytest.fixture
def board_member(walsall):
    """A Walsall board member: reads reports, never child-level records."""
    return _member(walsall, "board_member", "board@walsall.example.gov.uk")


@pytest.fixture
def regional_user(walsall):
    """A West Midlands regional analyst (membership held at Walsall): aggregates only."""
    return _member(walsall, "regional_analyst", "analyst@wm.example.gov.uk")


@pytest.fixture
def other_la_user(sandwell):
    """A Sandwell commissioner and data manager: must never see Walsall's records."""
    from sufficiency.authorities.models import Membership

    user = _member(sandwell, "commissioner", "commissioner@sandwell.example.gov.uk")
    Membership.objects.create(user=user, authority=sandwell, role="data_manager")
    return user
