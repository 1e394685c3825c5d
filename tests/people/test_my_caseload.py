"""A social worker sees only their own caseload and deadlines."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.conftest import AS_AT, Scene

pytestmark = pytest.mark.django_db


def test_r_cl_my_caseload_shows_own_numbers(three_worker_team: Scene) -> None:
    """Ben (ASYE): 3 cases, 14 of 57.375 points (his absence reduces capacity), B1 due today."""
    client = Client()
    client.force_login(three_worker_team.users["ben"])
    html = client.get("/my/caseload/", {"as_at": AS_AT.isoformat()}).content.decode()
    assert re.search(r'data-col="cases">3<', html)
    assert re.search(r'data-col="weighted">14 of 57.4 points \(24%\)<', html)
    assert "ASYE (newly qualified)" in html
    children = re.findall(r'<th scope="row" class="govuk-table__header">([\w-]+)</th>', html)
    assert children == ["B1", "B2", "B3", "B1"]  # three cases, then B1 in the due-soon table
    assert ">A1<" not in html
    assert ">D1<" not in html  # as a cell's text (random CSRF tokens may hold "D1")


def test_social_worker_cannot_open_the_team_page(three_worker_team: Scene) -> None:
    client = Client()
    client.force_login(three_worker_team.users["ben"])
    assert client.get(f"/teams/{three_worker_team.team.id}/").status_code == 404


def test_home_sends_each_role_to_its_page(three_worker_team: Scene) -> None:
    client = Client()
    client.force_login(three_worker_team.users["ben"])
    assert client.get("/").url == "/my/caseload/"
    client.force_login(three_worker_team.users["tm"])
    assert client.get("/").url == f"/teams/{three_worker_team.team.id}/"


def test_signed_out_visitors_are_sent_to_sign_in() -> None:
    response = Client().get("/my/caseload/")
    assert (response.status_code, response.url) == (302, "/sign-in/?next=/my/caseload/")


def test_manager_drills_down_to_a_workers_caseload(three_worker_team: Scene) -> None:
    """From the team page to Alice's cases: 4 held, 1 co-worked, 36 of 34 points."""
    client = Client()
    client.force_login(three_worker_team.users["tm"])
    url = f"/workers/{three_worker_team.alice.id}/"
    html = client.get(url, {"as_at": AS_AT.isoformat()}).content.decode()
    assert re.search(r'data-col="weighted">36 of 34 points \(106%\)<', html)
    children = re.findall(r'<th scope="row" class="govuk-table__header">([\w-]+)</th>', html)
    # Her cases, then the two overdue (A1, A2) and B1 due today, which she co-works.
    assert children == ["A1", "A2", "A3", "A4", "B1", "A1", "A2", "B1"]


def test_worker_drill_down_is_scoped(three_worker_team: Scene) -> None:
    """Dan (another team) is not the team manager's to see; Ben cannot open Alice's page."""
    client = Client()
    client.force_login(three_worker_team.users["tm"])
    assert client.get(f"/workers/{three_worker_team.dan.id}/").status_code == 404
    client.force_login(three_worker_team.users["ben"])
    assert client.get(f"/workers/{three_worker_team.alice.id}/").status_code == 404
