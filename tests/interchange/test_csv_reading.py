"""CSV imports: reading real files — encodings, separators, headings, formulas, fuzzing."""

from __future__ import annotations

import contextlib
import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.interchange import cells, csv_templates
from oversight.interchange.csv_templates import (
    FORMULA,
    TEMPLATE_DIR,
    TEMPLATES,
    looks_like_formula,
    read_csv,
)
from oversight.interchange.report import Problem
from oversight.interchange.safety import FileRefused
from tests.interchange.csv_files import (
    ROOT,
    D,
    csv_file,
)


# Reading: encodings, separators, headings ----------------------------------------------------
@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (
            "Name;ROLE; Start Date ;F.T.E.\r\nZoë Ångström;Social Worker;01/02/2020;0,5\r\n",
            "cp1252",
        ),
        (
            "\ufeffWorker name,Job role,Start date in post,Full-time equivalent\n"
            "Zoë Ångström,sw,2020-02-01,.5\n",
            "utf-8",
        ),
        ("NAME , role , START_DATE , fte\n\n\nZoë Ångström , SW , 43862 , 50%\n\n", "utf-8"),
    ],
)
def test_heading_and_encoding_variants_read_the_same(
    tmp_path: Path, text: str, encoding: str
) -> None:
    extract = read_csv(csv_file(tmp_path, "w.csv", text, encoding))

    assert extract.source == "csv:workers"
    assert extract.problems == []
    assert [r.values for r in extract.rows("workers")] == [
        {
            "name": "Zoë Ångström",
            "role": "SW",
            "team": None,
            "locality": None,
            "qualified": None,
            "qualification_date": None,
            "start_date": D(2020, 2, 1),
            "end_date": None,
            "fte": Decimal("0.50"),
            "agency": None,
            "supervisor": None,
            "swe_number": None,
        }
    ]


def test_row_numbers_are_the_files_line_numbers(tmp_path: Path) -> None:
    text = (
        'worker,start_date,end_date,reason\n\nAnn,01/01/2023,02/01/2023,"two\nlines"\n'
        "Ann,05/01/2023,04/01/2023,\n"
    )
    extract = read_csv(csv_file(tmp_path, "absences.csv", text))

    assert [r.number for r in extract.rows("absences")] == [3]
    assert extract.rows("absences")[0].values["reason"] == "two lines"
    assert extract.problems == [
        Problem("absences.csv", 5, "end_date", "04/01/2023", "before the start date (05/01/2023)")
    ]


def test_an_excel_separator_line_names_the_separator(tmp_path: Path) -> None:
    text = "sep=;\r\nworker;start_date;end_date\r\nAnn;01/01/2023;02/01/2023\r\n"
    extract = read_csv(csv_file(tmp_path, "a.csv", text))

    assert [(r.number, r.values["worker"]) for r in extract.rows("absences")] == [(3, "Ann")]
    assert extract.problems == []


def test_a_file_of_headings_alone_is_a_warning(tmp_path: Path) -> None:
    extract = read_csv(csv_file(tmp_path, "a.csv", "worker,start_date,end_date\n"))

    assert extract.problems == [
        Problem("a.csv", None, None, None, "the file has no rows", "warning")
    ]


def test_headings_matching_no_template_are_refused_naming_each_template(tmp_path: Path) -> None:
    with pytest.raises(FileRefused) as refused:
        read_csv(csv_file(tmp_path, "x.csv", "child,date\nC1,01/01/2023\n"))

    assert str(refused.value) == (
        "the headings match no CSV template (or more than one). The templates and the headings "
        "each needs: workers: name, role, start_date, fte; absences: worker, start_date, "
        "end_date; allocations: child_id, worker, start_date, complexity_level; "
        "supervision_sessions: supervisee, supervisor, held_on, minutes"
    )


def test_a_template_given_explicitly_wins_over_the_headings(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "a.csv", "worker,start_date,end_date\nAnn,01/01/2023,02/01/2023\n")
    extract = read_csv(path, template="allocations")

    assert extract.source == "csv:allocations"
    assert [(p.row, p.column, p.reason) for p in extract.problems] == [
        (1, "child_id", "required column is missing"),
        (1, "complexity_level", "required column is missing"),
    ]


