"""The API's pages in a real browser: the interactive documentation under the strict Content
Security Policy (no violations, nothing from another site), and making a token, with axe."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, Request, expect

from oversight.accounts.roles import AccessRole
from oversight.api.actions import create_personal_token
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, role_group

pytestmark = pytest.mark.browser


def test_the_interactive_docs_render_from_this_site_with_no_policy_violations(
    page: Page, live_server: Any, console_errors: list[str]
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(live_server.url + "/api/docs/")

    expect(page.get_by_role("heading", name="Oversight API")).to_be_visible()
    expect(page.get_by_text("/api/v1/measure-values", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()
    assert_accessible(page)
    assert console_errors == []
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested)


def test_the_docs_call_the_api_with_a_token(
    page: Page, live_server: Any, console_errors: list[str]
) -> None:
    """Authorize with a token, then Try it out: the request carries it and the API answers."""
    officer = get_user_model().objects.create_user("info", password=TEST_PASSWORD)
    officer.groups.add(role_group(AccessRole.INFORMATION_OFFICER))
    secret = create_personal_token(user=officer, name="Docs", access="read", days=30).secret
    page.goto(live_server.url + "/api/docs/")
    page.get_by_role("button", name="Authorize").first.click()
    page.locator(".auth-container input").fill(secret)
    assert_accessible(page)
    page.locator(".modal-ux button.authorize").click()
    page.locator(".modal-ux button.btn-done").click()

    page.get_by_text("/api/v1/measures", exact=True).click()
    page.get_by_role("button", name="Try it out").click()
    with page.expect_request(lambda r: "/api/v1/measures" in r.url) as sent:
        page.get_by_role("button", name="Execute").click()

    request: Request = sent.value
    response = request.response()
    assert request.headers["authorization"] == f"Bearer {secret}"
    assert response is not None
    assert response.status == 200
    assert json.loads(response.text())["count"] > 0
    expect(page.get_by_text("Server response")).to_be_visible()
    assert_accessible(page)
    assert console_errors == []


def test_a_person_makes_a_token_and_copies_it_once(
    page: Page, live_server: Any, console_errors: list[str]
) -> None:
    officer = get_user_model().objects.create_user("info", password=TEST_PASSWORD)
    officer.groups.add(role_group(AccessRole.INFORMATION_OFFICER))
    sign_in(page, live_server, "info", TEST_PASSWORD)

    page.get_by_role("link", name="API tokens").click()
    assert_accessible(page)
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_role("link", name="Enter what the token is for")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("What is the token for?").fill("Power BI team dashboard")
    page.get_by_label("Read only").check()
    page.get_by_label("90 days").check()
    page.get_by_role("button", name="Make token").click()

    token = page.get_by_label("The token").input_value()
    assert token.startswith("ovs_")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the tokens").click()
    expect(page.get_by_role("cell", name="Power BI team dashboard", exact=True)).to_be_visible()
    expect(page.get_by_text(token)).to_have_count(0)
    page.get_by_role("button", name="Revoke Power BI team dashboard").click()
    expect(page.get_by_text("is revoked: it no longer works")).to_be_visible()
    # The form sent empty answers 400 by design, and the information officer's start page is a
    # 404 while the council has no teams; anything else (a policy violation) is a failure.
    assert [e for e in console_errors if not e.startswith("Failed to load resource")] == []
