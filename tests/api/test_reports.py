"""The report archive through the API (issue 10, part 3): the reports a token's user may have,
and each file exactly as generated, audited as an export; a changed file is never served."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from oversight.audit.models import AuditEvent
from oversight.engine.registry import Period
from oversight.reports.archive import Built, report_dir, store_report
from oversight.reports.models import Report
from oversight.reports.units import council_unit, team_unit
from tests.api.conftest import Api, Tokens
from tests.conftest import AS_AT, Scene

PDF = b"%PDF-1.7 a team's pack"


@pytest.fixture(autouse=True)
def _archive_in_a_temporary_folder(settings: Any, tmp_path: Path) -> None:
    settings.OVERSIGHT_REPORT_DIR = tmp_path / "reports"


def _archive(unit: Any, content: bytes, scene: Scene) -> Report:
    built = Built(
        kind=Report.Kind.MI_PACK_PDF,
        content=content,
        extension="pdf",
        content_type="application/pdf",
        period=Period(AS_AT.replace(day=1), AS_AT),
        figures={"assessments.open_overdue": 2},
    )
    return store_report(built=built, unit=unit, as_at=AS_AT, policy_version=0, by=scene.users["tm"])


@pytest.fixture
def reports(three_worker_team: Scene) -> dict[str, Report]:
    scene = three_worker_team
    return {
        "team": _archive(team_unit(scene.team), PDF, scene),
        "council": _archive(council_unit(scene.team.locality.local_authority), b"%PDF", scene),
    }


def test_a_team_manager_lists_their_teams_reports_and_a_worker_none(
    api: Api, tokens: Tokens, reports: dict[str, Report]
) -> None:
    mine = api.get("/reports", tokens["tm"]).json()
    council = api.get("/reports", tokens["service"]).json()
    worker = api.get("/reports", tokens["ben"]).json()

    assert [r["id"] for r in mine["items"]] == [reports["team"].pk]
    assert mine["items"][0] | {"created_at": "", "sha256": ""} == {
        "id": reports["team"].pk,
        "kind": "mi_pack_pdf",
        "scope": "team",
        "scope_id": reports["team"].scope_id,
        "scope_name": "Referral and Assessment",
        "as_at": "2023-06-14",
        "period_start": "2023-06-01",
        "period_end": "2023-06-14",
        "policy_version": 0,
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": "",
        "created_at": "",
        "scheduled": False,
        "figures": {"assessments.open_overdue": 2},
    }
    assert council["count"] == 2
    assert worker["count"] == 0


def test_a_report_comes_back_exactly_as_generated_and_the_download_is_audited(
    api: Api, tokens: Tokens, reports: dict[str, Report]
) -> None:
    report = reports["team"]

    response = api.get(f"/reports/{report.pk}/file", tokens["tm"])

    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="mi-pack-pdf-referral-and-assessment-2023-06-14.pdf"'
    )
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, username="tm").latest("id")
    assert event.what == f"API: report downloaded: {report}"
    assert event.detail["api_token"] == tokens["tm"][:12]


def test_another_units_report_is_a_404(
    api: Api, tokens: Tokens, reports: dict[str, Report]
) -> None:
    assert api.get(f"/reports/{reports['council'].pk}/file", tokens["tm"]).status_code == 404


def test_a_file_changed_since_it_was_made_is_never_served(
    api: Api, tokens: Tokens, reports: dict[str, Report]
) -> None:
    report = reports["team"]
    (report_dir() / report.file_name).write_bytes(b"%PDF changed")

    response = api.get(f"/reports/{report.pk}/file", tokens["tm"])

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
