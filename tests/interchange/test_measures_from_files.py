"""Measures straight from Annex A workbooks (issue 4, item 5): no database, one council per
file, each reported on its own and combined."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oversight.cases.models import Child
from oversight.interchange.annex_a import read_annex_a
from oversight.interchange.frames import case_data
from tests.interchange.workbooks import LIST_3, LIST_4, write_workbook

D = dt.date


def council_workbook(path: Path) -> Path:
    """C1 is re-referred within 12 months (R-RR-1) after an NFA referral; C2 is referred once.
    C1's single assessment is authorised 33 working days after it started."""
    return write_workbook(
        path,
        {
            "List 3": [
                LIST_3,
                ["C1", "Male", "", None, None, D(2023, 1, 5), "6", "Yes", 1, "Duty", ""],
                ["C1", "Male", "", None, None, D(2023, 4, 5), "6", "No", 1, "Duty", "Ann Smith"],
                ["C2", "Female", "", None, None, D(2023, 2, 1), "2A", "No", 0, "Duty", "Ann Smith"],
            ],
            "List 4": [
                LIST_4,
                [
                    "C1",
                    "Male",
                    "",
                    None,
                    None,
                    "No",
                    D(2023, 4, 6),
                    "",
                    D(2023, 5, 24),
                    "Yes",
                    "Duty",
                    "Ann Smith",
                ],
            ],
        },
    )


def test_a_workbook_becomes_the_engines_frames_with_one_councils_keys(tmp_path: Path) -> None:
    data = case_data([("north", read_annex_a(council_workbook(tmp_path / "north.xlsx")))])

    assert data.children.select("la_code", "la_child_id").rows() == [
        ("north", "C1"),
        ("north", "C2"),
    ]
    assert data.referrals.select(
        "child_id", "date", "nfa", "closure_date", "closure_reason"
    ).rows() == [
        (1, D(2023, 1, 5), True, D(2023, 1, 5), "RC8"),
        (1, D(2023, 4, 5), False, None, None),
        (2, D(2023, 2, 1), False, None, None),
    ]
    assert data.assessments.select("referral_id", "worker_id", "start", "authorised").rows() == [
        (2, 1, D(2023, 4, 6), D(2023, 5, 24))
    ]
    assert data.workers.select("name", "role", "qualified", "fte").rows() == [
        ("Ann Smith", "SW", False, 1.0)
    ]
    # Both open cases are held by Ann Smith, as the extract reports (level 1: nothing open then).
    assert data.allocations.select("child_id", "worker_id", "start", "complexity_level").rows() == [
        (1, 1, D(2023, 4, 5), 1),
        (2, 1, D(2023, 2, 1), 1),
    ]


def test_measures_from_one_workbook_without_the_database(
    tmp_path: Path, db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    path = council_workbook(tmp_path / "north.xlsx")

    call_command(
        "measures",
        "--annex-a",
        str(path),
        "--as-at",
        "2023-06-30",
        "--period-start",
        "2023-01-01",
        "--format",
        "json",
        "--only",
        "referrals.rereferral_rate",
        "assessments.within_timescale_rate",
    )

    document = json.loads(capsys.readouterr().out)
    assert document["scope"] == "Annex A: north"
    assert document["data_quality"] == {"rows_read": 4, "errors": 0, "warnings": 0}
    rereferrals = document["measures"]["referrals.rereferral_rate"]
    assert (rereferrals["value"], rereferrals["numerator"], rereferrals["denominator"]) == (
        33.3,
        1,
        3,
    )
    timely = document["measures"]["assessments.within_timescale_rate"]
    assert (timely["value"], timely["numerator"], timely["denominator"]) == (100.0, 1, 1)
    assert Child.objects.count() == 0  # nothing touched the database


def test_several_councils_are_reported_apart_and_combined(
    tmp_path: Path, db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both files use the child ID C1: one council's C1 is not the other's."""
    north = council_workbook(tmp_path / "north.xlsx")
    south = council_workbook(tmp_path / "south.xlsx")

    call_command(
        "measures",
        "--annex-a",
        str(north),
        str(south),
        "--as-at",
        "2023-06-30",
        "--period-start",
        "2023-01-01",
        "--format",
        "json",
        "--only",
        "referrals.rereferral_rate",
    )

    documents = json.loads(capsys.readouterr().out)
    assert list(documents) == ["north", "south", "combined"]
    counts = {
        name: (
            d["measures"]["referrals.rereferral_rate"]["numerator"],
            d["measures"]["referrals.rereferral_rate"]["denominator"],
        )
        for name, d in documents.items()
    }
    assert counts == {"north": (1, 3), "south": (1, 3), "combined": (2, 6)}
    assert documents["combined"]["data_quality"]["rows_read"] == 8


def test_a_refused_workbook_is_a_clear_command_error(tmp_path: Path, db: None) -> None:
    path = tmp_path / "north.xlsx"
    path.write_bytes(b"not a workbook")

    with pytest.raises(CommandError, match=r"north.xlsx: not an Excel workbook \(.xlsx\)"):
        call_command("measures", "--annex-a", str(path), "--as-at", "2023-06-30")
