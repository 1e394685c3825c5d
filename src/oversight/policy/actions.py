"""Changing the policy: a new version each time, never an edit, with the change audited."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.engine.policy import Policy
from oversight.policy.models import PolicyVersion
from oversight.policy.queries import current_policy


@transaction.atomic
def save_policy(*, policy: Policy, by: User | None, note: str) -> PolicyVersion:
    """Store `policy` as the next version, recording what changed from the one before."""
    before, before_number = current_policy()
    number = (PolicyVersion.objects.aggregate(Max("number"))["number__max"] or 0) + 1
    version = PolicyVersion.objects.create(
        number=number,
        values=policy.to_dict(),
        created_at=timezone.now(),
        created_by=by,
        note=note,
    )
    record_event(
        user=by,
        kind=AuditEvent.Kind.CHANGE,
        what=f"Policy version {number}: {note}",
        object_type="policy",
        object_id=number,
        detail={"from_version": before_number, "changes": _changes(before, policy)},
    )
    return version


def _changes(before: Policy, after: Policy) -> dict[str, list[object]]:
    old, new = before.settings(), after.settings()
    return {path: [old.get(path), new[path]] for path in new if old.get(path) != new[path]}
