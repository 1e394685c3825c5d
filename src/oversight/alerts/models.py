"""Each user's choice of alerts digest, and when it last went out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Frequency(models.TextChoices):
    DAILY = "daily", "Every working day"
    WEEKLY = "weekly", "Once a week"
    OFF = "off", "Never: notifications in Oversight only"


class Weekday(models.IntegerChoices):
    """The working week (Python's date.weekday() numbers); a weekly digest goes out on one."""

    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class AlertPreference(models.Model):
    """A user without a row has the defaults: a digest every working day (weekly ones on a
    Monday). The row appears when they choose, or when the first digest is worked out."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preference"
    )
    frequency = models.CharField(max_length=6, choices=Frequency.choices, default=Frequency.DAILY)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.MONDAY)
    # The last day the send command worked out this user's digest (sent, or nothing to send):
    # what stops a second digest for the same day, or the same week.
    last_checked_on = models.DateField(null=True, blank=True)
    # The last day a digest was actually emailed (an empty one is not sent).
    last_sent_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="alert_frequency_known"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=4), name="alert_weekday_working"
            ),
            models.CheckConstraint(
                condition=Q(last_sent_on__isnull=True)
                | Q(last_checked_on__gte=models.F("last_sent_on")),
                name="alert_sent_only_when_checked",
            ),
        ]
