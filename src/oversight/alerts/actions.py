"""Writes: a user's alert preference, and the record that a digest went out. Each is atomic
and writes its audit event in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction

from oversight.alerts.digest import Digest
from oversight.alerts.models import AlertPreference, Frequency
from oversight.alerts.queries import in_words
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent


def locked_preference(user: User) -> AlertPreference:
    """The user's preference row, created with the defaults if need be, locked until the
    transaction ends: two send runs at once cannot both send today's digest."""
    AlertPreference.objects.get_or_create(user=user)
    return AlertPreference.objects.select_for_update().get(user=user)


@transaction.atomic
def set_preference(*, user: User, frequency: str, weekday: int | None, by: User) -> AlertPreference:
    """Change how often `user` gets the digest. A weekday is kept only for weekly digests
    (otherwise the one chosen before stays, ready if they go back to weekly)."""
    preference = locked_preference(user)
    before = {"frequency": preference.frequency, "weekday": preference.weekday}
    preference.frequency = Frequency(frequency)
    if frequency == Frequency.WEEKLY and weekday is not None:
        preference.weekday = weekday
    preference.save(update_fields=["frequency", "weekday"])
    after = {"frequency": preference.frequency, "weekday": preference.weekday}
    record_event(
        user=by,
        kind=AuditEvent.Kind.CHANGE,
        what=f"Email alerts for {user.get_username()}: {in_words(preference)}",
        object_type="alert_preference",
        object_id=user.pk,
        detail={"from": before, "to": after},
    )
    return preference


def record_checked(*, preference: AlertPreference, day: dt.date) -> None:
    """Today's digest was worked out and had nothing in it: nothing sent, nothing to audit."""
    preference.last_checked_on = day
    preference.save(update_fields=["last_checked_on"])


def record_sent(*, preference: AlertPreference, digest: Digest, to: str) -> None:
    """A digest left Oversight: which children's ids it named, in the audit trail. Called
    inside the send's transaction, so the event and the dates commit together."""
    preference.last_checked_on = preference.last_sent_on = digest.as_at
    preference.save(update_fields=["last_checked_on", "last_sent_on"])
    user = preference.user
    record_event(
        user=None,  # the scheduled send command, not a person
        kind=AuditEvent.Kind.EXPORT,
        what=f"Alerts digest emailed to {user.get_username()}",
        object_type="user",
        object_id=user.pk,
        detail={
            "as_at": digest.as_at.isoformat(),
            "to": to,
            "frequency": preference.frequency,
            "items": len(digest.items),
            "overdue": digest.overdue,
            "due_soon": digest.due_soon,
            "sections": {section.kind.value: len(section.items) for section in digest.sections},
            "children": digest.child_ids,
        },
    )
