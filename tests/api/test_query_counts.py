"""Every list the API gives takes the same number of queries however much there is to list
(no query per row): counted on the three-worker team, then again with more workers, cases,
assessments and sessions in the same team."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oversight.supervision.models import SupervisionSession
from tests.api.conftest import Api, Tokens
from tests.conftest import AS_AT, Scene
from tests.factories import AllocationFactory, AssessmentFactory, ChildFactory, WorkerFactory

LISTS = [
    ("/teams", "tm"),
    ("/caseloads", "tm"),
    ("/deadlines", "tm"),
    ("/measure-values", "tm"),
    ("/measures/assessments.open_overdue/cases", "tm"),
    ("/supervision/compliance", "tm"),
    ("/reports", "io"),
    ("/action-plan/inspections", "tm"),
]


def _queries(api: Api, path: str, token: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, token, as_at=AS_AT)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


def _more_of_everything(scene: Scene) -> None:
    for n in range(3):
        worker = WorkerFactory(name=f"Extra Worker {n}", team=scene.team, supervisor=scene.atm)
        for m in range(2):
            child = ChildFactory(la_child_id=f"X{n}{m}", responsible_team=scene.team)
            AllocationFactory(
                child=child, worker=worker, complexity_level=2, start_date=dt.date(2023, 3, 1)
            )
            AssessmentFactory(child=child, worker=worker, start_date=dt.date(2023, 3, 1))
        SupervisionSession.objects.create(
            supervisee=worker, supervisor=scene.atm, held_on=dt.date(2023, 6, 1), minutes=90
        )


@pytest.mark.parametrize(("path", "caller"), LISTS)
def test_a_list_takes_the_same_queries_however_long_it_is(
    api: Api, tokens: Tokens, three_worker_team: Scene, path: str, caller: str
) -> None:
    _queries(api, path, tokens[caller])  # the token's "last used" is written on first use
    before = _queries(api, path, tokens[caller])

    _more_of_everything(three_worker_team)
    after = _queries(api, path, tokens[caller])

    assert after == before


def test_the_extra_records_are_in_the_lists_counted(
    api: Api, tokens: Tokens, three_worker_team: Scene
) -> None:
    _more_of_everything(three_worker_team)

    assert api.get("/caseloads", tokens["tm"], as_at=AS_AT).json()["count"] == 4 + 3
    assert api.get("/deadlines", tokens["tm"], as_at=AS_AT).json()["count"] == 3 + 6
