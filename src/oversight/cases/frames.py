"""Case activity from the database as the engine's typed records, in a fixed number of queries.

Only facts known at `as_at` are loaded, so a page or report for a past date reproduces exactly.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q, QuerySet

from oversight.cases.models import Allocation, Assessment, Child, ComplexityAssessment
from oversight.engine.caseload import AllocationFacts, CaseRole
from oversight.engine.timeliness import AssessmentFacts, AssessmentKind


def open_allocation_facts(
    allocations: QuerySet[Allocation], *, as_at: dt.date
) -> list[AllocationFacts]:
    """Allocations open at `as_at`, each carrying the case's complexity level in force then:
    the latest re-assessment since the allocation started, else the level at allocation."""
    rows = list(
        allocations.filter(start_date__lte=as_at)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=as_at))
        .values_list(
            "id", "child_id", "worker_id", "role", "start_date", "end_date", "complexity_level"
        )
        .order_by("id")
    )
    history = _complexity_history({row[1] for row in rows}, as_at)
    return [
        AllocationFacts(
            allocation_id=pk,
            child_id=child_id,
            worker_id=worker_id,
            role=CaseRole(role),
            start=start,
            end=end,
            complexity_level=_level_at(history.get(child_id, []), start, level),
        )
        for pk, child_id, worker_id, role, start, end, level in rows
    ]


def _complexity_history(
    child_ids: set[int], as_at: dt.date
) -> dict[int, list[tuple[dt.date, int]]]:
    history: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    rows = (
        ComplexityAssessment.objects.filter(child_id__in=child_ids, assessed_on__lte=as_at)
        .order_by("assessed_on", "id")
        .values_list("child_id", "assessed_on", "level")
    )
    for child_id, assessed_on, level in rows:
        history[child_id].append((assessed_on, level))
    return history


def _level_at(history: list[tuple[dt.date, int]], since: dt.date, at_allocation: int) -> int:
    later = [level for assessed_on, level in history if assessed_on >= since]
    return later[-1] if later else at_allocation


def assessment_facts(children: QuerySet[Child], *, as_at: dt.date) -> list[AssessmentFacts]:
    """Assessments of these children started by `as_at`; an authorisation after `as_at` is not
    yet known, so such an assessment is open as at that date."""
    rows = (
        Assessment.objects.filter(child__in=children, start_date__lte=as_at)
        .order_by("id")
        .values_list(
            "id",
            "child_id",
            "worker_id",
            "kind",
            "start_date",
            "referral__date",
            "authorised_date",
            "delay_reason",
        )
    )
    return [
        AssessmentFacts(
            assessment_id=pk,
            child_id=child_id,
            worker_id=worker_id,
            kind=AssessmentKind(kind),
            start=start,
            referral_date=referral_date,
            authorised=authorised if authorised is not None and authorised <= as_at else None,
            delay_reason=reason,
        )
        for pk, child_id, worker_id, kind, start, referral_date, authorised, reason in rows
    ]


def open_assessments(children: QuerySet[Child], *, as_at: dt.date) -> QuerySet[Child]:
    """Narrow `children` to those with an assessment open at `as_at` (to keep loads small)."""
    open_then = Q(assessments__authorised_date__isnull=True) | Q(
        assessments__authorised_date__gt=as_at
    )
    return children.filter(
        id__in=Child.objects.filter(open_then, assessments__start_date__lte=as_at).values("id")
    )
