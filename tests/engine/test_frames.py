"""Frames: bad input is rejected naming the table, the row key and the problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from oversight.engine.frames import CaseData, FrameError, read_folder, write_folder

D = dt.date


def referrals(**changes: list[object]) -> pl.DataFrame:
    columns: dict[str, list[object]] = {
        "referral_id": [1, 2],
        "child_id": [10, 11],
        "date": [D(2023, 1, 5), D(2023, 2, 1)],
        "source": ["6", "1A"],
        "nfa": [False, True],
        "primary_need": ["N1", None],
        "closure_date": [None, D(2023, 2, 1)],
        "closure_reason": [None, "RC8"],
    }
    columns.update(changes)
    return pl.DataFrame(columns)


def test_good_frames_are_accepted_and_absent_tables_are_empty() -> None:
    data = CaseData.of(referrals=referrals())
    assert data.referrals.height == 2
    assert data.contacts.height == 0
    assert data.contacts.schema["date"] == pl.Date()


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (referrals().drop("source"), "referrals: missing column source"),
        (referrals(date=["2023-01-05", "soon"]), "referrals: column date is not Date"),
        (referrals(referral_id=[1, 1]), "referrals row 1: the same key appears twice"),
        (referrals(child_id=[10, None]), "referrals row 2: child_id is missing"),
    ],
)
def test_bad_frames_name_table_row_and_problem(frame: pl.DataFrame, message: str) -> None:
    with pytest.raises(FrameError) as error:
        CaseData.of(referrals=frame)
    assert str(error.value) == message


def test_values_outside_a_code_list_are_rejected() -> None:
    allocations = pl.DataFrame(
        {
            "allocation_id": [7],
            "child_id": [1],
            "worker_id": [2],
            "role": ["lead"],
            "start": [D(2023, 1, 1)],
            "end": [None],
            "complexity_level": [2],
        }
    )
    with pytest.raises(FrameError) as error:
        CaseData.of(allocations=allocations)
    assert str(error.value) == "allocations row 7: role 'lead' is not one of ['co', 'holder']"


def test_unknown_tables_are_rejected() -> None:
    with pytest.raises(FrameError, match="placements: is not a table the engine knows"):
        CaseData.of(placements=pl.DataFrame({"a": [1]}))


def test_folder_round_trip_parquet_and_csv(tmp_path: Path) -> None:
    data = CaseData.of(referrals=referrals())
    write_folder(data, tmp_path / "parquet")
    assert read_folder(tmp_path / "parquet").referrals.equals(data.referrals)
    (tmp_path / "csv").mkdir()
    data.referrals.write_csv(tmp_path / "csv" / "referrals.csv")
    assert read_folder(tmp_path / "csv").referrals.equals(data.referrals)


def test_csv_with_a_bad_date_names_the_column(tmp_path: Path) -> None:
    (tmp_path / "referrals.csv").write_text(
        "referral_id,child_id,date,source,nfa,primary_need,closure_date,closure_reason\n"
        "1,10,05/01/2023,6,false,N1,,\n"
    )
    with pytest.raises(FrameError) as error:
        read_folder(tmp_path)
    assert str(error.value) == "referrals: column date has a value that is not Date"
