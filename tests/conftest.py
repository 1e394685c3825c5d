"""Shared scenes. `three_worker_team` is a hand-built team whose every number is worked out by
hand in the comments, so tests can assert exact values (R-CL-1..3, R-TS-10, R-WD)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from oversight.accounts.roles import AccessRole
from oversight.cases.models import Allocation, Assessment, Child, Section47
from oversight.people.models import Team, Worker
from tests.factories import (
    AbsenceFactory,
    AllocationFactory,
    AssessmentFactory,
    ChildFactory,
    ComplexityFactory,
    ReferralFactory,
    TeamFactory,
    WorkerFactory,
    make_user,
)

# A Wednesday; Good Friday, Easter Monday, 1 May, the coronation (8 May) and 29 May 2023 are
# bank holidays before it (domain.md §3 worked example).
AS_AT = dt.date(2023, 6, 14)
HOLDER, CO = Allocation.Role.CASE_HOLDER, Allocation.Role.CO_WORKER


@dataclass
class Scene:
    team: Team
    other_team: Team
    alice: Worker  # experienced SW, 0.4 FTE, over capacity
    ben: Worker  # ASYE with a planned absence
    cara: Worker  # FSW holding a case that became complex
    dan: Worker  # a social worker in another team
    atm: Worker  # supervises Ben only
    tm: Worker
    children: dict[str, Child]
    users: dict[str, Any]


def _case(
    label: str,
    team: Team,
    worker: Worker,
    level: int,
    *,
    role: str = HOLDER,
    start: dt.date = dt.date(2023, 3, 1),
    child: Child | None = None,
) -> Child:
    child = child or ChildFactory(la_child_id=label, responsible_team=team)
    AllocationFactory(
        child=child, worker=worker, role=role, complexity_level=level, start_date=start
    )
    return child


@pytest.fixture
def three_worker_team(db: None) -> Scene:
    team = TeamFactory(name="Referral and Assessment")
    other = TeamFactory(name="Safeguarding", locality=team.locality)
    tm = WorkerFactory(name="Tess Manager", role=Worker.Role.TEAM_MANAGER, team=team)
    atm = WorkerFactory(
        name="Amir Assistant", role=Worker.Role.ASSISTANT_TEAM_MANAGER, team=team, supervisor=tm
    )
    # Alice: experienced (qualified 2015), 0.4 FTE → capacity 0.4 × 85 = 34 points.
    alice = WorkerFactory(name="Alice Experienced", team=team, fte=0.4, supervisor=tm)
    # Ben: qualified Sep 2022, started Oct 2022 → ASYE until Oct 2023. Capacity 85 × 0.9 =
    # 76.5, less his absence 14–20 June: 5 of the 20 working days from 14 June → × 0.75 = 57.375.
    ben = WorkerFactory(
        name="Ben Newly",
        team=team,
        qualification_date=dt.date(2022, 9, 1),
        start_date=dt.date(2022, 10, 3),
        supervisor=atm,
    )
    AbsenceFactory(worker=ben, start_date=dt.date(2023, 6, 14), end_date=dt.date(2023, 6, 20))
    # Cara: family support worker (not qualified) → capacity 85 × 1.0 = 85.
    cara = WorkerFactory(
        name="Cara Support",
        role=Worker.Role.FAMILY_SUPPORT_WORKER,
        team=team,
        qualified=False,
        qualification_date=None,
        supervisor=atm,
    )
    dan = WorkerFactory(name="Dan Elsewhere", team=other)

    c = {}
    # Alice holds levels 4, 3, 3, 2 = 10 + 8 + 8 + 6 = 32 and co-works a level 3 (8 × 0.5 = 4):
    # weighted 36 of 34 → 105.9 %.
    c["A1"] = _case("A1", team, alice, 4)
    c["A2"] = _case("A2", team, alice, 3)
    c["A3"] = _case("A3", team, alice, 3)
    c["A4"] = _case("A4", team, alice, 2)
    # Ben holds levels 2, 1, 1 = 14 points of 57.375 → 24.4 %; he is case holder of B1, which
    # Alice co-works.
    c["B1"] = _case("B1", team, ben, 2)
    _case("B1", team, alice, 3, role=CO, child=c["B1"])
    c["B2"] = _case("B2", team, ben, 1)
    c["B3"] = _case("B3", team, ben, 1)
    # Cara holds two level-1 cases; C1 was re-assessed to level 3 in May (8 points) → 12 of 85.
    c["C1"] = _case("C1", team, cara, 1)
    ComplexityFactory(child=c["C1"], level=3, assessed_on=dt.date(2023, 5, 1))
    c["C2"] = _case("C2", team, cara, 1)
    # Not counted at AS_AT: a case Cara handed back on 1 June, and one allocated after AS_AT.
    ended = ChildFactory(la_child_id="C-ended", responsible_team=team)
    AllocationFactory(
        child=ended,
        worker=cara,
        complexity_level=1,
        start_date=dt.date(2023, 1, 9),
        end_date=dt.date(2023, 6, 1),
        end_reason="Closed",
    )
    _case("C-later", team, cara, 1, start=dt.date(2023, 6, 15))
    # Dan's case, in the other team: nobody in team A sees it.
    c["D1"] = _case("D1", other, dan, 2)

    single = Assessment.Kind.SINGLE
    # A1: started 3 Apr, 45 working days → due 12 Jun; 47 elapsed at 14 Jun → 2 overdue.
    AssessmentFactory(
        child=c["A1"],
        kind=single,
        worker=alice,
        start_date=dt.date(2023, 4, 3),
        delay_reason="Awaiting police checks",
    )
    # B1: started 5 Apr (2 working days after 3 Apr) → 45 elapsed at 14 Jun: due today, 0 left.
    AssessmentFactory(child=c["B1"], kind=single, worker=ben, start_date=dt.date(2023, 4, 5))
    # C2: started 10 May → 24 elapsed at 14 Jun, 21 left: open in time, listed nowhere.
    AssessmentFactory(child=c["C2"], kind=single, worker=cara, start_date=dt.date(2023, 5, 10))
    # A2: started 4 Apr, authorised 20 Jun — after AS_AT, so open then: 46 elapsed → 1 overdue,
    # with no reason recorded.
    AssessmentFactory(
        child=c["A2"],
        kind=single,
        worker=alice,
        start_date=dt.date(2023, 4, 4),
        authorised_date=dt.date(2023, 6, 20),
    )
    # A3: completed (late) before AS_AT: not an open deadline.
    AssessmentFactory(
        child=c["A3"],
        kind=single,
        worker=alice,
        start_date=dt.date(2023, 1, 3),
        authorised_date=dt.date(2023, 5, 2),
    )
    # D1: overdue, but in the other team.
    AssessmentFactory(child=c["D1"], kind=single, worker=dan, start_date=dt.date(2023, 3, 1))

    users = {
        "tm": make_user("tm", AccessRole.TEAM_MANAGER, tm),
        "atm": make_user("atm", AccessRole.ASSISTANT_TEAM_MANAGER, atm),
        "ben": make_user("ben", AccessRole.WORKER, ben),
        "dan": make_user("dan", AccessRole.WORKER, dan),
    }
    return Scene(team, other, alice, ben, cara, dan, atm, tm, c, users)


@pytest.fixture(autouse=True)
def _imports_in_the_test(settings: Any, tmp_path: Any) -> None:
    """Imports run in the request (the test's transaction), uploads kept in a temporary folder."""
    settings.OVERSIGHT_IMPORTS_IN_BACKGROUND = False
    settings.OVERSIGHT_IMPORT_DIR = tmp_path / "imports"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """PBKDF2 is deliberately slow; tests check behaviour, not hashing strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def meeting(db: None) -> dict[str, Any]:
    """The allocation meeting scene (tests/allocation, tests/api, the browser test).

    A team with a social worker (Sam), an experienced worker (Eve) and a family support
    worker (Fay), none holding anything; a child protection case waiting (an s47 started a
    week ago) and a level 1 case waiting since a month ago."""
    today = timezone.localdate()
    team = TeamFactory(name="Referral and Assessment")
    tm = WorkerFactory(name="Tess Manager", role="TM", team=team)
    atm = WorkerFactory(name="Amir Assistant", role="ATM", team=team)
    sam = WorkerFactory(
        name="Sam Social",
        team=team,
        qualification_date=dt.date(2024, 9, 2),
        start_date=dt.date(2024, 9, 9),
    )
    eve = WorkerFactory(name="Eve Experienced", team=team)
    fay = WorkerFactory(
        name="Fay Support", team=team, role="FSW", qualified=False, qualification_date=None
    )
    cp = ChildFactory(la_child_id="CP-001", responsible_team=team)
    ReferralFactory(child=cp, date=today - dt.timedelta(days=10))
    Section47.objects.create(child=cp, strategy_date=today - dt.timedelta(days=7))
    low = ChildFactory(la_child_id="LOW-002", responsible_team=team)
    ReferralFactory(child=low, date=today - dt.timedelta(days=30))
    users = {
        "tm": make_user("tm", AccessRole.TEAM_MANAGER, tm),
        "atm": make_user("atm", AccessRole.ASSISTANT_TEAM_MANAGER, atm),
        "sam_user": make_user("sam", AccessRole.WORKER, sam),
    }
    return {"team": team, "cp": cp, "low": low, "sam": sam, "eve": eve, "fay": fay, **users}
