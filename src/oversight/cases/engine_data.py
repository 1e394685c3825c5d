"""The database as the engine's frames (`engine.frames.CaseData`), in one query per table.

The caller decides the scope: pass the children and workers a user may see (the doorway in
cases.queries / people.queries), or everything for a council-wide run. Row counts never change
the number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl
from django.db.models import QuerySet

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
from oversight.engine.frames import SCHEMAS, CaseData
from oversight.people.models import Absence, Team, Worker
from oversight.supervision.models import CaseDiscussion, SupervisionSession


def load_case_data(children: QuerySet[Child], workers: QuerySet[Worker]) -> CaseData:
    """Every table for these children and workers. Allocations are those of these children to
    these workers; supervision is that received by these workers."""
    child_ids = children.values("id")
    worker_ids = workers.values("id")
    by_child = {"child_id__in": child_ids}
    return CaseData.of(
        children=_frame(
            "children",
            children.values_list(
                "id", "local_authority__code", "la_child_id", "responsible_team_id"
            ),
        ),
        contacts=_frame(
            "contacts",
            Contact.objects.filter(**by_child).values_list(
                "id", "child_id", "date", "source", "outcome"
            ),
            blank_to_null=("outcome",),
        ),
        referrals=_frame(
            "referrals",
            Referral.objects.filter(**by_child).values_list(
                "id",
                "child_id",
                "date",
                "source",
                "nfa",
                "primary_need",
                "closure_date",
                "closure_reason",
            ),
            blank_to_null=("primary_need", "closure_reason"),
        ),
        assessments=_frame(
            "assessments",
            Assessment.objects.filter(**by_child).values_list(
                "id",
                "child_id",
                "referral_id",
                "worker_id",
                "kind",
                "start_date",
                "authorised_date",
                "delay_reason",
            ),
        ),
        section47s=_frame(
            "section47s",
            Section47.objects.filter(**by_child).values_list(
                "id",
                "child_id",
                "referral_id",
                "lead_worker_id",
                "strategy_date",
                "icpc_not_required",
                "icpc_date",
                "end_date",
            ),
        ),
        cp_plans=_frame(
            "cp_plans",
            ChildProtectionPlan.objects.filter(**by_child).values_list(
                "id", "child_id", "start_date", "end_date", "category"
            ),
        ),
        cp_reviews=_frame(
            "cp_reviews",
            ChildProtectionReview.objects.filter(plan__child_id__in=child_ids).values_list(
                "plan_id", "date"
            ),
        ),
        workers=_frame(
            "workers",
            workers.values_list(
                "id",
                "name",
                "role",
                "team_id",
                "qualified",
                "qualification_date",
                "start_date",
                "end_date",
                "fte",
                "supervisor_id",
            ),
        ),
        absences=_frame(
            "absences",
            Absence.objects.filter(worker_id__in=worker_ids).values_list(
                "worker_id", "start_date", "end_date"
            ),
        ),
        allocations=_frame(
            "allocations",
            Allocation.objects.filter(**by_child, worker_id__in=worker_ids).values_list(
                "id",
                "child_id",
                "worker_id",
                "role",
                "start_date",
                "end_date",
                "complexity_level",
            ),
        ),
        complexity=_frame(
            "complexity",
            # Two re-assessments on one day: the later entry is the one in force.
            _last_per_day(
                ComplexityAssessment.objects.filter(**by_child)
                .order_by("child_id", "assessed_on", "id")
                .values_list("child_id", "assessed_on", "level")
            ),
        ),
        teams=_frame("teams", Team.objects.values_list("id", "name", "locality_id")),
        supervision_sessions=_frame(
            "supervision_sessions",
            SupervisionSession.objects.filter(supervisee_id__in=worker_ids).values_list(
                "id",
                "supervisee_id",
                "supervisor_id",
                "held_on",
                "kind",
                "minutes",
                "written_up_on",
            ),
        ),
        case_discussions=_frame(
            "case_discussions",
            CaseDiscussion.objects.filter(
                **by_child, session__supervisee_id__in=worker_ids
            ).values_list("session_id", "child_id"),
        ),
    )


def _frame(
    table: str,
    rows: Iterable[tuple[Any, ...]],
    *,
    blank_to_null: tuple[str, ...] = (),
) -> pl.DataFrame:
    # strict=False lets the FTE's Decimal become a float; types are then checked by CaseData.
    frame = pl.DataFrame(list(rows), schema=dict(SCHEMAS[table]), orient="row", strict=False)
    # Django stores "no value" in text columns as ""; the engine's frames use null.
    fixes = [pl.col(c).replace("", None) for c in blank_to_null]
    return frame.with_columns(fixes) if fixes else frame


def _last_per_day(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    latest: dict[tuple[Any, Any], tuple[Any, ...]] = {}
    for row in rows:
        latest[(row[0], row[1])] = row
    return list(latest.values())
