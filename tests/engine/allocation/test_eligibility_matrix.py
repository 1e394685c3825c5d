"""R-AL-1 for one worker and one case: every grade × complexity level × case status × role, and
agreement with the whole-frame rules the audits use (`allocation_breaches`)."""

from __future__ import annotations

import itertools

import pytest

from oversight.engine.measures.eligibility import Reason, pair_breaches
from oversight.engine.policy import Policy
from oversight.engine.workforce import Grade
from tests.engine.measures.eligibility_frames import (
    ASYE,
    EXPERIENCED,
    FSW,
    SENIOR,
    SW,
    allocation,
    breaches,
    case_data,
    s47,
)

POLICY = Policy()
A = Reason.ABOVE_GRADE_MAX
CO_ONLY = Reason.ASYE_CO_WORK_ONLY
ASYE_PROCEEDINGS = Reason.ASYE_CARE_PROCEEDINGS
FSW_CP = Reason.FSW_CHILD_PROTECTION

# (grade, role, level, child protection) → the reasons, worked out from domain.md R-AL-1 with the
# default policy: FSW holds up to 1 and never child protection; ASYE holds up to 2 and co-works
# up to 3 (never 4); SW up to 3; experienced and senior up to 4.
EXPECTED: dict[tuple[Grade, str, int, bool], list[Reason]] = {}
for level, cp in itertools.product((1, 2, 3, 4), (False, True)):
    fsw_cp = [FSW_CP] if cp or level >= 3 else []
    for role in ("holder", "co"):
        EXPECTED[(Grade.FSW, role, level, cp)] = ([A] if level > 1 else []) + fsw_cp
        EXPECTED[(Grade.SW, role, level, cp)] = [A] if level > 3 else []
        EXPECTED[(Grade.EXPERIENCED_SW, role, level, cp)] = []
        EXPECTED[(Grade.SENIOR, role, level, cp)] = []
    EXPECTED[(Grade.ASYE, "holder", level, cp)] = (
        [] if level <= 2 else [CO_ONLY] if level == 3 else [A]
    )
    EXPECTED[(Grade.ASYE, "co", level, cp)] = [ASYE_PROCEEDINGS] if level == 4 else []


@pytest.mark.parametrize(("grade", "role", "level", "cp"), sorted(EXPECTED))
def test_r_al_1_eligibility_matrix(grade: Grade, role: str, level: int, cp: bool) -> None:
    found = pair_breaches(grade, role, level, child_protection=cp, policy=POLICY)
    assert [reason for reason, _ in found] == EXPECTED[(grade, role, level, cp)]


def test_r_al_1_reasons_read_as_sentences() -> None:
    def sentences(grade: Grade, role: str, level: int, cp: bool) -> list[str]:
        found = pair_breaches(grade, role, level, child_protection=cp, policy=POLICY)
        return [text for _, text in found]

    assert sentences(Grade.FSW, "holder", 3, True) == [
        "Level 3 is above the most an FSW may hold (1)",
        "FSW: child protection cases are never held by a family support worker",
    ]
    assert sentences(Grade.ASYE, "holder", 3, False) == ["ASYE: level 3 only when co-worked"]
    assert sentences(Grade.SW, "co", 4, False) == [
        "Level 4 is above the most a social worker may co-work (3)"
    ]


GRADED = {FSW: Grade.FSW, ASYE: Grade.ASYE, SW: Grade.SW, EXPERIENCED: Grade.EXPERIENCED_SW}
GRADED[SENIOR] = Grade.SENIOR


def test_r_al_1_one_pair_agrees_with_the_whole_frame_rules() -> None:
    """Every combination as an open allocation in one frame: the audit's reasons and texts are
    exactly what the one-pair check says."""
    rows, protection, expected = [], [], []
    combos = itertools.product(GRADED.items(), ("holder", "co"), (1, 2, 3, 4), (False, True))
    for n, ((worker_id, grade), role, level, cp) in enumerate(combos, start=1):
        rows.append(allocation(n, n, worker_id, level, role=role))
        if cp:
            protection.append(s47(n, n, rows[-1]["start"]))
        found = pair_breaches(grade, role, level, child_protection=cp, policy=POLICY)
        expected += [(n, reason.value, text) for reason, text in found]
    frame = breaches(case_data(allocations=rows, section47s=protection))
    assert sorted(frame.select("allocation_id", "reason_code", "reason").rows()) == sorted(expected)


def test_r_al_1_fsw_child_protection_allowed_when_the_council_says_so() -> None:
    policy = Policy.from_dict({"eligibility": {"fsw_may_hold_child_protection": True}})
    assert pair_breaches(Grade.FSW, "holder", 1, child_protection=True, policy=policy) == []
