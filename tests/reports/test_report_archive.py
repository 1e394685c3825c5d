"""The report archive: what is stored with each report, regeneration giving the same numbers,
who may download what (scoped, audited), and a changed file being refused."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from oversight.accounts.roles import AccessRole
from oversight.audit.models import AuditEvent
from oversight.people.models import Worker
from oversight.reports.archive import report_dir
from oversight.reports.generate import generate_audit_workbook
from oversight.reports.models import Report
from oversight.reports.units import council_unit, team_unit
from tests.conftest import AS_AT, Scene
from tests.factories import WorkerFactory, make_user


@pytest.fixture(autouse=True)
def _archive_in_a_temporary_folder(settings: Any, tmp_path: Path) -> None:
    settings.OVERSIGHT_REPORT_DIR = tmp_path / "reports"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cell_values(report: Report) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's values, less the cover's 'Generated at' (the time differs by design)."""
    content = (report_dir() / report.file_name).read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: [row for row in sheet.iter_rows(values_only=True) if row[0] != "Generated at"]
        for sheet in book.worksheets
    }


@pytest.mark.django_db
def test_generated_workbook_is_archived_with_what_it_was_made_from(
    three_worker_team: Scene,
) -> None:
    tm = three_worker_team.users["tm"]
    report = generate_audit_workbook(unit=team_unit(three_worker_team.team), as_at=AS_AT, by=tm)
    stored = Report.objects.get()
    assert stored == report
    assert (stored.kind, stored.scope, stored.scope_id) == (
        "audit_workbook",
        "team",
        three_worker_team.team.pk,
    )
    assert (stored.as_at, stored.period_start, stored.period_end) == (
        AS_AT,
        AS_AT.replace(day=1),
        AS_AT,
    )
    assert stored.policy_version == 0
    assert stored.created_by == tm
    content = (report_dir() / stored.file_name).read_bytes()
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)
    # Figures: two assessments overdue, one due soon (R-TS-10); one worker over capacity.
    assert stored.figures["assessments.open_overdue"] == 2
    assert stored.figures["assessments.open_due_soon"] == 1
    assert stored.figures["caseload.workers_over_capacity"] == 1
    event = AuditEvent.objects.get(object_type="report", object_id=str(stored.pk))
    assert (event.kind, event.user) == (AuditEvent.Kind.EXPORT, tm)
    assert event.what.startswith(
        "Report generated: Monthly audit workbook: Referral and Assessment"
    )


@pytest.mark.django_db
def test_regenerating_for_the_same_date_and_policy_gives_the_same_numbers(
    three_worker_team: Scene,
) -> None:
    unit = team_unit(three_worker_team.team)
    first = generate_audit_workbook(unit=unit, as_at=AS_AT, by=None)
    second = generate_audit_workbook(unit=unit, as_at=AS_AT, by=None)
    assert first.pk != second.pk
    assert first.figures == second.figures
    assert cell_values(first) == cell_values(second)


@pytest.mark.django_db
def test_a_past_date_ignores_what_happened_after_it(three_worker_team: Scene) -> None:
    """As at 14 June, A2 (authorised 20 June) is still open and overdue; a new case held from
    15 June (C-later) is not on Cara's caseload. Both are in the database now."""
    unit = team_unit(three_worker_team.team)
    report = generate_audit_workbook(unit=unit, as_at=AS_AT, by=None)
    sheets = cell_values(report)
    assessments = [row[0] for row in sheets["Assessments"][4:]]
    assert assessments == ["A1", "A2", "B1"]
    cara = next(row for row in sheets["Caseloads"] if row[0] == "Cara Support")
    assert cara[4] == 2


@pytest.mark.django_db
def test_team_manager_downloads_their_team_report_and_it_is_audited(
    three_worker_team: Scene,
) -> None:
    tm = three_worker_team.users["tm"]
    report = generate_audit_workbook(unit=team_unit(three_worker_team.team), as_at=AS_AT, by=tm)
    response = signed_in(tm).get(reverse("report-download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="audit-workbook-referral-and-assessment-2023-06-14.xlsx"'
    )
    assert hashlib.sha256(response.content).hexdigest() == report.sha256
    downloads = AuditEvent.objects.filter(what__startswith="Report downloaded")
    assert [(e.user, e.object_id) for e in downloads] == [(tm, str(report.pk))]


@pytest.mark.django_db
def test_reports_outside_the_users_units_are_not_found(three_worker_team: Scene) -> None:
    scene = three_worker_team
    ours = generate_audit_workbook(unit=team_unit(scene.team), as_at=AS_AT, by=None)
    other_tm = WorkerFactory(name="Olu Other", role=Worker.Role.TEAM_MANAGER, team=scene.other_team)
    outsiders = [
        make_user("other-tm", AccessRole.TEAM_MANAGER, other_tm),
        scene.users["ben"],  # a worker: no audit workbooks
        scene.users["atm"],  # an assistant TM reaches only their supervisees' cases
    ]
    for user in outsiders:
        response = signed_in(user).get(reverse("report-download", args=[ours.pk]))
        assert response.status_code == 404, user.username
    assert not AuditEvent.objects.filter(what__startswith="Report downloaded").exists()


@pytest.mark.django_db
def test_council_reports_are_for_council_wide_roles(three_worker_team: Scene) -> None:
    la = three_worker_team.team.locality.local_authority
    report = generate_audit_workbook(unit=council_unit(la), as_at=AS_AT, by=None)
    tm = three_worker_team.users["tm"]
    officer = make_user("io", AccessRole.INFORMATION_OFFICER)
    assert signed_in(tm).get(reverse("report-download", args=[report.pk])).status_code == 404
    assert signed_in(officer).get(reverse("report-download", args=[report.pk])).status_code == 200


@pytest.mark.django_db
def test_a_changed_file_is_refused(three_worker_team: Scene) -> None:
    tm = three_worker_team.users["tm"]
    report = generate_audit_workbook(unit=team_unit(three_worker_team.team), as_at=AS_AT, by=tm)
    (report_dir() / report.file_name).write_bytes(b"not the report")
    response = signed_in(tm).get(reverse("report-download", args=[report.pk]))
    assert response.status_code == 404
