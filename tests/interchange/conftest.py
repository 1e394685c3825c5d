"""Fixtures for the import tests: a council with one team, its manager and a newly qualified
worker she supervises."""

from __future__ import annotations

import pytest

from oversight.people.models import LocalAuthority, Team, Worker
from tests.factories import TeamFactory, WorkerFactory


@pytest.fixture
def team(db: None) -> Team:
    return TeamFactory(name="Referral and Assessment")  # type: ignore[no-any-return]


@pytest.fixture
def la(team: Team) -> LocalAuthority:
    return team.locality.local_authority


@pytest.fixture
def tess(team: Team) -> Worker:
    return WorkerFactory(name="Tess Manager", role=Worker.Role.TEAM_MANAGER, team=team)  # type: ignore[no-any-return]


@pytest.fixture
def ben(team: Team, tess: Worker) -> Worker:
    return WorkerFactory(name="Ben Newly", team=team, supervisor=tess)  # type: ignore[no-any-return]
