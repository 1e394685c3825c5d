"""Allocation eligibility at a date: the R-AL-1 hard rules and the R-AL-4 FSW policy audit.

`allocation_breaches` lists every open allocation that breaks a hard rule, one row per reason,
with the day the breach began; the measures below count them, and allocation recommendations
reuse the same function so a rule is only ever written here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from enum import StrEnum

import polars as pl

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import CaseData
from oversight.engine.measures.status import (
    child_protection_children,
    open_allocations,
    worker_standing,
)
from oversight.engine.policy import Policy
from oversight.engine.registry import (
    REGISTRY,
    Cases,
    Context,
    Direction,
    Measure,
    Result,
    Unit,
    count,
)
from oversight.engine.workforce import Grade

# R-CL-2 defines the levels (not a policy value): 3 is child protection, an s47 in progress or
# pre-proceedings; 4 is care proceedings.
CHILD_PROTECTION_LEVEL = 3
CARE_PROCEEDINGS_LEVEL = 4

HOLDER = "holder"
CO_WORKER = "co"


class Reason(StrEnum):
    """Why an allocation breaks R-AL-1 (the `reason_code` column)."""

    ABOVE_GRADE_MAX = "above_grade_max"
    ASYE_CO_WORK_ONLY = "asye_co_work_only"
    ASYE_CARE_PROCEEDINGS = "asye_care_proceedings"
    FSW_CHILD_PROTECTION = "fsw_child_protection"


# How a grade reads inside a sentence ("… the most an ASYE may hold (2)").
GRADE_PHRASES = {
    Grade.FSW: "an FSW",
    Grade.ASYE: "an ASYE",
    Grade.SW: "a social worker",
    Grade.EXPERIENCED_SW: "an experienced social worker",
    Grade.SENIOR: "a senior practitioner",
}

FSW_CHILD_PROTECTION_TEXT = "FSW: child protection cases are never held by a family support worker"

BREACH_SCHEMA = {
    "allocation_id": pl.Int64(),
    "child_id": pl.Int64(),
    "worker_id": pl.Int64(),
    "role": pl.String(),
    "grade": pl.String(),
    "level": pl.Int64(),
    "reason_code": pl.String(),
    "reason": pl.String(),
    "breach_since": pl.Date(),
    "days_in_breach": pl.Int64(),
}

FAMILY = "eligibility"

MEASURES = [
    Measure(
        id="allocation.eligibility_breaches",
        title="Allocations that break the eligibility rules",
        definition=(
            "R-AL-1: open allocations whose worker's grade may not hold (or co-work) the case's "
            "current complexity level, or child protection work held by a family support "
            "worker; broken down by reason."
        ),
        rule="R-AL-1",
        unit=Unit.COUNT,
        direction=Direction.DOWN,
        family=FAMILY,
    ),
    Measure(
        id="allocation.fsw_policy_breaches",
        title="Family support worker cases outside policy",
        definition=(
            "R-AL-4: open allocations held or co-worked by a family support worker whose current "
            "complexity or child protection status breaks R-AL-1, with the days each has been in "
            "breach and how many escalated after allocation."
        ),
        rule="R-AL-1, R-AL-4",
        unit=Unit.COUNT,
        direction=Direction.DOWN,
        family=FAMILY,
    ),
    Measure(
        id="allocation.unallocated_child_protection",
        title="Child protection cases without a qualified social worker",
        definition=(
            "R-AL-1: children in child protection (an s47 in progress, a CP plan, or a case at "
            "level 3 or above) with no open case-holder allocation to a qualified worker in post."
        ),
        rule="R-AL-1",
        unit=Unit.COUNT,
        direction=Direction.DOWN,
        family=FAMILY,
    ),
    Measure(
        id="data_quality.allocation_to_absent_worker",
        title="Open allocations to a worker not in post",
        definition=(
            "R-CL-1, R-AL-1: open allocations whose worker is not on the workforce list or is "
            "not in post on the date measured (left or not yet started); their eligibility "
            "cannot be judged."
        ),
        rule="R-CL-1, R-AL-1",
        unit=Unit.COUNT,
        direction=Direction.DOWN,
        family=FAMILY,
    ),
]


def allocation_breaches(
    data: CaseData, *, as_at: dt.date, policy: Policy, calendar: WorkingDayCalendar
) -> pl.DataFrame:
    """R-AL-1 at `as_at`: one row per (open allocation, reason) that breaks a hard rule.

    Columns: allocation_id, child_id, worker_id, role, grade, level, reason_code, reason,
    breach_since, days_in_breach. Allocations to a worker not in post have no grade and are
    not judged here (see `data_quality.allocation_to_absent_worker`)."""
    return _breaches(
        data,
        open_allocations(data, as_at),
        _grades(data, as_at, policy, calendar),
        child_protection_children(data, as_at),
        as_at=as_at,
        policy=policy,
    )


def _grades(
    data: CaseData, as_at: dt.date, policy: Policy, calendar: WorkingDayCalendar
) -> pl.DataFrame:
    return worker_standing(data, as_at, policy, calendar).select("worker_id", "grade")


def _limits(policy: Policy) -> tuple[dict[str, int], int | None]:
    """The most each grade may hold, and the most an ASYE may co-work: the policy's co-worked
    limit, never care proceedings, and never less than what an ASYE may hold as case holder."""
    rules = policy.eligibility
    asye_holds = rules.max_complexity.get(Grade.ASYE.value)
    if asye_holds is None:  # no limit configured for the grade
        return dict(rules.max_complexity), None
    co_worked = min(rules.asye_co_worked_max_complexity, CARE_PROCEEDINGS_LEVEL - 1)
    return dict(rules.max_complexity), max(asye_holds, co_worked)


def pair_breaches(
    grade: Grade, role: str, level: int, *, child_protection: bool, policy: Policy
) -> list[tuple[Reason, str]]:
    """R-AL-1 for one worker and one case: every hard rule that holding (`role` "holder") or
    co-working ("co") a case at `level` would break, as (reason, sentence). The same rules as
    `allocation_breaches` over whole frames (a property test keeps the two in step)."""
    holds, asye_co_works = _limits(policy)
    asye_co = grade == Grade.ASYE and role == CO_WORKER
    limit = asye_co_works if asye_co else holds.get(grade.value)
    found: list[tuple[Reason, str]] = []
    if limit is not None and level > limit:
        found.append(_over_limit(grade, role, level, limit, asye_co_works))
    fsw_cp = child_protection or level >= CHILD_PROTECTION_LEVEL
    if grade == Grade.FSW and fsw_cp and not policy.eligibility.fsw_may_hold_child_protection:
        found.append((Reason.FSW_CHILD_PROTECTION, FSW_CHILD_PROTECTION_TEXT))
    return found


def _over_limit(
    grade: Grade, role: str, level: int, limit: int, asye_co_works: int | None
) -> tuple[Reason, str]:
    if grade == Grade.ASYE and role == HOLDER and (asye_co_works or 0) >= level:
        return Reason.ASYE_CO_WORK_ONLY, f"ASYE: level {level} only when co-worked"
    if grade == Grade.ASYE and role == CO_WORKER and level >= CARE_PROCEEDINGS_LEVEL:
        return (
            Reason.ASYE_CARE_PROCEEDINGS,
            f"ASYE: care proceedings (level {level}) are never held by an ASYE, even co-worked",
        )
    verb = "co-work" if role == CO_WORKER else "hold"
    return (
        Reason.ABOVE_GRADE_MAX,
        f"Level {level} is above the most {GRADE_PHRASES[grade]} may {verb} ({limit})",
    )


def _breaches(
    data: CaseData,
    allocations: pl.DataFrame,
    grades: pl.DataFrame,
    protection: pl.DataFrame,
    *,
    as_at: dt.date,
    policy: Policy,
) -> pl.DataFrame:
    holds, asye_co_works = _limits(policy)
    role, grade, level = pl.col("role"), pl.col("grade"), pl.col("level")
    asye_co = (grade == Grade.ASYE.value) & (role == CO_WORKER)
    judged = (
        allocations.join(grades, on="worker_id", how="inner")
        .join(protection.rename({"since": "cp_since"}), on="child_id", how="left")
        .with_columns(
            limit=pl.when(asye_co)
            .then(pl.lit(asye_co_works, dtype=pl.Int64))
            .otherwise(grade.replace_strict(holds, default=None, return_dtype=pl.Int64))
        )
        .with_columns(
            over=(level > pl.col("limit")).fill_null(False),
            fsw_cp=(
                (grade == Grade.FSW.value)
                & (pl.col("cp_since").is_not_null() | (level >= CHILD_PROTECTION_LEVEL))
                & pl.lit(not policy.eligibility.fsw_may_hold_child_protection)
            ),
        )
        .filter(pl.col("over") | pl.col("fsw_cp"))
    )
    judged = judged.join(_run_starts(data, judged, as_at), on="allocation_id", how="left")

    over = judged.filter("over").with_columns(
        reason_code=_reason_code(asye_co_works),
        breach_since=pl.col("over_since"),
    )
    over = over.with_columns(reason=_reason_text(grade, role))
    fsw_cp = judged.filter("fsw_cp").with_columns(
        reason_code=pl.lit(Reason.FSW_CHILD_PROTECTION.value),
        reason=pl.lit(FSW_CHILD_PROTECTION_TEXT),
        # Child protection began with the s47 or plan, or when the level reached 3,
        # whichever came first; never before this worker had the case.
        breach_since=pl.max_horizontal("start", pl.min_horizontal("cp_since", "cp_level_since")),
    )
    columns = [c for c in BREACH_SCHEMA if c != "days_in_breach"]
    return (
        pl.concat([over.select(columns), fsw_cp.select(columns)])
        .with_columns(
            days_in_breach=(pl.lit(as_at) - pl.col("breach_since")).dt.total_days(),
        )
        .cast(BREACH_SCHEMA)  # type: ignore[arg-type]
        .sort("allocation_id", "reason_code")
    )


def _run_starts(data: CaseData, judged: pl.DataFrame, as_at: dt.date) -> pl.DataFrame:
    """For each allocation in breach, the day its current unbroken run above the grade's limit
    began (`over_since`), and likewise at child protection level (`cp_level_since`), from the
    level recorded at allocation and the re-assessments since (R-CL-2). A re-assessment that
    merely confirms a level does not restart the count."""
    wanted = judged.select("allocation_id", "child_id", "start", "complexity_level", "limit")
    initial = wanted.select(
        "allocation_id", "limit", on=pl.col("start"), level=pl.col("complexity_level")
    )
    reassessed = (
        wanted.join(data.complexity.filter(pl.col("assessed_on") <= as_at), on="child_id")
        .filter(pl.col("assessed_on") >= pl.col("start"))
        .select("allocation_id", "limit", on=pl.col("assessed_on"), level=pl.col("level"))
    )
    # A re-assessment on the allocation's first day replaces the level recorded at allocation.
    history = pl.concat([initial, reassessed]).unique(
        ["allocation_id", "on"], keep="last", maintain_order=True
    )
    flags = history.with_columns(
        over=(pl.col("level") > pl.col("limit")).fill_null(False),
        cp_level=pl.col("level") >= CHILD_PROTECTION_LEVEL,
    )
    # Each run starts on the first day the flag holds after the last day it did not.
    last_fine = flags.group_by("allocation_id").agg(
        _last_day(~pl.col("over")).alias("over_fine"),
        _last_day(~pl.col("cp_level")).alias("cp_level_fine"),
    )
    return (
        flags.join(last_fine, on="allocation_id")
        .group_by("allocation_id")
        .agg(
            _first_day(_after(pl.col("over"), "over_fine")).alias("over_since"),
            _first_day(_after(pl.col("cp_level"), "cp_level_fine")).alias("cp_level_since"),
        )
    )


# Aggregations written as when/then rather than filter, which polars runs per group slowly.
def _last_day(condition: pl.Expr) -> pl.Expr:
    return pl.when(condition).then(pl.col("on")).max()


def _first_day(condition: pl.Expr) -> pl.Expr:
    return pl.when(condition).then(pl.col("on")).min()


def _after(flag: pl.Expr, last_fine: str) -> pl.Expr:
    return flag & (pl.col(last_fine).is_null() | (pl.col("on") > pl.col(last_fine)))


def _reason_code(asye_co_works: int | None) -> pl.Expr:
    grade, role, level = pl.col("grade"), pl.col("role"), pl.col("level")
    is_asye = grade == Grade.ASYE.value
    co_limit = pl.lit(asye_co_works, dtype=pl.Int64)
    return (
        pl.when(is_asye & (role == HOLDER) & (level <= co_limit))
        .then(pl.lit(Reason.ASYE_CO_WORK_ONLY.value))
        .when(is_asye & (role == CO_WORKER) & (level >= CARE_PROCEEDINGS_LEVEL))
        .then(pl.lit(Reason.ASYE_CARE_PROCEEDINGS.value))
        .otherwise(pl.lit(Reason.ABOVE_GRADE_MAX.value))
    )


def _reason_text(grade: pl.Expr, role: pl.Expr) -> pl.Expr:
    code, level = pl.col("reason_code"), pl.col("level")
    phrase = grade.replace_strict(
        {g.value: p for g, p in GRADE_PHRASES.items()}, default=grade, return_dtype=pl.String
    )
    verb = pl.when(role == CO_WORKER).then(pl.lit("co-work")).otherwise(pl.lit("hold"))
    return (
        pl.when(code == Reason.ASYE_CO_WORK_ONLY.value)
        .then(pl.format("ASYE: level {} only when co-worked", level))
        .when(code == Reason.ASYE_CARE_PROCEEDINGS.value)
        .then(
            pl.format(
                "ASYE: care proceedings (level {}) are never held by an ASYE, even co-worked",
                level,
            )
        )
        .otherwise(
            pl.format("Level {} is above the most {} may {} ({})", level, phrase, verb, "limit")
        )
    )


def _allocation_count(frame: pl.DataFrame) -> Result:
    """A count of distinct allocations, with their children as the cases."""
    return count(frame["allocation_id"].n_unique(), _children(frame))


def _children(frame: pl.DataFrame) -> Cases:
    return Cases.of(frame.get_column("child_id"))


# The measures that need the R-AL-1 breaches themselves.
BREACH_MEASURES = frozenset({"allocation.eligibility_breaches", "allocation.fsw_policy_breaches"})


@REGISTRY.family(FAMILY, MEASURES)
def eligibility(
    data: CaseData, ctx: Context, *, wanted: Collection[str] | None = None
) -> dict[str, Result]:
    ids = frozenset(m.id for m in MEASURES) if wanted is None else frozenset(wanted)
    as_at = ctx.as_at
    allocations = open_allocations(data, as_at)
    grades = _grades(data, as_at, ctx.policy, ctx.calendar)
    protection = child_protection_children(data, as_at)
    results: dict[str, Result] = {}
    if ids & BREACH_MEASURES:
        breaches = _breaches(data, allocations, grades, protection, as_at=as_at, policy=ctx.policy)
        by_reason = {
            f"reason:{reason.value}": _allocation_count(
                breaches.filter(pl.col("reason_code") == reason.value)
            )
            for reason in Reason
        }
        everything = _allocation_count(breaches)
        results["allocation.eligibility_breaches"] = Result(
            everything.value, everything.numerator, None, everything.cases, by_reason
        )
        results["allocation.fsw_policy_breaches"] = _fsw_audit(allocations, breaches, as_at)
    if "allocation.unallocated_child_protection" in ids:
        results["allocation.unallocated_child_protection"] = _unallocated(
            allocations, grades, protection
        )
    if "data_quality.allocation_to_absent_worker" in ids:
        absent = allocations.join(grades, on="worker_id", how="anti")
        results["data_quality.allocation_to_absent_worker"] = _allocation_count(absent)
    return results


def _fsw_audit(allocations: pl.DataFrame, breaches: pl.DataFrame, as_at: dt.date) -> Result:
    """R-AL-4: FSW allocations in breach, each dated from its earliest reason."""
    fsw = (
        breaches.filter(pl.col("grade") == Grade.FSW.value)
        .group_by("allocation_id")
        .agg(pl.col("child_id").first(), pl.col("breach_since").min())
        .join(allocations.select("allocation_id", "start"), on="allocation_id")
        .with_columns(days=(pl.lit(as_at) - pl.col("breach_since")).dt.total_days())
    )
    escalated = fsw.filter(pl.col("breach_since") > pl.col("start"))
    days = fsw.group_by("child_id").agg(pl.col("days").max()).sort("child_id")
    breakdown = {"escalated_after_allocation": _allocation_count(escalated)}
    breakdown |= {
        f"days:{child}": count(n, (child,))
        for child, n in zip(days["child_id"].to_list(), days["days"].to_list(), strict=True)
    }
    total = _allocation_count(fsw)
    return Result(total.value, total.numerator, None, total.cases, breakdown)


def _unallocated(
    allocations: pl.DataFrame, grades: pl.DataFrame, protection: pl.DataFrame
) -> Result:
    """Children in child protection (an s47 or plan, or an open case at level 3 or above) with
    no case holder who is a qualified worker in post."""
    in_protection = pl.concat(
        [
            protection.select("child_id"),
            allocations.filter(pl.col("level") >= CHILD_PROTECTION_LEVEL).select("child_id"),
        ]
    ).unique()
    qualified_holders = allocations.filter(pl.col("role") == HOLDER).join(
        grades.filter(pl.col("grade") != Grade.FSW.value), on="worker_id", how="semi"
    )
    unallocated = in_protection.join(qualified_holders, on="child_id", how="anti")
    return count(unallocated.height, _children(unallocated))
