"""Code sets are data (domain.md §2): exact values, and codes valid only from their year."""

from __future__ import annotations

import datetime as dt

from oversight.engine.codes import CodeSetName, code_set, is_valid


def test_code_sets_hold_the_documented_codes() -> None:
    sources = list(code_set(CodeSetName.REFERRAL_SOURCE))
    assert sources[0] == "1A"
    assert sources[-1] == "10"
    assert len(sources) == 22
    assert list(code_set(CodeSetName.PRIMARY_NEED)) == [f"N{n}" for n in range(10)]
    assert list(code_set(CodeSetName.CLOSURE_REASON)) == [f"RC{n}" for n in range(1, 10)]
    assert list(code_set(CodeSetName.CATEGORY_OF_ABUSE)) == ["NEG", "PHY", "SAB", "EMO", "MUL"]


def test_new_codes_are_valid_only_from_their_collection_year() -> None:
    """5D and RC9 arrived in 2022-23 (from 1 April 2022)."""
    assert not is_valid(CodeSetName.REFERRAL_SOURCE, "5D", dt.date(2022, 3, 31))
    assert is_valid(CodeSetName.REFERRAL_SOURCE, "5D", dt.date(2022, 4, 1))
    assert not is_valid(CodeSetName.CLOSURE_REASON, "RC9", dt.date(2021, 6, 1))
    assert is_valid(CodeSetName.CLOSURE_REASON, "RC8", dt.date(2011, 6, 1))
    assert not is_valid(CodeSetName.PRIMARY_NEED, "N10")
