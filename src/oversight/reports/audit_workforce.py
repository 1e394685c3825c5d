"""The workforce audits: caseloads and capacity (R-CL-1..3), s47 pressure (R-CL-4),
eligibility and FSW-policy breaches (R-AL-1, R-AL-4), supervision compliance and write-ups
(R-SV-1..4) and case oversight gaps (R-SV-5).

Every judgement comes from the engine: the caseload board (`worker_loads_frame`), R-AL-1
breaches (`allocation_breaches`), supervision (`supervision.audit.supervision_audit_rows`, the
numbers the team supervision page shows) and oversight gaps (`oversight_gaps`). This module only
picks columns, looks up names and sorts; each sheet's headline is the registry's measure for the
same date, so the cover, the sheet and the MI pack never disagree. The supervision sheet carries
compliance figures only, never a session's notes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from oversight.engine.caseload import utilisation_rag
from oversight.engine.frames import CaseData
from oversight.engine.measures.caseloads import worker_loads_frame
from oversight.engine.measures.eligibility import allocation_breaches
from oversight.engine.measures.status import child_protection_children, open_allocations
from oversight.engine.measures.supervision import oversight_gaps
from oversight.engine.registry import Context, Result
from oversight.engine.workforce import Grade
from oversight.reports.sheets import (
    AMBER,
    GREEN,
    NO,
    RED,
    AuditSheet,
    Names,
    date,
    grade_label,
    number,
    percent,
    rag,
    shown,
    text,
    whole,
    yes_no,
)
from oversight.supervision.audit import AuditRow

# --- caseloads and capacity (R-CL-1..3) and s47 pressure (R-CL-4) -------------------------


def caseload_sheets(
    data: CaseData, ctx: Context, results: Mapping[str, Result], names: Names
) -> list[AuditSheet]:
    board = worker_loads_frame(data, as_at=ctx.as_at, policy=ctx.policy, calendar=ctx.calendar)
    rows = sorted(
        board.iter_rows(named=True),
        key=lambda r: (names.team_of_worker(r["worker_id"]), names.worker(r["worker_id"])),
    )
    return [_caseloads(rows, ctx, results, names), _s47_pressure(rows, ctx, results, names)]


def _caseloads(
    rows: Sequence[dict[str, Any]], ctx: Context, results: Mapping[str, Result], names: Names
) -> AuditSheet:
    utilisation = results["caseload.utilisation"]
    over = results["caseload.workers_over_capacity"].value
    average = results["caseload.average_per_fte"].value
    rag_word = {"red": RED, "amber": AMBER, "green": GREEN}
    return AuditSheet(
        name="Caseloads",
        title="Caseloads and capacity",
        rules="R-CL-1, R-CL-2, R-CL-3",
        about=(
            "One row per worker in post holding cases: children held as case holder, co-worked "
            "cases, weighted load in points against case capacity, and utilisation rated against "
            f"the policy (amber from {ctx.policy.caseload.utilisation_amber_from:.0%}, red above "
            f"{ctx.policy.caseload.utilisation_red_above:.0%})."
        ),
        headline=(
            f"Utilisation {shown(utilisation.value, percent=True)}; {over} over capacity; "
            f"{shown(average)} cases per FTE social worker"
        ),
        columns=(
            text("Worker"),
            text("Team"),
            text("Experience grade", 26),
            number("FTE", 8),
            whole("Cases held"),
            whole("Co-worked"),
            number("Weighted load"),
            number("Case capacity"),
            percent("Utilisation"),
            rag("RAG"),
        ),
        rows=[
            (
                names.worker(r["worker_id"]),
                names.team_of_worker(r["worker_id"]),
                grade_label(r["grade"]),
                r["fte"],
                r["cases"],
                r["co_worked"],
                r["weighted_load"],
                r["capacity"],
                r["utilisation"],
                rag_word[utilisation_rag(r["utilisation"], ctx.policy).value],
            )
            for r in rows
        ],
    )


def _s47_pressure(
    rows: Sequence[dict[str, Any]], ctx: Context, results: Mapping[str, Result], names: Names
) -> AuditSheet:
    rules = ctx.policy.caseload
    flagged = results["caseload.s47_pressure_flags"].value
    led = sum(r["s47_led"] for r in rows)
    by_pressure = sorted(
        rows,
        key=lambda r: (names.team_of_worker(r["worker_id"]), -(r["s47_per_fte"] or 0.0)),
    )
    return AuditSheet(
        name="S47 pressure",
        title="Section 47 pressure",
        rules="R-CL-4",
        about=(
            f"One row per worker: s47 enquiries they led in the last {rules.s47_window_weeks} "
            "weeks, per FTE, and their share of their team's; flagged when their count per FTE "
            f"is more than {rules.s47_flag_above_median:.0%} above the team's median."
        ),
        headline=f"{flagged} worker{'s' if flagged != 1 else ''} flagged; {led} s47 enquiries led",
        columns=(
            text("Worker"),
            text("Team"),
            text("Experience grade", 26),
            number("FTE", 8),
            whole(f"S47s led ({rules.s47_window_weeks} weeks)", 16),
            number("S47s per FTE"),
            percent("Share of team's s47s", 14),
            rag("Flagged"),
        ),
        rows=[
            (
                names.worker(r["worker_id"]),
                names.team_of_worker(r["worker_id"]),
                grade_label(r["grade"]),
                r["fte"],
                r["s47_led"],
                r["s47_per_fte"],
                r["s47_share"],
                yes_no(r["s47_flag"]),
            )
            for r in by_pressure
        ],
    )


# --- eligibility and the FSW policy (R-AL-1, R-AL-4) --------------------------------------


UNALLOCATED_CP = "Child protection case with no qualified social worker as case holder"
ROLE_ON_CASE = {"holder": "Case holder", "co": "Co-worker"}


def eligibility_sheet(
    data: CaseData, ctx: Context, results: Mapping[str, Result], names: Names
) -> AuditSheet:
    breaches = allocation_breaches(
        data, as_at=ctx.as_at, policy=ctx.policy, calendar=ctx.calendar
    ).sort("days_in_breach", "allocation_id", descending=[True, False])
    rows: list[tuple[Any, ...]] = [
        (
            names.child(r["child_id"]),
            names.worker(r["worker_id"]),
            names.team_of_worker(r["worker_id"]),
            grade_label(r["grade"]),
            ROLE_ON_CASE.get(r["role"], r["role"]),
            r["level"],
            r["reason"],
            r["breach_since"],
            r["days_in_breach"],
            yes_no(r["grade"] == Grade.FSW.value),
        )
        for r in breaches.iter_rows(named=True)
    ]
    unallocated = results["allocation.unallocated_child_protection"]
    rows += [
        (names.child(c), "", names.team_of_child(c), "", "", None, UNALLOCATED_CP, None, None, NO)
        for c in unallocated.cases
    ]
    total = results["allocation.eligibility_breaches"].value
    fsw = results["allocation.fsw_policy_breaches"].value
    return AuditSheet(
        name="Eligibility",
        title="Eligibility and family support worker policy breaches",
        rules="R-AL-1, R-AL-4",
        about=(
            "One row per open allocation and reason that breaks a hard eligibility rule, with "
            "the day the breach began (a case that escalated after allocation is dated from the "
            "escalation); then each child protection case with no qualified case holder."
        ),
        headline=(
            f"{total} allocation{'s' if total != 1 else ''} in breach, {fsw} held by family "
            f"support workers; {unallocated.value} child protection without a social worker"
        ),
        columns=(
            text("Child", 14),
            text("Worker"),
            text("Team"),
            text("Experience grade", 26),
            text("Role on case", 14),
            whole("Complexity level"),
            text("Reason", 60),
            date("In breach since"),
            whole("Days in breach"),
            text("FSW policy (R-AL-4)", 14),
        ),
        rows=rows,
    )


# --- supervision compliance and write-ups (R-SV-1..4) -------------------------------------


def supervision_sheet(audit_rows: Sequence[AuditRow], results: Mapping[str, Result]) -> AuditSheet:
    compliance = results["supervision.compliance_rate"]
    overdue = results["supervision.overdue_workers"].value
    not_written = results["supervision.not_written_up"].value
    return AuditSheet(
        name="Supervision",
        title="Supervision compliance and write-ups",
        rules="R-SV-1, R-SV-2, R-SV-3, R-SV-4",
        about=(
            "One row per worker in post in the month: the interval in force, formal sessions "
            "that count (long enough) and other sessions held in the month, whether every due "
            "date in it was met, the next due date, days overdue at the as-at date and sessions "
            "not written up in time. Figures only: no session's notes."
        ),
        headline=(
            f"Compliance {shown(compliance.value, percent=True)} of worker-months; {overdue} "
            f"overdue now; {not_written} session{'s' if not_written != 1 else ''} not written up"
        ),
        columns=(
            text("Worker"),
            text("Team"),
            text("Role", 20),
            text("Interval in force", 30),
            text("Supervisor"),
            whole("Formal sessions counting", 14),
            whole("Other sessions"),
            rag("Compliant this month", 14),
            date("Last counting session"),
            date("Next due"),
            whole("Days overdue"),
            whole("Sessions not written up", 14),
        ),
        rows=[
            (
                r.worker,
                r.team,
                r.role,
                r.stage,
                r.supervisor,
                r.counting_sessions,
                r.other_sessions,
                r.compliant,
                r.last_session,
                r.next_due,
                r.days_overdue,
                r.not_written_up,
            )
            for r in audit_rows
        ],
    )


# --- case oversight gaps (R-SV-5) -----------------------------------------------------------


def oversight_sheet(
    data: CaseData, ctx: Context, results: Mapping[str, Result], names: Names
) -> AuditSheet:
    rules = ctx.policy.supervision
    gaps = oversight_gaps(data, ctx)
    holders = open_allocations(data, ctx.as_at).filter(pl.col("role") == "holder")
    since = {(c, w): s for c, w, s in holders.select("child_id", "worker_id", "start").iter_rows()}
    protected = set(child_protection_children(data, ctx.as_at)["child_id"].to_list())
    discussed = _last_discussed(data, ctx.as_at)
    rows = []
    for child_id, worker_id in gaps.iter_rows():
        started = since.get((child_id, worker_id))
        last = discussed.get(child_id)
        counted_from = max(d for d in (started, last, dt.date.min) if d is not None)
        weeks = (
            rules.cp_case_oversight_weeks if child_id in protected else rules.case_oversight_weeks
        )
        rows.append(
            (
                names.child(child_id),
                names.worker(worker_id),
                names.team_of_worker(worker_id),
                yes_no(child_id in protected),
                started,
                last,
                (ctx.as_at - counted_from).days if started or last else None,
                7 * weeks,
            )
        )
    rows.sort(key=lambda r: (-(r[6] or 0), r[0]))
    total = results["supervision.case_oversight_gaps"].value
    return AuditSheet(
        name="Case oversight",
        title="Case oversight gaps",
        rules="R-SV-5",
        about=(
            "One row per allocated case not discussed in supervision for longer than the "
            f"policy allows ({rules.case_oversight_weeks} weeks; {rules.cp_case_oversight_weeks} "
            "for a child in child protection), counted from the later of the last discussion "
            "and the start of the allocation."
        ),
        headline=f"{total} case{'s' if total != 1 else ''} without recent management oversight",
        columns=(
            text("Child", 14),
            text("Case holder"),
            text("Team"),
            text("Child protection", 12),
            date("Allocated since"),
            date("Last discussed"),
            whole("Days without oversight", 14),
            whole("Allowed (days)"),
        ),
        rows=rows,
    )


def _last_discussed(data: CaseData, as_at: dt.date) -> dict[int, dt.date]:
    held = data.supervision_sessions.filter(pl.col("held_on") <= as_at).select(
        "session_id", "held_on"
    )
    last = (
        data.case_discussions.join(held, on="session_id")
        .group_by("child_id")
        .agg(pl.col("held_on").max())
    )
    return dict(last.iter_rows())
