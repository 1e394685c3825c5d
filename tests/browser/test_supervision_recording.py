"""Recording a supervision session in a real browser (issue 6): the supervisor's list, the form
with two cases discussed, the record read back; axe on each page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from oversight.supervision import views
from oversight.supervision.models import SupervisionSession
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.conftest import AS_AT, Scene
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_an_atm_records_a_session_with_two_cases_discussed(
    page: Page, live_server: Any, three_worker_team: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "today", lambda: AS_AT)
    sign_in(page, live_server, "atm", TEST_PASSWORD)
    page.goto(f"{live_server.url}/supervision/")
    assert_accessible(page)

    page.get_by_role("link", name="Record a session with Ben Newly").click()
    assert_accessible(page)
    expect(page.get_by_label("Day").first).to_have_value(str(AS_AT.day))
    page.get_by_label("Formal one-to-one").check()
    page.get_by_label("Length, in minutes").fill("90")
    page.get_by_label("B1").fill("Finish the assessment; see the family on Thursday.")
    page.get_by_label("B3").fill("Close with a letter to the school.")
    page.get_by_role("button", name="Save the record").click()

    expect(page.get_by_text("Supervision with Ben Newly recorded.")).to_be_visible()
    discussions = page.get_by_test_id("discussions")
    expect(discussions).to_contain_text("Finish the assessment; see the family on Thursday.")
    expect(discussions).to_contain_text("Close with a letter to the school.")
    assert_accessible(page)
    session = SupervisionSession.objects.get()
    assert (session.held_on, session.minutes, session.cases_discussed.count()) == (AS_AT, 90, 2)


def test_the_form_errors_are_accessible(
    page: Page, live_server: Any, three_worker_team: Scene
) -> None:
    sign_in(page, live_server, "atm", TEST_PASSWORD)
    page.goto(f"{live_server.url}/supervision/record/{three_worker_team.ben.pk}/")
    page.get_by_label("Day").first.fill("")
    page.get_by_role("button", name="Save the record").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the kind of session")
    assert_accessible(page)
