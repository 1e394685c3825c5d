"""Issue 9's role matrix where it differs from plain breadth: an administrator runs users and
settings and sees no child by that role alone; given a case role as well, they see what that
role sees."""

from __future__ import annotations

from oversight.accounts.roles import AccessRole
from oversight.accounts.scope import scope_of
from oversight.cases.queries import cases_visible_to
from oversight.people.queries import workers_visible_to
from oversight.supervision.queries import files_visible_to
from tests.factories import role_group
from tests.security.personas import World


def _children(user: object) -> set[str]:
    return set(cases_visible_to(user).values_list("la_child_id", flat=True))  # type: ignore[arg-type]


def test_an_administrator_sees_no_child_and_no_staff_record(world: World) -> None:
    admin = world.users["admin"]

    assert _children(admin) == set()
    assert not workers_visible_to(admin).exists()
    assert not files_visible_to(admin).exists()
    assert scope_of(admin).roles == {AccessRole.ADMINISTRATOR}


def test_an_administrator_who_is_also_a_team_manager_sees_the_team(world: World) -> None:
    tara = world.users["tm_a"]
    tara.groups.add(role_group(AccessRole.ADMINISTRATOR))

    assert _children(tara) == {"LEAK-A-0001", "LEAK-A-0002"}


def test_an_information_officer_sees_the_council_but_no_supervision_file(world: World) -> None:
    io = world.users["io"]

    assert _children(io) == {"LEAK-A-0001", "LEAK-A-0002", "LEAK-B-0001", "LEAK-B-0002"}
    assert workers_visible_to(io).count() == 7
    assert not files_visible_to(io).exists()
