"""The allocation meeting and a case's allocation page (R-AL-1..3), with recorded decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from oversight.allocation.actions import Decision, DecisionRefused, allocate_case
from oversight.allocation.meeting import team_meeting
from oversight.audit.models import AuditEvent
from oversight.cases.models import Allocation
from oversight.engine.allocation.scoring import recommend
from tests.allocation.conftest import client_for
from tests.factories import ChildFactory, ReferralFactory

HOLDER = Allocation.Role.CASE_HOLDER


def test_r_al_2_meeting_lists_child_protection_first_with_top_recommendations(
    meeting: dict[str, Any],
) -> None:
    response = client_for(meeting["tm"]).get(
        reverse("allocation-meeting", args=[meeting["team"].id])
    )
    html = response.content.decode()
    assert html.index('data-child="CP-001"') < html.index('data-child="LOW-002"')
    # Level 3 child protection: Sam (SW, the least experienced eligible) scores
    # 30 + (1 − 8/85) × 25 + 15 (no recent s47s) + 5 = 72.6; Fay may not hold it.
    assert "Sam Social (72.6)" in html
    # Level 1: Fay (FSW) is the least experienced eligible: 30 + (1 − 4/85) × 25 + 5 = 58.8.
    assert "Fay Support (58.8)" in html


def test_r_al_2_case_page_shows_every_part_and_the_excluded(meeting: dict[str, Any]) -> None:
    url = reverse("allocation-case", args=[meeting["cp"].id])
    html = client_for(meeting["tm"]).get(url).content.decode()
    # Eve: experience fit ½ → 15, capacity 22.6, s47 15, team 5 = 57.6.
    assert html.index('data-worker="Sam Social"') < html.index('data-worker="Eve Experienced"')
    assert ">57.6<" in html
    assert (
        "Fay Support: Level 3 is above the most an FSW may hold (1); FSW: child protection "
        "cases are never held by a family support worker" in html
    )


def test_r_al_3_top_recommendation_needs_no_rationale_and_is_recorded(
    meeting: dict[str, Any],
) -> None:
    url = reverse("allocation-case", args=[meeting["cp"].id])
    response = client_for(meeting["tm"]).post(url, {"worker": meeting["sam"].id})
    assert response.status_code == 302
    allocation = Allocation.objects.get(child=meeting["cp"], end_date__isnull=True)
    assert (allocation.worker, allocation.role, allocation.complexity_level) == (
        meeting["sam"],
        HOLDER,
        3,
    )
    assert allocation.decided_by == meeting["tm"]
    assert allocation.recommendation_shown["ranked"][0]["name"] == "Sam Social"
    assert allocation.recommendation_shown["ranked"][0]["total"] == 72.65
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.CHANGE).latest("id")
    assert event.what == "Allocated CP-001 to Sam Social"
    assert event.detail["after"]["worker"] == "Sam Social"


def test_r_al_3_choosing_another_worker_needs_a_rationale(meeting: dict[str, Any]) -> None:
    url = reverse("allocation-case", args=[meeting["cp"].id])
    client = client_for(meeting["tm"])
    response = client.post(url, {"worker": meeting["eve"].id})
    assert response.status_code == 200
    assert "Enter the rationale: this is not the recommendation" in response.content.decode()
    assert not Allocation.objects.filter(child=meeting["cp"]).exists()
    client.post(url, {"worker": meeting["eve"].id, "rationale": "Eve knows the family"})
    allocation = Allocation.objects.get(child=meeting["cp"])
    assert (allocation.worker, allocation.rationale) == (meeting["eve"], "Eve knows the family")


def test_r_al_3_hard_rule_breach_needs_a_team_managers_override(meeting: dict[str, Any]) -> None:
    url = reverse("allocation-case", args=[meeting["cp"].id])
    fay = meeting["fay"].id
    as_tm = client_for(meeting["tm"])
    no_reason = as_tm.post(url, {"worker": fay, "rationale": "Nobody else"})
    assert "Enter the reason for overriding the rule" in no_reason.content.decode()
    assert not Allocation.objects.filter(child=meeting["cp"]).exists()
    as_tm.post(url, {"worker": fay, "rationale": "Nobody else", "override_reason": "Two days only"})
    allocation = Allocation.objects.get(child=meeting["cp"])
    assert (allocation.worker_id, allocation.override_reason) == (fay, "Two days only")


def test_r_al_3_a_worker_sees_recommendations_but_cannot_allocate(
    meeting: dict[str, Any],
) -> None:
    """Sam sees only their own cases: the team's waiting cases are not theirs to see."""
    client = client_for(meeting["sam_user"])
    response = client.get(reverse("allocation-case", args=[meeting["cp"].id]))
    assert response.status_code == 404
    post = client.post(reverse("allocation-case", args=[meeting["cp"].id]), {"worker": 1})
    assert post.status_code == 404
    assert not Allocation.objects.exists()


