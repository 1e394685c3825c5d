"""The break-glass page: ask for access to one case outside your reach; see your running grants;
managers see the grants their team or locality made or received."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from oversight.accounts.break_glass import (
    REPORT_DAYS,
    CannotGrant,
    active_grants,
    grant_break_glass,
    grants_reported_to,
    may_break_glass,
    oversees_break_glass,
)
from oversight.accounts.forms import BreakGlassForm
from oversight.accounts.scope import scope_of
from oversight.cases.queries import cases_visible_to


@login_required
def break_glass(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required: signed in
    scope = scope_of(user)
    may_ask, oversees = may_break_glass(scope), oversees_break_glass(scope)
    if not may_ask and not oversees:
        raise Http404("Not found")
    form = BreakGlassForm(request.POST if request.method == "POST" and may_ask else None)
    if form.is_bound and form.is_valid():
        opened = _open_case(request, user, form)
        if opened is not None:
            return opened
    return render(
        request,
        "accounts/break_glass.html",
        {
            "form": form,
            "may_ask": may_ask,
            "running": active_grants(user).select_related("child"),
            "oversees": oversees,
            "overseen": grants_reported_to(user),
            "report_days": REPORT_DAYS,
            "hours": settings.OVERSIGHT_BREAK_GLASS_HOURS,
            "now": timezone.now(),
        },
        status=400 if form.errors else 200,
    )


def _open_case(request: HttpRequest, user: User, form: BreakGlassForm) -> HttpResponse | None:
    """Off to the case (granting access if it is needed), or None with the form's error."""
    la_child_id = form.cleaned_data["la_child_id"].strip()
    already = cases_visible_to(user).filter(la_child_id=la_child_id).first()
    if already is not None:
        messages.info(request, f"You can already see {la_child_id}: no break-glass needed.")
        return redirect("case", child_id=already.pk)
    try:
        grant = grant_break_glass(
            by=user, la_child_id=la_child_id, reason=form.cleaned_data["reason"], request=request
        )
    except CannotGrant as refused:
        form.add_error("la_child_id", str(refused))
        return None
    return redirect("case", child_id=grant.child_id)
