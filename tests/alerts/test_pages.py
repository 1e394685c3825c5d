"""The "Email alerts" page (GOV.UK radios, POST with CSRF, audited) and the notifications panel
on the landing pages."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.alerts.models import AlertPreference, Frequency, Weekday
from oversight.audit.models import AuditEvent
from tests.alerts.conftest import AlertsScene, user
from tests.conftest import AS_AT
from tests.factories import AllocationFactory, AssessmentFactory, ChildFactory, WorkerFactory

pytestmark = pytest.mark.django_db

URL = "/account/email-alerts/"


def _client(scene: AlertsScene, name: str, **options: bool) -> Client:
    client = Client(**options)
    client.force_login(user(scene, name))
    return client


def test_the_page_shows_the_choice_in_force(alerts_scene: AlertsScene) -> None:
    """Nobody has chosen yet: every working day, to the address on their account."""
    html = _client(alerts_scene, "tm").get(URL).content.decode()
    assert "You get an email every working day." in html
    assert "They go to <strong>tm@testshire.example</strong>." in html
    assert re.search(r'value="daily" checked', html)
    assert "the Referral and Assessment team" in html


def test_choosing_weekly_is_saved_and_audited(alerts_scene: AlertsScene) -> None:
    client = _client(alerts_scene, "tm")
    response = client.post(URL, {"frequency": "weekly", "weekday": "2"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    html = response.content.decode()
    assert "You will get an email once a week, on Wednesdays." in html
    assert "You get an email once a week, on Wednesdays." in html
    tm = user(alerts_scene, "tm")
    saved = AlertPreference.objects.get(user=tm)
    assert (saved.frequency, saved.weekday) == (Frequency.WEEKLY, Weekday.WEDNESDAY)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CHANGE, object_type="alert_preference")
    assert event.what == "Email alerts for tm: once a week, on Wednesdays"
    assert event.username == "tm"
    assert event.detail == {
        "from": {"frequency": "daily", "weekday": 0},
        "to": {"frequency": "weekly", "weekday": 2},
    }


def test_turning_alerts_off_keeps_the_chosen_day(alerts_scene: AlertsScene) -> None:
    client = _client(alerts_scene, "ben")
    client.post(URL, {"frequency": "weekly", "weekday": "4"})
    client.post(URL, {"frequency": "off", "weekday": "1"})
    saved = AlertPreference.objects.get(user=user(alerts_scene, "ben"))
    assert (saved.frequency, saved.weekday) == (Frequency.OFF, Weekday.FRIDAY)
    html = client.get(URL).content.decode()
    assert "Email alerts are off: you see notifications in Oversight only." in html


def test_no_choice_is_an_error_on_the_page(alerts_scene: AlertsScene) -> None:
    response = _client(alerts_scene, "tm").post(URL, {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: Email alerts – Oversight</title>" in html
    assert '<li><a href="#frequency">Select how often you want an email</a></li>' in html
    assert 'id="frequency-error"' in html
    assert not AlertPreference.objects.exists()


def test_a_weekly_choice_needs_a_working_day(alerts_scene: AlertsScene) -> None:
    response = _client(alerts_scene, "tm").post(URL, {"frequency": "weekly", "weekday": "6"})
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        '<li><a href="#weekday">Select the day of the week for your weekly email</a></li>' in html
    )
    assert re.search(r'value="weekly" checked', html)  # what they chose stays chosen
    assert not AlertPreference.objects.exists()


def test_the_form_needs_its_csrf_token(alerts_scene: AlertsScene) -> None:
    client = _client(alerts_scene, "tm", enforce_csrf_checks=True)
    assert client.post(URL, {"frequency": "off"}).status_code == 403
    assert not AlertPreference.objects.exists()
    html = client.get(URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    response = client.post(URL, {"frequency": "off", "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302


def test_roles_without_a_digest_are_told_why_and_cannot_post(alerts_scene: AlertsScene) -> None:
    client = _client(alerts_scene, "io")
    html = client.get(URL).content.decode()
    assert "Your access role does not come with an alerts digest" in html
    assert 'name="frequency"' not in html
    assert client.post(URL, {"frequency": "weekly", "weekday": "0"}).status_code == 404
    assert not AlertPreference.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(URL)
    assert (response.status_code, response.url) == (302, f"/sign-in/?next={URL}")


# --- the notifications panel ------------------------------------------------------------------


def _team_page(scene: AlertsScene, name: str = "tm") -> str:
    client = _client(scene, name)
    response = client.get(f"/teams/{scene.base.team.id}/", {"as_at": AS_AT.isoformat()})
    assert response.status_code == 200
    return response.content.decode()


def _panel(html: str) -> str:
    start = html.index('data-testid="notifications"')
    return html[start : html.index("</main>", start)]


def test_the_team_page_shows_the_managers_notifications(alerts_scene: AlertsScene) -> None:
    """The same items as Tess's email: the team's, as at the page's date."""
    panel = _panel(_team_page(alerts_scene))
    headline = re.search(r'data-testid="notifications-headline">([^<]+)<', panel)
    assert headline is not None
    assert headline.group(1) == "8 overdue, 5 due soon in the Referral and Assessment team"
    assert re.findall(r"<li>([^<]+)</li>", panel.split("</ul>")[0]) == [
        "Child protection cases without a qualified social worker: 2",
        "Assessments: 2 overdue, 1 due soon",
        "Initial child protection conferences: 1 overdue, 1 due soon",
        "Child protection reviews: 1 overdue, 1 due soon",
        "Supervision: 1 overdue, 2 due soon",
        "Supervision write-ups outstanding: 1",
    ]
    icpc = panel.split('data-section="icpc">')[1].split("</ul>")[0]
    assert re.findall(r'<li data-urgency="(\w+)"><strong>(\w+)</strong>', icpc) == [
        ("overdue", "X1"),
        ("due_soon", "A2"),
    ]
    assert "Email alerts: every working day." in panel
    assert 'href="/account/email-alerts/"' in panel


