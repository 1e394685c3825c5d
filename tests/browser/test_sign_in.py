import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse
from playwright.sync_api import Page, expect

from .axe import assert_accessible
from .conftest import sign_in

USERNAME = "casey.jones"
PASSWORD = "correct horse battery staple"
# Every page title ends with the service name after an en dash.
TITLE_SUFFIX = " \N{EN DASH} Oversight"
SIGN_IN_URL = re.compile(r"/sign-in/(\?.*)?$")
# Django's own wording, so the test follows it if a Django release rewords it.
INVALID_LOGIN = AuthenticationForm.error_messages["invalid_login"] % {"username": "username"}


@pytest.fixture
def casey() -> Any:
    return get_user_model().objects.create_user(
        username=USERNAME, password=PASSWORD, first_name="Casey", last_name="Jones"
    )


@pytest.mark.browser
def test_sign_in_page_has_no_serious_accessibility_violations(page: Page, live_server: Any) -> None:
    page.goto(live_server.url + reverse("login"))

    expect(page).to_have_title("Sign in" + TITLE_SUFFIX)
    assert_accessible(page)


@pytest.mark.browser
def test_sign_in_page_runs_its_css_and_javascript_under_the_content_security_policy(
    page: Page, live_server: Any, console_errors: list[str]
) -> None:
    page.goto(live_server.url + reverse("login"))

    # oversight.js (an ES module) ran and GOV.UK Frontend enhanced the password field.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    expect(page.get_by_role("button", name="Show password")).to_be_visible()
    # The stylesheet applied: the header has the council's teal, not the browser's default.
    header_colour = page.locator(".app-header").evaluate(
        "element => getComputedStyle(element).backgroundColor"
    )
    assert header_colour == "rgb(0, 90, 99)"
    assert console_errors == []


@pytest.mark.browser
def test_wrong_password_shows_the_error_summary_and_keeps_the_username(
    page: Page, live_server: Any, casey: Any
) -> None:
    sign_in(page, live_server, USERNAME, "not the password")

    expect(page).to_have_url(SIGN_IN_URL)
    expect(page).to_have_title("Error: Sign in" + TITLE_SUFFIX)
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    error_link = summary.get_by_role("link")
    expect(error_link).to_have_text(INVALID_LOGIN)
    expect(error_link).to_have_attribute("href", "#id_username")
    expect(page.get_by_label("Username", exact=True)).to_have_value(USERNAME)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")


@pytest.mark.browser
def test_right_password_signs_in_and_sign_out_returns_to_sign_in(
    page: Page, live_server: Any, casey: Any
) -> None:
    sign_in(page, live_server, USERNAME, PASSWORD)

    expect(page).not_to_have_url(SIGN_IN_URL)
    expect(page.locator(".app-header__user")).to_have_text("Signed in as Casey Jones")
    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(SIGN_IN_URL)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Oversight")


@pytest.mark.browser
def test_skip_link_is_the_first_thing_tab_reaches(page: Page, live_server: Any) -> None:
    page.goto(live_server.url + reverse("login"))

    page.keyboard.press("Tab")

    expect(page.locator(":focus")).to_have_text("Skip to main content")


@pytest.mark.browser
def test_page_not_found_is_accessible(page: Page, live_server: Any) -> None:
    response = page.goto(live_server.url + "/no-such-page/")

    assert response is not None
    assert response.status == 404
    expect(page).to_have_title("Page not found" + TITLE_SUFFIX)
    assert_accessible(page)


@pytest.mark.browser
def test_page_not_found_is_accessible_when_signed_in(
    page: Page, live_server: Any, casey: Any
) -> None:
    # Signed in, the header also carries the user's name and the sign-out button.
    sign_in(page, live_server, USERNAME, PASSWORD)

    page.goto(live_server.url + "/no-such-page/")

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)
