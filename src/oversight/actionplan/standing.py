"""Where an action stands on a date: done, overdue, or behind with its reviews.

- Completed at a date: its status is Completed and it was completed on or before that date, so
  looking back shows what was still open then.
- Overdue: it has a due date, the date has passed, and it was not completed by then
  (a superseded action is never overdue).
- Review missed: it recurs (weekly … quarterly) and no progress update was written within one
  interval: since the last update on or before the date, or since the plan began when there has
  been none. On the last day of the interval it is due, not yet missed.

No database: the caller passes the last update's date. docs/action-plans.md explains the rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oversight.actionplan.models import Action
from oversight.actionplan.timescales import Every
from oversight.engine.periods import add_months

# Each recurrence as (months, days) to add.
INTERVALS = {
    Every.WEEK: (0, 7),
    Every.FORTNIGHT: (0, 14),
    Every.MONTH: (1, 0),
    Every.TWO_MONTHS: (2, 0),
    Every.QUARTER: (3, 0),
}


@dataclass(frozen=True)
class Standing:
    completed: bool
    overdue: bool
    every: Every | None
    next_review: dt.date | None  # when the next progress update is due (recurring actions)
    review_missed: bool
    last_update: dt.date | None


def after_interval(day: dt.date, every: Every) -> dt.date:
    months, days = INTERVALS[every]
    return add_months(day, months) + dt.timedelta(days=days)


def recurrence(action: Action) -> Every | None:
    try:
        return Every(action.recurrence) if action.recurrence else None
    except ValueError:
        return None


def standing_of(
    action: Action, *, as_at: dt.date, plan_starts: dt.date, last_update: dt.date | None
) -> Standing:
    completed = (
        action.status == Action.Status.COMPLETED
        and action.completed_on is not None
        and action.completed_on <= as_at
    )
    open_ = not completed and action.status != Action.Status.SUPERSEDED
    overdue = open_ and action.due_on is not None and action.due_on < as_at
    every = recurrence(action)
    next_review = None
    if every is not None and open_:
        next_review = after_interval(max(last_update or plan_starts, plan_starts), every)
    missed = next_review is not None and next_review < as_at
    return Standing(completed, overdue, every, next_review, missed, last_update)
