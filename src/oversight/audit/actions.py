"""Writing to the audit trail. Callers write inside their own transaction so the event and the
change it records commit or roll back together."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from oversight.audit.chain import link
from oversight.audit.models import AuditEvent


def record_event(
    *,
    user: User | AnonymousUser | None,
    kind: AuditEvent.Kind,
    what: str,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    known_user = user if user is not None and user.is_authenticated else None
    event = AuditEvent(
        at=timezone.now(),
        user=known_user,
        username=known_user.get_username() if known_user else "",
        kind=kind,
        what=what[:200],
        object_type=object_type,
        object_id=str(object_id),
        detail=detail or {},
        ip_address=request.META.get("REMOTE_ADDR") if request else None,
    )
    with transaction.atomic():
        link(event)
        event.save(force_insert=True)
    return event
