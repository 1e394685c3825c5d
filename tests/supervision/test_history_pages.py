"""The read-only supervision pages (R-SV-1..4): the ASYE timeline, a worker's file, the team's
month grid and rates, who may see what, the audit trail and the query count. Exact values are
worked by hand from the policy defaults in the comments and in history_scenes.py."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.accounts.roles import AccessRole
from oversight.audit.models import AuditEvent
from oversight.people.models import Worker
from tests.conftest import Scene
from tests.factories import AbsenceFactory, TeamFactory, WorkerFactory, make_user
from tests.supervision.history_scenes import AS_AT, D, DutyTeam, build_duty_team, held

pytestmark = pytest.mark.django_db


@pytest.fixture
def duty_team(db: None) -> DutyTeam:
    return build_duty_team()


def _get(client: Client, user: Any, url: str, **params: str) -> Any:
    client.force_login(user)
    return client.get(url, params)


def _html(client: Client, user: Any, url: str, **params: str) -> str:
    response = _get(client, user, url, **params)
    assert response.status_code == 200
    return response.content.decode()


def _text(fragment: str) -> str:
    """A cell's words, tags and line breaks removed."""
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def _rows(html: str, testid: str, key: str) -> dict[str, list[str]]:
    """A table's body rows by their `data-<key>` attribute: each cell's text."""
    table = html.split(f'data-testid="{testid}"')[1].split("</table>")[0]
    rows = re.findall(rf'<tr class="govuk-table__row" data-{key}="([^"]+)">(.*?)</tr>', table, re.S)
    return {
        name: [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)]
        for name, body in rows
    }


def _field(html: str, name: str) -> str:
    match = re.search(rf'data-field="{name}">(.*?)</dd>', html, re.S)
    assert match, f"no field {name}"
    return _text(match.group(1))


# --- The ASYE timeline (R-SV-1) ----------------------------------------------------------------


@dataclass
class Asye:
    worker: Worker
    first_supervisor: Worker
    second_supervisor: Worker
    user: Any


@pytest.fixture
def asye_in_first_weeks(db: None) -> Asye:
    """Priya qualified on 1 June 2023 and started on Wednesday 12 July 2023: weekly until 23
    August (6 weeks), fortnightly until 12 January 2024 (6 months). Sam supervised her in July,
    Tom from August (her supervisor changed mid-year). On 2 August Tom saw her for 60 minutes,
    which does not count, so the session due that day came late, on Friday 4 August."""
    team = TeamFactory(name="Early Help")
    sam = WorkerFactory(name="Sam Senior", role=Worker.Role.ASSISTANT_TEAM_MANAGER, team=team)
    tom = WorkerFactory(name="Tom Manager", role=Worker.Role.TEAM_MANAGER, team=team)
    priya = WorkerFactory(
        name="Priya Newly",
        team=team,
        qualification_date=D(2023, 6, 1),
        start_date=D(2023, 7, 12),
        supervisor=tom,
    )
    for day in (D(2023, 7, 19), D(2023, 7, 26)):
        held(priya, day, supervisor=sam)
    held(priya, D(2023, 8, 2), supervisor=tom, minutes=60)
    for day in (D(2023, 8, 4), D(2023, 8, 11), D(2023, 8, 18), D(2023, 8, 22)):
        held(priya, day, supervisor=tom)
    for day in (D(2023, 8, 29), D(2023, 9, 12)):
        held(priya, day, supervisor=tom)
    return Asye(priya, sam, tom, make_user("priya", AccessRole.WORKER, priya))


