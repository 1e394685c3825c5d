"""The allocation decision form (R-AL-3)."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

from oversight.cases.models import ComplexityLevel
from oversight.engine.allocation.scoring import Recommendation


class DecisionForm(forms.Form):
    worker = forms.TypedChoiceField(
        label="Allocate to",
        coerce=int,
        error_messages={"required": "Select the worker to allocate the case to"},
    )
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
        help_text="Required when you choose someone other than the top recommendation or the "
        "worker would go past the capacity limit.",
    )
    override_reason = forms.CharField(
        label="Reason for overriding an eligibility rule (team managers only)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
    )

    siblings = forms.TypedMultipleChoiceField(
        label="Allocate their brothers and sisters who are waiting to the same worker",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: object,
        recommendation: Recommendation,
        waiting_siblings: Sequence[tuple[int, str]] = (),
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if waiting_siblings:
            self.fields["siblings"].choices = waiting_siblings  # type: ignore[attr-defined]
            self.fields["siblings"].initial = [child for child, _ in waiting_siblings]
        else:
            del self.fields["siblings"]
        ranked = [
            (s.worker_id, f"{s.candidate.name} — score {s.total:.1f}")
            for s in recommendation.ranked
        ]
        excluded = [
            (e.worker_id, f"{e.candidate.name} — {'; '.join(e.reasons)}")
            for e in recommendation.excluded
        ]
        self.fields["worker"].choices = [  # type: ignore[attr-defined]
            ("Recommended, best first", ranked),
            ("Not recommended", excluded),
        ]
        if recommendation.top is not None:
            self.fields["worker"].initial = recommendation.top.worker_id


class ComplexityForm(forms.Form):
    level = forms.TypedChoiceField(
        label="New complexity level",
        choices=ComplexityLevel.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the complexity level"},
    )
    reason = forms.CharField(
        label="Why the level changes",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
        error_messages={"required": "Enter why the complexity level changes"},
    )


class EndForm(forms.Form):
    allocation = forms.TypedChoiceField(
        label="Which allocation ends",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the allocation that ends"},
    )
    reason = forms.CharField(
        label="Why it ends",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
        error_messages={"required": "Enter why the allocation ends"},
    )

    def __init__(self, *args: object, choices: Sequence[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["allocation"].choices = choices  # type: ignore[attr-defined]
