"""Where each worker stands with supervision (R-SV-1..4), for the supervision pages.

Scoped reads of the workforce (people.queries) become the engine's frames; the engine's
supervision functions (engine/measures/supervision.py) then give the chain of sessions, the next
due date, months met or missed. Nothing here re-implements a rule: it only shapes the engine's
answers for a page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db.models import QuerySet

from oversight.cases.engine_data import load_case_data
from oversight.cases.models import Child
from oversight.engine.frames import CaseData
from oversight.engine.measures.supervision import (
    chain,
    overdue,
    oversight_gaps,
    supervised_workers,
    worker_months,
)
from oversight.engine.periods import add_months
from oversight.engine.policy import MonthlyInterval, Policy
from oversight.engine.registry import Context, Period
from oversight.people.models import Worker
from oversight.policy.queries import calendar_for, current_policy
from oversight.supervision.models import SupervisionSession


@dataclass(frozen=True)
class Standing:
    """One worker's supervision at a date."""

    worker: Worker
    stage: str  # the interval in force, in words
    last_session: dt.date | None  # the last formal session long enough to count
    next_due: dt.date | None  # None when the worker is not held to an interval
    days_overdue: int  # calendar days past next_due (0 when not overdue)
    not_written_up: int  # sessions they received, past the write-up deadline, not written up

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass(frozen=True)
class Month:
    first_day: dt.date
    compliant: bool | None  # None: not in post (or not supervised) that month
    asye: bool


@dataclass(frozen=True)
class Step:
    """One link of an ASYE's chain: from a session (or the start in post), the next was due."""

    since: dt.date
    due: dt.date
    met_on: dt.date | None  # the next counting session, if it came by the due date
    state: str  # "met", "missed" or "not yet due"


def context_for(as_at: dt.date, months: int = 12) -> tuple[Context, int]:
    """The engine context for a page: the policy in force, the calendar months up to and
    including as_at's month."""
    policy, version = current_policy()
    start = add_months(as_at.replace(day=1), -(months - 1))
    return Context(as_at, Period(start, as_at), policy, calendar_for(policy)), version


def _data(workers: QuerySet[Worker]) -> CaseData:
    return load_case_data(Child.objects.none(), workers)


def standings(workers: QuerySet[Worker], as_at: dt.date) -> list[Standing]:
    """Each worker (in name order) with their interval, last session, next due and overdue days."""
    ctx, _version = context_for(as_at)
    data = _data(workers)
    frame = supervised_workers(data, ctx)
    links = chain(data, frame, ctx)
    last_link = links.group_by("worker_id").agg(pl.all().last())
    late = {
        row["worker_id"]: row["days_overdue"] for row in overdue(frame, links, as_at).to_dicts()
    }
    sessions = _last_sessions(data, ctx)
    stages = {row["worker_id"]: _stage(row, as_at, ctx.policy) for row in frame.to_dicts()}
    due = dict(last_link.select("worker_id", "due").iter_rows())
    files = _not_written_up(workers, ctx)
    return [
        Standing(
            worker=w,
            stage=stages.get(w.pk, "Not held to an interval here"),
            last_session=sessions.get(w.pk),
            next_due=due.get(w.pk) if w.pk in stages else None,
            days_overdue=late.get(w.pk, 0),
            not_written_up=files.get(w.pk, 0),
        )
        for w in workers.select_related("team", "supervisor").order_by("name")
    ]


def _last_sessions(data: CaseData, ctx: Context) -> dict[int, dt.date]:
    rules = ctx.policy.supervision
    counting = data.supervision_sessions.filter(
        (pl.col("kind") == "formal")
        & (pl.col("minutes") >= rules.minimum_minutes)
        & (pl.col("held_on") <= ctx.as_at)
    )
    last = counting.group_by("supervisee_id").agg(pl.col("held_on").max())
    return dict(last.iter_rows())


