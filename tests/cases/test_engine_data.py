"""The database as engine frames: exact rows, blanks as nulls, a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oversight.cases.engine_data import load_case_data
from oversight.cases.models import Child
from oversight.people.models import Worker
from tests.conftest import Scene
from tests.factories import AllocationFactory, ChildFactory, ComplexityFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def test_frames_hold_the_scene(three_worker_team: Scene) -> None:
    data = load_case_data(Child.objects.all(), Worker.objects.all())
    assert data.children.height == 12
    assert data.workers.height == 6
    assert data.allocations.height == 13
    alice = data.workers.filter(data.workers["name"] == "Alice Experienced").row(0, named=True)
    assert (alice["role"], alice["fte"], alice["qualified"]) == ("SW", 0.4, True)
    a2 = data.assessments.filter(
        data.assessments["child_id"] == three_worker_team.children["A2"].id
    )
    assert a2["authorised"].to_list() == [dt.date(2023, 6, 20)]
    assert a2["delay_reason"].to_list() == [""]


def test_blank_codes_become_nulls(three_worker_team: Scene) -> None:
    ReferralFactory(child=three_worker_team.children["A1"], date=dt.date(2023, 3, 1))
    data = load_case_data(Child.objects.all(), Worker.objects.all())
    assert data.referrals.select("closure_reason", "primary_need").row(0) == (None, None)


def test_a_team_scope_loads_only_its_records(three_worker_team: Scene) -> None:
    team = three_worker_team.team
    data = load_case_data(
        Child.objects.filter(responsible_team=team), Worker.objects.filter(team=team)
    )
    assert data.children.height == 11
    assert data.workers.height == 5
    assert set(data.allocations["worker_id"]) == {
        w.id for w in (three_worker_team.alice, three_worker_team.ben, three_worker_team.cara)
    }


def test_two_reassessments_on_one_day_keep_the_later(three_worker_team: Scene) -> None:
    child = three_worker_team.children["C2"]
    ComplexityFactory(child=child, level=2, assessed_on=dt.date(2023, 5, 2))
    ComplexityFactory(child=child, level=3, assessed_on=dt.date(2023, 5, 2))
    data = load_case_data(Child.objects.all(), Worker.objects.all())
    levels = data.complexity.filter(data.complexity["child_id"] == child.id)["level"].to_list()
    assert levels == [3]


def test_query_count_does_not_grow_with_rows(three_worker_team: Scene) -> None:
    with CaptureQueriesContext(connection) as before:
        load_case_data(Child.objects.all(), Worker.objects.all())
    for n in range(20):
        child = ChildFactory()
        AllocationFactory(
            child=child, worker=three_worker_team.ben, start_date=dt.date(2023, 1, 2 + n)
        )
        ReferralFactory(child=child, date=dt.date(2023, 1, 2))
    with CaptureQueriesContext(connection) as after:
        load_case_data(Child.objects.all(), Worker.objects.all())
    assert len(before) == len(after) == 14
