"""The team page: R-CL-1..3 caseloads and R-TS-10 deadlines of a hand-built team, exact values."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.audit.models import AuditEvent
from tests.conftest import AS_AT, Scene
from tests.factories import AllocationFactory, AssessmentFactory, ChildFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def _page(client: Client, scene: Scene, username: str = "tm", **params: str) -> str:
    client.force_login(scene.users[username])
    query = {"as_at": AS_AT.isoformat(), **params}
    response = client.get(f"/teams/{scene.team.id}/", query)
    assert response.status_code == 200
    return response.content.decode()


def _row(html: str, name: str) -> dict[str, str]:
    row = re.search(rf'<tr class="govuk-table__row" data-worker="{name}">(.*?)</tr>', html, re.S)
    assert row, f"no row for {name}"
    cells = re.findall(r'data-col="([\w-]+)">([^<]*)<', row.group(1))
    return dict(cells)


def test_r_cl_weighted_loads_and_capacity_per_worker(three_worker_team: Scene) -> None:
    """R-CL-1..3: cases, co-worked, weighted load, capacity and utilisation, by hand."""
    html = _page(Client(), three_worker_team)
    assert _row(html, "Alice Experienced") == {
        "cases": "4",
        "co-worked": "1",
        "weighted": "36",
        "capacity": "34",
        "utilisation": "106%",
    }
    assert _row(html, "Ben Newly") == {
        "cases": "3",
        "co-worked": "0",
        "weighted": "14",
        "capacity": "57.4",
        "utilisation": "24%",
    }
    assert _row(html, "Cara Support") == {
        "cases": "2",
        "co-worked": "0",
        "weighted": "12",
        "capacity": "85",
        "utilisation": "14%",
    }
    # The ATM holds no cases but may; the TM holds none and is left off the board.
    assert _row(html, "Amir Assistant")["cases"] == "0"
    assert 'data-worker="Tess Manager"' not in html
    assert 'data-worker="Dan Elsewhere"' not in html


def test_r_cl_team_headlines(three_worker_team: Scene) -> None:
    """Team totals: 9 cases; 62 of 261.375 points → 24 %; 2 overdue, 1 due soon."""
    html = _page(Client(), three_worker_team)
    assert re.search(r'data-testid="team-cases">9<', html)
    assert re.search(r'data-testid="team-utilisation">24%<', html)
    assert re.search(r'data-testid="team-overdue">2<', html)
    assert re.search(r'data-testid="team-due-soon">1<', html)
    assert "1 worker over capacity" in html


def test_r_ts_10_overdue_and_due_soon_lists(three_worker_team: Scene) -> None:
    """R-TS-10 in working days: A1 2 overdue with a reason, A2 1 overdue with none recorded
    (its authorisation on 20 June was not yet known), B1 due today; D1 is another team's."""
    html = _page(Client(), three_worker_team)
    overdue = html.split('data-testid="overdue-table"')[1].split("</table>")[0]
    rows = re.findall(
        r'<th scope="row" class="govuk-table__header">(\w+)</th>.*?'
        r'govuk-table__cell--numeric">(\d+)</td>\s*<td class="govuk-table__cell">(.*?)</td>',
        overdue,
        re.S,
    )
    assert [(child, days) for child, days, _ in rows] == [("A1", "2"), ("A2", "1")]
    assert rows[0][2] == "Awaiting police checks"
    assert "Not recorded" in rows[1][2]
    due_soon = html.split('data-testid="due-soon-table"')[1].split("</table>")[0]
    assert re.findall(r'<th scope="row" class="govuk-table__header">(\w+)</th>', due_soon) == ["B1"]
    assert "14 Jun 2023" in due_soon
    assert "1 assessment due within 5 working days, soonest first" in html
    assert ">D1<" not in html  # as a cell's text (random CSRF tokens may hold "D1")


def test_looking_back_uses_only_what_was_known(three_worker_team: Scene) -> None:
    """As at 2 June 2023 Cara holds C1 and C2 (the case she handed back ended on 1 June) and
    nothing is overdue yet; on 31 May she still held the third case."""
    html = _page(Client(), three_worker_team, as_at="2023-06-02")
    assert _row(html, "Cara Support")["cases"] == "2"
    assert re.search(r'data-testid="team-overdue">0<', html)
    html = _page(Client(), three_worker_team, as_at="2023-05-31")
    assert _row(html, "Cara Support")["cases"] == "3"


def test_unreadable_date_says_what_to_fix(three_worker_team: Scene) -> None:
    client = Client()
    client.force_login(three_worker_team.users["tm"])
    url = f"/teams/{three_worker_team.team.id}/"
    response = client.get(url, {"day": "31", "month": "2", "year": "2023"})
    assert "Enter a real date, for example 31 10 2026" in response.content.decode()
    response = client.get(url, {"as_at": "31/02/2023"})
    assert "Enter a real date, for example 31 10 2026" in response.content.decode()


def test_the_date_form_reads_day_month_year(three_worker_team: Scene) -> None:
    client = Client()
    client.force_login(three_worker_team.users["tm"])
    url = f"/teams/{three_worker_team.team.id}/"
    html = client.get(url, {"day": "14", "month": "6", "year": "2023"}).content.decode()
    assert re.search(r'data-testid="team-overdue">2<', html)
    assert "Measured at Wednesday 14 June 2023" in html


def test_team_page_view_is_audited(three_worker_team: Scene) -> None:
    _page(Client(), three_worker_team)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.VIEW)
    assert (event.username, event.what, event.object_id) == (
        "tm",
        "Team page: Referral and Assessment",
        str(three_worker_team.team.id),
    )


def test_team_page_queries_do_not_grow_with_rows(three_worker_team: Scene) -> None:
    """Query count is fixed: ten more workers with cases and assessments add no queries."""
    client = Client()
    client.force_login(three_worker_team.users["tm"])
    url = f"/teams/{three_worker_team.team.id}/?as_at={AS_AT}"
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(10):
        worker = WorkerFactory(team=three_worker_team.team)
        child = ChildFactory(responsible_team=three_worker_team.team)
        AllocationFactory(child=child, worker=worker, complexity_level=2, start_date=AS_AT)
        AssessmentFactory(child=child, worker=worker, start_date=AS_AT.replace(day=1 + n))
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
