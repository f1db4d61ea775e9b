"""Factories for the whole suite."""

from __future__ import annotations

import datetime as dt

import factory

from essaim.core.models import Role, User
from essaim.members.models import Activity, Member, PathStage, Sector
from essaim.members.text import fold

PASSWORD = "motdepasse-de-test"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@coop.example")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = Role.ENTREPRENEUR
    password = factory.django.Password(PASSWORD)


class AdvisorFactory(UserFactory):
    role = Role.ADVISOR


class StaffFactory(UserFactory):
    role = Role.STAFF


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"membre{n}@example.org")
    phone = "+33 6 12 34 56 78"
    postal_code = "93100"
    city = "Montreuil"
    search_name = factory.LazyAttribute(lambda m: fold(f"{m.last_name} {m.first_name}"))
    user = factory.LazyAttribute(
        lambda m: UserFactory(email=m.email, first_name=m.first_name, last_name=m.last_name)
    )


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = "coiffure"
    label = "Coiffure et esthétique"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    member = factory.SubFactory(MemberFactory)
    name = "Coiffure à domicile"
    description = "Coupes et couleurs à domicile."
    sector = factory.SubFactory(SectorFactory)


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PathStage

    member = factory.SubFactory(MemberFactory)
    kind = "cape"
    start = dt.date(2025, 1, 1)
