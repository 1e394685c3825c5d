"""What every part of the demo generator shares: one run's dates, calendar and policy and its
single source of chance (`Context`), the team kinds and allocation roles, and the rule that a
date is on the record only once it has happened.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from oversight.cases.models import Allocation
from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.codes import CodeSetName, is_valid
from oversight.engine.policy import Policy
from oversight.people.models import Team

RNA = Team.Kind.REFERRAL_ASSESSMENT
SAFEGUARDING = Team.Kind.SAFEGUARDING
CIN = Team.Kind.CHILDREN_IN_NEED
HOLDER = Allocation.Role.CASE_HOLDER
CO_WORKER = Allocation.Role.CO_WORKER


@dataclass
class Context:
    rng: random.Random
    calendar: WorkingDayCalendar
    as_at: date
    first_day: date
    policy: Policy

    def after(self, day: date, working_days: int) -> date:
        """R-WD-3: the Nth working day after `day`."""
        return self.calendar.add(day, working_days)

    def on_or_after(self, day: date) -> date:
        return day if self.calendar.is_working_day(day) else self.calendar.add(day, 1)

    def on_or_before(self, day: date) -> date:
        while not self.calendar.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def day_between(self, first: date, last: date) -> date:
        """A working day in [first, last] (first itself if the span has none)."""
        span = max((last - first).days, 0)
        day = self.on_or_before(first + timedelta(days=self.rng.randint(0, span)))
        return day if day >= first else first

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def pick(self, weighted: Sequence[tuple[str, float]]) -> str:
        codes = [code for code, _ in weighted]
        return self.rng.choices(codes, weights=[w for _, w in weighted])[0]

    def code(self, code_set: CodeSetName, weighted: Sequence[tuple[str, float]], on: date) -> str:
        """A code from a DfE code set, never one that is not yet valid on the day."""
        return self.pick([(c, w) for c, w in weighted if is_valid(code_set, c, on)])

    def weight(self, level: int) -> int:
        """R-CL-2 points for a case held at this complexity level."""
        return self.policy.caseload.complexity_weights[level]


def known(ctx: Context, day: date | None) -> date | None:
    """A date is on the record only once it has happened."""
    return day if day is not None and day <= ctx.as_at else None