def test_a_locality_manager_on_a_team_page_sees_the_locality(alerts_scene: AlertsScene) -> None:
    panel = _panel(_team_page(alerts_scene, "lm"))
    assert "10 overdue, 6 due soon in the Northside locality" in panel


def test_my_caseload_shows_a_workers_own_notifications(alerts_scene: AlertsScene) -> None:
    client = _client(alerts_scene, "ben")
    html = client.get("/my/caseload/", {"as_at": AS_AT.isoformat()}).content.decode()
    panel = _panel(html)
    assert "2 overdue, 1 due soon in your cases and supervision" in panel
    items = re.findall(r'<li data-urgency="\w+"><strong>([\w ]+)</strong>', panel)
    assert items == ["B1", "Ben Newly", "Ben Newly"]


def test_a_managers_drill_down_shows_no_panel(alerts_scene: AlertsScene) -> None:
    """Looking at Alice's caseload is not Tess's landing page: her own list stays on hers."""
    client = _client(alerts_scene, "tm")
    html = client.get(f"/workers/{alerts_scene.base.alice.id}/").content.decode()
    assert 'data-testid="notifications"' not in html


def test_no_panel_for_a_role_without_a_digest(alerts_scene: AlertsScene) -> None:
    """An information officer on a team page: the page, but no notifications."""
    html = _team_page(alerts_scene, "io")
    assert 'data-testid="notifications"' not in html
    assert 'data-testid="caseload-table"' in html


def test_the_panel_adds_no_queries_per_row(alerts_scene: AlertsScene) -> None:
    """Ten more workers, each with a case, an assessment and an s47: the same queries."""
    client = _client(alerts_scene, "tm")
    url = f"/teams/{alerts_scene.base.team.id}/?as_at={AS_AT.isoformat()}"
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    from oversight.cases.models import Section47

    team = alerts_scene.base.team
    for n in range(10):
        worker = WorkerFactory(team=team, supervisor=alerts_scene.base.tm)
        child = ChildFactory(responsible_team=team)
        AllocationFactory(child=child, worker=worker, complexity_level=3, start_date=AS_AT)
        AssessmentFactory(child=child, worker=worker, start_date=AS_AT.replace(day=1 + n))
        Section47.objects.create(child=child, strategy_date=AS_AT, lead_worker=worker)
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    assert "Supervision: 11 overdue" in _panel(html)  # the new workers have never had any
    assert len(after) == len(before)
