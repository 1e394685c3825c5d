"""A hand-built plan on the three-worker team (tests/conftest.py), every rating worked out by hand.

The evidence is "Open assessments overdue" (assessments.open_overdue) across the council. At
AS_AT (14 June 2023) three single assessments are open past 45 working days: A1 (started 3 April,
due 12 June), A2 (started 4 April; its authorisation on 20 June is not yet known) and D1 in the
other team (started 1 March, due 9 May). At 31 May only D1 is. At the ends of March and April
only A3 is (started 3 January, due 7 March, authorised 2 May); before March none is. So the
monthly readings from July 2022 are eight 0s, then 1, 1, 1 (March, April, May), then 3.

| action | lead | when | status | evidence at 14 June | overdue | review missed |
|---|---|---|---|---|---|---|
| 1.1 | TM | monthly, updated 10 May | in progress | = 0 ± 2: 3 → red | no | yes (10 Jun) |
| 1.2 | ATM | due 31 May | not started | ≤ 3 ± 1: 3 → green | yes | no |
| 1.3 | ATMs | due 30 June | not started | ≤ 2 ± 1: 3 → amber | no | no |
| 2.1 | Tess Manager | due 31 Jan | completed 10 Feb | none linked: no data | no | no |
| 2.2 | TM, SM | monthly, updated 1 Apr (and 20 Jun) | in progress | no data | no | yes (1 May) |
| 2.3 | LM | monthly, updated 20 May | in progress | no data | no | no (20 Jun) |
| 2.4 | ATM/TM | due 31 May | completed 1 July | no data | yes | no |

The update of 20 June and the completion on 1 July come after the date measured, so they do not
count at 14 June.

Counts: 1 on target, 1 close, 1 off, 4 no data; 2 not started, 3 in progress, 2 completed;
2 overdue (1.2, 2.4); 2 reviews missed (1.1, 2.2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from oversight.accounts.roles import AccessRole
from oversight.actionplan.models import (
    Action,
    ActionUpdate,
    EvidenceMeasure,
    Finding,
    Inspection,
)
from tests.conftest import Scene
from tests.factories import make_user

D = dt.date
OVERDUE = "assessments.open_overdue"


@dataclass
class PlanScene:
    team: Scene
    inspection: Inspection
    actions: dict[str, Action]
    users: dict[str, Any]


def at_ten(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def make_action(finding: Finding, order: int, text: str, **fields: Any) -> Action:
    return Action.objects.create(finding=finding, order=order, text=text, **fields)


def link(action: Action, comparison: str, target: int, margin: int) -> EvidenceMeasure:
    return EvidenceMeasure.objects.create(
        action=action,
        measure_id=OVERDUE,
        comparison=comparison,
        target=Decimal(target),
        amber_margin=Decimal(margin),
    )


def update(action: Action, day: dt.date, text: str = "Progress") -> ActionUpdate:
    return ActionUpdate.objects.create(action=action, written_at=at_ten(day), text=text)


def build_plan(scene: Scene) -> PlanScene:
    la = scene.team.locality.local_authority
    inspection = Inspection.objects.create(
        local_authority=la,
        kind="Unannounced inspection of contact, referral and assessment arrangements",
        start_date=D(2023, 1, 9),
        end_date=D(2023, 1, 10),
        report_published_on=D(2023, 2, 1),
    )
    late = Finding.objects.create(inspection=inspection, order=1, text="Assessments run late.")
    irregular = Finding.objects.create(
        inspection=inspection, order=2, text="Supervision is irregular."
    )
    a: dict[str, Action] = {}
    a["1.1"] = make_action(
        late,
        1,
        "Audit of overdue assessments",
        lead="TM",
        lead_parts=["Team Manager"],
        timescale="Monthly",
        recurrence="monthly",
        status="in_progress",
    )
    a["1.2"] = make_action(
        late,
        2,
        "Chase every late assessment",
        lead="ATM",
        lead_parts=["Assistant Team Manager"],
        timescale="May 2023",
        due_on=D(2023, 5, 31),
    )
    a["1.3"] = make_action(
        late,
        3,
        "Report delays to the LSCB",
        lead="ATMs",
        lead_parts=["Assistant Team Managers"],
        timescale="June 2023",
        due_on=D(2023, 6, 30),
    )
    a["2.1"] = make_action(
        irregular,
        1,
        "Supervision audit",
        lead="Lead Tess Manager, Health",
        lead_parts=["Lead Tess Manager", "Health"],
        timescale="January 2023",
        due_on=D(2023, 1, 31),
        status="completed",
        completed_on=D(2023, 2, 10),
    )
    a["2.2"] = make_action(
        irregular,
        2,
        "Monthly supervision for ASYEs",
        lead="TM/SM",
        lead_parts=["Team Manager", "Safeguarding Manager"],
        timescale="Monthly",
        recurrence="monthly",
        status="in_progress",
    )
    a["2.3"] = make_action(
        irregular,
        3,
        "Locality review of supervision",
        lead="LM",
        lead_parts=["Locality Manager"],
        timescale="Monthly",
        recurrence="monthly",
        status="in_progress",
    )
    a["2.4"] = make_action(
        irregular,
        4,
        "Supervision files up to date",
        lead="ATM/TM",
        timescale="May 2023",
        due_on=D(2023, 5, 31),
        status="completed",
        completed_on=D(2023, 7, 1),
    )
    link(a["1.1"], "eq", 0, 2)
    link(a["1.2"], "lte", 3, 1)
    link(a["1.3"], "lte", 2, 1)
    update(a["1.1"], D(2023, 5, 10), "Audit run for April")
    update(a["2.2"], D(2023, 4, 1), "Sessions booked")
    update(a["2.2"], D(2023, 6, 20), "Written after the date measured")
    update(a["2.3"], D(2023, 5, 20), "Reviewed in May")
    users = {
        **scene.users,
        "io": make_user("io", AccessRole.INFORMATION_OFFICER),
        "lm": make_user("lm", AccessRole.LOCALITY_MANAGER),
    }
    return PlanScene(scene, inspection, a, users)