def test_an_unknown_heading_is_a_warning_and_a_repeated_one_an_error(tmp_path: Path) -> None:
    text = "worker,start_date,end_date,notes,Start Date\nAnn,01/01/2023,02/01/2023,x,03/01/2023\n"
    extract = read_csv(csv_file(tmp_path, "a.csv", text))

    assert extract.problems == [
        Problem(
            "a.csv", 1, "notes", None, "not a column of the absences template; ignored", "warning"
        ),
        Problem("a.csv", 1, "Start Date", None, "a second column for the same field"),
    ]
    assert extract.rows("absences") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"name\x00,role\n", "not a CSV text file (it contains NUL bytes)"),
        (b"\x81\x8d\x8f\n", "neither UTF-8 nor Windows-1252"),
        (b"\n\n  \n", "the file has no heading row"),
    ],
)
def test_files_that_are_not_csv_text_are_refused(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    with pytest.raises(FileRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_csv(path)


@pytest.mark.parametrize(
    ("cell", "formula"),
    [
        ('=HYPERLINK("http://x")', True),
        ("+1+cmd|' /C calc'!A0", True),
        ("@SUM(A1:A2)", True),
        ("-2+3+cmd|' /C calc'!A0", True),
        ("  =1+1", True),
        ("-x", True),
        ("-5", False),
        ("-0.5", False),
        ("-", False),
        ("Ann-Marie", False),
        ("", False),
    ],
)
def test_what_counts_as_a_spreadsheet_formula(cell: str, formula: bool) -> None:
    assert looks_like_formula(cell) is formula


def test_formula_cells_are_refused_for_their_row_and_column(tmp_path: Path) -> None:
    text = 'worker,start_date,end_date,reason\n=cmd|"/C calc"!A0,01/01/2023,02/01/2023,@SUM(1)\n'
    extract = read_csv(csv_file(tmp_path, "a.csv", text))

    assert extract.problems == [
        Problem("a.csv", 2, "worker", '=cmd|"/C calc"!A0', FORMULA),
        Problem("a.csv", 2, "reason", "@SUM(1)", FORMULA),
    ]
    assert extract.rows("absences") == []


def test_every_downloadable_template_reads_cleanly_as_itself() -> None:
    for name in TEMPLATES:
        extract = read_csv(TEMPLATE_DIR / f"{name}.csv")
        assert (extract.source, extract.rows_read, extract.problems) == (f"csv:{name}", 2, [])


def test_every_template_column_is_documented() -> None:
    guide = (ROOT / "docs" / "importing-csv.md").read_text()
    missing = [
        f"{t.name}.{c.headings[0]}"
        for t in TEMPLATES.values()
        for c in t.columns
        if f"`{c.headings[0]}`" not in guide
    ]
    assert missing == []


@given(st.one_of(st.text(max_size=30), st.sampled_from(["²", "%", "NaN", "1e5", "9" * 5000])))
def test_the_template_cell_parsers_return_a_value_or_raise_cell_error(value: str) -> None:
    t = csv_templates
    for parse in (t.date, t.fte, t.complexity_level, t.minutes, t.role, t.case_role, t.name):
        with contextlib.suppress(cells.CellError):
            parse(value)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=400))
def test_fuzzed_text_is_read_or_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    with contextlib.suppress(FileRefused):
        read_csv(path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(sorted(TEMPLATES)),
    st.lists(st.lists(st.text(max_size=12), max_size=14), max_size=5),
)
def test_fuzzed_cells_under_a_real_heading_row_give_rows_or_problems(
    tmp_path: Path, name: str, rows: list[list[str]]
) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.headings[0] for c in TEMPLATES[name].columns])
    writer.writerows(rows)
    path = tmp_path / "fuzz.csv"
    path.write_text(out.getvalue(), encoding="utf-8", errors="surrogatepass")
    try:
        extract = read_csv(path, template=name)
    except FileRefused:
        return
    assert len(extract.rows(name)) <= len(rows)
