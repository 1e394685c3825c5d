"""Recording allocation decisions (R-AL-3): atomic, audited, with the recommendation shown.

Every decision records who decided and when, the recommendation the manager saw, and the
rationale. The rationale is required when the decision differs from the top recommendation or
breaks a soft limit (the capacity limit); breaking a hard rule (R-AL-1) needs a team manager's
override with a reason, and is reported in the audits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from oversight.accounts.roles import AccessRole
from oversight.accounts.scope import scope_of
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.cases.models import Allocation, Child, ComplexityAssessment
from oversight.engine.allocation.scoring import PART_LABELS, Recommendation
from oversight.engine.measures.eligibility import pair_breaches
from oversight.engine.workforce import experience_grade
from oversight.people.frames import worker_facts
from oversight.people.models import Worker
from oversight.policy.queries import current_policy

DECIDING_ROLES = frozenset({AccessRole.TEAM_MANAGER, AccessRole.ASSISTANT_TEAM_MANAGER})


class DecisionRefused(ValueError):
    """A decision that cannot be recorded as it stands; `field` says what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Decision:
    child: Child
    worker: Worker
    start: dt.date
    rationale: str = ""
    override_reason: str = ""
    role: str = Allocation.Role.CASE_HOLDER


def may_decide(user: User) -> bool:
    return bool(scope_of(user).roles & DECIDING_ROLES)


def shown(
    recommendation: Recommendation, proposal: int | None = None, top: int = 5
) -> dict[str, Any]:
    """What the manager saw, kept with the decision: the top workers with every part, and the
    whole meeting's proposal where the decision came from the meeting."""
    return {
        "meeting_proposal": proposal,
        "ranked": [
            {
                "worker_id": s.worker_id,
                "name": s.candidate.name,
                "total": round(s.total, 2),
                "parts": {PART_LABELS[p]: round(v, 2) for p, v in s.points.items()},
            }
            for s in recommendation.ranked[:top]
        ],
        "excluded": [
            {"worker_id": e.worker_id, "name": e.candidate.name, "reasons": list(e.reasons)}
            for e in recommendation.excluded
        ],
    }


def allocate_case(
    user: User,
    decision: Decision,
    recommendation: Recommendation,
    *,
    proposal: int | None = None,
) -> Allocation:
    """Give the case to the worker (as case holder unless said), after every R-AL-3 check.
    `proposal` is the worker the whole-meeting optimisation proposed, if the decision came from
    the meeting: following it needs no rationale, as following the top recommendation does."""
    _check(user, decision, recommendation, proposal)
    with transaction.atomic():
        if decision.role == Allocation.Role.CASE_HOLDER and _open_holder(decision.child):
            raise DecisionRefused("worker", "This case already has a case holder: reallocate it")
        allocation = Allocation.objects.create(
            child=decision.child,
            worker=decision.worker,
            role=decision.role,
            start_date=decision.start,
            complexity_level=recommendation.case.level,
            decided_by=user,
            decided_at=timezone.now(),
            recommendation_shown=shown(recommendation, proposal),
            rationale=decision.rationale.strip(),
            override_reason=decision.override_reason.strip(),
        )
        record_event(
            user=user,
            kind=AuditEvent.Kind.CHANGE,
            what=f"Allocated {decision.child.la_child_id} to {decision.worker.name}",
            object_type="child",
            object_id=decision.child.id,
            detail={"before": None, "after": _summary(allocation)},
        )
    return allocation


def allocate_siblings(
    user: User,
    decisions: list[tuple[Decision, Recommendation]],
    *,
    proposal: int | None = None,
) -> list[Allocation]:
    """Siblings together in one decision (R-AL-2): every child to the same worker, each checked
    against its own recommendation and the rules, all recorded or none. `proposal` applies to
    the first child, the one the decision was made from."""
    allocations = []
    with transaction.atomic():
        for n, (decision, recommendation) in enumerate(decisions):
            try:
                allocations.append(
                    allocate_case(
                        user, decision, recommendation, proposal=proposal if n == 0 else None
                    )
                )
            except DecisionRefused as refused:
                if n == 0:
                    raise
                raise DecisionRefused(
                    refused.field, f"{decision.child.la_child_id}: {refused}"
                ) from None
    return allocations


def reallocate_case(user: User, decision: Decision, recommendation: Recommendation) -> Allocation:
    """End the current case holder's allocation the day before and allocate to the new worker,
    in one step."""
    _check(user, decision, recommendation, None)
    with transaction.atomic():
        current = _open_holder(decision.child)
        if current is not None:
            end_allocation(user, current, on=decision.start, reason="Reallocated")
        return allocate_case(user, decision, recommendation)


