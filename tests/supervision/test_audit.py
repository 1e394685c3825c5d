"""The monthly supervision audit (R-SV-1..4): the rows for one month exactly, the CSV download,
its formula safety and its audit event. The scene is worked by hand in history_scenes.py."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.accounts.roles import AccessRole
from oversight.audit.models import AuditEvent
from oversight.people.models import Worker
from oversight.supervision.audit import AuditRow, audit_csv, supervision_audit_rows
from tests.factories import WorkerFactory, make_user
from tests.supervision.history_scenes import AS_AT, D, DutyTeam, build_duty_team, held

pytestmark = pytest.mark.django_db


@pytest.fixture
def duty_team(db: None) -> DutyTeam:
    return build_duty_team()


def _download(client: Client, user: Any, team_id: int, **params: str) -> Any:
    client.force_login(user)
    return client.get(f"/teams/{team_id}/supervision/audit.csv", params)


def _cells(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_november_audit_rows(duty_team: DutyTeam) -> None:
    """November 2023, measured at its end (30 Nov) though the page is at 15 March 2024.
    Asha: seen 27 Nov (counts) and 13 Nov (45 minutes: other); met; next due 25 Dec.
    Bilal: started 13 Nov, a group session on 20 Nov (other) not written up by its deadline
    (27 Nov); no counting session yet, next due 11 Dec (start + 28 days); met.
    Cleo: left 15 Nov, overdue since 23 Oct: missed; 0 days overdue at the month's end because
    the engine counts overdue days only for workers still in post."""
    workers = Worker.objects.filter(team=duty_team.team)
    rows = supervision_audit_rows(workers, D(2023, 11, 1), AS_AT)
    team, monthly = "Duty and Assessment", "Monthly (every 28 days)"
    assert rows == [
        AuditRow(
            "Asha Steady", team, "Social worker", monthly, "Lena Locality",
            1, 1, "Met", D(2023, 11, 27), D(2023, 12, 25), 0, 0,
        ),
        AuditRow(
            "Bilal Newstart", team, "Social worker", monthly, "Lena Locality",
            0, 1, "Met", None, D(2023, 12, 11), 0, 1,
        ),
        AuditRow(
            "Cleo Leaver", team, "Family support worker", "Every 28 days (family support worker)",
            "Lena Locality", 0, 0, "Missed", D(2023, 9, 25), D(2023, 10, 23), 0, 0,
        ),
    ]  # fmt: skip


def test_the_current_month_is_measured_at_as_at(duty_team: DutyTeam) -> None:
    """March 2024 up to the 15th: Bilal 11 days overdue (due 4 Mar), 2 not written up; Cleo,
    gone since November, has no row."""
    workers = Worker.objects.filter(team=duty_team.team)
    rows = {r.worker: r for r in supervision_audit_rows(workers, D(2024, 3, 1), AS_AT)}
    assert list(rows) == ["Asha Steady", "Bilal Newstart"]
    bilal = rows["Bilal Newstart"]
    assert (bilal.compliant, bilal.days_overdue, bilal.not_written_up) == ("Missed", 11, 2)
    asha = rows["Asha Steady"]
    assert (asha.counting_sessions, asha.compliant, asha.next_due) == (1, "Met", D(2024, 4, 8))


def test_a_role_supervised_elsewhere_is_not_judged(duty_team: DutyTeam) -> None:
    """Information officers are among the policy's unsupervised roles (with SM and LM)."""
    WorkerFactory(name="Ivy Info", role=Worker.Role.INFORMATION_OFFICER, team=duty_team.team)
    workers = Worker.objects.filter(team=duty_team.team)
    ivy = next(
        r for r in supervision_audit_rows(workers, D(2024, 3, 1), AS_AT) if r.worker == "Ivy Info"
    )
    assert (ivy.stage, ivy.compliant, ivy.next_due) == (
        "Not held to an interval here",
        "Not held to an interval",
        None,
    )


def test_a_month_after_as_at_is_refused(duty_team: DutyTeam) -> None:
    with pytest.raises(ValueError, match="first day"):
        supervision_audit_rows(Worker.objects.all(), D(2024, 4, 1), AS_AT)


