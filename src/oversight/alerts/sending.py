"""Sending the digests: what `oversight alerts send` runs once a day (cron or a systemd timer).

Each user is handled in their own transaction: their preference row is locked, the digest is
worked out, the email handed to Django's email backend (SMTP, or files under var/outbox/ in
the demo), and the day recorded with an audit event. If the email cannot be sent, nothing is
recorded and the next run tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from oversight.alerts.actions import locked_preference, record_checked, record_sent
from oversight.alerts.digest import Digest
from oversight.alerts.models import AlertPreference
from oversight.alerts.queries import cadence_of, preference_for
from oversight.alerts.schedule import digest_due
from oversight.alerts.sources import digest_for, receives_digest
from oversight.engine.calendar import WorkingDayCalendar
from oversight.policy.queries import calendar_for, current_policy


class Outcome(StrEnum):
    SENT = "sent"
    WOULD_SEND = "would send"  # --dry-run
    NOTHING_DUE = "nothing overdue or due soon"
    NOT_TODAY = "not due today"
    NO_EMAIL = "no email address"
    FAILED = "could not be sent; the next run tries again"


logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Result:
    username: str
    outcome: Outcome
    digest: Digest | None = None


def send_due_digests(*, today: dt.date, dry_run: bool = False) -> list[Result]:
    """Every active user with a casework role whose digest is due today, by username. With
    `dry_run`, work each digest out but send and record nothing."""
    policy, _version = current_policy()
    calendar = calendar_for(policy)
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    results = []
    for user in users:
        if not receives_digest(user):
            continue  # information officers and administrators, users without a staff record
        if not user.email:
            results.append(Result(user.get_username(), Outcome.NO_EMAIL))
        elif dry_run:
            results.append(_try(user, today, calendar))
        else:
            results.append(_send_or_report(user, today, calendar))
    return results


def _send_or_report(user: User, today: dt.date, calendar: WorkingDayCalendar) -> Result:
    """One user's mail server trouble must not stop everyone else's digest."""
    try:
        return _send(user, today, calendar)
    except (smtplib.SMTPException, OSError):
        logger.exception("Alerts digest for %s could not be sent", user.get_username())
        return Result(user.get_username(), Outcome.FAILED)


def _due(preference: AlertPreference, today: dt.date, calendar: WorkingDayCalendar) -> bool:
    cadence = cadence_of(preference)
    return digest_due(cadence, preference.weekday, preference.last_checked_on, today, calendar)


def _digest(user: User, preference: AlertPreference, today: dt.date) -> Digest:
    digest = digest_for(
        user, as_at=today, cadence=cadence_of(preference), weekday=preference.weekday
    )
    assert digest is not None  # receives_digest was checked by the caller
    return digest


def _try(user: User, today: dt.date, calendar: WorkingDayCalendar) -> Result:
    preference = preference_for(user)
    if not _due(preference, today, calendar):
        return Result(user.get_username(), Outcome.NOT_TODAY)
    digest = _digest(user, preference, today)
    outcome = Outcome.NOTHING_DUE if digest.is_empty else Outcome.WOULD_SEND
    return Result(user.get_username(), outcome, digest)


@transaction.atomic
def _send(user: User, today: dt.date, calendar: WorkingDayCalendar) -> Result:
    preference = locked_preference(user)
    if not _due(preference, today, calendar):
        return Result(user.get_username(), Outcome.NOT_TODAY)
    digest = _digest(user, preference, today)
    if digest.is_empty:
        record_checked(preference=preference, day=today)
        return Result(user.get_username(), Outcome.NOTHING_DUE, digest)
    digest_email(user, digest).send(fail_silently=False)
    record_sent(preference=preference, digest=digest, to=user.email)
    return Result(user.get_username(), Outcome.SENT, digest)


def site_link(name: str) -> str:
    """An address in Oversight for an email to link to (OVERSIGHT_SITE_URL)."""
    return settings.OVERSIGHT_SITE_URL.rstrip("/") + reverse(name)


def subject_of(digest: Digest) -> str:
    day = digest.as_at
    return f"Oversight alerts for {day:%A} {day.day} {day:%B %Y}: {digest.headline}"


def digest_email(user: User, digest: Digest) -> EmailMultiAlternatives:
    """Plain text with an HTML alternative, both from the same digest."""
    context = {
        "digest": digest,
        "name": user.get_full_name() or user.get_username(),
        "home_url": site_link("home"),
        "preferences_url": site_link("email-alerts"),
    }
    message = EmailMultiAlternatives(
        subject=subject_of(digest),
        body=render_to_string("alerts/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        # RFC 3834: out-of-office replies should not answer an automatic email.
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("alerts/email/digest.html", context), "text/html")
    return message
