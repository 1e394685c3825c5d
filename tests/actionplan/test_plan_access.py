"""Who may do what with the action plan (issue 8): read, update, link measures, import, clear
import flags; another council's plan is not found."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from oversight.accounts.roles import AccessRole
from oversight.people.models import Worker
from tests.actionplan.plan_scene import PlanScene
from tests.factories import LocalAuthorityFactory, TeamFactory, WorkerFactory, make_user

pytestmark = pytest.mark.django_db


def _client(plan: PlanScene, who: str) -> Client:
    client = Client()
    client.force_login(plan.users[who])
    return client


# ---------------------------------------------------------------------------------------------
# Who may do what
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # (read the plan, update 1.2, link a measure, import, mark checked)
        ("tm", (200, 302, 302, 200, 302)),
        ("lm", (200, 302, 302, 200, 302)),
        ("atm", (200, 302, 404, 404, 404)),  # leads 1.2
        ("ben", (200, 404, 404, 404, 404)),  # a social worker who leads nothing
        ("io", (200, 404, 404, 200, 302)),
    ],
)
def test_permission_matrix(plan: PlanScene, who: str, expected: tuple[int, ...]) -> None:
    client = _client(plan, who)
    action = plan.actions["1.2"]
    got = (
        client.get("/plan/").status_code,
        client.post(f"/plan/actions/{action.pk}/updates/", {"update-text": "x"}).status_code,
        client.post(
            f"/plan/actions/{action.pk}/measures/",
            {
                "measure-measure": "assessments.open_overdue",
                "measure-comparison": "eq",
                "measure-target": "0",
                "measure-margin": "1",
            },
        ).status_code,
        client.get("/plan/import/").status_code,
        client.post(f"/plan/actions/{action.pk}/checked/").status_code,
    )
    assert got == expected


def test_no_access_role_no_plan(plan: PlanScene) -> None:
    nobody = get_user_model().objects.create_user(username="nobody", password="x" * 20)
    client = Client()
    client.force_login(nobody)
    assert client.get("/plan/").status_code == 404
    assert Client().get("/plan/").status_code == 302  # to sign in


def test_another_councils_plan_is_not_found(plan: PlanScene) -> None:
    elsewhere = LocalAuthorityFactory(code="888", name="Elsewhere Council")
    team = TeamFactory(locality__local_authority=elsewhere)
    outsider = make_user(
        "outsider", AccessRole.TEAM_MANAGER, WorkerFactory(team=team, role=Worker.Role.TEAM_MANAGER)
    )
    client = Client()
    client.force_login(outsider)
    action = plan.actions["1.1"]
    assert client.get(f"/plan/actions/{action.pk}/").status_code == 404
    assert client.get(f"/plan/inspections/{plan.inspection.pk}/").status_code == 404
    assert client.get(f"/plan/inspections/{plan.inspection.pk}/plan.xlsx").status_code == 404
    assert (
        client.post(f"/plan/actions/{action.pk}/updates/", {"update-text": "x"}).status_code == 404
    )
