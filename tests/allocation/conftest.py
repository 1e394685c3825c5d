"""A team meeting with hand-worked numbers, shared by the allocation page tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from oversight.accounts.roles import AccessRole
from oversight.cases.models import Section47
from tests.factories import ChildFactory, ReferralFactory, TeamFactory, WorkerFactory, make_user


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def meeting(db: None) -> dict[str, Any]:
    """A team with a social worker (Sam), an experienced worker (Eve) and a family support
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
