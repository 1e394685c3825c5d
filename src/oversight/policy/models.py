"""Stored policy versions. The engine never sees this model, only the typed `Policy` value."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oversight.engine.policy import Policy


class PolicyVersion(models.Model):
    """One saved version of the policy; the highest number is the one in force. Never edited."""

    number = models.PositiveIntegerField(unique=True)
    values = models.JSONField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(max_length=300, help_text="Why the policy changed")

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Policy version {self.number}"

    def as_policy(self) -> Policy:
        return Policy.from_dict(self.values)
