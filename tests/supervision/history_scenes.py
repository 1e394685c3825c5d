"""Hand-worked supervision scenes (R-SV-1..4) for the history pages, the audit and the browser.

`duty_team`: a three-worker team as at Friday 15 March 2024, so the 12 months shown are April
2023 to March 2024. The policy defaults hold: "monthly" is 28 days (FSWs too), a session counts
when formal and at least 90 minutes, write-up is due within 5 working days. Each link's due date
is the link + 28 days; a month is missed when a day of it falls between a missed due date and
the next counting session (or the last day in post).

Asha (SW, in post since 2016), seen every 4 weeks from Mon 20 Mar 2023 but not in September:
    7 Aug → due 4 Sep, next 2 Oct: overdue 4 Sep – 1 Oct → September and October missed.
    27 Nov → 18 Dec (3 weeks), then 15 Jan, 12 Feb, 11 Mar → next due 8 Apr.
    In November also a 45-minute formal session (13 Nov): too short to count.
    Months: Apr–Aug met, Sep–Oct missed, Nov–Mar met → 10 of 12.
Bilal (SW, qualified 2015, so never an ASYE) started Mon 13 Nov 2023:
    13 Nov → due 11 Dec, met 4 Dec; 4 Dec → due 1 Jan, next 15 Jan → January missed;
    15 Jan → 5 Feb met; 5 Feb → due 4 Mar, nothing since → 11 days overdue on 15 Mar, March
    missed. A group session on 20 Nov (other, not written up) and 5 Feb not written up: both
    past their 5-working-day deadline → 2 not written up.
    Months: Apr–Oct not in post, Nov met, Dec met, Jan missed, Feb met, Mar missed → 3 of 5.
Cleo (FSW) left on Wed 15 Nov 2023; seen every 4 weeks from 13 Mar 2023 to 25 Sep 2023:
    25 Sep → due 23 Oct, nothing since → overdue 23 Oct – 15 Nov → October and November missed.
    Months: Apr–Sep met, Oct–Nov missed, Dec–Mar not in post → 6 of 8.

Team rate per month (compliant ÷ judged): Apr–Aug 2/2 100.0%, Sep 1/2 50.0%, Oct 0/2 0.0%,
Nov 2/3 66.7%, Dec 2/2 100.0%, Jan 1/2 50.0%, Feb 2/2 100.0%, Mar 1/2 50.0%; the year
19 of 25 = 76.0%.

All three are supervised by Lena, the locality manager (not in the team, and not held to an
interval: SM, LM and IO are the policy's unsupervised roles).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from oversight.accounts.roles import AccessRole
from oversight.people.models import Team, Worker
from oversight.supervision.models import SupervisionSession
from tests.factories import TeamFactory, WorkerFactory, make_user

AS_AT = dt.date(2024, 3, 15)
D = dt.date
FOUR_WEEKS = dt.timedelta(weeks=4)


@dataclass
class DutyTeam:
    team: Team
    lena: Worker
    asha: Worker
    bilal: Worker
    cleo: Worker
    users: dict[str, Any]


def held(
    supervisee: Worker,
    day: dt.date,
    *,
    supervisor: Worker,
    minutes: int = 90,
    kind: str = SupervisionSession.Kind.FORMAL,
    written_up: bool = True,
) -> SupervisionSession:
    """A session, written up the day it was held unless told otherwise."""
    return SupervisionSession.objects.create(
        supervisee=supervisee,
        supervisor=supervisor,
        held_on=day,
        kind=kind,
        minutes=minutes,
        written_up_on=day if written_up else None,
    )


def every_four_weeks(first: dt.date, last: dt.date) -> list[dt.date]:
    days = [first]
    while days[-1] + FOUR_WEEKS <= last:
        days.append(days[-1] + FOUR_WEEKS)
    return days


def build_duty_team() -> DutyTeam:
    team = TeamFactory(name="Duty and Assessment")
    lena = WorkerFactory(
        name="Lena Locality",
        role=Worker.Role.LOCALITY_MANAGER,
        team=None,
        locality=team.locality,
    )
    asha = WorkerFactory(name="Asha Steady", team=team, supervisor=lena)
    bilal = WorkerFactory(
        name="Bilal Newstart", team=team, start_date=D(2023, 11, 13), supervisor=lena
    )
    cleo = WorkerFactory(
        name="Cleo Leaver",
        role=Worker.Role.FAMILY_SUPPORT_WORKER,
        team=team,
        qualified=False,
        qualification_date=None,
        end_date=D(2023, 11, 15),
        supervisor=lena,
    )
    asha_days = every_four_weeks(D(2023, 3, 20), D(2023, 8, 7))
    asha_days += every_four_weeks(D(2023, 10, 2), D(2023, 11, 27))
    asha_days += every_four_weeks(D(2023, 12, 18), D(2024, 3, 11))
    for day in asha_days:
        held(asha, day, supervisor=lena)
    held(asha, D(2023, 11, 13), supervisor=lena, minutes=45)
    for day in (D(2023, 12, 4), D(2024, 1, 15)):
        held(bilal, day, supervisor=lena)
    held(bilal, D(2024, 2, 5), supervisor=lena, written_up=False)
    held(bilal, D(2023, 11, 20), supervisor=lena, kind="group", minutes=60, written_up=False)
    for day in every_four_weeks(D(2023, 3, 13), D(2023, 9, 25)):
        held(cleo, day, supervisor=lena)
    users = {
        "lm": make_user("lm", AccessRole.LOCALITY_MANAGER, lena),
        "io": make_user("io", AccessRole.INFORMATION_OFFICER),
        "asha": make_user("asha", AccessRole.WORKER, asha),
    }
    return DutyTeam(team, lena, asha, bilal, cleo, users)
