"""The "Email alerts" form: how often, and for a weekly digest which day."""

from __future__ import annotations

from typing import Any

from django import forms

from oversight.alerts.models import Frequency, Weekday

CHOOSE_FREQUENCY = "Select how often you want an email"
CHOOSE_WEEKDAY = "Select the day of the week for your weekly email"


class PreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        choices=Frequency.choices,
        error_messages={"required": CHOOSE_FREQUENCY, "invalid_choice": CHOOSE_FREQUENCY},
    )
    weekday = forms.TypedChoiceField(
        choices=Weekday.choices,
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": CHOOSE_WEEKDAY},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        weekly = cleaned.get("frequency") == Frequency.WEEKLY
        if weekly and cleaned.get("weekday") is None and "weekday" not in self.errors:
            self.add_error("weekday", CHOOSE_WEEKDAY)
        return cleaned
