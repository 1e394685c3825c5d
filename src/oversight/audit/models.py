"""An append-only record of who saw and changed what. The app only ever inserts rows.

Each event is chained to the one before by a SHA-256 hash of its content and the previous
event's hash (audit/chain.py), so an edited, deleted or inserted row breaks the chain and
`oversight audit verify` reports where. On PostgreSQL a trigger also refuses any UPDATE or
DELETE of an event (migration 0002), bar setting the user to null when a user is deleted — the
username kept beside it is what the hash covers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        VIEW = "view", "Viewed"
        CHANGE = "change", "Changed"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT = "sign_out", "Signed out"
        DENIED = "denied", "Access denied"
        EXPORT = "export", "Exported"
        IMPORT = "import", "Imported"
        BREAK_GLASS = "break_glass", "Break-glass access"

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(max_length=150, blank=True, help_text="Kept if the user is deleted")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    what = models.CharField(max_length=200, help_text="e.g. team page: Referral and Assessment")
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    sequence = models.PositiveBigIntegerField(unique=True, null=True, editable=False)
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]


class ChainHead(models.Model):
    """The last link of the chain: one row, locked while an event is added so two events can
    never claim the same place."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
