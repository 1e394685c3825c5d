"""Builds the demo council's records in memory, ready for the loader to bulk-write.

The story (who, how much, which problems) is data in `story.py`; `generate` plays it out over
the two years before `as_at`:

1. every referred child gets a chain of episodes (referral → NFA, assessment, s47, child
   protection plan...), each a sequence of *holdings* - stretches of casework in one team
   (`episodes.py`);
2. holdings are handed to workers in date order by an allocation meeting that aims each worker
   at their share of capacity and prefers experienced workers for s47 enquiries
   (`allocation.py`, with the workforce from `workforce.py`);
3. everything dated after `as_at` is cut off, so open work is simply work not finished yet
   (`records.py`);
4. the seed's problems are planted in the amounts `story.py` states: the re-referral rate is
   settled at its target with quick NFA re-referrals (`episodes.py`), overdue assessments and
   FSW cases that became too complex are fixed in number, and R&A's experienced workers are
   brought into their utilisation band (`allocation.py`);
5. supervision sessions, cases discussed (`supervision.py`) and the action plan (`records.py`)
   are added.

All randomness comes from one `random.Random` seeded by (seed, council number) and no clock is
read, so the same arguments always give the same records (`context.py` holds the shared
`Context` every step draws from).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from django.db.models import Model

from oversight.actionplan.models import (
    Action,
    ActionUpdate,
    EvidenceMeasure,
    Finding,
    Inspection,
)
from oversight.cases.models import (
    Allocation,
    Assessment,
    Child,
    ChildProtectionPlan,
    ChildProtectionReview,
    ComplexityAssessment,
    Contact,
    Referral,
    Section47,
)
from oversight.demo import story
from oversight.demo.allocation import (
    allocate,
    balance_rna_experienced,
    plant_fsw_holding_complex_work,
    plant_overdue_assessments,
)
from oversight.demo.context import RNA, Context
from oversight.demo.episodes import contact_only_children, referred_children, settle_rereferral_rate
from oversight.demo.records import action_plan, case_records
from oversight.demo.supervision import supervision
from oversight.demo.workforce import DemoLogin, demo_logins, planned_absences, workforce
from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.periods import add_months
from oversight.engine.policy import Policy
from oversight.people.models import Absence, LocalAuthority, Locality, Team, Worker
from oversight.supervision.models import CaseDiscussion, SupervisionSession

__all__ = ["DemoCouncil", "DemoLogin", "council_seed", "generate"]


@dataclass
class DemoCouncil:
    """One council's unsaved records. Foreign keys point at the instances in these lists, so the
    loader only has to write them in dependency order."""

    council_number: int
    as_at: date
    local_authority: LocalAuthority
    localities: list[Locality]
    teams: list[Team]
    workers: list[Worker]
    absences: list[Absence]
    logins: list[DemoLogin]
    children: list[Child]
    contacts: list[Contact]
    referrals: list[Referral]
    assessments: list[Assessment]
    section47s: list[Section47]
    cp_plans: list[ChildProtectionPlan]
    cp_reviews: list[ChildProtectionReview]
    complexity_assessments: list[ComplexityAssessment]
    allocations: list[Allocation]
    supervision_sessions: list[SupervisionSession]
    case_discussions: list[CaseDiscussion]
    inspections: list[Inspection]
    findings: list[Finding]
    actions: list[Action]
    action_updates: list[ActionUpdate]
    evidence_measures: list[EvidenceMeasure]

    def record_lists(self) -> list[list[Model]]:
        """Every record, grouped by model, in an order that writes parents before children."""
        return [
            [self.local_authority],
            list(self.localities),
            list(self.teams),
            list(self.workers),
            list(self.absences),
            list(self.children),
            list(self.contacts),
            list(self.referrals),
            list(self.assessments),
            list(self.section47s),
            list(self.cp_plans),
            list(self.cp_reviews),
            list(self.complexity_assessments),
            list(self.allocations),
            list(self.supervision_sessions),
            list(self.case_discussions),
            list(self.inspections),
            list(self.findings),
            list(self.actions),
            list(self.action_updates),
            list(self.evidence_measures),
        ]


def council_seed(seed: int, council_number: int) -> int:
    """Each council draws from its own stream, so copies made for benchmarks differ in detail
    while keeping the same shape and the same number of children."""
    return seed * 1_000 + council_number


def generate(*, as_at: date, seed: int = 2010, council_number: int = 1) -> DemoCouncil:
    """The demo council as it stands at `as_at`. Deterministic: the same arguments always give
    the same records (see `council_seed`)."""
    ctx = Context(
        rng=random.Random(council_seed(seed, council_number)),
        calendar=WorkingDayCalendar.england(),
        as_at=as_at,
        first_day=add_months(as_at, -12 * story.ACTIVITY_YEARS),
        policy=Policy(),
    )
    la = LocalAuthority(
        code=story.demo_la_code(council_number), name=story.demo_council_name(council_number)
    )
    locality = Locality(local_authority=la, name=story.LOCALITY_NAME)
    teams = {t.kind: Team(locality=locality, name=t.name, kind=t.kind) for t in story.TEAMS}
    staff = workforce(ctx, locality, teams)
    referred = referred_children(ctx, la)
    settle_rereferral_rate(ctx, referred)
    children = referred + contact_only_children(ctx, la)
    episodes = [episode for child in children for episode in child.episodes]
    allocate(ctx, staff, episodes)
    plant_overdue_assessments(ctx, episodes)
    plant_fsw_holding_complex_work(ctx, staff, episodes)
    balance_rna_experienced(ctx, staff, episodes)
    return DemoCouncil(
        council_number=council_number,
        as_at=as_at,
        local_authority=la,
        localities=[locality],
        teams=list(teams.values()),
        workers=[s.worker for s in staff],
        absences=planned_absences(ctx, staff),
        logins=demo_logins(staff) if council_number == 1 else [],
        **case_records(ctx, children, intake_team=teams[RNA]),
        **supervision(ctx, staff, episodes),
        **action_plan(la),
    )