def test_r_sv_1_asye_timeline_across_the_six_week_boundary(asye_in_first_weeks: Asye) -> None:
    """Weekly from 12 Jul; the 2 Aug session was short, so the step due 2 Aug was missed (4 Aug
    came late). 22 Aug is before 23 Aug: still weekly, due 29 Aug. 29 Aug is past it:
    fortnightly, due 12 Sep. On 20 Sep the step from 12 Sep is due 26 Sep: not yet due."""
    html = _html(Client(), asye_in_first_weeks.user, "/my/supervision/", as_at="2023-09-20")
    assert _rows(html, "asye-timeline", "step") == {
        "1": ["12 Jul 2023", "19 Jul 2023", "19 Jul 2023", "Met"],
        "2": ["19 Jul 2023", "26 Jul 2023", "26 Jul 2023", "Met"],
        "3": ["26 Jul 2023", "2 Aug 2023", "Not met: next session 4 Aug 2023", "Missed"],
        "4": ["4 Aug 2023", "11 Aug 2023", "11 Aug 2023", "Met"],
        "5": ["11 Aug 2023", "18 Aug 2023", "18 Aug 2023", "Met"],
        "6": ["18 Aug 2023", "25 Aug 2023", "22 Aug 2023", "Met"],
        "7": ["22 Aug 2023", "29 Aug 2023", "29 Aug 2023", "Met"],
        "8": ["29 Aug 2023", "12 Sep 2023", "12 Sep 2023", "Met"],
        "9": ["12 Sep 2023", "26 Sep 2023", "Not yet", "Not yet due"],
    }
    summary = re.search(r'data-testid="timeline-summary">(.*?)</p>', html, re.S)
    assert summary
    assert _text(summary.group(1)) == (
        "7 of 8 required sessions met on time. The next is due by Tuesday 26 September 2023."
    )
    assert _field(html, "stage") == "Fortnightly (ASYE, to 6 months)"


def test_r_sv_1_asye_timeline_across_the_six_month_boundary(db: None) -> None:
    """In post 12 Jul 2023, not seen until 29 Dec: the engine's chain makes the whole gap one
    missed step. 29 Dec is before 12 Jan (6 months): fortnightly, due 12 Jan. 12 Jan is the
    boundary itself: monthly from then, 28 days, due 9 Feb; then 9 Feb → 8 Mar."""
    team = TeamFactory()
    tm = WorkerFactory(role=Worker.Role.TEAM_MANAGER, team=team)
    asye = WorkerFactory(
        team=team, qualification_date=D(2023, 6, 1), start_date=D(2023, 7, 12), supervisor=tm
    )
    for day in (D(2023, 12, 29), D(2024, 1, 12), D(2024, 2, 9)):
        held(asye, day, supervisor=tm)
    user = make_user("asye", AccessRole.WORKER, asye)
    html = _html(Client(), user, "/my/supervision/", as_at="2024-02-29")
    assert _rows(html, "asye-timeline", "step") == {
        "1": ["12 Jul 2023", "19 Jul 2023", "Not met: next session 29 Dec 2023", "Missed"],
        "2": ["29 Dec 2023", "12 Jan 2024", "12 Jan 2024", "Met"],
        "3": ["12 Jan 2024", "9 Feb 2024", "9 Feb 2024", "Met"],
        "4": ["9 Feb 2024", "8 Mar 2024", "Not yet", "Not yet due"],
    }
    assert "2 of 3 required sessions met on time." in html
    assert _field(html, "stage") == "Monthly (ASYE)"


def test_r_sv_2_a_short_session_does_not_count(asye_in_first_weeks: Asye) -> None:
    """On 3 Aug the last counting session is 26 Jul (2 Aug was 60 minutes): due 2 Aug, 1 day
    overdue. The short session is listed, saying why it does not count."""
    html = _html(Client(), asye_in_first_weeks.user, "/my/supervision/", as_at="2023-08-03")
    assert _field(html, "last-session") == "26 Jul 2023"
    assert _field(html, "next-due") == "2 Aug 2023"
    assert _field(html, "overdue") == "1 day overdue"
    sessions = _rows(html, "sessions", "held-on")
    assert list(sessions) == ["2023-08-02", "2023-07-26", "2023-07-19"]
    assert sessions["2023-08-02"][1:3] == [
        "Formal one-to-one Does not count: shorter than 90 minutes",
        "60",
    ]
    assert sessions["2023-07-26"][1] == "Formal one-to-one"


