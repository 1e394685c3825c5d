"""The access and audit pages in a real browser, checked with axe-core: break-glass access from
the menu to the case, the team manager's list, and the administrator's audit trail and chain
check. With JavaScript off too: every one of them is a plain form or link."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD
from tests.security.personas import World, build_world

pytestmark = pytest.mark.browser

REASON = "Police called at 21:40; the allocated worker is on leave"


@pytest.fixture
def world(transactional_db: None, settings: Any, tmp_path: Any) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


def _break_glass(page: Page, live_server: Any, *, check_accessible: bool = True) -> None:
    sign_in(page, live_server, "worker_a", TEST_PASSWORD)
    page.get_by_role("link", name="Break-glass access").click()
    expect(page.locator("h1")).to_have_text("Break-glass access")
    page.get_by_role("button", name="Open the case for 4 hours").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the child's LA child ID")
    if check_accessible:  # axe is a script: it cannot run with JavaScript off
        assert_accessible(page)
    page.get_by_label("LA child ID").fill("LEAK-B-0001")
    page.get_by_label("Why do you need to see this case now?").fill(REASON)
    page.get_by_role("button", name="Open the case for 4 hours").click()


def test_break_glass_from_the_menu_to_the_case(
    page: Page, live_server: Any, world: World, console_errors: list[str]
) -> None:
    _break_glass(page, live_server)

    expect(page.locator("h1")).to_have_text("Case LEAK-B-0001")
    expect(page.get_by_test_id("break-glass-banner")).to_contain_text("case LEAK-B-0001")
    expect(page.get_by_test_id("allocations").locator("tbody tr")).to_have_count(1)
    assert_accessible(page)
    # The one error is the form sent empty on purpose (400); nothing broke the security policy.
    assert console_errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]


def test_break_glass_works_without_javascript(
    browser: Browser, live_server: Any, world: World
) -> None:
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        _break_glass(page, live_server, check_accessible=False)
        expect(page.locator("h1")).to_have_text("Case LEAK-B-0001")
    finally:
        context.close()


def test_the_team_manager_sees_who_opened_their_case(
    page: Page, live_server: Any, world: World, browser: Browser
) -> None:
    worker = browser.new_context()
    try:
        _break_glass(worker.new_page(), live_server)
    finally:
        worker.close()

    sign_in(page, live_server, "tm_b", TEST_PASSWORD)

    grants = page.get_by_test_id("break-glass-grants").locator("tbody tr")
    expect(grants).to_have_count(1)
    expect(grants.first).to_contain_text(REASON)
    expect(grants.first).to_contain_text("Running")
    assert_accessible(page)


def test_the_administrator_searches_the_trail_and_checks_the_chain(
    page: Page, live_server: Any, world: World, console_errors: list[str]
) -> None:
    sign_in(page, live_server, "admin", TEST_PASSWORD)
    # An administrator starts on the audit trail; the menu leads back to it.
    expect(page.locator("h1")).to_have_text("Audit trail")
    page.get_by_role("link", name="Audit trail", exact=True).click()
    expect(page.locator("h1")).to_have_text("Audit trail")
    page.get_by_label("Kind of event").select_option(label="Signed in")
    page.get_by_role("button", name="Search").click()

    rows = page.get_by_test_id("audit-events").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("admin")
    assert_accessible(page)

    page.get_by_role("link", name="check the audit trail is intact").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("The audit trail is intact")
    assert_accessible(page)
    assert console_errors == []
