"""Hostile and broken files are refused with a clear message, quickly, and nothing is written
(issue 4, item 7). A short hypothesis run fuzzes the workbook reader and the cell parsers."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.audit.models import AuditEvent
from oversight.cases.models import Child
from oversight.interchange import cells
from oversight.interchange.annex_a import read_annex_a
from oversight.interchange.models import ImportRun
from oversight.interchange.report import progress_line
from oversight.interchange.safety import FileRefused, Limits, check_workbook
from tests.factories import LocalAuthorityFactory
from tests.interchange.workbooks import LIST_1, write_workbook


def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return path


def test_a_binary_renamed_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"MZ\x90\x00" + bytes(range(256)) * 10)
    with pytest.raises(FileRefused, match="not a zip package"):
        read_annex_a(path)


def test_an_old_xls_or_password_protected_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(FileRefused, match=r"old-style \.xls workbook or a password-protected"):
        read_annex_a(path)


def test_a_macro_workbook_is_refused(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "plain.xlsx", {"List 1": [LIST_1]})
    with zipfile.ZipFile(path) as plain:
        parts = {info.filename: plain.read(info) for info in plain.infolist()}
    macro = _zip(tmp_path / "macro.xlsx", parts | {"xl/vbaProject.bin": b"\0" * 100})
    with pytest.raises(FileRefused, match="macro-enabled workbook"):
        read_annex_a(macro)


def test_a_zip_bomb_disguised_as_xlsx_is_refused_without_expanding_it(tmp_path: Path) -> None:
    bomb = _zip(
        tmp_path / "bomb.xlsx",
        {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"\0" * 50_000_000},
    )
    assert bomb.stat().st_size < 100_000
    with pytest.raises(FileRefused, match="possible zip bomb"):
        read_annex_a(bomb)


def test_a_workbook_expanding_past_the_limit_is_refused(tmp_path: Path) -> None:
    parts = {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"x" * 3_000}
    path = _zip(tmp_path / "big.xlsx", parts)
    with pytest.raises(FileRefused, match="expands to 0 MB: refused as too large"):
        check_workbook(path, Limits(max_expanded_bytes=2_000))


def test_a_200_mb_file_is_refused_from_its_size_alone(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: no disk or memory is used
    with pytest.raises(FileRefused, match="the file is 200 MB; the limit is 100 MB"):
        read_annex_a(path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "photos.xlsx", {"holiday.jpg": b"\xff\xd8" * 100})
    with pytest.raises(FileRefused, match="it has no workbook part"):
        read_annex_a(path)


def test_a_refused_file_is_recorded_and_audited_and_writes_nothing(
    tmp_path: Path, db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    LocalAuthorityFactory()
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"not a workbook at all")

    with pytest.raises(SystemExit) as exit_status:
        call_command("import", "annex-a", str(path), "--format", "json")

    assert exit_status.value.code == 1
    output = json.loads(capsys.readouterr().out)
    assert output == {
        "tables": {},
        "problems": [
            {
                "where": "report.xlsx",
                "row": None,
                "column": None,
                "value": None,
                "reason": "not an Excel workbook (.xlsx): the file is not a zip package",
                "severity": "error",
            }
        ],
        "committed": False,
    }
    run = ImportRun.objects.get()
    assert (run.status, run.file_name, run.dry_run) == ("refused", "report.xlsx", False)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.IMPORT)
    assert event.what == "Ofsted Annex A workbook: report.xlsx (not imported)"
    assert Child.objects.count() == 0


def test_the_cli_prints_the_documented_json_for_a_dry_run(
    tmp_path: Path, db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    LocalAuthorityFactory()
    path = write_workbook(
        tmp_path / "a.xlsx",
        {"List 1": [LIST_1, ["C1", "Male", "", None, None, dt.date(2023, 3, 1), "q) 6: Police"]]},
    )

    call_command("import", "annex-a", str(path), "--dry-run", "--format", "json")

    assert json.loads(capsys.readouterr().out) == {
        "tables": {
            "children": {"new": 1, "updated": 0, "unchanged": 0},
            "contacts": {"new": 1, "updated": 0, "unchanged": 0},
        },
        "problems": [],
        "committed": False,
    }
    assert Child.objects.count() == 0
    assert ImportRun.objects.get().status == "checked"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=2_000))
def test_fuzzed_bytes_are_either_read_or_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(data)
    with contextlib.suppress(FileRefused):
        read_annex_a(path)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(
            st.one_of(
                st.none(),
                st.text(max_size=12),
                st.floats(allow_nan=False, allow_infinity=False),
                st.integers(-(10**6), 10**6),
                st.dates(),
            ),
            min_size=7,
            max_size=7,
        ),
        max_size=6,
    )
)
def test_fuzzed_cells_in_a_real_workbook_give_rows_or_problems(
    tmp_path: Path, rows: list[list[object]]
) -> None:
    path = write_workbook(tmp_path / "fuzz.xlsx", {"List 1": [LIST_1, *rows]})
    extract = read_annex_a(path)
    assert len(extract.rows("contacts")) <= len(rows)


@given(st.one_of(st.text(max_size=30), st.floats(), st.integers(), st.booleans(), st.none()))
def test_cell_parsers_return_a_value_or_raise_cell_error(value: object) -> None:
    for parse in (
        cells.date,
        cells.yes_no,
        cells.sex,
        cells.ethnicity,
        cells.whole_number,
        cells.identifier,
    ):
        with contextlib.suppress(cells.CellError):
            parse(value)


def test_a_formula_in_a_date_cell_is_an_error_naming_the_formula() -> None:
    with pytest.raises(cells.CellError, match="a formula, not a date"):
        cells.date("=H2+5")


def test_dates_in_every_form_real_extracts_use() -> None:
    assert {
        cells.date(dt.datetime(2023, 3, 1, 0, 0)),
        cells.date(44986),
        cells.date(44986.0),
        cells.date("44986"),
        cells.date("01/03/2023"),
        cells.date("1/3/2023"),
        cells.date("2023-03-01"),
        cells.date("2023-03-01T00:00:00"),
    } == {dt.date(2023, 3, 1)}
    assert cells.date("#N/A") is None


def test_codes_with_or_without_their_prefix_and_by_label() -> None:
    from oversight.engine.codes import CodeSetName

    source = CodeSetName.REFERRAL_SOURCE
    assert [
        cells.code(v, source)
        for v in ("q) 6: Police", "6", "Police", " police ", "b) 1B: Individual")
    ] == ["6", "6", "6", "6", "1B"]
    need = CodeSetName.PRIMARY_NEED
    assert [cells.code(v, need) for v in ("N1 - Abuse or Neglect", "n1", "Abuse or neglect")] == [
        "N1"
    ] * 3
    abuse = CodeSetName.CATEGORY_OF_ABUSE
    assert [cells.code(v, abuse) for v in ("Physical abuse", "PHY", "Multiple")] == [
        "PHY",
        "PHY",
        "MUL",
    ]


def test_the_command_lines_progress_bar() -> None:
    assert progress_line("a.xlsx", 30_000, 100_000, width=10) == (
        "a.xlsx [###.......]  30% 30,000 of 100,000 rows"
    )
    assert progress_line("census.xml", 5_000, None) == "census.xml: 5,000 rows read"


def test_the_reader_reports_progress_against_the_sheets_total(tmp_path: Path) -> None:
    rows = [["C1", "Male", "", None, None, dt.date(2023, 3, 1), "6"]] * 12_000
    path = write_workbook(tmp_path / "a.xlsx", {"List 1": [LIST_1, *rows]})
    calls: list[tuple[int, int | None]] = []

    read_annex_a(path, progress=lambda done, total=None: calls.append((done, total)))

    assert calls == [(5_000, 12_001), (10_000, 12_001), (12_000, 12_000)]
