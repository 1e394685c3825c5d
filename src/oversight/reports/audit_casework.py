"""The casework audits: overdue and due-soon assessments with reasons for delay (R-TS-10) and
re-referrals with the previous referral and the possible-misclassification flag (R-RR-1, R-RR-5).

Deadlines come from `engine.timeliness.open_deadlines` (as the team page) and re-referral flags
from `flagged_referrals`; the headlines are the registry's measures for the same date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from oversight.engine.frames import CaseData
from oversight.engine.measures.referrals import flagged_referrals
from oversight.engine.measures.status import open_allocations
from oversight.engine.registry import Context, Result
from oversight.engine.timeliness import (
    AssessmentFacts,
    AssessmentKind,
    TimelinessState,
    open_deadlines,
)
from oversight.reports.sheets import (
    AuditSheet,
    Names,
    date,
    rag,
    shown,
    text,
    whole,
    yes_no,
)

# --- overdue and due-soon assessments (R-TS-10) --------------------------------------------


STATE_WORDS = {TimelinessState.OVERDUE: "Overdue", TimelinessState.DUE_SOON: "Due soon"}
KIND_WORDS = {
    AssessmentKind.INITIAL: "Initial",
    AssessmentKind.CORE: "Core",
    AssessmentKind.SINGLE: "Single",
}


def assessments_sheet(
    data: CaseData, ctx: Context, results: Mapping[str, Result], names: Names
) -> AuditSheet:
    statuses = [
        s
        for s in open_deadlines(
            _open_assessment_facts(data, ctx.as_at),
            as_at=ctx.as_at,
            policy=ctx.policy,
            calendar=ctx.calendar,
        )
        if s.state in STATE_WORDS
    ]
    holders = dict(
        open_allocations(data, ctx.as_at)
        .filter(pl.col("role") == "holder")
        .select("child_id", "worker_id")
        .iter_rows()
    )
    rows = []
    for s in statuses:
        worker = s.facts.worker_id or holders.get(s.facts.child_id)
        rows.append(
            (
                names.child(s.facts.child_id),
                KIND_WORDS[s.facts.kind],
                names.worker(worker) or "Unallocated",
                names.team_of_worker(worker) or names.team_of_child(s.facts.child_id),
                s.facts.start,
                s.clock_start,
                s.due_date,
                s.elapsed_days,
                s.days_overdue,
                s.days_left,
                STATE_WORDS[s.state],
                s.facts.delay_reason.strip(),
                yes_no(s.missing_delay_reason),
            )
        )
    overdue = results["assessments.open_overdue"].value
    due_soon = results["assessments.open_due_soon"].value
    missing = sum(1 for s in statuses if s.missing_delay_reason)
    return AuditSheet(
        name="Assessments",
        title="Overdue and due-soon assessments",
        rules="R-TS-2, R-TS-3, R-TS-4, R-TS-10, R-WD-2, R-WD-3",
        about=(
            "One row per assessment open at the as-at date that is overdue or due within "
            f"{ctx.policy.timescales.due_soon_days} working days, most overdue first, with the "
            "recorded reason for delay (an overdue assessment without one is itself a finding)."
        ),
        headline=(f"{overdue} overdue ({missing} with no reason for delay), {due_soon} due soon"),
        columns=(
            text("Child", 14),
            text("Assessment", 12),
            text("Worker"),
            text("Team"),
            date("Started"),
            date("Clock start"),
            date("Due"),
            whole("Working days elapsed", 14),
            whole("Working days overdue", 14),
            whole("Working days left", 12),
            rag("Status"),
            text("Reason for delay", 40),
            text("No reason recorded", 12),
        ),
        rows=rows,
    )


def _open_assessment_facts(data: CaseData, as_at: dt.date) -> list[AssessmentFacts]:
    """Assessments started by as_at and not authorised by then, with their referral's date
    where it was known by then (a later one cannot start the clock)."""
    referrals = data.referrals.filter(pl.col("date") <= as_at).select(
        "referral_id", referral_date="date"
    )
    open_ = (
        data.assessments.filter(
            (pl.col("start") <= as_at)
            & (pl.col("authorised").is_null() | (pl.col("authorised") > as_at))
        )
        .join(referrals, on="referral_id", how="left")
        .sort("assessment_id")
    )
    return [
        AssessmentFacts(
            assessment_id=r["assessment_id"],
            child_id=r["child_id"],
            worker_id=r["worker_id"],
            kind=AssessmentKind(r["kind"]),
            start=r["start"],
            referral_date=r["referral_date"],
            authorised=None,
            delay_reason=r["delay_reason"] or "",
        )
        for r in open_.iter_rows(named=True)
    ]


# --- re-referrals (R-RR-1, R-RR-5) ----------------------------------------------------------


def rereferrals_sheet(
    data: CaseData, ctx: Context, results: Mapping[str, Result], names: Names
) -> AuditSheet:
    last_day = min(ctx.period.end, ctx.as_at)
    flagged = flagged_referrals(data, ctx.as_at, ctx.policy.referrals)
    previous = _previous_referrals(data, ctx.as_at)
    rereferrals = (
        flagged.filter(pl.col("rereferral") & pl.col("date").is_between(ctx.period.start, last_day))
        .join(previous, on=["child_id", "previous_date"], how="left")
        .sort("date", "referral_id")
    )
    rows = [
        (
            names.child(r["child_id"]),
            r["date"],
            r["source"],
            yes_no(r["nfa"]),
            r["previous_date"],
            (r["date"] - r["previous_date"]).days,
            r["previous_source"],
            yes_no(r["previous_nfa"]),
            r["previous_closure_reason"] or "",
            yes_no(r["previous_misclassified"]),
        )
        for r in rereferrals.iter_rows(named=True)
    ]
    rate = results["referrals.rereferral_rate"]
    excluding = results["referrals.rereferral_rate_excluding_misclassified"]
    return AuditSheet(
        name="Re-referrals",
        title="Re-referrals",
        rules="R-RR-1, R-RR-2, R-RR-5",
        about=(
            "One row per referral in the period whose child had an earlier referral within "
            "the re-referral window, with that previous referral. 'Possible misclassification' "
            "marks a previous referral closed with no further action and no assessment, s47 or "
            "plan: perhaps a contact recorded as a referral. Listed for audit, never changed."
        ),
        headline=(
            f"Re-referral rate {shown(rate.value, percent=True)} ({rate.numerator} of "
            f"{rate.denominator}); {shown(excluding.value, percent=True)} leaving out those "
            "after a possible misclassification"
        ),
        columns=(
            text("Child", 14),
            date("Referral date"),
            text("Source", 8),
            text("Closed NFA", 10),
            date("Previous referral"),
            whole("Days since previous", 12),
            text("Previous source", 10),
            text("Previous closed NFA", 12),
            text("Previous closure reason", 12),
            rag("Possible misclassification", 16),
        ),
        rows=rows,
    )


def _previous_referrals(data: CaseData, as_at: dt.date) -> pl.DataFrame:
    """Each child's referral on each date, as known at as_at: the last of the day (highest
    id, the engine's tie-break for "most recent"), keyed as (child_id, previous_date)."""
    closed = pl.col("closure_date").is_not_null() & (pl.col("closure_date") <= as_at)
    return (
        data.referrals.filter(pl.col("date") <= as_at)
        .sort("referral_id")
        .group_by("child_id", "date")
        .agg(pl.all().last())
        .select(
            "child_id",
            previous_date="date",
            previous_source="source",
            previous_nfa=pl.col("nfa"),
            previous_closure_reason=pl.when(closed).then(pl.col("closure_reason")),
        )
    )