def end_allocation(user: User, allocation: Allocation, *, on: dt.date, reason: str) -> None:
    if not may_decide(user):
        raise DecisionRefused("worker", "Only a team manager or assistant team manager may do this")
    if not reason.strip():
        raise DecisionRefused("reason", "Enter why the allocation ends")
    if on < allocation.start_date:
        raise DecisionRefused("end_date", "The end date must be on or after the start date")
    before = _summary(allocation)
    with transaction.atomic():
        allocation.end_date, allocation.end_reason = on, reason.strip()
        allocation.save(update_fields=["end_date", "end_reason"])
        record_event(
            user=user,
            kind=AuditEvent.Kind.CHANGE,
            what=f"Ended allocation of {allocation.child.la_child_id} to {allocation.worker.name}",
            object_type="child",
            object_id=allocation.child_id,
            detail={"before": before, "after": _summary(allocation)},
        )


def add_co_worker(user: User, decision: Decision, recommendation: Recommendation) -> Allocation:
    co = Decision(
        decision.child,
        decision.worker,
        decision.start,
        decision.rationale,
        decision.override_reason,
        Allocation.Role.CO_WORKER,
    )
    return allocate_case(user, co, recommendation)


def _check(
    user: User, decision: Decision, recommendation: Recommendation, proposal: int | None
) -> None:
    """R-AL-3: who may decide, the override for a hard rule, the rationale when needed."""
    if not may_decide(user):
        raise DecisionRefused(
            "worker", "Only a team manager or assistant team manager may allocate"
        )
    excluded = {e.worker_id: e for e in recommendation.excluded}
    top = recommendation.top
    refused = excluded.get(decision.worker.id)
    if refused and refused.hard:
        if AccessRole.TEAM_MANAGER not in scope_of(user).roles:
            raise DecisionRefused(
                "worker", f"{'; '.join(refused.reasons)}. Only a team manager may override this"
            )
        if not decision.override_reason.strip():
            raise DecisionRefused(
                "override_reason",
                f"{'; '.join(refused.reasons)}. Enter the reason for overriding the rule",
            )
    recommended = proposal if proposal is not None else (top.worker_id if top else None)
    departs = recommended != decision.worker.id or refused is not None
    if departs and not decision.rationale.strip():
        raise DecisionRefused(
            "rationale",
            "Enter the rationale: this is not the recommendation or it breaks a limit",
        )


def _open_holder(child: Child) -> Allocation | None:
    return (
        Allocation.objects.select_for_update()
        .filter(child=child, role=Allocation.Role.CASE_HOLDER, end_date__isnull=True)
        .first()
    )


def _summary(allocation: Allocation) -> dict[str, Any]:
    return {
        "worker": allocation.worker.name,
        "role": allocation.role,
        "start": allocation.start_date.isoformat(),
        "end": allocation.end_date.isoformat() if allocation.end_date else None,
        "level": allocation.complexity_level,
        "rationale": allocation.rationale,
        "override_reason": allocation.override_reason,
    }


def reassess_complexity(
    user: User, child: Child, *, level: int, on: dt.date, reason: str
) -> list[str]:
    """Record a re-assessment of the case's complexity (R-CL-2, history kept), and re-check
    its open allocations against R-AL-1 at the new level: one sentence per allocation that now
    breaks a rule (the manager is told at once; the board and audits list it from then)."""
    if not may_decide(user):
        raise DecisionRefused("level", "Only a team manager or assistant team manager may do this")
    if not reason.strip():
        raise DecisionRefused("reason", "Enter why the complexity level changes")
    policy, _ = current_policy()
    with transaction.atomic():
        ComplexityAssessment.objects.create(
            child=child, level=level, assessed_on=on, assessed_by=user, reason=reason.strip()
        )
        record_event(
            user=user,
            kind=AuditEvent.Kind.CHANGE,
            what=f"Re-assessed {child.la_child_id} at level {level}",
            object_type="child",
            object_id=child.id,
            detail={"after": {"level": level, "on": on.isoformat(), "reason": reason.strip()}},
        )
    protection = _in_child_protection(child, on)
    open_now = child.allocations.filter(end_date__isnull=True).select_related("worker")
    holders = Worker.objects.filter(id__in=[a.worker_id for a in open_now])
    facts = {f.worker_id: f for f in worker_facts(holders)}
    found = []
    for allocation in open_now:
        grade = experience_grade(facts[allocation.worker_id], on, policy)
        for _, text in pair_breaches(
            grade, allocation.role, level, child_protection=protection, policy=policy
        ):
            found.append(f"{allocation.worker.name}: {text}")
    return found


def _in_child_protection(child: Child, on: dt.date) -> bool:
    s47 = child.section47s.filter(strategy_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=on)
    )
    plans = child.cp_plans.filter(start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=on)
    )
    return s47.exists() or plans.exists()
