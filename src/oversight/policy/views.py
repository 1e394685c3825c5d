"""The policy settings page: administrators read and change the values every number uses."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from oversight.accounts.roles import AccessRole
from oversight.accounts.scope import scope_of
from oversight.engine.policy import PolicyError
from oversight.policy.actions import save_policy
from oversight.policy.models import PolicyVersion
from oversight.policy.queries import current_policy
from oversight.policy.settings_form import Setting, policy_from_form, settings_of


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    if AccessRole.ADMINISTRATOR not in scope_of(request.user).roles:
        raise Http404("Not found")
    current, number = current_policy()
    settings = settings_of(current)
    error: PolicyError | None = None
    note_error = ""
    submitted: dict[str, str] = {}
    if request.method == "POST":
        submitted = {s.path: request.POST.get(s.path, "") for s in settings}
        note = request.POST.get("note", "").strip()
        try:
            new_policy = policy_from_form(submitted)
        except PolicyError as exc:
            error = exc
        if not note:
            note_error = "Enter why the policy is changing"
        if error is None and not note_error:
            version = save_policy(policy=new_policy, by=request.user, note=note)  # type: ignore[arg-type]
            messages.success(request, f"Policy version {version.number} is now in force.")
            return redirect("policy")
        settings = [_with_value(s, submitted.get(s.path, s.value)) for s in settings]
    sections = [(title, list(rows)) for title, rows in groupby(settings, key=lambda s: s.section)]
    return render(
        request,
        "policy/policy.html",
        {
            "sections": sections,
            "number": number,
            "error_path": error.path.removeprefix("policy.") if error else "",
            "error_message": error.message if error else "",
            "note_error": note_error,
            "note": request.POST.get("note", ""),
            "history": PolicyVersion.objects.select_related("created_by")[:20],
        },
        status=400 if error or note_error else 200,
    )


def _with_value(setting: Setting, value: str) -> Setting:
    return Setting(setting.path, setting.section, setting.label, value, setting.default)
