"""The pages people use, in a real browser: the team page's numbers, a worker's own view, and
axe-core on every page (no serious or critical WCAG 2.2 AA violation)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from oversight.accounts.roles import AccessRole
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.conftest import AS_AT, Scene
from tests.factories import TEST_PASSWORD, role_group

pytestmark = pytest.mark.browser


def _cells(page: Page, worker: str) -> list[str]:
    row = page.locator(f'tr[data-worker="{worker}"]')
    return [text.strip() for text in row.locator("th, td").all_inner_texts()]


def test_team_manager_signs_in_to_the_team_page_numbers(
    page: Page, live_server: Any, three_worker_team: Scene
) -> None:
    """R-CL-1..3 and R-TS-10 as the R&A team manager sees them after signing in."""
    sign_in(page, live_server, "tm", TEST_PASSWORD)
    expect(page.locator("h1")).to_have_text("Referral and Assessment")
    page.goto(f"{page.url.split('?')[0]}?as_at={AS_AT}")
    assert _cells(page, "Alice Experienced") == [
        "Alice Experienced",
        "Experienced social worker",
        "0.4",
        "4",
        "1",
        "36",
        "34",
        "106%",
        "Over capacity",
    ]
    assert _cells(page, "Ben Newly")[3:8] == ["3", "0", "14", "57.4", "24%"]
    overdue = page.get_by_test_id("overdue-table").locator("tbody tr")
    expect(overdue).to_have_count(2)
    expect(overdue.nth(0)).to_contain_text("Awaiting police checks")
    expect(overdue.nth(1)).to_contain_text("Not recorded")
    expect(page.get_by_test_id("team-due-soon")).to_have_text("1")


def test_changing_the_date_with_the_form(
    page: Page, live_server: Any, three_worker_team: Scene
) -> None:
    """The "Measured at" form works without JavaScript knowledge of the page: type, submit."""
    sign_in(page, live_server, "tm", TEST_PASSWORD)
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("2023")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("team-overdue")).to_have_text("0")
    assert _cells(page, "Cara Support")[3] == "3"


def test_social_worker_sees_only_their_own_caseload(
    page: Page, live_server: Any, three_worker_team: Scene
) -> None:
    sign_in(page, live_server, "ben", TEST_PASSWORD)
    expect(page.locator("h1")).to_have_text("My caseload")
    expect(page.get_by_role("link", name="Teams")).to_have_count(0)
    page.goto(f"{live_server.url}/my/caseload/?as_at={AS_AT}")
    expect(page.get_by_test_id("my-cases").locator("tbody tr")).to_have_count(3)
    page.goto(f"{live_server.url}/teams/{three_worker_team.team.id}/")
    expect(page.locator("h1")).to_have_text("Page not found")


PAGES = [
    ("tm", "/teams/{team}/?as_at=" + AS_AT.isoformat()),
    ("tm", "/teams/"),
    ("ben", "/my/caseload/?as_at=" + AS_AT.isoformat()),
    ("ben", "/my/caseload/?as_at=not-a-date"),
    ("admin", "/settings/policy/"),
    ("admin", "/imports/"),
    ("admin", "/exports/annex-a/?day=31&month=2&year=2023&download=1"),
    ("tm", "/workers/{alice}/?as_at=" + AS_AT.isoformat()),
]


@pytest.mark.parametrize(("username", "path"), PAGES)
def test_every_page_is_accessible(
    page: Page, live_server: Any, three_worker_team: Scene, username: str, path: str
) -> None:
    admin = get_user_model().objects.create_user("admin", password=TEST_PASSWORD)
    admin.groups.add(role_group(AccessRole.ADMINISTRATOR))
    sign_in(page, live_server, username, TEST_PASSWORD)
    page.goto(
        live_server.url
        + path.format(team=three_worker_team.team.id, alice=three_worker_team.alice.id)
    )
    assert_accessible(page)


def test_pages_work_without_javascript(
    browser: Any, live_server: Any, three_worker_team: Scene
) -> None:
    """Sign in, read the team page and change its date with JavaScript switched off."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, "tm", TEST_PASSWORD)
        page.get_by_label("Day").fill(str(AS_AT.day))
        page.get_by_label("Month").fill(str(AS_AT.month))
        page.get_by_label("Year").fill(str(AS_AT.year))
        page.get_by_role("button", name="Show").click()
        expect(page.get_by_test_id("team-cases")).to_have_text("9")
        expect(page.get_by_test_id("team-overdue")).to_have_text("2")
    finally:
        context.close()
