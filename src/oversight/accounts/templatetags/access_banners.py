"""What every page says about the user's access: running break-glass grants and a session about
to reach its absolute limit; and the team page's list of break-glass grants for its manager."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils import timezone

from oversight.accounts.break_glass import (
    REPORT_DAYS,
    active_grants,
    grants_for_team,
    oversees_break_glass,
)
from oversight.accounts.idle import session_ends_at
from oversight.accounts.scope import scope_of
from oversight.people.models import Team

register = template.Library()


@register.inclusion_tag("accounts/_banners.html", takes_context=True)
def access_banners(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {}
    return {
        "grants": list(active_grants(user).select_related("child").order_by("expires_at")),
        "session_ends": session_ends_at(request),
        "session_hours": settings.OVERSIGHT_SESSION_HOURS,
    }


@register.inclusion_tag("accounts/_break_glass_list.html", takes_context=True)
def team_break_glass(context: Any, team: Team) -> dict[str, Any]:
    user = getattr(context.get("request"), "user", None)
    if user is None or not oversees_break_glass(scope_of(user)):
        return {"hidden": True}
    return {
        "grants": list(grants_for_team(user, team)),
        "title": "Break-glass access",
        "report_days": REPORT_DAYS,
        "now": timezone.now(),
    }
