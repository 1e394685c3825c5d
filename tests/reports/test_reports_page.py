"""The reports page: who sees it, generating a report (POST, validated, audited), the archive
list, and the MI pack's web page served as archived."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oversight.audit.models import AuditEvent
from oversight.reports.generate import generate_audit_workbook
from oversight.reports.models import Report
from oversight.reports.units import team_unit
from tests.conftest import AS_AT, Scene


@pytest.fixture(autouse=True)
def _archive_in_a_temporary_folder(settings: Any, tmp_path: Path) -> None:
    settings.OVERSIGHT_REPORT_DIR = tmp_path / "reports"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def generate(client: Client, unit: str, kind: str, day: str = "14", month: str = "6") -> Any:
    return client.post(
        reverse("reports-generate"),
        {"unit": unit, "kind": kind, "as_at-day": day, "as_at-month": month, "as_at-year": "2023"},
    )


@pytest.mark.django_db
def test_team_manager_sees_their_team_and_the_reports_menu(three_worker_team: Scene) -> None:
    response = signed_in(three_worker_team.users["tm"]).get(reverse("reports"))
    assert response.status_code == 200
    assert [u.key for u in response.context["units"]] == [f"team:{three_worker_team.team.pk}"]
    assert ("Reports", reverse("reports")) in [
        (item["label"], item["url"]) for item in response.context["nav_items"]
    ]


@pytest.mark.django_db
def test_workers_and_assistant_managers_have_no_reports_page(three_worker_team: Scene) -> None:
    for who in ("ben", "atm"):
        client = signed_in(three_worker_team.users[who])
        assert client.get(reverse("reports")).status_code == 404, who
        assert generate(client, "team:1", "audit_workbook").status_code == 404, who
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_generating_a_workbook_archives_it_and_lists_it(three_worker_team: Scene) -> None:
    client = signed_in(three_worker_team.users["tm"])
    response = generate(client, f"team:{three_worker_team.team.pk}", "audit_workbook")
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/#report-{report.pk}"
    page = client.get(reverse("reports"))
    assert list(page.context["archive"]) == [report]
    assert reverse("report-download", args=[report.pk]) in page.content.decode()
    assert AuditEvent.objects.filter(what__startswith="Report generated").count() == 1


@pytest.mark.django_db
def test_a_unit_outside_the_users_reach_is_refused(three_worker_team: Scene) -> None:
    client = signed_in(three_worker_team.users["tm"])
    response = generate(client, f"team:{three_worker_team.other_team.pk}", "audit_workbook")
    assert response.status_code == 400
    assert response.context["form"].field_errors == {"unit": "Choose what the report covers"}
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_a_date_that_is_not_real_is_an_error(three_worker_team: Scene) -> None:
    client = signed_in(three_worker_team.users["tm"])
    response = generate(client, f"team:{three_worker_team.team.pk}", "mi_pack", day="31", month="6")
    assert response.status_code == 400
    assert "The as-at date must be a real date" in response.content.decode()
    assert response.context["form"].field_errors == {"as_at": "The as-at date must be a real date"}


@pytest.mark.django_db
def test_the_form_needs_its_csrf_token(three_worker_team: Scene) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(three_worker_team.users["tm"])
    assert (
        generate(client, f"team:{three_worker_team.team.pk}", "audit_workbook").status_code == 403
    )


@pytest.mark.django_db
def test_the_mi_pack_page_is_served_as_archived(three_worker_team: Scene) -> None:
    client = signed_in(three_worker_team.users["tm"])
    generate(client, f"team:{three_worker_team.team.pk}", "mi_pack")
    page = Report.objects.get(kind=Report.Kind.MI_PACK_HTML)
    response = client.get(reverse("report-view", args=[page.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h3 id="assessmentsopen_overdue">Open assessments overdue: 2</h3>' in html
    assert '<link rel="stylesheet" href="/static/reports/mi-pack.css">' in html
    pdf = Report.objects.get(kind=Report.Kind.MI_PACK_PDF)
    assert client.get(reverse("report-view", args=[pdf.pk])).status_code == 404
    assert AuditEvent.objects.filter(what__startswith="Report viewed").count() == 1


@pytest.mark.django_db
def test_the_archive_list_costs_the_same_queries_however_long(three_worker_team: Scene) -> None:
    tm = three_worker_team.users["tm"]
    client = signed_in(tm)
    unit = team_unit(three_worker_team.team)
    generate_audit_workbook(unit=unit, as_at=AS_AT, by=tm)
    client.get(reverse("reports"))  # warm the session and the scope
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("reports"))
    for _ in range(3):
        generate_audit_workbook(unit=unit, as_at=AS_AT, by=tm)
    with CaptureQueriesContext(connection) as four:
        response = client.get(reverse("reports"))
    assert len(response.context["archive"]) == 4
    assert len(four) == len(one)
