"""A whole allocation meeting in a real browser (issue 5): the queue, the whole-meeting
optimisation, a proposal changed with a rationale, and the capacity board updated; axe on
each page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_a_team_manager_runs_the_allocation_meeting(
    page: Page,
    live_server: Any,
    transactional_db: None,
    meeting: dict[str, Any],
    console_errors: list[str],
) -> None:
    sign_in(page, live_server, "tm", TEST_PASSWORD)
    page.goto(f"{live_server.url}/allocation/teams/{meeting['team'].id}/")
    assert_accessible(page)
    queue = page.get_by_test_id("queue")
    expect(queue.locator("tbody tr").first).to_contain_text("CP-001")
    expect(queue.locator("tbody tr").first).to_contain_text("Sam Social (72.6)")

    page.get_by_test_id("optimise").click()  # htmx works it out in place, focus on the result
    expect(page.get_by_test_id("optimised-allocated")).to_have_text("2")
    expect(page.locator("#comparison")).to_be_focused()
    assert page.url.endswith("?plan=optimised")
    assert_accessible(page)

    page.get_by_test_id("accept-CP-001").click()
    expect(page.get_by_test_id("proposal")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Allocate to").select_option(label="Eve Experienced — score 57.6")
    page.get_by_role("button", name="Record the allocation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the rationale")
    assert_accessible(page)
    page.get_by_label("Rationale").fill("Eve worked with the family last year")
    page.get_by_role("button", name="Record the allocation").click()

    expect(page.get_by_text("CP-001 allocated to Eve Experienced")).to_be_visible()
    expect(page.get_by_test_id("queue")).not_to_contain_text("CP-001")

    page.get_by_role("link", name="Capacity board").click()
    assert_accessible(page)
    eve = page.locator('tr[data-worker="Eve Experienced"]')
    expect(eve.locator('[data-col="now"]')).to_contain_text("9%")  # 8 points of 85
    expect(page.locator("#departures ~ table")).to_contain_text(
        "Eve worked with the family last year"
    )

    # The case, now held: its page offers reallocation, a co-worker and ending, accessibly.
    page.goto(f"{live_server.url}/allocation/cases/{meeting['cp'].id}/")
    expect(page.get_by_test_id("current")).to_contain_text("Eve Experienced: case holder")
    assert_accessible(page)
    assert console_errors == []  # no Content-Security-Policy violation from htmx
