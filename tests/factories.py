"""factory_boy factories: synthetic data only (Faker en_GB)."""

from __future__ import annotations

import datetime as dt

import factory

from placements.categories import planning_category
from placements.models import Child, PlacementEpisode, Setting
from sufficiency.accounts.models import User
from sufficiency.authorities.models import LocalAuthority, Membership


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"officer{n}@example.gov.uk")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    authority = factory.LazyFunction(lambda: LocalAuthority.objects.get(dfe_code="335"))
    role = "commissioner"


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    authority = factory.LazyFunction(lambda: LocalAuthority.objects.get(dfe_code="335"))
    child_ref = factory.Sequence(lambda n: f"C{n:05d}")
    sex = "F"
    dob = dt.date(2012, 5, 17)


class SettingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Setting

    urn = factory.Sequence(lambda n: f"SC{n:06d}")
    name = factory.Faker("street_name", locale="en_GB")
    provision_type = "childrens_home"


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacementEpisode

    child = factory.SubFactory(ChildFactory)
    authority = factory.SelfAttribute("child.authority")
    decom = dt.date(2024, 4, 1)
    rne = "S"
    ls = "C2"
    cin = "N1"
    place = "U4"
    place_provider = "PR1"
    category = factory.LazyAttribute(lambda o: planning_category(o.place, o.place_provider))
