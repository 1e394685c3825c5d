"""The notifications panel's data: the signed-in user's digest for the page's date.

Used by alerts/_notifications.html, which the landing pages include; worked out only where it
is included, never on every page (a context processor would be).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import timezone

from oversight.alerts.digest import Digest
from oversight.alerts.queries import cadence_of, in_words, preference_for
from oversight.alerts.sources import digest_for

register = template.Library()


@dataclass(frozen=True)
class Panel:
    digest: Digest
    emails: str  # how often the user is emailed, in words


@register.simple_tag(takes_context=True)
def notifications(context: dict[str, Any], as_at: dt.date | None = None) -> Panel | None:
    """The same items the user's email digest would hold at `as_at` (default today); None
    for a user who gets no digest."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    preference = preference_for(user)
    digest = digest_for(
        user,
        as_at=as_at or timezone.localdate(),
        cadence=cadence_of(preference),
        weekday=preference.weekday,
    )
    return Panel(digest, in_words(preference)) if digest is not None else None