def test_r_al_2_whole_meeting_comparison(meeting: dict[str, Any]) -> None:
    url = reverse("allocation-meeting", args=[meeting["team"].id]) + "?plan=optimised"
    html = client_for(meeting["tm"]).get(url).content.decode()
    assert 'data-testid="optimised-allocated">2<' in html
    assert "proven the best possible" in html


def test_r_al_3_only_a_team_manager_may_override_a_hard_rule(meeting: dict[str, Any]) -> None:
    """An assistant team manager may allocate, but not against R-AL-1."""
    gathered = team_meeting(meeting["atm"], meeting["team"], as_at=timezone.localdate())
    recommendation = recommend(
        queue_case_for(meeting["cp"].id, meeting),
        [c for c in candidates(meeting) if c.worker_id == meeting["fay"].id],
        gathered.meeting.policy,
    )
    decision = Decision(meeting["cp"], meeting["fay"], timezone.localdate(), "x", "Two days")
    with pytest.raises(DecisionRefused, match="Only a team manager may override this"):
        allocate_case(meeting["atm"], decision, recommendation)
    assert not Allocation.objects.exists()


def queue_case_for(child_id: int, meeting: dict[str, Any]) -> Any:
    gathered = team_meeting(meeting["tm"], meeting["team"], as_at=timezone.localdate())
    return next(c for c in gathered.meeting.cases if c.child_id == child_id)


def candidates(meeting: dict[str, Any]) -> Any:
    gathered = team_meeting(meeting["tm"], meeting["team"], as_at=timezone.localdate())
    return gathered.meeting.candidates


def test_r_al_2_siblings_allocated_together_in_one_decision(meeting: dict[str, Any]) -> None:
    """LOW-002 waits with a brother, SIB-005 (level 1): one decision gives both to Fay."""
    today = timezone.localdate()
    meeting["low"].family_reference = "FAM-9"
    meeting["low"].save()
    brother = ChildFactory(
        la_child_id="SIB-005", responsible_team=meeting["team"], family_reference="FAM-9"
    )
    ReferralFactory(child=brother, date=today - dt.timedelta(days=30))
    client = client_for(meeting["tm"])
    url = reverse("allocation-case", args=[meeting["low"].id])
    page = client.get(url).content.decode()
    assert "Allocate their brothers and sisters who are waiting" in page
    assert "SIB-005" in page
    response = client.post(url, {"worker": meeting["fay"].id, "siblings": [brother.id]})
    assert response.status_code == 302
    held = Allocation.objects.filter(worker=meeting["fay"]).values_list(
        "child__la_child_id", flat=True
    )
    assert sorted(held) == ["LOW-002", "SIB-005"]


def test_r_al_1_siblings_are_all_allocated_or_none(meeting: dict[str, Any]) -> None:
    """The brother is in child protection: Fay may not hold him, so neither is allocated."""
    meeting["low"].family_reference = "FAM-9"
    meeting["low"].save()
    meeting["cp"].family_reference = "FAM-9"
    meeting["cp"].save()
    client = client_for(meeting["tm"])
    url = reverse("allocation-case", args=[meeting["low"].id])
    response = client.post(url, {"worker": meeting["fay"].id, "siblings": [meeting["cp"].id]})
    assert response.status_code == 200
    assert "CP-001: Level 3 is above the most an FSW may hold (1)" in response.content.decode()
    assert not Allocation.objects.exists()