def test_sessions_with_either_supervisor_count(asye_in_first_weeks: Asye) -> None:
    """Sam's July sessions meet steps 1 and 2 and Tom's meet the rest: the chain is the
    supervisee's, whoever held each session. The file names who held each one."""
    html = _html(Client(), asye_in_first_weeks.user, "/my/supervision/", as_at="2023-09-20")
    steps = _rows(html, "asye-timeline", "step")
    assert [steps[k][3] for k in ("1", "2", "4")] == ["Met", "Met", "Met"]
    supervisors = {day: cells[3] for day, cells in _rows(html, "sessions", "held-on").items()}
    assert supervisors["2023-07-19"] == "Sam Senior"
    assert supervisors["2023-08-04"] == "Tom Manager"
    assert _field(html, "supervisor") == "Tom Manager"
    assert _field(html, "last-session") == "12 Sep 2023"


def test_planned_leave_does_not_pause_supervision(db: None) -> None:
    """The engine takes no account of planned absence for supervision: Omar, seen on 10 Jul
    2023 (due again 7 Aug, 28 days), is on leave 24 Jul – 25 Aug and still 8 days overdue on
    15 Aug. The manager plans the session around the leave; the page does not excuse it."""
    team = TeamFactory()
    tm = WorkerFactory(role=Worker.Role.TEAM_MANAGER, team=team)
    omar = WorkerFactory(name="Omar Away", team=team, supervisor=tm)
    held(omar, D(2023, 7, 10), supervisor=tm)
    AbsenceFactory(worker=omar, start_date=D(2023, 7, 24), end_date=D(2023, 8, 25))
    user = make_user("omar", AccessRole.WORKER, omar)
    html = _html(Client(), user, "/my/supervision/", as_at="2023-08-15")
    assert _field(html, "next-due") == "7 Aug 2023"
    assert _field(html, "overdue") == "8 days overdue"
    assert 'data-testid="asye-timeline"' not in html


def test_looking_back_hides_what_was_not_yet_known(asye_in_first_weeks: Asye) -> None:
    """Looking back to 2 Aug, later sessions are not shown, and an action due 1 Aug that was
    done on 3 Aug shows as not done (and overdue); from 3 Aug it shows as done."""
    session = asye_in_first_weeks.worker.supervision_received.get(held_on=D(2023, 7, 26))
    session.actions.create(
        description="Read the pre-birth protocol", due_on=D(2023, 8, 1), done_on=D(2023, 8, 3)
    )
    user = asye_in_first_weeks.user
    html = _html(Client(), user, "/my/supervision/", as_at="2023-08-02")
    assert list(_rows(html, "sessions", "held-on")) == ["2023-08-02", "2023-07-26", "2023-07-19"]
    actions = _rows(html, "sessions", "held-on")["2023-07-26"][6]
    assert actions == "Read the pre-birth protocol: due 1 Aug 2023, not done Overdue"
    html = _html(Client(), user, "/my/supervision/", as_at="2023-08-03")
    actions = _rows(html, "sessions", "held-on")["2023-07-26"][6]
    assert actions == "Read the pre-birth protocol: due 1 Aug 2023, done 3 Aug 2023"


# --- The team: month grid and rates (R-SV-2) ---------------------------------------------------

MET, MISSED, OUT = "Met", "Missed", "– Not in post"  # a dash, and words for a screen reader


def test_r_sv_2_team_month_grid(duty_team: DutyTeam) -> None:
    """Cells as worked out in history_scenes.py; the locality manager herself is not held to an
    interval and not in the team, so she has no row."""
    url = f"/teams/{duty_team.team.id}/supervision/"
    html = _html(Client(), duty_team.users["lm"], url, as_at=AS_AT.isoformat())
    grid = _rows(html, "month-grid", "worker")
    assert grid == {
        "Asha Steady": ["Asha Steady", *[MET] * 5, MISSED, MISSED, *[MET] * 5],
        "Bilal Newstart": ["Bilal Newstart", *[OUT] * 7, MET, MET, MISSED, MET, MISSED],
        "Cleo Leaver": ["Cleo Leaver", *[MET] * 6, MISSED, MISSED, *[OUT] * 4],
    }
    header = html.split('data-testid="month-grid"')[1].split("</thead>")[0]
    months = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', header)
    assert months[1] == "Apr 2023"
    assert months[-1] == "Mar 2024"


