"""The "Email alerts" page: each user chooses how often the digest comes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from oversight.accounts.scope import scope_of
from oversight.alerts.actions import set_preference
from oversight.alerts.forms import PreferenceForm
from oversight.alerts.models import Frequency, Weekday
from oversight.alerts.queries import as_sentence, preference_for
from oversight.alerts.sources import receives_digest, scope_in_words


@login_required
def email_alerts(request: HttpRequest) -> HttpResponse:
    """GET shows the choice; POST (with CSRF) changes it, audited. Someone whose role gets
    no digest sees why, and cannot post."""
    eligible = receives_digest(request.user)
    preference = preference_for(request.user)
    if request.method == "POST":
        if not eligible:
            raise Http404("No digest for this role")
        form = PreferenceForm(request.POST)
        if form.is_valid():
            saved = set_preference(
                user=request.user,  # type: ignore[arg-type]
                frequency=form.cleaned_data["frequency"],
                weekday=form.cleaned_data["weekday"],
                by=request.user,  # type: ignore[arg-type]
            )
            messages.success(request, as_sentence(saved, will=True))
            return redirect("email-alerts")
    else:
        form = PreferenceForm(
            initial={"frequency": preference.frequency, "weekday": preference.weekday}
        )
    return render(
        request,
        "alerts/email_alerts.html",
        {
            "form": form,
            "eligible": eligible,
            "preference": preference,
            "choice": as_sentence(preference),
            "scope": scope_in_words(scope_of(request.user)),
            "frequencies": Frequency.choices,
            "weekdays": Weekday.choices,
            "chosen": _value(form, "frequency"),
            "chosen_day": _value(form, "weekday"),
        },
        status=400 if form.errors else 200,
    )


def _value(form: PreferenceForm, name: str) -> str:
    """The value to show as chosen: what was posted, else what is saved."""
    value = form[name].value()
    return "" if value is None else str(value)