def test_csv_download(duty_team: DutyTeam) -> None:
    response = _download(
        Client(), duty_team.users["lm"], duty_team.team.id, month="2023-11", as_at=AS_AT.isoformat()
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="supervision-audit-{duty_team.team.id}-2023-11.csv"'
    )
    assert _cells(response) == [
        [
            "Worker",
            "Team",
            "Role",
            "Interval in force",
            "Supervisor",
            "Formal sessions counting",
            "Other sessions",
            "Compliant this month",
            "Last counting session",
            "Next due",
            "Days overdue",
            "Sessions not written up",
        ],
        ["Asha Steady", "Duty and Assessment", "Social worker", "Monthly (every 28 days)",
         "Lena Locality", "1", "1", "Met", "2023-11-27", "2023-12-25", "0", "0"],
        ["Bilal Newstart", "Duty and Assessment", "Social worker", "Monthly (every 28 days)",
         "Lena Locality", "0", "1", "Met", "", "2023-12-11", "0", "1"],
        ["Cleo Leaver", "Duty and Assessment", "Family support worker",
         "Every 28 days (family support worker)", "Lena Locality", "0", "0", "Missed",
         "2023-09-25", "2023-10-23", "0", "0"],
    ]  # fmt: skip


def test_csv_download_is_audited_as_an_export(duty_team: DutyTeam) -> None:
    _download(
        Client(), duty_team.users["io"], duty_team.team.id, month="2023-11", as_at="2024-03-15"
    )
    event = AuditEvent.objects.get()
    assert (event.kind, event.username, event.what, event.detail) == (
        AuditEvent.Kind.EXPORT,
        "io",
        "Supervision audit 2023-11: Duty and Assessment",
        {"month": "2023-11", "as_at": "2024-03-15", "rows": 3},
    )


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://evil.example","Click")', "+44 7700 900123", "-2+3", "@SUM(A1:A9)"],
)
def test_csv_cells_never_become_formulas(name: str) -> None:
    row = AuditRow(name, name, "Social worker", "Monthly", name, 0, 0, "Met", None, None, 0, 0)
    cells = list(csv.reader(io.StringIO(audit_csv([row]))))[1]
    assert [cells[0], cells[1], cells[4]] == [f"'{name}"] * 3


def test_csv_download_is_formula_safe_end_to_end(duty_team: DutyTeam) -> None:
    WorkerFactory(name="=cmd|' /C calc'!A0", team=duty_team.team, supervisor=duty_team.lena)
    response = _download(
        Client(), duty_team.users["lm"], duty_team.team.id, month="2024-03", as_at="2024-03-15"
    )
    assert _cells(response)[1][0] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    "params",
    [{"month": "2023-13"}, {"month": "November"}, {}, {"month": "2024-04", "as_at": "2024-03-15"},
     {"month": "2024-03", "as_at": "2024-02-30"}],
)  # fmt: skip
def test_unreadable_month_is_a_bad_request(duty_team: DutyTeam, params: dict[str, str]) -> None:
    response = _download(Client(), duty_team.users["lm"], duty_team.team.id, **params)
    assert response.status_code == 400
    assert not AuditEvent.objects.exists()


def test_only_someone_who_sees_the_team_may_download(duty_team: DutyTeam) -> None:
    response = _download(Client(), duty_team.users["asha"], duty_team.team.id, month="2023-11")
    assert response.status_code == 404


def test_an_atm_downloads_only_the_workers_they_see(duty_team: DutyTeam) -> None:
    """An ATM in the team sees themselves and their supervisees, so the audit holds just those."""
    amy = WorkerFactory(
        name="Amy Assistant", role=Worker.Role.ASSISTANT_TEAM_MANAGER, team=duty_team.team
    )
    Worker.objects.filter(pk=duty_team.bilal.pk).update(supervisor=amy)
    user = make_user("amy", AccessRole.ASSISTANT_TEAM_MANAGER, amy)
    response = _download(Client(), user, duty_team.team.id, month="2024-03", as_at="2024-03-15")
    assert [row[0] for row in _cells(response)[1:]] == ["Amy Assistant", "Bilal Newstart"]


def test_csv_queries_do_not_grow_with_workers(duty_team: DutyTeam) -> None:
    """Five more workers with sessions of every length add no queries."""
    client = Client()
    client.force_login(duty_team.users["lm"])
    url = f"/teams/{duty_team.team.id}/supervision/audit.csv?month=2024-02&as_at=2024-03-15"
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for n in range(5):
        worker = WorkerFactory(team=duty_team.team, supervisor=duty_team.lena)
        held(worker, D(2024, 2, 1 + n), supervisor=duty_team.lena, minutes=30 + 30 * n)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before)
