"""Export-leak tests (issue 9): open every file a persona can download and prove no child id
outside their scope is anywhere inside it — every sheet of a workbook (hidden and very hidden
included) and every part of the xlsx package, every page of a PDF, every line of a CSV.

Child ids are distinctive (LEAK-A-…, LEAK-B-…, LEAK-X-… in another council), so finding one is
never an accident of a random token. Each test also checks the file holds what it should, so an
empty download cannot pass.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import pypdf
import pytest
from django.urls import reverse

from oversight.accounts.roles import AccessRole
from oversight.people.models import Worker
from oversight.reports.models import Report
from tests.factories import (
    AllocationFactory,
    ChildFactory,
    LocalAuthorityFactory,
    TeamFactory,
    WorkerFactory,
    make_user,
)
from tests.security.personas import ANONYMOUS, World

TEAM_B = "LEAK-B-"
OTHER_COUNCIL = "LEAK-X-"


def _content(response: Any) -> bytes:
    assert response.status_code == 200, response.status_code
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def xlsx_text(data: bytes) -> str:
    """Every cell of every sheet whatever its visibility, plus every part of the package as
    text (shared strings, defined names, comments, document properties, pivot caches)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [
        f"{sheet.title} [{sheet.sheet_state}]: {cell.value}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = [
            package.read(name).decode("utf-8", errors="replace") for name in package.namelist()
        ]
    return "\n".join(cells + parts)


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
    text = "\n".join([metadata, *(page.extract_text() or "" for page in reader.pages)])
    return " ".join(text.split())  # lines wrapped on the page read as one


def _other_council() -> None:
    """A second council sharing the database, with a child no one here may see."""
    elsewhere = LocalAuthorityFactory(code="998", name="Elsewhere Council")
    team = TeamFactory(locality__local_authority=elsewhere, name="Elsewhere team")
    child = ChildFactory(
        local_authority=elsewhere, la_child_id="LEAK-X-0001", responsible_team=team
    )
    AllocationFactory(child=child, worker=WorkerFactory(team=team), start_date="2026-01-05")


def _north_officer(world: World) -> Any:
    """An information officer whose staff record places them in the world's council (with two
    councils in the database, one without a staff record belongs to neither)."""
    officer = WorkerFactory(
        name="Ida Info", role=Worker.Role.INFORMATION_OFFICER, team=None, locality=world.north
    )
    client = world.client_for(ANONYMOUS)
    client.force_login(make_user("io-north", AccessRole.INFORMATION_OFFICER, officer))  # type: ignore[arg-type]
    return client


def test_annex_a_export_holds_the_council_and_nothing_from_another(world: World) -> None:
    """Annex A is for information officers: the whole council, and only their council."""
    _other_council()
    client = _north_officer(world)

    response = client.get(
        reverse("export-annex-a"), {"download": "1", "as_at": world.today.isoformat()}
    )

    text = xlsx_text(_content(response))
    assert "LEAK-A-0001" in text
    assert "LEAK-B-0001" in text
    assert OTHER_COUNCIL not in text


def test_action_plan_workbook_names_no_child(world: World) -> None:
    url = reverse("plan-xlsx", kwargs={"inspection_id": world.inspection.pk})

    text = xlsx_text(_content(world.client_for("tm_a").get(url)))

    assert "Audit overdue assessments every month" in text
    assert "LEAK-" not in text


def test_action_plan_pdf_names_no_child(world: World) -> None:
    pytest.importorskip("weasyprint", exc_type=OSError)
    url = reverse("plan-pdf", kwargs={"inspection_id": world.inspection.pk})

    text = pdf_text(_content(world.client_for("tm_a").get(url)))

    assert "Audit overdue assessments every month" in text
    assert "LEAK-" not in text


def test_supervision_audit_csv_holds_team_a_only(world: World) -> None:
    url = reverse("team-supervision-audit", kwargs={"team_id": world.team_a.pk})
    month = world.today.strftime("%Y-%m")

    text = _content(world.client_for("tm_a").get(url, {"month": month})).decode()

    assert "Wren North" in text
    assert "Bea South" not in text
    assert TEAM_B not in text


def test_the_import_report_holds_its_own_council_only(world: World) -> None:
    """An import report lists problems by row, with child ids: only the importing council's."""
    _other_council()
    world.import_run.report = {
        "tables": {"allocations": 1},
        "problems": [
            {
                "severity": "error",
                "where": "allocations.csv",
                "row": 2,
                "column": "child_id",
                "value": "LEAK-A-0001",
                "reason": "the worker is not known",
            }
        ],
    }
    world.import_run.save(update_fields=["report"])
    url = reverse("import-run", kwargs={"run_id": world.import_run.pk})

    text = _content(_north_officer(world).get(url)).decode()

    assert "LEAK-A-0001</td>" in text
    assert OTHER_COUNCIL not in text


@pytest.mark.parametrize("name", ["workers", "allocations", "supervision_sessions", "absences"])
def test_csv_templates_hold_no_child(world: World, name: str) -> None:
    url = reverse("csv-template", kwargs={"name": name})

    text = _content(world.client_for("io").get(url)).decode()

    assert text.splitlines()[0]  # a heading row
    assert "LEAK-" not in text


def _generate(world: World, kind: str) -> list[Report]:
    """Team A's report made the way its team manager makes it: the reports page's form."""
    before = set(Report.objects.values_list("pk", flat=True))
    response = world.client_for("tm_a").post(
        reverse("reports-generate"),
        {
            "unit": f"team:{world.team_a.pk}",
            "kind": kind,
            "as_at-day": str(world.today.day),
            "as_at-month": str(world.today.month),
            "as_at-year": str(world.today.year),
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return list(Report.objects.exclude(pk__in=before).order_by("pk"))


def _download(world: World, report: Report) -> bytes:
    url = reverse("report-download", kwargs={"report_id": report.pk})
    return _content(world.client_for("tm_a").get(url))


def test_the_team_audit_workbook_holds_team_a_only(world: World) -> None:
    (report,) = _generate(world, "audit_workbook")

    text = xlsx_text(_download(world, report))

    assert "LEAK-A-0001" in text
    assert TEAM_B not in text
    assert "Bea South" not in text


def test_the_team_mi_pack_holds_team_a_only(world: World) -> None:
    pytest.importorskip("weasyprint", exc_type=OSError)
    reports = {r.kind: r for r in _generate(world, "mi_pack")}

    html = _download(world, reports[Report.Kind.MI_PACK_HTML]).decode()
    pdf = pdf_text(_download(world, reports[Report.Kind.MI_PACK_PDF]))

    assert "North Assessment" in html
    assert "North Assessment" in pdf
    for text in (html, pdf):
        assert TEAM_B not in text
        assert "South Safeguarding" not in text