def test_r_sv_2_team_rate_per_month_and_summary(duty_team: DutyTeam) -> None:
    """Compliant ÷ judged worker-months per month, and over the year 19 ÷ 25 = 76.0 %."""
    url = f"/teams/{duty_team.team.id}/supervision/"
    html = _html(Client(), duty_team.users["lm"], url, as_at=AS_AT.isoformat())
    footer = html.split('data-testid="month-rates"')[1].split("</tr>")[0]
    cells = [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", footer, re.S)]
    assert cells == [
        *["100.0% 2 of 2"] * 5,
        "50.0% 1 of 2",
        "0.0% 0 of 2",
        "66.7% 2 of 3",
        "100.0% 2 of 2",
        "50.0% 1 of 2",
        "100.0% 2 of 2",
        "50.0% 1 of 2",
    ]
    assert _field(html, "this-month") == "50.0% (1 of 2 workers)"
    assert _field(html, "year") == "76.0% (19 of 25 worker-months)"
    assert _field(html, "overdue") == "1"
    assert _field(html, "not-written-up") == "2"


def test_r_sv_3_team_table_of_workers_in_post(duty_team: DutyTeam) -> None:
    """Cleo left in November: not in post on 15 Mar, so not in the table (she is in the grid)."""
    url = f"/teams/{duty_team.team.id}/supervision/"
    html = _html(Client(), duty_team.users["lm"], url, as_at=AS_AT.isoformat())
    assert _rows(html, "team-standings", "worker") == {
        "Asha Steady": [
            "Asha Steady",
            "Social worker Monthly (every 28 days)",
            "11 Mar 2024",
            "8 Apr 2024",
            "0",
            "0",
            "0",
        ],
        "Bilal Newstart": [
            "Bilal Newstart",
            "Social worker Monthly (every 28 days)",
            "5 Feb 2024",
            "4 Mar 2024",
            "11 days overdue",
            "2",
            "0",
        ],
    }


def test_r_sv_5_cases_without_oversight_per_worker_and_team(three_worker_team: Scene) -> None:
    """At 14 June 2023 no case has been discussed since it was allocated on 1 March: 105 days,
    past the 8 weeks (56 days). Held cases only: Alice 4, Ben 3, Cara 2 (her C-later starts
    on 15 June); Alice's co-working of B1 is not hers to hold."""
    scene = three_worker_team
    url = f"/teams/{scene.team.id}/supervision/"
    html = _html(Client(), scene.users["tm"], url, as_at="2023-06-14")

    rows = _rows(html, "team-standings", "worker")
    assert {name: cells[-1] for name, cells in rows.items()} == {
        "Alice Experienced": "4",
        "Amir Assistant": "0",
        "Ben Newly": "3",
        "Cara Support": "2",
        "Tess Manager": "0",
    }
    assert 'data-field="oversight-gaps">9 ' in html


def test_team_page_links_to_team_supervision(three_worker_team: Scene) -> None:
    scene = three_worker_team
    html = _html(Client(), scene.users["tm"], f"/teams/{scene.team.id}/", as_at="2023-06-14")
    assert f'href="/teams/{scene.team.id}/supervision/?as_at=2023-06-14"' in html


# --- Who may see what --------------------------------------------------------------------------


def test_a_worker_sees_only_their_own_supervision(three_worker_team: Scene) -> None:
    scene = three_worker_team
    held(scene.ben, D(2023, 6, 1), supervisor=scene.atm)
    held(scene.alice, D(2023, 6, 2), supervisor=scene.tm)
    client = Client()
    html = _html(client, scene.users["ben"], "/my/supervision/", as_at="2023-06-14")
    assert "Ben Newly" in html
    assert list(_rows(html, "sessions", "held-on")) == ["2023-06-01"]
    assert (
        _get(client, scene.users["ben"], f"/workers/{scene.alice.id}/supervision/").status_code
        == 404
    )
    assert (
        _get(client, scene.users["ben"], f"/teams/{scene.team.id}/supervision/").status_code == 404
    )


def test_my_supervision_needs_a_staff_record(db: None) -> None:
    io = make_user("io", AccessRole.INFORMATION_OFFICER)
    assert _get(Client(), io, "/my/supervision/").status_code == 404


def test_navigation_offers_my_supervision_to_staff(three_worker_team: Scene) -> None:
    html = _html(Client(), three_worker_team.users["ben"], "/my/caseload/")
    assert 'href="/my/supervision/"' in html


def test_an_atm_sees_their_supervisees_files_only(three_worker_team: Scene) -> None:
    """Amir supervises Ben and Cara; Zara, a second ATM in the team, supervises Yusuf; Alice is
    supervised by the TM."""
    scene = three_worker_team
    zara = WorkerFactory(
        name="Zara Second", role=Worker.Role.ASSISTANT_TEAM_MANAGER, team=scene.team
    )
    yusuf = WorkerFactory(name="Yusuf Other", team=scene.team, supervisor=zara)
    client = Client()
    atm = scene.users["atm"]
    for mine in (scene.ben, scene.cara):
        assert _get(client, atm, f"/workers/{mine.id}/supervision/").status_code == 200
    for theirs in (yusuf, scene.alice):
        assert _get(client, atm, f"/workers/{theirs.id}/supervision/").status_code == 404


def test_information_officer_sees_the_team_view_but_not_files(duty_team: DutyTeam) -> None:
    """Compliance dates are workforce facts; the sessions are the worker's file."""
    client, io = Client(), duty_team.users["io"]
    html = _html(client, io, f"/teams/{duty_team.team.id}/supervision/", as_at=AS_AT.isoformat())
    assert _rows(html, "team-standings", "worker")["Bilal Newstart"][4] == "11 days overdue"
    assert "/supervision/?as_at" not in html.split('data-testid="team-standings"')[1]
    for worker in (duty_team.asha, duty_team.bilal):
        assert _get(client, io, f"/workers/{worker.id}/supervision/").status_code == 404


def test_names_link_to_files_the_user_may_open(duty_team: DutyTeam) -> None:
    url = f"/teams/{duty_team.team.id}/supervision/"
    html = _html(Client(), duty_team.users["lm"], url, as_at=AS_AT.isoformat())
    link = f'href="/workers/{duty_team.bilal.id}/supervision/?as_at={AS_AT}"'
    assert link in html
    worker_page = _html(
        Client(), duty_team.users["lm"], f"/workers/{duty_team.bilal.id}/supervision/"
    )
    assert "Bilal Newstart" in worker_page


@pytest.mark.parametrize(
    ("username", "path", "what"),
    [
        ("asha", "/my/supervision/", "My supervision"),
        ("lm", "/workers/{bilal}/supervision/", "Supervision of Bilal Newstart"),
        ("lm", "/teams/{team}/supervision/", "Team supervision: Duty and Assessment"),
        ("io", "/teams/{team}/supervision/", "Team supervision: Duty and Assessment"),
    ],
)
def test_every_page_view_is_audited(
    duty_team: DutyTeam, username: str, path: str, what: str
) -> None:
    url = path.format(bilal=duty_team.bilal.id, team=duty_team.team.id)
    _html(Client(), duty_team.users[username], url, as_at=AS_AT.isoformat())
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.VIEW)
    assert (event.username, event.what, event.detail) == (username, what, {"as_at": "2024-03-15"})


# --- Query count -------------------------------------------------------------------------------


def test_team_supervision_queries_do_not_grow_with_workers(duty_team: DutyTeam) -> None:
    """Five more workers, each with sessions, an action and a late write-up, add no queries."""
    client = Client()
    client.force_login(duty_team.users["lm"])
    url = f"/teams/{duty_team.team.id}/supervision/?as_at={AS_AT}"
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for n in range(5):
        worker = WorkerFactory(team=duty_team.team, supervisor=duty_team.lena)
        for day in (D(2024, 1, 8 + n), D(2024, 2, 5 + n)):
            held(worker, day, supervisor=duty_team.lena, written_up=n % 2 == 0)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before)


def test_worker_file_queries_do_not_grow_with_sessions(duty_team: DutyTeam) -> None:
    client = Client()
    client.force_login(duty_team.users["lm"])
    url = f"/workers/{duty_team.asha.id}/supervision/?as_at={AS_AT}"
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for session in duty_team.asha.supervision_received.all():
        session.actions.create(description="Follow up", due_on=session.held_on + dt.timedelta(7))
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before)
