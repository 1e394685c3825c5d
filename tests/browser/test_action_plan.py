"""The action plan in a real browser (issue 8): a team manager records progress on an action and
sees it in the log and on the plan; axe on the plan, an action, my actions and the import."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from oversight.actionplan.models import Action
from tests.actionplan.plan_scene import build_plan
from tests.actionplan.test_plan_document import SEED
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.conftest import AS_AT, Scene
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_a_team_manager_records_progress_on_an_action(
    page: Page, live_server: Any, three_worker_team: Scene
) -> None:
    plan = build_plan(three_worker_team)
    sign_in(page, live_server, "tm", TEST_PASSWORD)
    page.get_by_role("link", name="Action plan").click()
    expect(page.locator("h1")).to_have_text("Action plan")
    page.goto(f"{live_server.url}/plan/?as_at={AS_AT}")
    assert_accessible(page)
    row = page.locator('tr[data-action="1.2"]')
    expect(row.locator('[data-col="status"]')).to_have_text("Not started")
    expect(row.locator('[data-col="rag"]')).to_contain_text("On target")

    row.get_by_role("link", name="Chase every late assessment").click()
    expect(page.locator("h1")).to_have_text("Action 1.2")
    assert_accessible(page)
    page.get_by_label("What has happened").fill("Chased the four late assessments with ATMs.")
    page.get_by_label("Status").select_option(label="In progress")
    page.get_by_role("button", name="Add the update").click()

    expect(page.get_by_text("Progress update added.")).to_be_visible()
    log = page.get_by_test_id("progress-log")
    expect(log).to_contain_text("Chased the four late assessments with ATMs.")
    expect(log).to_contain_text("Status changed from Not started to In progress.")
    assert_accessible(page)
    page.goto(f"{live_server.url}/plan/?as_at={AS_AT}")
    expect(row.locator('[data-col="status"]')).to_have_text("In progress")
    expect(row.locator('[data-col="rag"]')).to_contain_text("On target")
    assert Action.objects.get(pk=plan.actions["1.2"].pk).status == "in_progress"


def test_my_actions_and_the_import_pages_are_accessible(
    page: Page, live_server: Any, three_worker_team: Scene
) -> None:
    build_plan(three_worker_team)
    sign_in(page, live_server, "tm", TEST_PASSWORD)
    page.goto(f"{live_server.url}/plan/mine/?as_at={AS_AT}")
    expect(page.locator('tr[data-action="1.1"]')).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/plan/import/")
    assert_accessible(page)
    page.get_by_label("Upload the plan").set_input_files(str(SEED))
    page.get_by_role("button", name="Read the plan").click()
    expect(page.locator("h1")).to_have_text("Check the plan before saving")
    assert_accessible(page)

    page.get_by_label("A new inspection").check()
    page.get_by_label("What was inspected").fill("")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what was inspected")
    assert_accessible(page)
