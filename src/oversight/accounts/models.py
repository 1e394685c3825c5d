"""Break-glass access: a time-limited look at one child's case outside the user's usual reach.

Granted at once, with a reason, so nobody is stopped from safeguarding a child out of hours; the
price is that every grant is in the audit trail and on the team manager's page, and it ends by
itself (OVERSIGHT_BREAK_GLASS_HOURS). Rows are never changed after they are written.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class BreakGlassGrant(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="break_glass_grants"
    )
    child = models.ForeignKey(
        "cases.Child", on_delete=models.CASCADE, related_name="break_glass_grants"
    )
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    # Where the requester worked when they asked, so their own team manager sees the grant even
    # after they move team.
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locality = models.ForeignKey(
        "people.Locality", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("granted_at")), name="break_glass_expires_after_grant"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="break_glass_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → child {self.child_id} until {self.expires_at:%d/%m/%Y %H:%M}"
