"""The plan's exports (issue 8): the workbook read back cell by cell, text that looks like a
formula kept as text, the PDF's text, and both audited."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import openpyxl
import pypdf
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.actionplan import export_views
from oversight.actionplan.models import Action, Finding
from oversight.audit.models import AuditEvent
from tests.actionplan.plan_scene import PlanScene, link, make_action
from tests.conftest import AS_AT

pytestmark = pytest.mark.django_db
T = dt.datetime


def _download(plan: PlanScene, suffix: str, who: str = "ben") -> Any:
    client = Client()
    client.force_login(plan.users[who])
    return client.get(
        f"/plan/inspections/{plan.inspection.pk}/plan.{suffix}", {"as_at": AS_AT.isoformat()}
    )


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _sheet(plan: PlanScene) -> Any:
    response = _download(plan, "xlsx")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(_body(response)))["Plan"]


def test_the_workbook_holds_the_plan_with_its_evidence(plan: PlanScene) -> None:
    sheet = _sheet(plan)
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[0] == (
        "Finding",
        "Action",
        "Lead",
        "Timescale",
        "How do we know it has happened?",
        "Due",
        "Status",
        "Completed on",
        "RAG",
        "Measure",
        "Latest value",
        "Target",
        "Trend",
        "Last update",
        "Last update text",
        "Comments",
    )
    assert len(rows) == 8
    # 1.1: monthly, last updated 10 May, so its next update is due 10 June; 3 overdue → red.
    assert rows[1] == (
        "Assessments run late.",
        "Audit of overdue assessments",
        "TM",
        "Monthly",
        None,
        T(2023, 6, 10),
        "In progress",
        None,
        "Off target",
        "Open assessments overdue",
        3,
        "exactly 0",
        "worse",
        T(2023, 5, 10),
        "Audit run for April",
        None,
    )
    assert rows[3][8:12] == ("Close to target", "Open assessments overdue", 3, "at most 2")
    # 2.1: completed, no measure; 2.2's update of 20 June is after the date measured.
    assert rows[4] == (
        "Supervision is irregular.",
        "Supervision audit",
        "Lead Tess Manager, Health",
        "January 2023",
        None,
        T(2023, 1, 31),
        "Completed",
        T(2023, 2, 10),
        "No data",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    )
    assert rows[5][13:15] == (T(2023, 4, 1), "Sessions booked")


def test_the_workbook_is_ready_to_filter(plan: PlanScene) -> None:
    sheet = _sheet(plan)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:P8"
    assert sheet["F2"].number_format == "dd/mm/yyyy"
    rules = [
        (str(cf.sqref), rule.formula) for cf in sheet.conditional_formatting for rule in cf.rules
    ]
    assert rules == [
        ("I2:I8", ['"On target"']),
        ("I2:I8", ['"Close to target"']),
        ("I2:I8", ['"Off target"']),
        ("I2:I8", ['"No data"']),
    ]


def test_formula_looking_text_stays_text(plan: PlanScene) -> None:
    finding = Finding.objects.create(inspection=plan.inspection, order=3, text="=1+2")
    make_action(finding, 1, '=HYPERLINK("http://example.com","click")', lead="@TM", comments="-5")
    response = _download(plan, "xlsx")
    data = _body(response)

    row = list(openpyxl.load_workbook(io.BytesIO(data))["Plan"].iter_rows(values_only=True))[-1]
    assert row[:3] == ("=1+2", '=HYPERLINK("http://example.com","click")', "@TM")
    assert row[15] == "-5"
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml


def test_an_export_is_audited(plan: PlanScene) -> None:
    _download(plan, "xlsx")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert (event.username, event.object_id, event.detail) == (
        "ben",
        str(plan.inspection.pk),
        {"as_at": "2023-06-14", "actions": 7},
    )


def test_the_exports_queries_do_not_grow_with_the_plan(plan: PlanScene) -> None:
    with CaptureQueriesContext(connection) as before:
        _download(plan, "xlsx")
    finding = Finding.objects.create(inspection=plan.inspection, order=3, text="More")
    for order in range(1, 6):
        link(make_action(finding, order, f"Action {order}", lead="TM"), "eq", 0, 1)
    with CaptureQueriesContext(connection) as after:
        _download(plan, "xlsx")
    assert len(after) == len(before)


def _weasyprint_or_skip() -> None:
    printer, problem = export_views.weasyprint()
    if printer is None:
        pytest.skip(f"WeasyPrint cannot load pango on this machine: {problem}")


def test_the_pdf_holds_the_findings_and_ratings(plan: PlanScene) -> None:
    _weasyprint_or_skip()
    response = _download(plan, "pdf")
    data = _body(response)

    assert data.startswith(b"%PDF")
    assert response["Content-Disposition"] == (
        f'attachment; filename="action-plan-{plan.inspection.pk}-2023-06-14.pdf"'
    )
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Finding 1: Assessments run late." in text
    assert "Finding 2: Supervision is irregular." in text
    assert "Off target" in text
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT).what.startswith("Action plan (PDF)")


def test_without_pango_the_pdf_is_a_clear_error_page(
    plan: PlanScene, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        export_views, "weasyprint", lambda: (None, "cannot load library 'libpango-1.0-0'")
    )
    response = _download(plan, "pdf")

    assert response.status_code == 503
    html = response.content.decode()
    assert "The PDF cannot be made on this server" in html
    assert "cannot load library &#x27;libpango-1.0-0&#x27;" in html
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


def test_anyone_who_reads_the_plan_may_export_it(plan: PlanScene) -> None:
    for who in ("tm", "atm", "ben", "io", "lm"):
        assert _download(plan, "xlsx", who).status_code == 200
    assert Action.objects.count() == 7
