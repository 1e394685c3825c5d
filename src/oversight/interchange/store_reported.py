"""Allocations as Annex A reports them: the child's allocated worker on the extract.

Annex A says who holds each case *now*, not since when. Where Oversight holds no open allocation
for a child whose episode of need is open, the named worker becomes the case holder from the
earliest date in the extract on which the child's rows name them (never before the episode
began), marked in its rationale as taken from Annex A. Where Oversight already holds an open
allocation, Oversight's record is kept and a different name is a warning. Closed cases get no
allocation. See docs/importing.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from oversight.cases.models import (
    Allocation,
    Assessment,
    ChildProtectionPlan,
    ComplexityLevel,
    Referral,
    Section47,
)
from oversight.interchange.extract import Extract, Row
from oversight.interchange.store import BATCH, StoreContext, normalise_name

RATIONALE = "Allocated worker as reported by the Annex A extract; the start date is the first "
RATIONALE += "date in the extract on which this worker is named, not the recorded start."


def store_reported_allocations(ctx: StoreContext, extract: Extract) -> None:
    named = _named_workers(extract.rows("children"))
    if extract.source != "annex-a" or not named:
        return
    children = ctx.children
    open_episodes = dict(
        Referral.objects.filter(
            child__local_authority=ctx.la, closure_date__isnull=True
        ).values_list("child_id", "date")
    )
    held = {
        a.child_id: a
        for a in Allocation.objects.filter(
            child__local_authority=ctx.la, role=Allocation.Role.CASE_HOLDER, end_date__isnull=True
        ).select_related("worker")
    }
    levels = _levels(ctx)
    new, count = [], ctx.count("allocations")
    for child_id, (name, seen, row) in named.items():
        child = children[child_id]
        worker = ctx.worker_id(name, row)
        if worker is None or child not in open_episodes:
            continue
        holding = held.get(child)
        if holding is not None:
            count.unchanged += 1
            if holding.worker_id != worker:
                ctx.problem(
                    row,
                    "Allocated Worker",
                    name,
                    f"Oversight records {holding.worker.name} as holding this case since "
                    f"{holding.start_date:%d/%m/%Y}; Oversight's record is kept",
                    "warning",
                )
            continue
        start = max(min(seen), open_episodes[child])
        new.append(
            Allocation(
                child_id=child,
                worker_id=worker,
                start_date=start,
                complexity_level=levels(child, start),
                rationale=RATIONALE,
            )
        )
    Allocation.objects.bulk_create(new, batch_size=BATCH)
    count.new += len(new)


def _named_workers(rows: list[Row]) -> dict[str, tuple[str, list[dt.date], Row]]:
    """Per child: the worker named on their latest row, and every date naming that worker."""
    latest: dict[str, Row] = {}
    for row in rows:
        day = row.values.get("seen_on")
        if row.values.get("worker") and day:
            held = latest.get(row.values["la_child_id"])
            if held is None or day >= held.values["seen_on"]:
                latest[row.values["la_child_id"]] = row
    dates: dict[str, list[dt.date]] = defaultdict(list)
    for row in rows:
        child = row.values["la_child_id"]
        if child in latest and row.values.get("seen_on") and _same_worker(row, latest[child]):
            dates[child].append(row.values["seen_on"])
    return {child: (row.values["worker"], dates[child], row) for child, row in latest.items()}


def _same_worker(row: Row, other: Row) -> bool:
    name = row.values.get("worker")
    return bool(name) and normalise_name(name) == normalise_name(other.values["worker"])


def _levels(ctx: StoreContext):  # type: ignore[no-untyped-def]
    """R-CL-2 level at the allocation's start, from the records: an s47 or CP plan open then
    is level 3; an assessment open then is level 2; otherwise level 1."""
    la = ctx.la
    protection: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for child, start, end in Section47.objects.filter(child__local_authority=la).values_list(
        "child_id", "strategy_date", "icpc_date"
    ):
        protection[child].append((start, end))
    for child, start, end in ChildProtectionPlan.objects.filter(
        child__local_authority=la
    ).values_list("child_id", "start_date", "end_date"):
        protection[child].append((start, end))
    assessing: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for child, start, end in Assessment.objects.filter(child__local_authority=la).values_list(
        "child_id", "start_date", "authorised_date"
    ):
        assessing[child].append((start, end))

    def level(child: int, day: dt.date) -> int:
        if _open_on(protection[child], day):
            return ComplexityLevel.CHILD_PROTECTION
        if _open_on(assessing[child], day):
            return ComplexityLevel.CIN_COMPLEX
        return ComplexityLevel.CIN_LOW

    return level


def _open_on(spans: list[tuple[dt.date, dt.date | None]], day: dt.date) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in spans)
