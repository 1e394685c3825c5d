"""The break-glass request: which child (by LA child ID) and why."""

from __future__ import annotations

from django import forms

from oversight.accounts.break_glass import REASON_MIN_LENGTH


class BreakGlassForm(forms.Form):
    la_child_id = forms.CharField(
        label="LA child ID",
        max_length=40,
        error_messages={"required": "Enter the child's LA child ID"},
    )
    reason = forms.CharField(
        label="Why do you need to see this case now?",
        widget=forms.Textarea,
        max_length=1000,
        min_length=REASON_MIN_LENGTH,
        error_messages={
            "required": "Give the reason you need to see this case",
            "min_length": f"Give a reason of at least {REASON_MIN_LENGTH} characters",
            "max_length": "Keep the reason to 1000 characters or fewer",
        },
    )
