"""The cases to discuss in a supervisee's session: their open cases, child protection first,
then those without recorded management oversight for longest (R-SV-5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Max, Q

from oversight.cases.models import Allocation, ChildProtectionPlan, Section47
from oversight.cases.queries import cases_visible_to
from oversight.people.models import Worker
from oversight.policy.queries import current_policy
from oversight.supervision.models import CaseDiscussion


@dataclass(frozen=True)
class CaseToDiscuss:
    child_id: int
    la_child_id: str
    role: str  # "Case holder" or "Co-worker"
    level: int
    child_protection: bool
    last_discussed: dt.date | None
    days_without: int  # since the later of the last discussion and the allocation's start
    limit_days: int  # R-SV-5: 8 weeks, or 4 for child protection (policy)

    @property
    def overdue(self) -> bool:
        return self.days_without > self.limit_days


def cases_to_discuss(
    user: User | AnonymousUser, supervisee: Worker, as_at: dt.date
) -> list[CaseToDiscuss]:
    open_now = Q(start_date__lte=as_at) & (Q(end_date__isnull=True) | Q(end_date__gt=as_at))
    allocations = list(
        Allocation.objects.filter(open_now, worker=supervisee, child__in=cases_visible_to(user))
        .select_related("child")
        .order_by("child__la_child_id")
    )
    ids = [a.child_id for a in allocations]
    protected = _in_child_protection(ids, as_at)
    discussed = dict(
        CaseDiscussion.objects.filter(child_id__in=ids, session__held_on__lte=as_at)
        .values("child_id")
        .annotate(last=Max("session__held_on"))
        .values_list("child_id", "last")
    )
    rules = current_policy()[0].supervision
    cases = []
    for a in allocations:
        last = discussed.get(a.child_id)
        since = max(last, a.start_date) if last else a.start_date
        weeks = (
            rules.cp_case_oversight_weeks if a.child_id in protected else rules.case_oversight_weeks
        )
        cases.append(
            CaseToDiscuss(
                child_id=a.child_id,
                la_child_id=a.child.la_child_id,
                role=a.get_role_display(),
                level=a.complexity_level,
                child_protection=a.child_id in protected,
                last_discussed=last,
                days_without=(as_at - since).days,
                limit_days=weeks * 7,
            )
        )
    return sorted(cases, key=lambda c: (not c.child_protection, -c.days_without, c.la_child_id))


def _in_child_protection(child_ids: list[int], as_at: dt.date) -> set[int]:
    """An s47 enquiry in progress or a CP plan open on as_at (engine.measures.status)."""
    s47 = Section47.objects.filter(child_id__in=child_ids, strategy_date__lte=as_at).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=as_at)
    )
    plans = ChildProtectionPlan.objects.filter(
        child_id__in=child_ids, start_date__lte=as_at
    ).filter(Q(end_date__isnull=True) | Q(end_date__gt=as_at))
    return set(s47.values_list("child_id", flat=True)) | set(
        plans.values_list("child_id", flat=True)
    )
