"""The import pages in a real browser: upload, read the report, import; axe on each page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from oversight.accounts.roles import AccessRole
from oversight.cases.models import Contact
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.conftest import Scene
from tests.factories import TEST_PASSWORD, role_group
from tests.interchange.workbooks import LIST_1, write_workbook

pytestmark = pytest.mark.browser


def test_an_information_officer_checks_then_imports_a_workbook(
    page: Page, live_server: Any, three_worker_team: Scene, tmp_path: Path
) -> None:
    officer = get_user_model().objects.create_user("info", password=TEST_PASSWORD)
    officer.groups.add(role_group(AccessRole.INFORMATION_OFFICER))
    workbook = write_workbook(
        tmp_path / "annex-a.xlsx",
        {
            "List 1": [
                LIST_1,
                ["N1", "Male", "", None, None, dt.date(2023, 3, 1), "q) 6: Police"],
                ["N2", "Female", "", None, None, "31/13/2023", "Police"],
            ]
        },
    )
    sign_in(page, live_server, "info", TEST_PASSWORD)
    page.get_by_role("link", name="Imports").click()
    assert_accessible(page)

    page.get_by_label("Ofsted Annex A workbook").check()
    page.get_by_label("Upload a file").set_input_files(workbook)
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_text("Nothing was imported: 1 error in the file")).to_be_visible()
    expect(page.get_by_role("cell", name="no such date as 31/13/2023")).to_be_visible()
    assert_accessible(page)

    fixed = write_workbook(
        tmp_path / "fixed.xlsx",
        {"List 1": [LIST_1, ["N1", "Male", "", None, None, dt.date(2023, 3, 1), "6"]]},
    )
    page.get_by_role("link", name="Back to imports").click()
    page.get_by_label("Ofsted Annex A workbook").check()
    page.get_by_label("Upload a file").set_input_files(fixed)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="What the import would change")).to_be_visible()
    page.get_by_role("button", name="Import these changes").click()

    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    assert_accessible(page)
    assert list(
        Contact.objects.filter(child__la_child_id="N1").values_list("source", flat=True)
    ) == ["6"]


def test_the_upload_form_says_what_to_fix(
    page: Page, live_server: Any, three_worker_team: Scene
) -> None:
    admin = get_user_model().objects.create_user("admin", password=TEST_PASSWORD)
    admin.groups.add(role_group(AccessRole.ADMINISTRATOR))
    sign_in(page, live_server, "admin", TEST_PASSWORD)
    page.goto(f"{live_server.url}/imports/")

    page.get_by_role("button", name="Check the file").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select what the file is")
    expect(summary).to_contain_text("Select the file to import")
    assert_accessible(page)
