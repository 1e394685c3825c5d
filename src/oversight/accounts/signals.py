"""A sign-in lock-out (django-axes) goes in the audit trail as a denied access."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.dispatch import receiver
from django.http import HttpRequest

from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent


@receiver(user_locked_out)
def audit_lockout(sender: Any, request: HttpRequest, username: str, **kwargs: Any) -> None:
    record_event(
        user=None,
        kind=AuditEvent.Kind.DENIED,
        what="Sign-in locked out after repeated failures",
        detail={"username": (username or "")[:150]},
        request=request,
    )
