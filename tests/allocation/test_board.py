"""The capacity board, eligibility breaches now (R-AL-4), departures from the recommendation
(R-AL-3) and allocation histories."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse
from django.utils import timezone

from oversight.cases.models import Allocation, Section47
from tests.allocation.conftest import client_for
from tests.factories import AllocationFactory, ChildFactory, ReferralFactory


def cell(html: str, worker: str, column: str) -> str:
    row = re.search(rf'data-worker="{worker}">(.*?)</tr>', html, re.S)
    assert row is not None, worker
    found = re.search(rf'data-col="{column}">(.*?)</td>', row.group(1), re.S)
    assert found is not None, column
    return re.sub(r"<[^>]+>", " ", found.group(1)).split()[-1]


def test_r_cl_3_board_shows_load_now_and_after_the_proposals(meeting: dict[str, Any]) -> None:
    """One at a time: CP-001 (8 points) to Sam, LOW-002 (4 points) to Fay. Capacity 85 each:
    Sam 0 % → 9 % (8 ÷ 85), Fay 0 % → 5 % (4 ÷ 85), Eve unchanged."""
    html = (
        client_for(meeting["tm"])
        .get(reverse("allocation-board", args=[meeting["team"].id]))
        .content.decode()
    )
    assert [cell(html, "Sam Social", c) for c in ("now", "proposed", "after")] == ["0%", "1", "9%"]
    assert [cell(html, "Fay Support", c) for c in ("now", "proposed", "after")] == ["0%", "1", "5%"]
    assert cell(html, "Eve Experienced", "after") == "0%"
    assert "FSW</strong>" in html
    assert 'data-testid="no-breaches"' in html


def test_r_al_4_board_lists_an_fsw_case_that_escalated_after_allocation(
    meeting: dict[str, Any],
) -> None:
    """Fay has held a level 1 case for 20 days; an s47 began 5 days ago: in breach for 5 days."""
    today = timezone.localdate()
    child = ChildFactory(la_child_id="ESC-003", responsible_team=meeting["team"])
    ReferralFactory(child=child, date=today - dt.timedelta(days=25))
    AllocationFactory(
        child=child,
        worker=meeting["fay"],
        complexity_level=1,
        start_date=today - dt.timedelta(days=20),
    )
    Section47.objects.create(child=child, strategy_date=today - dt.timedelta(days=5))
    html = (
        client_for(meeting["tm"])
        .get(reverse("allocation-board", args=[meeting["team"].id]))
        .content.decode()
    )
    row = re.search(r'data-testid="breaches">.*?<tbody[^>]*>(.*?)</tbody>', html, re.S)
    assert row is not None
    text = " ".join(re.sub(r"<[^>]+>", " ", row.group(1)).split())
    since = (today - dt.timedelta(days=5)).strftime("%-d %b %Y")
    assert text == (
        "ESC-003 Fay Support FSW: child protection cases are never held by a family support "
        f"worker {since} 5"
    )


def test_r_al_3_departures_and_histories_show_the_rationale(meeting: dict[str, Any]) -> None:
    client = client_for(meeting["tm"])
    client.post(
        reverse("allocation-case", args=[meeting["cp"].id]),
        {"worker": meeting["eve"].id, "rationale": "Eve knows the family"},
    )
    board = client.get(reverse("allocation-board", args=[meeting["team"].id])).content.decode()
    departures = board[board.index('id="departures"') :]
    assert "CP-001" in departures
    assert "Eve knows the family" in departures
    worker_page = client.get(reverse("allocation-worker", args=[meeting["eve"].id]))
    assert "Eve knows the family" in worker_page.content.decode()
    case_page = client.get(reverse("allocation-case", args=[meeting["cp"].id])).content.decode()
    assert 'data-testid="not-waiting"' in case_page
    assert "Eve knows the family" in case_page


def test_r_al_3_following_the_meetings_proposal_needs_no_rationale(
    meeting: dict[str, Any],
) -> None:
    """The proposal is worked out again on the server: here the whole meeting proposes Sam for
    CP-001, as the top recommendation does."""
    client = client_for(meeting["tm"])
    url = reverse("allocation-case", args=[meeting["cp"].id])
    page = client.get(url + "?proposal=1").content.decode()
    assert 'data-testid="proposal"' in page
    client.post(url, {"worker": meeting["sam"].id, "proposal": "1"})
    allocation = Allocation.objects.get(child=meeting["cp"])
    assert allocation.worker == meeting["sam"]
    assert allocation.recommendation_shown["meeting_proposal"] == meeting["sam"].id


def test_r_cl_2_reassessing_complexity_rechecks_the_allocation(meeting: dict[str, Any]) -> None:
    """Fay (FSW) holds a level 1 case; re-assessed at level 2 it breaks R-AL-1 at once."""
    today = timezone.localdate()
    child = ChildFactory(la_child_id="RE-004", responsible_team=meeting["team"])
    ReferralFactory(child=child, date=today - dt.timedelta(days=25))
    AllocationFactory(child=child, worker=meeting["fay"], complexity_level=1, start_date=today)
    client = client_for(meeting["tm"])
    url = reverse("allocation-complexity", args=[child.id])
    assert client.get(url).status_code == 405
    missing = client.post(url, {"level": "2"}, follow=True).content.decode()
    assert "Enter why the complexity level changes" in missing
    response = client.post(url, {"level": "2", "reason": "Neglect concerns"}, follow=True)
    assert (
        "Now at level 2, the allocation breaks a rule: Fay Support: Level 2 is above the most "
        "an FSW may hold (1)" in response.content.decode()
    )
    assert list(child.complexity_history.values_list("level", "reason")) == [
        (2, "Neglect concerns")
    ]