def _stage(row: dict[str, Any], as_at: dt.date, policy: Policy) -> str:
    """R-SV-1: the interval in force on as_at, in the words a manager uses."""
    rules = policy.supervision
    if row["fsw"]:
        return f"Every {rules.fsw_interval_days} days (family support worker)"
    asye_until = row["asye_until"]
    if asye_until is not None and as_at < asye_until:
        if as_at < row["weekly_until"]:
            return f"Weekly (ASYE, first {rules.asye_weekly_weeks} weeks)"
        if as_at < row["fortnightly_until"]:
            return f"Fortnightly (ASYE, to {rules.asye_fortnightly_months} months)"
        return "Monthly (ASYE)"
    if rules.monthly_interval == MonthlyInterval.CALENDAR_MONTH:
        return "Monthly"
    return f"Monthly (every {rules.monthly_days} days)"


def _not_written_up(workers: QuerySet[Worker], ctx: Context) -> dict[int, int]:
    """R-SV-4 outstanding files, by supervisee: past the write-up deadline, not written up."""
    days = ctx.policy.supervision.write_up_working_days
    pending = SupervisionSession.objects.filter(
        supervisee__in=workers, held_on__lte=ctx.as_at
    ).exclude(written_up_on__lte=ctx.as_at)
    counts: dict[int, int] = defaultdict(int)
    for supervisee, held_on in pending.values_list("supervisee_id", "held_on"):
        if ctx.calendar.add(held_on, days) < ctx.as_at:
            counts[supervisee] += 1
    return counts


def oversight_gaps_by_worker(
    children: QuerySet[Child], workers: QuerySet[Worker], as_at: dt.date
) -> dict[int, int]:
    """R-SV-5: each worker's open held cases past the oversight interval (8 weeks, 4 in child
    protection), from the engine; `children` is the caller's scope (cases_visible_to)."""
    ctx, _version = context_for(as_at)
    gaps = oversight_gaps(load_case_data(children, workers), ctx)
    counts = gaps.group_by("worker_id").agg(pl.len().alias("cases"))
    return dict(counts.iter_rows())


def write_ups_owed(supervisor: Worker, as_at: dt.date) -> list[SupervisionSession]:
    """Sessions this supervisor held that are past their write-up deadline (R-SV-4)."""
    ctx, _version = context_for(as_at)
    days = ctx.policy.supervision.write_up_working_days
    pending = (
        SupervisionSession.objects.filter(supervisor=supervisor, held_on__lte=as_at)
        .exclude(written_up_on__lte=as_at)
        .select_related("supervisee")
        .order_by("held_on")
    )
    return [s for s in pending if ctx.calendar.add(s.held_on, days) < as_at]


def monthly_history(
    workers: QuerySet[Worker], as_at: dt.date, months: int = 12
) -> tuple[list[dt.date], dict[int, list[Month]]]:
    """R-SV-2 month by month: the months shown, and for each worker a cell per month."""
    ctx, _version = context_for(as_at, months)
    data = _data(workers)
    frame = supervised_workers(data, ctx)
    judged = worker_months(frame, chain(data, frame, ctx), ctx)
    first = ctx.period.start
    shown = [add_months(first, k) for k in range(months) if add_months(first, k) <= as_at]
    cells: dict[int, dict[dt.date, Month]] = defaultdict(dict)
    for row in judged.iter_rows(named=True):
        day = dt.date(row["month"] // 12, row["month"] % 12 + 1, 1)
        cells[row["worker_id"]][day] = Month(day, row["compliant"], row["asye"])
    return shown, {
        w: [cells[w].get(day, Month(day, None, False)) for day in shown]
        for w in workers.values_list("id", flat=True)
    }


def asye_timeline(worker: Worker, as_at: dt.date) -> list[Step]:
    """Each session an ASYE's year required, from their start in post: met or missed (R-SV-1)."""
    ctx, _version = context_for(as_at)
    data = _data(Worker.objects.filter(pk=worker.pk))
    frame = supervised_workers(data, ctx)
    rows = frame.to_dicts()
    if not rows or rows[0]["asye_until"] is None:
        return []
    asye_until = rows[0]["asye_until"]
    steps = []
    for link in chain(data, frame, ctx).iter_rows(named=True):
        if link["day"] >= asye_until:
            break
        met = link["next"] is not None and link["next"] <= link["due"]
        if met:
            state = "met"
        elif link["due"] < as_at:
            state = "missed"
        else:
            state = "not yet due"
        steps.append(Step(link["day"], link["due"], link["next"] if met else None, state))
    return steps
