"""Notifications and email alerts in a real browser: the team manager sees the panel on the team
page, opens the list, changes to a weekly email on Wednesdays, and the panel says so; axe on
each page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from oversight.alerts.models import AlertPreference, Frequency, Weekday
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.conftest import AS_AT, Scene
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_a_team_manager_sees_notifications_and_chooses_a_weekly_email(
    page: Page, live_server: Any, three_worker_team: Scene
) -> None:
    """Tess's team at 14 June 2023: C1 held by an FSW at level 3 (R-AL-1), A1 and A2 overdue
    and B1 due today (R-TS-10), and nobody in the team has had supervision (R-SV-3): 8 overdue,
    1 due soon."""
    sign_in(page, live_server, "tm", TEST_PASSWORD)
    team_page = f"{live_server.url}/teams/{three_worker_team.team.id}/?as_at={AS_AT}"
    page.goto(team_page)
    panel = page.get_by_test_id("notifications")
    expect(panel.get_by_test_id("notifications-headline")).to_have_text(
        "8 overdue, 1 due soon in the Referral and Assessment team"
    )
    expect(panel.get_by_text("Assessments: 2 overdue, 1 due soon")).to_be_visible()
    item = panel.get_by_text("B1: single assessment, due today (14 Jun 2023) (Ben Newly)")
    expect(item).to_be_hidden()
    panel.get_by_text("Show what is overdue or due soon").click()
    expect(item).to_be_visible()
    assert_accessible(page)

    panel.get_by_role("link", name="Change email alerts").click()
    expect(page.locator("h1")).to_have_text("Email alerts")
    page.get_by_label("Once a week").check()
    page.get_by_label("Day of the week for a weekly email").select_option(label="Wednesday")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("You will get an email once a week, on Wednesdays.")).to_be_visible()
    assert_accessible(page)
    saved = AlertPreference.objects.get(user__username="tm")
    assert (saved.frequency, saved.weekday) == (Frequency.WEEKLY, Weekday.WEDNESDAY)

    page.goto(team_page)
    expect(page.get_by_test_id("notifications")).to_contain_text(
        "Email alerts: once a week, on Wednesdays."
    )
