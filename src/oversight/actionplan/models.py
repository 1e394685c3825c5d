"""Inspection action plans (domain.md §8): inspection → findings → actions → updates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from oversight.people.models import LocalAuthority


class Inspection(models.Model):
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE)
    body = models.CharField(max_length=60, default="Ofsted")
    kind = models.CharField(
        max_length=120, help_text="e.g. Unannounced inspection of contact, referral and assessment"
    )
    start_date = models.DateField()
    end_date = models.DateField()
    report_published_on = models.DateField(null=True, blank=True)
    judgement = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="inspection_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(report_published_on__isnull=True)
                | Q(report_published_on__gte=F("end_date")),
                name="inspection_report_after_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.kind} ({self.start_date:%B %Y})"


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    order = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "order"], name="finding_order_unique")
        ]


class Action(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        SUPERSEDED = "superseded", "Superseded"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="actions")
    order = models.PositiveSmallIntegerField()
    text = models.TextField()
    lead = models.CharField(max_length=200)
    timescale = models.CharField(max_length=120, blank=True, help_text="As written in the plan")
    evidence = models.TextField("How do we know it has happened?", blank=True)
    comments = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    # The timescale as a schedule (actionplan.timescales): a due date, a recurrence, or both.
    due_on = models.DateField(null=True, blank=True)
    recurrence = models.CharField(max_length=12, blank=True, help_text="weekly, monthly, …")
    ongoing = models.BooleanField(default=False)
    review_point = models.CharField(max_length=120, blank=True, help_text="e.g. Supervision audit")
    # The lead's parts (roles or people), expanded from the plan's glossary.
    lead_parts = models.JSONField(default=list, blank=True)
    # What an import could not place with confidence, for the reviewer.
    review_flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "order"], name="action_order_unique"),
            models.CheckConstraint(
                condition=Q(status="completed", completed_on__isnull=False)
                | ~Q(status="completed") & Q(completed_on__isnull=True),
                name="action_completed_has_date",
            ),
        ]


class ActionUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    written_at = models.DateTimeField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    text = models.TextField()

    class Meta:
        ordering = ["written_at"]


class Glossary(models.Model):
    """The plan's abbreviations legend (e.g. TM = Team Manager), used to read leads."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="glossary")
    abbreviation = models.CharField(max_length=20)
    meaning = models.CharField(max_length=120)

    class Meta:
        ordering = ["abbreviation"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "abbreviation"], name="glossary_abbreviation_unique"
            )
        ]


class EvidenceMeasure(models.Model):
    """Evidence that measures itself: an engine measure, a target and which way is good."""

    class Comparison(models.TextChoices):
        AT_LEAST = "gte", "at least"
        AT_MOST = "lte", "at most"
        EXACTLY = "eq", "exactly"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="measures")
    measure_id = models.CharField(max_length=80, help_text="An id from the measures registry")
    comparison = models.CharField(max_length=3, choices=Comparison.choices)
    target = models.DecimalField(max_digits=8, decimal_places=2)
    # Amber when within this margin of the target on the wrong side (same unit as the measure).
    amber_margin = models.DecimalField(max_digits=8, decimal_places=2, default=5)
    breakdown = models.CharField(
        max_length=60, blank=True, help_text="A breakdown key such as grade:ASYE; blank = whole"
    )

    class Meta:
        ordering = ["id"]


class EvidenceNote(models.Model):
    """Manual evidence beside the measured kind: a note, and optionally a document."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    written_at = models.DateTimeField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    text = models.TextField()
    document = models.FileField(upload_to="evidence/%Y/%m/", blank=True)

    class Meta:
        ordering = ["-written_at"]
