"""Each persona's digest of the hand-worked `alerts_scene` (tests/alerts/conftest.py): exact
items, in order, scoped to what the user may see (R-TS-5, R-TS-6, R-TS-10, R-SV-3, R-SV-4,
R-AL-1)."""

from __future__ import annotations

import datetime as dt

import pytest

from oversight.alerts.digest import Digest
from oversight.alerts.schedule import Cadence
from oversight.alerts.sources import digest_for
from oversight.engine.policy import Policy, TimescalePolicy
from oversight.policy.actions import save_policy
from tests.alerts.conftest import AlertsScene, user
from tests.conftest import AS_AT
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _digest(scene: AlertsScene, name: str, **options: object) -> Digest:
    digest = digest_for(user(scene, name), as_at=AS_AT, **options)  # type: ignore[arg-type]
    assert digest is not None
    return digest


def _sections(digest: Digest) -> dict[str, list[str]]:
    return {section.title: [item.text for item in section.items] for section in digest.sections}


def test_a_worker_gets_their_own_cases_and_supervision(alerts_scene: AlertsScene) -> None:
    """Ben (ASYE): B1 due today (R-TS-10); his supervision, due 28 days after 10 May, is 7 days
    overdue (R-SV-3); that session's write-up is outstanding (R-SV-4) — his ATM's to do."""
    digest = _digest(alerts_scene, "ben")
    assert digest.scope == "your cases and supervision"
    assert _sections(digest) == {
        "Assessments": ["B1: single assessment, due today (14 Jun 2023)"],
        "Supervision": ["Ben Newly: supervision, 7 days overdue (due 7 Jun 2023)"],
        "Supervision write-ups": ["Ben Newly: 1 supervision session not written up"],
    }
    assert digest.headline == "2 overdue, 1 due soon"


def test_an_atm_adds_their_supervisees(alerts_scene: AlertsScene) -> None:
    """Amir supervises Ben and Cara: Cara's C1 (level 3, held by an FSW) breaks R-AL-1; Cara's
    supervision (every 28 days from 19 May) is due Friday 16 June, 2 working days away; Ben's
    write-up is Amir's own, so it is listed with its date, once."""
    digest = _digest(alerts_scene, "atm")
    assert digest.scope == "your cases and your supervisees'"
    assert _sections(digest) == {
        "Child protection cases without a qualified social worker": [
            "C1: no qualified case holder (Cara Support)"
        ],
        "Assessments": ["B1: single assessment, due today (14 Jun 2023) (Ben Newly)"],
        "Supervision": [
            "Ben Newly: supervision, 7 days overdue (due 7 Jun 2023)",
            "Cara Support: supervision, due in 2 working days (16 Jun 2023)",
        ],
        "Supervision write-ups": [
            "Ben Newly: your supervision session of 10 May 2023 is not written up, "
            "due within 5 working days"
        ],
    }
    assert digest.headline == "3 overdue, 2 due soon"


def test_a_team_manager_gets_the_whole_team(alerts_scene: AlertsScene) -> None:
    """Tess: every section. X1 has had an s47 since 10 May and nobody holds it: an R-AL-1
    alert, and its conference was due on the 15th working day (1 June; 24 have elapsed, so 9
    over, R-TS-5). A3's review fell due 6 months after the one held on 30 Nov (R-TS-6); A1's
    first, 3 months after its plan began on 15 March."""
    digest = _digest(alerts_scene, "tm")
    assert digest.scope == "the Referral and Assessment team"
    assert _sections(digest) == {
        "Child protection cases without a qualified social worker": [
            "C1: no qualified case holder (Cara Support)",
            "X1: no qualified case holder, child protection since 10 May 2023 (unallocated)",
        ],
        "Assessments": [
            "A1: single assessment, 2 working days overdue (due 12 Jun 2023) (Alice Experienced)",
            "A2: single assessment, 1 working day overdue (due 13 Jun 2023) (Alice Experienced)",
            "B1: single assessment, due today (14 Jun 2023) (Ben Newly)",
        ],
        "Initial child protection conferences": [
            "X1: initial child protection conference, 9 working days overdue (due 1 Jun 2023) "
            "(unallocated)",
            "A2: initial child protection conference, due in 3 working days (19 Jun 2023) "
            "(Alice Experienced)",
        ],
        "Child protection reviews": [
            "A3: child protection review, 15 days overdue (due 30 May 2023) (Alice Experienced)",
            "A1: first child protection review, due in 1 working day (15 Jun 2023) "
            "(Alice Experienced)",
        ],
        "Supervision": [
            "Ben Newly: supervision, 7 days overdue (due 7 Jun 2023)",
            "Cara Support: supervision, due in 2 working days (16 Jun 2023)",
            "Alice Experienced: supervision, due in 3 working days (19 Jun 2023)",
        ],
        "Supervision write-ups": ["Ben Newly: 1 supervision session not written up"],
    }
    assert [section.summary for section in digest.sections] == [
        "Child protection cases without a qualified social worker: 2",
        "Assessments: 2 overdue, 1 due soon",
        "Initial child protection conferences: 1 overdue, 1 due soon",
        "Child protection reviews: 1 overdue, 1 due soon",
        "Supervision: 1 overdue, 2 due soon",
        "Supervision write-ups outstanding: 1",
    ]
    assert digest.headline == "8 overdue, 5 due soon"


