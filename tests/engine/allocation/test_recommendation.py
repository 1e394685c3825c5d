"""R-AL-2: hand-worked rankings with every part of the score shown."""

from __future__ import annotations

import datetime as dt

import pytest

from oversight.engine.allocation.meeting import Candidate, QueueCase
from oversight.engine.allocation.scoring import Part, recommend
from oversight.engine.policy import Policy
from oversight.engine.workforce import Grade

POLICY = Policy()  # weights: experience 30, capacity 25, s47 15, continuity 15, siblings 10, team 5
WAITING = dt.date(2026, 11, 2)


def case(**changes: object) -> QueueCase:
    fields: dict[str, object] = {
        "child_id": 100,
        "la_child_id": "C100",
        "team_id": 1,
        "level": 2,
        "child_protection": False,
        "s47_open": False,
        "waiting_since": WAITING,
        "previous_workers": (3,),
    }
    return QueueCase(**(fields | changes))  # type: ignore[arg-type]


ASYE = Candidate(1, "Asha ASYE", 1, Grade.ASYE, 1.0, 76.5, 40.0, 0)
SW = Candidate(2, "Sam Social", 1, Grade.SW, 1.0, 85.0, 17.0, 2)
EXPERIENCED = Candidate(3, "Eve Experienced", 2, Grade.EXPERIENCED_SW, 1.0, 85.0, 34.0, 0)
FSW = Candidate(4, "Fay Support", 1, Grade.FSW, 1.0, 85.0, 10.0, 0)
FULL = Candidate(5, "Fran Full", 1, Grade.SW, 1.0, 85.0, 80.0, 0)
SENIOR = Candidate(6, "Sid Senior", 1, Grade.SENIOR, 0.5, 42.5, 10.0, 4)


def test_r_al_2_level_2_case_ranked_with_every_part() -> None:
    """Level 2 (6 points). The least experienced grade that may hold it is ASYE (rank 1 of 0–4),
    so experience fit = 1 − (rank − 1) ÷ 3.
    Asha: fit 1 → 30; after (40 + 6) ÷ 76.5 = 0.601307 → (1 − 0.601307) × 25 = 9.967320; team 5.
    Sam: fit 2/3 → 20; after 23 ÷ 85 = 0.270588 → 18.235294; team 5 → 43.235294.
    Eve: fit 1/3 → 10; after 40 ÷ 85 = 0.470588 → 13.235294; held the child before → 15; other
    team → 0 → 38.235294. Fay (FSW) and Fran (86 ÷ 85) are excluded."""
    result = recommend(case(), [ASYE, SW, EXPERIENCED, FSW, FULL], POLICY)
    assert [s.worker_id for s in result.ranked] == [1, 2, 3]
    assert [s.total for s in result.ranked] == pytest.approx([44.967320, 43.235294, 38.235294])
    asha = result.ranked[0]
    assert asha.points == pytest.approx(
        {
            Part.EXPERIENCE_FIT: 30.0,
            Part.CAPACITY_AFTER: 9.967320,
            Part.RECENT_S47_LOAD: 0.0,
            Part.CONTINUITY: 0.0,
            Part.SIBLINGS_TOGETHER: 0.0,
            Part.SAME_TEAM: 5.0,
        }
    )
    assert asha.fits[Part.RECENT_S47_LOAD] is None  # not s47 work
    assert asha.fits[Part.SIBLINGS_TOGETHER] is None  # no siblings
    assert [(e.worker_id, e.reasons, e.hard) for e in result.excluded] == [
        (5, ("at 101% of capacity after allocation",), False),
        (4, ("Level 2 is above the most an FSW may hold (1)",), True),
    ]


def test_r_al_2_s47_work_prefers_fewer_recent_s47s_per_fte() -> None:
    """Level 3 child protection with an s47 open (8 points). Least eligible grade: SW (rank 2),
    span 2. Busiest on s47s: Sid, 4 ÷ 0.5 FTE = 8 per FTE.
    Sam: fit 1 → 30; after 25 ÷ 85 → (1 − 0.294118) × 25 = 17.647059; s47 1 − 2/8 → 11.25;
    team 5 → 63.897059. Eve: fit 1/2 → 15; after 42 ÷ 85 → 12.647059; s47 1 → 15; knows the
    child 15 → 57.647059. Sid: fit 0; after 18 ÷ 42.5 → 14.411765; s47 0; team 5 → 19.411765.
    Asha: ASYEs hold level 3 only when co-worked."""
    cp = case(level=3, child_protection=True, s47_open=True)
    result = recommend(cp, [ASYE, SW, EXPERIENCED, SENIOR], POLICY)
    assert [s.worker_id for s in result.ranked] == [2, 3, 6]
    assert [s.total for s in result.ranked] == pytest.approx([63.897059, 57.647059, 19.411765])
    assert [(e.worker_id, e.reasons) for e in result.excluded] == [
        (1, ("ASYE: level 3 only when co-worked",))
    ]


def test_r_al_2_siblings_together_counts_a_sibling_held_or_proposed() -> None:
    with_sibling = case(siblings=frozenset({200}))
    holder = Candidate(2, "Sam Social", 1, Grade.SW, 1.0, 85.0, 17.0, 0, frozenset({200}))
    result = recommend(with_sibling, [holder, EXPERIENCED], POLICY)
    assert result.ranked[0].points[Part.SIBLINGS_TOGETHER] == 10.0
    # Proposed earlier in the same meeting counts too.
    later = recommend(with_sibling, [SW], POLICY, proposed_children={2: {200}})
    assert later.ranked[0].points[Part.SIBLINGS_TOGETHER] == 10.0


def test_r_al_2_weights_come_from_the_policy() -> None:
    policy = Policy.from_dict({"recommendation": {"same_team": 50}})
    result = recommend(case(), [ASYE, EXPERIENCED], policy)
    assert result.ranked[0].points[Part.SAME_TEAM] == 50.0
    assert result.ranked[1].points[Part.SAME_TEAM] == 0.0


def test_r_al_2_capacity_limit_comes_from_the_policy() -> None:
    policy = Policy.from_dict({"recommendation": {"capacity_limit": 0.5}})
    result = recommend(case(), [ASYE, SW], policy)
    assert [s.worker_id for s in result.ranked] == [2]
    assert result.excluded[0].reasons == ("at 60% of capacity after allocation",)
