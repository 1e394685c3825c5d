"""`alerts_scene`: the hand-built `three_worker_team` (tests/conftest.py) with what a digest
also covers — s47 enquiries waiting for their conference, child protection plans waiting for a
review, a child protection case nobody holds, supervision sessions — and the managers above it.

As at Wednesday 14 June 2023 (29 May was a bank holiday), worked by hand:

  team A (Referral and Assessment)               other team (Safeguarding)
  - X1 unallocated, s47 from 10 May: R-AL-1        - D1 (Dan): assessment from 1 Mar, 25 working
    alert since 10 May; ICPC due 1 Jun (15th          days overdue (due 9 May); s47 from 31 May,
    working day after), 24 elapsed: 9 overdue          ICPC due 21 Jun, 5 working days left
  - C1 (Cara, FSW) re-assessed to level 3: R-AL-1  - Dan: supervised 15 May (+28 days) → due
    alert (no qualified case holder), no date          12 Jun, 2 days overdue
  - A2 (Alice): s47 from Fri 26 May, ICPC due      - Olga (TM): supervised 7 Jun → due 5 Jul
    19 Jun, 3 working days left
  - A1 (Alice): plan from 15 Mar, no review: first review due 15 Jun, 1 working day left
  - A3 (Alice): plan from 1 Sep 2022, reviewed 30 Nov → next due 30 May, 15 days overdue
  - supervision (formal, 90 minutes; monthly = 28 days, an FSW every 28 days):
    Alice 22 May → due 19 Jun (3 working days left); Ben (ASYE, monthly since 3 Apr) 10 May →
    due 7 Jun, 7 days overdue, and never written up (the ATM's write-up, due by 17 May);
    Cara 19 May → due 16 Jun (2 left); Amir 1 Jun → due 29 Jun; Tess 5 Jun → due 3 Jul
  - assessments as in three_worker_team: A1 2 working days overdue (due 12 Jun), A2 1 overdue
    (due 13 Jun), B1 due today
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User

from oversight.accounts.roles import AccessRole
from oversight.cases.models import ChildProtectionPlan, ChildProtectionReview, Section47
from oversight.people.models import Worker
from oversight.supervision.models import SupervisionSession
from tests.conftest import Scene
from tests.factories import ChildFactory, WorkerFactory, make_user


@dataclass
class AlertsScene:
    base: Scene
    lm: Worker
    other_tm: Worker
    users: dict[str, Any]


def _session(
    supervisee: Worker, supervisor: Worker, held: dt.date, written: dt.date | None
) -> None:
    SupervisionSession.objects.create(
        supervisee=supervisee,
        supervisor=supervisor,
        held_on=held,
        minutes=90,
        written_up_on=written,
    )


@pytest.fixture
def alerts_scene(three_worker_team: Scene) -> AlertsScene:
    scene = three_worker_team
    team, other, c = scene.team, scene.other_team, scene.children
    team.locality.name = "Northside"
    team.locality.save(update_fields=["name"])
    lm = WorkerFactory(
        name="Lena Locality",
        role=Worker.Role.LOCALITY_MANAGER,
        team=None,
        locality=team.locality,
    )
    other_tm = WorkerFactory(name="Olga Other", role=Worker.Role.TEAM_MANAGER, team=other)
    scene.tm.supervisor = lm
    scene.tm.save(update_fields=["supervisor"])
    scene.dan.supervisor = other_tm
    scene.dan.save(update_fields=["supervisor"])

    _session(scene.alice, scene.tm, dt.date(2023, 5, 22), dt.date(2023, 5, 23))
    _session(scene.ben, scene.atm, dt.date(2023, 5, 10), None)
    _session(scene.cara, scene.atm, dt.date(2023, 5, 19), dt.date(2023, 5, 19))
    _session(scene.atm, scene.tm, dt.date(2023, 6, 1), dt.date(2023, 6, 2))
    _session(scene.tm, lm, dt.date(2023, 6, 5), dt.date(2023, 6, 6))
    _session(scene.dan, other_tm, dt.date(2023, 5, 15), dt.date(2023, 5, 16))
    _session(other_tm, lm, dt.date(2023, 6, 7), dt.date(2023, 6, 7))

    x1 = ChildFactory(la_child_id="X1", responsible_team=team)
    c["X1"] = x1
    Section47.objects.create(child=x1, strategy_date=dt.date(2023, 5, 10))
    Section47.objects.create(
        child=c["A2"], strategy_date=dt.date(2023, 5, 26), lead_worker=scene.alice
    )
    Section47.objects.create(
        child=c["A1"],
        strategy_date=dt.date(2023, 3, 1),
        lead_worker=scene.alice,
        icpc_date=dt.date(2023, 3, 15),
        icpc_result=Section47.IcpcResult.PLAN,
        end_date=dt.date(2023, 3, 15),
    )
    ChildProtectionPlan.objects.create(
        child=c["A1"], start_date=dt.date(2023, 3, 15), category="NEG"
    )
    a3_plan = ChildProtectionPlan.objects.create(
        child=c["A3"], start_date=dt.date(2022, 9, 1), category="EMO"
    )
    ChildProtectionReview.objects.create(plan=a3_plan, date=dt.date(2022, 11, 30))
    Section47.objects.create(
        child=c["D1"], strategy_date=dt.date(2023, 5, 31), lead_worker=scene.dan
    )

    users = {
        **scene.users,
        "lm": make_user("lm", AccessRole.LOCALITY_MANAGER, lm),
        "other_tm": make_user("other_tm", AccessRole.TEAM_MANAGER, other_tm),
        "io": make_user("io", AccessRole.INFORMATION_OFFICER),
    }
    for username, user in users.items():
        user.email = f"{username}@testshire.example"
        user.save(update_fields=["email"])
    return AlertsScene(scene, lm, other_tm, users)


def user(scene: AlertsScene, name: str) -> User:
    found: User = scene.users[name]
    return found
