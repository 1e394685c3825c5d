"""API tokens: how a program signs in to the REST API (docs/api.md).

A token is shown once, when it is made, and only its SHA-256 hash is kept, with a short visible
prefix so people can tell their tokens apart. A token acts as its user: it reaches exactly what
that user reaches in the web app today (a change of role changes what the token sees), and
never more than its access allows (read-only or read and write).

Personal tokens belong to the person who made them. Service tokens belong to a service account
an administrator sets up for a council's integration (the nightly feed, Power BI): a user with
no password that cannot sign in to the web app.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    class Kind(models.TextChoices):
        PERSONAL = "personal", "Personal"
        SERVICE = "service", "Service"

    class Access(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read_write", "Read and write"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=80, help_text="What the token is for")
    access = models.CharField(max_length=10, choices=Access.choices)
    # The token's first characters, shown in lists and the audit trail (never the secret).
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="api_tokens_created",
    )
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="api_tokens_revoked",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires_later"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False),
                name="api_token_revoked_by_needs_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def writes(self) -> bool:
        return self.access == self.Access.READ_WRITE

    def usable_at(self, moment: dt.datetime) -> bool:
        return self.revoked_at is None and moment < self.expires_at

    def state_at(self, moment: dt.datetime) -> str:
        """In words, for the token lists: active, expired or revoked."""
        if self.revoked_at is not None:
            return "Revoked"
        return "Active" if moment < self.expires_at else "Expired"
