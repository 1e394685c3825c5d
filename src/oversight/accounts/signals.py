"""Sign-in events that start outside Oversight's own code: a django-axes lock-out, a sign-in by
any route (password or single sign-on) starting the session clock, and a user made inactive
(Django admin has no action function of ours to call, so a signal is the one place to catch it).
"""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from oversight.accounts.idle import LAST_SEEN, SIGNED_IN_AT
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


@receiver(user_logged_in)
def start_session_clock(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """The absolute session limit counts from here (accounts.idle)."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


@receiver(post_save, sender=User)
def end_sessions_of_inactive_user(sender: Any, instance: User, **kwargs: Any) -> None:
    """A user made inactive is signed out everywhere at once, not at their next request."""
    if instance.is_active:
        return
    ended = end_sessions_of(instance)
    if ended:
        record_event(
            user=instance,
            kind=AuditEvent.Kind.SIGN_OUT,
            what=f"Signed out of {ended} session{'s' if ended != 1 else ''}: account made inactive",
            object_type="user",
            object_id=instance.pk,
        )


def end_sessions_of(user: User) -> int:
    """Delete every unexpired session signed in as `user`; returns how many. Sessions are
    stored signed and encoded, so each is read (a council has hundreds of users, not millions)."""
    user_id = str(user.pk)
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == user_id
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)
