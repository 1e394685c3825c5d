"""Recording supervision (issue 6, part 1): the supervisor's list, the form with suggested
cases, what is stored, errors that say what to fix, history kept after write-up, and who may
record or read what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from oversight.accounts.roles import AccessRole
from oversight.audit.models import AuditEvent
from oversight.cases.models import Section47
from oversight.supervision import views
from oversight.supervision.models import (
    CaseDiscussion,
    SessionRevision,
    SupervisionAction,
    SupervisionSession,
)
from oversight.supervision.suggestions import cases_to_discuss
from tests.conftest import AS_AT, Scene
from tests.factories import make_user

D = dt.date


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "today", lambda: AS_AT)


def _client(scene: Scene, username: str) -> Client:
    client = Client()
    client.force_login(scene.users[username])
    return client


def _session_post(**overrides: str) -> dict[str, str]:
    data = {
        "held_on-day": "12",
        "held_on-month": "6",
        "held_on-year": "2023",
        "kind": "formal",
        "minutes": "95",
    }
    return data | overrides


def test_the_atm_records_a_session_with_two_cases_and_an_action(three_worker_team: Scene) -> None:
    scene = three_worker_team
    b1, b2 = scene.children["B1"], scene.children["B2"]
    client = _client(scene, "atm")

    response = client.post(
        f"/supervision/record/{scene.ben.pk}/",
        _session_post(
            **{
                f"decision-{b1.pk}": "Complete the assessment by Friday.",
                f"decision-{b2.pk}": "Step down to early help.",
                "action-1-text": "Book the ASYE portfolio review",
                "action-1-due-day": "30",
                "action-1-due-month": "6",
                "action-1-due-year": "2023",
            }
        ),
    )

    session = SupervisionSession.objects.get()
    assert response["Location"] == f"/supervision/sessions/{session.pk}/"
    assert (session.supervisee, session.supervisor, session.held_on, session.kind) == (
        scene.ben,
        scene.atm,
        D(2023, 6, 12),
        "formal",
    )
    assert (session.minutes, session.written_up_on, session.recorded_by) == (
        95,
        None,
        scene.users["atm"],
    )
    assert sorted(CaseDiscussion.objects.values_list("child__la_child_id", "decision")) == [
        ("B1", "Complete the assessment by Friday."),
        ("B2", "Step down to early help."),
    ]
    assert list(SupervisionAction.objects.values_list("description", "due_on", "done_on")) == [
        ("Book the ASYE portfolio review", D(2023, 6, 30), None)
    ]
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CHANGE)
    assert event.what == "Supervision recorded: Ben Newly, 12/06/2023"
    assert event.detail["after"]["decisions"] == {
        "B1": "Complete the assessment by Friday.",
        "B2": "Step down to early help.",
    }
    page = client.get(response["Location"]).content.decode()
    assert "Supervision with Ben Newly recorded." in page
    assert "Step down to early help." in page


def test_cases_are_suggested_child_protection_first_then_longest_without_oversight(
    three_worker_team: Scene,
) -> None:
    """R-SV-5 limits: 8 weeks (56 days), 4 weeks (28 days) in child protection."""
    scene = three_worker_team
    Section47.objects.create(child=scene.children["B3"], strategy_date=D(2023, 6, 1))
    earlier = SupervisionSession.objects.create(
        supervisee=scene.ben, supervisor=scene.atm, held_on=D(2023, 5, 1), minutes=90
    )
    CaseDiscussion.objects.create(session=earlier, child=scene.children["B2"], decision="Review")

    cases = cases_to_discuss(scene.users["atm"], scene.ben, AS_AT)

    assert [(c.la_child_id, c.child_protection, c.days_without, c.overdue) for c in cases] == [
        ("B3", True, 105, True),  # allocated 1 March, never discussed: 105 > 28
        ("B1", False, 105, True),  # 105 > 56
        ("B2", False, 44, False),  # discussed 1 May: 44 ≤ 56
    ]


def test_a_blank_form_says_what_to_fix(three_worker_team: Scene) -> None:
    client = _client(three_worker_team, "atm")

    response = client.post(f"/supervision/record/{three_worker_team.ben.pk}/", {})

    assert response.status_code == 400
    page = response.content.decode()
    for message in (
        "Enter the date the session was held",
        "Select the kind of session",
        "Enter how long the session lasted, in minutes",
    ):
        assert page.count(message) == 2  # in the summary and beside the field
    assert 'href="#held_on-day"' in page
    assert SupervisionSession.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"held_on-day": "15"}, "The date the session was held must be today or in the past"),
        ({"held_on-day": "31"}, "The date the session was held must be a real date"),
        ({"minutes": "0"}, "Enter the length in whole minutes, for example 90"),
        (
            {"written_up_on-day": "11", "written_up_on-month": "6", "written_up_on-year": "2023"},
            "The write-up date must be on or after the session",
        ),
        ({"action-1-text": "Visit"}, "Enter a real date action 1 is due by"),
        (
            {"action-2-due-day": "1", "action-2-due-month": "7", "action-2-due-year": "2023"},
            "Enter what was agreed in action 2",
        ),
    ],
)
def test_each_mistake_is_named(
    three_worker_team: Scene, overrides: dict[str, str], message: str
) -> None:
    client = _client(three_worker_team, "atm")

    response = client.post(
        f"/supervision/record/{three_worker_team.ben.pk}/", _session_post(**overrides)
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert SupervisionSession.objects.count() == 0


def _written_up_session(scene: Scene) -> SupervisionSession:
    session = SupervisionSession.objects.create(
        supervisee=scene.ben,
        supervisor=scene.atm,
        held_on=D(2023, 6, 5),
        minutes=60,
        written_up_on=D(2023, 6, 6),
    )
    CaseDiscussion.objects.create(session=session, child=scene.children["B1"], decision="Visit")
    return session


def test_changing_a_written_up_record_needs_a_reason_and_keeps_the_history(
    three_worker_team: Scene,
) -> None:
    scene = three_worker_team
    session = _written_up_session(scene)
    client = _client(scene, "atm")
    form = _session_post(
        **{
            "held_on-day": "5",
            "minutes": "90",
            "written_up_on-day": "6",
            "written_up_on-month": "6",
            "written_up_on-year": "2023",
            f"decision-{scene.children['B1'].pk}": "Visit weekly",
        }
    )

    refused = client.post(f"/supervision/sessions/{session.pk}/change/", form)
    assert "Enter why you are changing a written-up record" in refused.content.decode()

    client.post(
        f"/supervision/sessions/{session.pk}/change/", form | {"reason": "Length was wrong"}
    )

    session.refresh_from_db()
    assert session.minutes == 90
    revision = SessionRevision.objects.get()
    assert (revision.reason, revision.changed_by) == ("Length was wrong", scene.users["atm"])
    assert (revision.before["minutes"], revision.after["minutes"]) == (60, 90)
    assert (revision.before["decisions"], revision.after["decisions"]) == (
        {"B1": "Visit"},
        {"B1": "Visit weekly"},
    )
    page = client.get(f"/supervision/sessions/{session.pk}/").content.decode()
    assert "Changes since it was written up" in page
    assert "Length was wrong" in page


def test_the_change_form_starts_from_the_record(three_worker_team: Scene) -> None:
    scene = three_worker_team
    session = _written_up_session(scene)

    page = _client(scene, "atm").get(f"/supervision/sessions/{session.pk}/change/")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="minutes" type="text" inputmode="numeric" spellcheck="false" value="60"' in html
    assert ">Visit</textarea>" in html
    assert "There is a problem" not in html


def test_the_supervisees_page_lists_each_supervisees_standing(three_worker_team: Scene) -> None:
    """Ben is an ASYE from 3 Oct 2022: at 14 June 2023 (over 6 months in) monthly; Cara, an
    FSW, every 28 days. Neither has a session: due 28 days from their start in post."""
    page = _client(three_worker_team, "atm").get("/supervision/").content.decode()

    assert "Monthly (ASYE)" in page
    assert "Every 28 days (family support worker)" in page
    assert "Alice Experienced" not in page  # the team manager's supervisee
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.VIEW, what="my supervisees").exists()


def test_marking_an_action_done(three_worker_team: Scene) -> None:
    scene = three_worker_team
    session = _written_up_session(scene)
    action = SupervisionAction.objects.create(
        session=session, description="Read the chronology", due_on=D(2023, 6, 9)
    )

    _client(scene, "ben").post(f"/supervision/actions/{action.pk}/done/")

    action.refresh_from_db()
    assert action.done_on == AS_AT


@pytest.mark.parametrize(
    ("username", "status"),
    [("atm", 200), ("tm", 200), ("ben", 404), ("dan", 404)],
)
def test_who_may_record_for_ben(three_worker_team: Scene, username: str, status: int) -> None:
    """His supervisor (the ATM) and the team manager; not Ben himself, not another team."""
    response = _client(three_worker_team, username).get(
        f"/supervision/record/{three_worker_team.ben.pk}/"
    )

    assert response.status_code == status


@pytest.mark.parametrize(("role", "status"), [("ben", 200), ("dan", 404), ("info", 404)])
def test_who_may_read_a_session(three_worker_team: Scene, role: str, status: int) -> None:
    """The worker reads their own file; an information officer never reads supervision files."""
    scene = three_worker_team
    session = _written_up_session(scene)
    users: dict[str, Any] = dict(scene.users)
    users["info"] = make_user("info", AccessRole.INFORMATION_OFFICER)
    client = Client()
    client.force_login(users[role])

    assert client.get(f"/supervision/sessions/{session.pk}/").status_code == status
