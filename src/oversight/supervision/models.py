"""Staff supervision (domain.md §2, R-SV): Oversight is the system of record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from oversight.cases.models import Child
from oversight.people.models import Worker


class SupervisionSession(models.Model):
    class Kind(models.TextChoices):
        FORMAL = "formal", "Formal one-to-one"
        GROUP = "group", "Group"
        INFORMAL = "informal", "Informal"

    supervisee = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="supervision_received"
    )
    supervisor = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="supervision_given"
    )
    held_on = models.DateField()
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.FORMAL)
    minutes = models.PositiveSmallIntegerField()
    written_up_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervision_recorded",
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(written_up_on__isnull=True) | Q(written_up_on__gte=F("held_on")),
                name="supervision_written_up_after_held",
            ),
            models.CheckConstraint(
                condition=~Q(supervisee=F("supervisor")), name="supervision_not_self"
            ),
            models.CheckConstraint(condition=Q(minutes__gt=0), name="supervision_has_length"),
        ]


class CaseDiscussion(models.Model):
    """A case discussed in supervision: management oversight with the decision given (R-SV-5)."""

    session = models.ForeignKey(
        SupervisionSession, on_delete=models.CASCADE, related_name="cases_discussed"
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="discussions")
    decision = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "child"], name="case_discussed_once")
        ]


class SupervisionAction(models.Model):
    """Something agreed in supervision, with a date it is due by."""

    session = models.ForeignKey(
        SupervisionSession, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.CharField(max_length=300)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class SessionRevision(models.Model):
    """A change to a session after it was written up: the record before and after, kept so the
    supervision file's history cannot be quietly rewritten (issue 6)."""

    session = models.ForeignKey(
        SupervisionSession, on_delete=models.CASCADE, related_name="revisions"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    changed_at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        ordering = ["-changed_at", "-id"]
