"""The form for a new API token: what it is for, what it may do, how long it lasts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from oversight.api.models import ApiToken

LIFETIMES = ((30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "1 year"))


def lifetimes() -> list[tuple[int, str]]:
    """The lifetimes offered: those within OVERSIGHT_API_TOKEN_MAX_DAYS (at least the shortest)."""
    longest = settings.OVERSIGHT_API_TOKEN_MAX_DAYS
    return [(days, label) for days, label in LIFETIMES if days <= longest] or [LIFETIMES[0]]


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        error_messages={
            "required": "Enter what the token is for, for example Power BI team dashboard",
            "max_length": "What the token is for must be 80 characters or fewer",
        },
    )
    access = forms.ChoiceField(
        choices=ApiToken.Access.choices,
        error_messages={"required": "Select what the token may do"},
    )
    days = forms.TypedChoiceField(
        coerce=int,
        choices=(),
        error_messages={"required": "Select how long the token lasts"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = lifetimes()
        self.fields["days"].choices = choices  # type: ignore[attr-defined]
        invalid = "Select one of the lifetimes shown"
        self.fields["days"].error_messages["invalid_choice"] = invalid
        self.fields["access"].error_messages["invalid_choice"] = "Select what the token may do"
