"""A case already held (R-AL-3): reallocating it, adding a co-worker (R-CL-1: a co-worker
carries half the weight by default) and ending an allocation, from the case's page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from oversight.audit.models import AuditEvent
from oversight.cases.models import Allocation
from tests.allocation.conftest import client_for

HOLDER, CO = Allocation.Role.CASE_HOLDER, Allocation.Role.CO_WORKER


def held_by_sam(meeting: dict[str, Any]) -> Any:
    client = client_for(meeting["tm"])
    client.post(reverse("allocation-case", args=[meeting["cp"].id]), {"worker": meeting["sam"].id})
    return client


def test_the_page_of_a_held_case_offers_reallocation_ranked_without_the_holder(
    meeting: dict[str, Any],
) -> None:
    client = held_by_sam(meeting)
    page = client.get(reverse("allocation-case", args=[meeting["cp"].id])).content.decode()
    current = page[page.index('data-testid="current"') :]
    assert "Sam Social: case holder since" in current
    reallocate = page[page.index('id="reallocate"') : page.index('id="co-worker"')]
    assert "Sam Social" not in reallocate
    assert "Eve Experienced — score 57.6" in reallocate


def test_r_al_3_reallocation_ends_the_holder_and_allocates_in_one_step(
    meeting: dict[str, Any],
) -> None:
    client = held_by_sam(meeting)
    response = client.post(
        reverse("allocation-reallocate", args=[meeting["cp"].id]),
        {"holder-worker": meeting["eve"].id},
    )
    assert response.status_code == 302
    today = timezone.localdate()
    rows = Allocation.objects.filter(child=meeting["cp"]).order_by("id")
    assert [(a.worker.name, a.end_date, a.end_reason) for a in rows] == [
        ("Sam Social", today, "Reallocated"),
        ("Eve Experienced", None, ""),
    ]
    changes = AuditEvent.objects.filter(kind=AuditEvent.Kind.CHANGE).order_by("id")
    assert [e.what for e in changes][-2:] == [
        "Ended allocation of CP-001 to Sam Social",
        "Allocated CP-001 to Eve Experienced",
    ]


def test_r_al_1_a_co_worker_is_checked_as_a_co_worker(meeting: dict[str, Any]) -> None:
    """Fay (FSW) may not co-work child protection either: only a team manager's override
    lets her, with a reason. Eve co-works it with a rationale."""
    client = held_by_sam(meeting)
    url = reverse("allocation-co-worker", args=[meeting["cp"].id])
    refused = client.post(url, {"co-worker": meeting["fay"].id, "co-rationale": "Extra visits"})
    assert refused.status_code == 400
    assert "Enter the reason for overriding the rule" in refused.content.decode()
    client.post(url, {"co-worker": meeting["eve"].id, "co-rationale": "Joint visits"})
    co = Allocation.objects.get(child=meeting["cp"], role=CO)
    assert (co.worker, co.rationale, co.end_date) == (meeting["eve"], "Joint visits", None)


def test_r_al_3_ending_an_allocation_needs_a_reason(meeting: dict[str, Any]) -> None:
    client = held_by_sam(meeting)
    held = Allocation.objects.get(child=meeting["cp"])
    url = reverse("allocation-end", args=[meeting["cp"].id])
    missing = client.post(url, {"allocation": held.id})
    assert missing.status_code == 400
    assert "Enter why the allocation ends" in missing.content.decode()
    client.post(url, {"allocation": held.id, "reason": "Sam is leaving the team"})
    held.refresh_from_db()
    assert (held.end_date, held.end_reason) == (timezone.localdate(), "Sam is leaving the team")
    # Without a case holder the child waits in the queue again.
    queue = client.get(reverse("allocation-meeting", args=[meeting["team"].id])).content.decode()
    assert 'data-child="CP-001"' in queue


def test_held_case_actions_are_post_only(meeting: dict[str, Any]) -> None:
    client = held_by_sam(meeting)
    for name in ("allocation-reallocate", "allocation-co-worker", "allocation-end"):
        assert client.get(reverse(name, args=[meeting["cp"].id])).status_code == 405
