"""The reports page in a real browser (issue 7): a team manager generates the monthly audit
workbook and the fortnightly MI pack, downloads all three files from the archive, and opens the
pack's web page; axe on the reports page and on the pack."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.conftest import Scene
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _archive_in_a_temporary_folder(settings: Any, tmp_path: Path) -> None:
    settings.OVERSIGHT_REPORT_DIR = tmp_path / "reports"


def generate(page: Page, report: str) -> None:
    page.get_by_label(report).check()
    page.get_by_label("Day", exact=True).fill("14")
    page.get_by_label("Month", exact=True).fill("6")
    page.get_by_label("Year", exact=True).fill("2023")
    page.get_by_role("button", name="Generate the report").click()
    expect(page.get_by_text("is ready to download below.")).to_be_visible()


def download(page: Page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).first.click()
    path = info.value.path()
    return Path(path).read_bytes()


def test_a_team_manager_generates_and_downloads_both_reports(
    page: Page, live_server: Any, three_worker_team: Scene, console_errors: list[str]
) -> None:
    sign_in(page, live_server, "tm", TEST_PASSWORD)
    page.get_by_role("link", name="Reports").click()
    expect(page.locator("h1")).to_have_text("Reports")
    assert_accessible(page)

    generate(page, "Monthly audit workbook (spreadsheet)")
    expect(page.get_by_test_id("archive")).to_contain_text("Monthly audit workbook")
    workbook = openpyxl.load_workbook(io.BytesIO(download(page, "Download Monthly audit workbook")))
    assert workbook.sheetnames[:2] == ["Cover", "Caseloads"]
    assessments = [row[0] for row in workbook["Assessments"].iter_rows(min_row=5, values_only=True)]
    assert assessments == ["A1", "A2", "B1"]

    generate(page, "Fortnightly management information pack (web page and PDF)")
    archive = page.get_by_test_id("archive")
    expect(archive).to_contain_text("Management information pack (PDF)")
    pdf = download(page, "Download Management information pack (PDF)")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Open assessments overdue: 2" in text
    assert_accessible(page)

    page.get_by_role("link", name="View the management information pack").first.click()
    expect(page.locator("h1")).to_have_text(
        "Management information: Referral and Assessment (team)"
    )
    expect(page.get_by_test_id("summary")).to_contain_text("Open assessments overdue")
    assert_accessible(page)
    assert console_errors == []