def test_another_teams_manager_sees_none_of_it(alerts_scene: AlertsScene) -> None:
    """Olga manages the Safeguarding team: only Dan's D1 (assessment from 1 March, due on the
    45th working day, 9 May; 70 elapsed) and Dan's supervision."""
    digest = _digest(alerts_scene, "other_tm")
    assert _sections(digest) == {
        "Assessments": [
            "D1: single assessment, 25 working days overdue (due 9 May 2023) (Dan Elsewhere)"
        ],
        "Initial child protection conferences": [
            "D1: initial child protection conference, due in 5 working days (21 Jun 2023) "
            "(Dan Elsewhere)"
        ],
        "Supervision": ["Dan Elsewhere: supervision, 2 days overdue (due 12 Jun 2023)"],
    }
    assert {item.subject for item in digest.items} == {"D1", "Dan Elsewhere"}


def test_a_locality_manager_gets_both_teams(alerts_scene: AlertsScene) -> None:
    """Lena: team A's 8 overdue and 5 due soon, plus D1's assessment and Dan's supervision
    overdue and D1's conference due soon. Her own role is not held to an interval."""
    digest = _digest(alerts_scene, "lm")
    assert digest.scope == "the Northside locality"
    assert digest.headline == "10 overdue, 6 due soon"
    assert [section.summary for section in digest.sections] == [
        "Child protection cases without a qualified social worker: 2",
        "Assessments: 3 overdue, 1 due soon",
        "Initial child protection conferences: 1 overdue, 2 due soon",
        "Child protection reviews: 1 overdue, 1 due soon",
        "Supervision: 2 overdue, 2 due soon",
        "Supervision write-ups outstanding: 1",
    ]
    assert digest.child_ids == sorted(
        alerts_scene.base.children[label].id for label in ("A1", "A2", "A3", "B1", "C1", "D1", "X1")
    )


def test_information_officers_and_administrators_get_none(alerts_scene: AlertsScene) -> None:
    from oversight.accounts.roles import AccessRole

    admin = make_user("admin", AccessRole.ADMINISTRATOR)
    assert digest_for(user(alerts_scene, "io"), as_at=AS_AT) is None
    assert digest_for(admin, as_at=AS_AT) is None  # type: ignore[arg-type]


def test_a_worker_with_nothing_due_gets_an_empty_digest(alerts_scene: AlertsScene) -> None:
    """Dan started on Monday 4 January 2016 newly qualified: an ASYE, supervised weekly
    (R-SV-1), first due on the 11th. That day it is due today and none of his cases' work
    exists yet; the day before he started, nothing is due at all."""
    dan = user(alerts_scene, "dan")
    digest = digest_for(dan, as_at=dt.date(2016, 1, 11))
    assert digest is not None
    assert [item.text for item in digest.items] == [
        "Dan Elsewhere: supervision, due today (11 Jan 2016)"
    ]
    digest = digest_for(dan, as_at=dt.date(2016, 1, 3))
    assert digest is not None
    assert digest.is_empty


def test_weekly_looks_ahead_to_the_next_weekly_digest(alerts_scene: AlertsScene) -> None:
    """With "due soon" set to 2 working days, a daily digest on Wednesday 14 June stops at
    Friday 16th; a weekly one sent on Wednesdays reaches Tuesday 20th (4 working days), so it
    also lists A2's conference (19 Jun) and Alice's supervision (19 Jun)."""
    save_policy(policy=Policy(timescales=TimescalePolicy(due_soon_days=2)), by=None, note="test")
    daily = _digest(alerts_scene, "tm")
    weekly = _digest(alerts_scene, "tm", cadence=Cadence.WEEKLY, weekday=AS_AT.weekday())
    assert (daily.look_ahead, weekly.look_ahead) == (2, 4)
    added = {item.text for item in weekly.items} - {item.text for item in daily.items}
    assert added == {
        "A2: initial child protection conference, due in 3 working days (19 Jun 2023) "
        "(Alice Experienced)",
        "Alice Experienced: supervision, due in 3 working days (19 Jun 2023)",
    }
