"""Reading a user's alert preference."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from oversight.alerts.models import AlertPreference, Frequency, Weekday
from oversight.alerts.schedule import Cadence


def preference_for(user: User | AnonymousUser) -> AlertPreference:
    """The user's saved choice, or the defaults (unsaved) if they have never chosen."""
    if not user.is_authenticated:
        return AlertPreference()
    found = AlertPreference.objects.filter(user=user).first()
    return found if found is not None else AlertPreference(user=user)


def cadence_of(preference: AlertPreference) -> Cadence:
    return Cadence(preference.frequency)


def in_words(preference: AlertPreference) -> str:
    """How often, in words: every working day, once a week on Mondays, or off."""
    if preference.frequency == Frequency.WEEKLY:
        return f"once a week, on {Weekday(preference.weekday).label}s"
    if preference.frequency == Frequency.OFF:
        return "off"
    return "every working day"


def as_sentence(preference: AlertPreference, *, will: bool = False) -> str:
    """The choice as a sentence for the page; `will` after a change ("You will get...")."""
    if preference.frequency == Frequency.OFF:
        return "Email alerts are off: you see notifications in Oversight only."
    return f"You {'will ' if will else ''}get an email {in_words(preference)}."
