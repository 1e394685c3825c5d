"""The one doorway to child records: each persona sees exactly its scope; others get 404."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404

from oversight.accounts.roles import AccessRole
from oversight.cases.queries import cases_visible_to, get_case_for_user
from oversight.people.queries import workers_visible_to
from tests.conftest import Scene
from tests.factories import WorkerFactory, make_user, role_group

pytestmark = pytest.mark.django_db

TEAM_A_OPEN = {"A1", "A2", "A3", "A4", "B1", "B2", "B3", "C1", "C2", "C-later"}


def _labels(user: object) -> set[str]:
    return set(cases_visible_to(user).values_list("la_child_id", flat=True))


def test_worker_sees_own_open_cases_only(three_worker_team: Scene) -> None:
    assert _labels(three_worker_team.users["ben"]) == {"B1", "B2", "B3"}
    assert _labels(three_worker_team.users["dan"]) == {"D1"}


def test_atm_sees_supervisees_cases(three_worker_team: Scene) -> None:
    """Amir supervises Ben and Cara (C-ended is closed and not Cara's any more)."""
    assert _labels(three_worker_team.users["atm"]) == {"B1", "B2", "B3", "C1", "C2", "C-later"}


def test_team_manager_sees_the_team(three_worker_team: Scene) -> None:
    """Responsible-team cases, closed or not, plus anything allocated to a team member."""
    assert _labels(three_worker_team.users["tm"]) == TEAM_A_OPEN | {"C-ended"}


def test_locality_manager_sees_the_locality(three_worker_team: Scene) -> None:
    lm = WorkerFactory(role="LM", team=None, locality=three_worker_team.team.locality)
    user = make_user("lm", AccessRole.LOCALITY_MANAGER, lm)
    assert _labels(user) == TEAM_A_OPEN | {"C-ended", "D1"}


def test_information_officer_sees_the_council(three_worker_team: Scene) -> None:
    user = get_user_model().objects.create_user("io")
    user.groups.add(role_group(AccessRole.INFORMATION_OFFICER))
    assert len(_labels(user)) == 12


def test_user_without_role_sees_nothing(three_worker_team: Scene) -> None:
    assert _labels(get_user_model().objects.create_user("nobody")) == set()


def test_not_yours_and_missing_look_the_same(three_worker_team: Scene) -> None:
    ben = three_worker_team.users["ben"]
    assert get_case_for_user(ben, three_worker_team.children["B1"].id).la_child_id == "B1"
    with pytest.raises(Http404):
        get_case_for_user(ben, three_worker_team.children["D1"].id)
    with pytest.raises(Http404):
        get_case_for_user(ben, 999_999)


def test_workers_visible_follow_the_same_scopes(three_worker_team: Scene) -> None:
    names = lambda user: set(workers_visible_to(user).values_list("name", flat=True))  # noqa: E731
    assert names(three_worker_team.users["ben"]) == {"Ben Newly"}
    assert names(three_worker_team.users["atm"]) == {"Amir Assistant", "Ben Newly", "Cara Support"}
    assert "Dan Elsewhere" not in names(three_worker_team.users["tm"])


def test_team_manager_without_a_team_sees_nothing(three_worker_team: Scene) -> None:
    """Never "everything with no team": an unplaced manager sees no child and no worker."""
    floating = WorkerFactory(role="TM", team=None)
    user = make_user("floating", AccessRole.TEAM_MANAGER, floating)
    assert _labels(user) == set()
    assert not workers_visible_to(user).exists()
