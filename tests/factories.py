"""Readable test records. Defaults make a valid record; tests set only what they are about."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from oversight.accounts.roles import AccessRole
from oversight.cases.models import Allocation, Assessment, Child, ComplexityAssessment, Referral
from oversight.people.models import Absence, LocalAuthority, Locality, Team, Worker

TEST_PASSWORD = "a-long-test-password"


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ("code",)

    code = "999"
    name = "Testshire County Council"


class LocalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Locality

    local_authority = factory.SubFactory(LocalAuthorityFactory)
    name = factory.Sequence(lambda n: f"Locality {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    locality = factory.SubFactory(LocalityFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    kind = Team.Kind.REFERRAL_ASSESSMENT


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    name = factory.Sequence(lambda n: f"Worker {n}")
    role = Worker.Role.SOCIAL_WORKER
    team = factory.SubFactory(TeamFactory)
    qualified = True
    qualification_date = dt.date(2015, 7, 1)
    start_date = dt.date(2016, 1, 4)
    fte = 1


class AbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Absence


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    local_authority = factory.SubFactory(LocalAuthorityFactory)
    la_child_id = factory.Sequence(lambda n: f"C{n:04d}")


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    child = factory.SubFactory(ChildFactory)
    source = "1A"


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    role = Allocation.Role.CASE_HOLDER
    complexity_level = 1


class ComplexityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplexityAssessment


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    kind = Assessment.Kind.SINGLE


def role_group(role: AccessRole) -> Group:
    """The role's group. Made by a migration, but browser tests' database flushes remove it."""
    return Group.objects.get_or_create(name=role.value)[0]


def make_user(username: str, role: AccessRole, worker: Worker | None = None) -> object:
    user = get_user_model().objects.create_user(username=username, password=TEST_PASSWORD)
    user.groups.add(role_group(role))
    if worker is not None:
        worker.user = user
        worker.save(update_fields=["user"])
    return user
