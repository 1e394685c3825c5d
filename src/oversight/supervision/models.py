"""Staff supervision (domain.md §2, R-SV): Oversight is the system of record."""

from __future__ import annotations

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
