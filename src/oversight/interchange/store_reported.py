"""Allocations as Annex A reports them (the rule is in reported.py), stored.

Where Oversight holds no open allocation for a child whose episode of need is open, the named
worker becomes the case holder, marked in its rationale as taken from Annex A. Where Oversight
already holds an open allocation, Oversight's record is kept and a different name is a warning.
Closed cases get no allocation. See docs/importing.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from oversight.cases.models import Allocation, Assessment, ChildProtectionPlan, Referral, Section47
from oversight.interchange.extract import Extract
from oversight.interchange.reported import Span, named_workers, reported_allocation
from oversight.interchange.store import BATCH, StoreContext

RATIONALE = "Allocated worker as reported by the Annex A extract; the start date is the first "
RATIONALE += "date in the extract on which this worker is named, not the recorded start."


def store_reported_allocations(ctx: StoreContext, extract: Extract) -> None:
    named = named_workers(extract.rows("children"))
    if extract.source != "annex-a" or not named:
        return
    in_la = {"child__local_authority": ctx.la}
    open_episodes = dict(
        Referral.objects.filter(**in_la, closure_date__isnull=True).values_list("child_id", "date")
    )
    held = {
        a.child_id: a
        for a in Allocation.objects.filter(
            **in_la, role=Allocation.Role.CASE_HOLDER, end_date__isnull=True
        ).select_related("worker")
    }
    protection, assessing = _spans(ctx)
    new, count = [], ctx.count("allocations")
    for child_id, said in named.items():
        child = ctx.children[child_id]
        worker = ctx.worker_id(said.worker, said.row)
        if worker is None or child not in open_episodes:
            continue
        holding = held.get(child)
        if holding is None:
            found = reported_allocation(
                child_id, said, open_episodes[child], protection[child], assessing[child]
            )
            new.append(
                Allocation(
                    child_id=child,
                    worker_id=worker,
                    start_date=found.start,
                    complexity_level=found.level,
                    rationale=RATIONALE,
                )
            )
            continue
        count.unchanged += 1
        if holding.worker_id != worker:
            ctx.problem(
                said.row,
                "Allocated Worker",
                said.worker,
                f"Oversight records {holding.worker.name} as holding this case since "
                f"{holding.start_date:%d/%m/%Y}; Oversight's record is kept",
                "warning",
            )
    Allocation.objects.bulk_create(new, batch_size=BATCH)
    count.new += len(new)


def _spans(ctx: StoreContext) -> tuple[dict[int, list[Span]], dict[int, list[Span]]]:
    """Each child's s47 enquiries and CP plans (protection) and assessments, start to end."""
    in_la = {"child__local_authority": ctx.la}
    protection: dict[int, list[Span]] = defaultdict(list)
    assessing: dict[int, list[Span]] = defaultdict(list)
    rows: list[tuple[int, dt.date, dt.date | None]]
    rows = list(
        Section47.objects.filter(**in_la).values_list("child_id", "strategy_date", "icpc_date")
    )
    rows += ChildProtectionPlan.objects.filter(**in_la).values_list(
        "child_id", "start_date", "end_date"
    )
    for child, start, end in rows:
        protection[child].append((start, end))
    for child, start, end in Assessment.objects.filter(**in_la).values_list(
        "child_id", "start_date", "authorised_date"
    ):
        assessing[child].append((start, end))
    return protection, assessing
