"""The policy in force, as the engine's typed value."""

from __future__ import annotations

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.policy import DEFAULT_POLICY, Policy
from oversight.policy.models import PolicyVersion


def current_version() -> PolicyVersion | None:
    return PolicyVersion.objects.order_by("-number").first()


def current_policy() -> tuple[Policy, int]:
    """The policy in force and its version number (0 = the documented defaults, never saved)."""
    version = current_version()
    if version is None:
        return DEFAULT_POLICY, 0
    return version.as_policy(), version.number


def calendar_for(policy: Policy) -> WorkingDayCalendar:
    return WorkingDayCalendar.for_policy(policy)
