"""Annex A export (issue 4, item 6): Ofsted's layout, letter-prefixed codes, real dates, the
"last 12 months" columns, text never turned into formulas, scoped and audited; and the round
trip — export, import into an empty database, export again — gives the same workbook."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from oversight.accounts.roles import AccessRole
from oversight.audit.models import AuditEvent
from oversight.cases.models import (
    Allocation,
    Assessment,
    Child,
    ChildProtectionPlan,
    ChildProtectionReview,
    Contact,
    Referral,
    Section47,
)
from oversight.demo.loader import load_demo
from oversight.interchange.annex_a import read_annex_a
from oversight.interchange.annex_a_export import ExportPeriod, write_annex_a
from oversight.interchange.annex_a_layout import HEADINGS
from oversight.interchange.store import store
from oversight.people.models import LocalAuthority
from tests.factories import LocalAuthorityFactory, TeamFactory, WorkerFactory, make_user

D = dt.date
AS_AT = D(2023, 9, 30)
SIX_MONTHS = ExportPeriod(D(2023, 4, 1), AS_AT)


@pytest.fixture
def one_child(db: None) -> Child:
    """A child with a year of history: a closed episode, a re-referral, an assessment, an s47
    leading to a plan with a review, and a worker whose name looks like a formula."""
    team = TeamFactory(name="Duty Team")
    worker = WorkerFactory(name='=HYPERLINK("http://evil")', team=team)
    child = Child.objects.create(
        local_authority=team.locality.local_authority,
        la_child_id="C1",
        sex="F",
        ethnicity="APKN",
        date_of_birth=D(2015, 1, 25),
        disability=False,
        responsible_team=team,
    )
    Referral.objects.create(
        child=child,
        date=D(2022, 11, 3),
        source="2A",
        closure_date=D(2023, 1, 5),
        closure_reason="RC7",
    )
    Referral.objects.create(child=child, date=D(2023, 5, 2), source="6", primary_need="N1")
    Contact.objects.create(child=child, date=D(2023, 5, 1), source="6")
    Assessment.objects.create(
        child=child,
        kind="single",
        start_date=D(2023, 5, 3),
        authorised_date=D(2023, 6, 20),
        outcome="Yes",
    )
    Section47.objects.create(
        child=child, strategy_date=D(2023, 5, 10), icpc_date=D(2023, 5, 26), icpc_result="PLAN"
    )
    plan = ChildProtectionPlan.objects.create(
        child=child, start_date=D(2023, 5, 26), category="EMO"
    )
    ChildProtectionReview.objects.create(plan=plan, date=D(2023, 8, 25))
    Allocation.objects.create(
        child=child, worker=worker, start_date=D(2023, 5, 2), complexity_level=3
    )
    return child


def test_the_export_is_in_ofsteds_layout_with_exact_values(
    one_child: Child, tmp_path: Path
) -> None:
    path = tmp_path / "annex-a.xlsx"

    counts = write_annex_a(path, Child.objects.all(), SIX_MONTHS)

    assert counts == {"List 1": 1, "List 3": 1, "List 4": 1, "List 5": 1, "List 6": 1, "List 7": 1}
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["List 1", "List 3", "List 4", "List 5", "List 6", "List 7"]
    sheet = book["List 3"]
    assert [c.value for c in sheet[1]] == HEADINGS[3]
    row = [c.value for c in sheet[2]]
    assert row == [
        "C1",
        "b) Female",
        "k) APKN",
        dt.datetime(2015, 1, 25),
        8,
        dt.datetime(2023, 5, 2),
        "q) 6: Police",
        "No",
        1,  # the November referral is within 12 months before the latest
        "Duty Team",
        '=HYPERLINK("http://evil")',
    ]
    assert sheet["F2"].number_format == "dd/mm/yyyy"
    assert sheet["K2"].data_type == "s"  # text, never a formula
    assert sheet.freeze_panes == "A2"
    list_5 = [c.value for c in book["List 5"][2]]
    assert list_5[6:12] == [dt.datetime(2023, 5, 10), "No", dt.datetime(2023, 5, 26), "Yes", 1, 1]
    list_7 = [c.value for c in book["List 7"][2]]
    assert list_7[6:16] == [
        dt.datetime(2023, 5, 26),
        "Emotional abuse",
        "Emotional abuse",
        None,
        None,
        dt.datetime(2023, 8, 25),
        None,
        None,
        0,
        "Duty Team",
    ]


def test_the_export_reads_back_as_the_same_records(one_child: Child, tmp_path: Path) -> None:
    path = tmp_path / "annex-a.xlsx"
    write_annex_a(path, Child.objects.all(), SIX_MONTHS)

    extract = read_annex_a(path)

    assert [p for p in extract.problems if p.severity == "error"] == []
    referral = extract.rows("referrals")[0].values
    assert (referral["la_child_id"], referral["date"], referral["source"], referral["nfa"]) == (
        "C1",
        D(2023, 5, 2),
        "6",
        False,
    )


def test_round_trip_of_the_demo_council_is_identical(db: None, tmp_path: Path) -> None:
    """Export → import into an empty council → export gives the same cells. The period covers
    whole of the demo's history, so the "last 12 months" counts have everything they need
    (with a six-month period they can only count what the first export held: docs/importing.md)."""
    load_demo(as_at=D(2026, 11, 27))
    period = ExportPeriod(D(2020, 1, 1), D(2026, 11, 27))
    first = tmp_path / "first.xlsx"
    write_annex_a(first, Child.objects.all(), period)
    copy = LocalAuthority.objects.create(code="991", name="Copy council")

    report = store(read_annex_a(first), copy, dry_run=False)

    assert report.committed, report.as_text()
    second = tmp_path / "second.xlsx"
    write_annex_a(second, Child.objects.filter(local_authority=copy), period)
    assert _cells(second) == _cells(first)
    assert sum(len(rows) for rows in _cells(first).values()) > 10_000


def _cells(path: Path) -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: list(book.get_sheet_by_name(name).iter_rows()) for name in book.sheet_names}


def test_the_download_is_scoped_and_audited(one_child: Child) -> None:
    other_council = LocalAuthorityFactory(code="998", name="Elsewhere")
    Child.objects.create(local_authority=other_council, la_child_id="ELSEWHERE")
    client = Client()
    officer = make_user(
        "info", AccessRole.INFORMATION_OFFICER, WorkerFactory(team=one_child.responsible_team)
    )
    client.force_login(officer)  # type: ignore[arg-type]

    response = client.get(
        "/exports/annex-a/",
        {"download": "1", "day": "30", "month": "9", "year": "2023", "months": "6"},
    )

    assert response["Content-Disposition"] == 'attachment; filename="annex-a-999-2023-09-30.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert [c.value for c in book["List 1"]["A"]] == ["Child Unique ID", "C1"]
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert event.what == "Annex A export as at 30/09/2023 (Testshire County Council)"
    assert event.detail["rows"]["List 3"] == 1


def test_a_wrong_date_says_what_to_fix(one_child: Child) -> None:
    client = Client()
    client.force_login(make_user("admin", AccessRole.ADMINISTRATOR))  # type: ignore[arg-type]

    response = client.get(
        "/exports/annex-a/", {"download": "1", "day": "31", "month": "2", "year": "2023"}
    )

    assert response.status_code == 400
    assert "Enter a real date, for example 31 10 2026" in response.content.decode()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


def test_team_managers_cannot_export(one_child: Child) -> None:
    client = Client()
    client.force_login(
        make_user("tm", AccessRole.TEAM_MANAGER, WorkerFactory(team=one_child.responsible_team))
    )  # type: ignore[arg-type]

    assert client.get("/exports/annex-a/", {"download": "1"}).status_code == 404
