"""CIN census XML import: every element read exactly, problems at their line, hostile files
refused quickly, and rows shaped like Annex A's so the same store imports them idempotently."""

from __future__ import annotations

import datetime as dt
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.cases.models import (
    Assessment,
    Child,
    ChildProtectionPlan,
    ChildProtectionReview,
    Referral,
    Section47,
)
from oversight.interchange.actions import READERS
from oversight.interchange.annex_a import read_annex_a
from oversight.interchange.cin_census import _stream, _Target, read_cin_census
from oversight.interchange.extract import Extract
from oversight.interchange.models import ImportRun
from oversight.interchange.report import TableCount
from oversight.interchange.safety import FileRefused, Limits
from oversight.interchange.store import store
from oversight.people.models import LocalAuthority

D = dt.date
SAMPLES = Path(__file__).resolve().parents[1] / "data"
SAMPLE = SAMPLES / "liia-tools_cin-2022_sample.xml"
TABLES = ("children", "referrals", "assessments", "s47", "cp_plans", "cp_reviews")
MODELS = (Child, Referral, Assessment, Section47, ChildProtectionPlan, ChildProtectionReview)

# Lines 1-8; the first Child starts on line 9.
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<Message>
<Header>
<Source>
<LEA>{lea}</LEA>
</Source>
</Header>
<Children>
"""
TAIL = "</Children>\n</Message>\n"


def census(tmp_path: Path, *children: str, lea: str = "201") -> Path:
    path = tmp_path / "cin.xml"
    path.write_text(HEAD.format(lea=lea) + "".join(children) + TAIL, encoding="utf-8")
    return path


def child(child_id: str, identifiers: str = "", body: str = "") -> str:
    """A Child (4 lines plus its parts); `identifiers` goes in ChildIdentifiers, `body` after."""
    return (
        f"<Child>\n<ChildIdentifiers>\n<LAchildID>{child_id}</LAchildID>\n{identifiers}"
        f"</ChildIdentifiers>\n{body}</Child>\n"
    )


def episode(referral: str, inner: str = "") -> str:
    return f"<CINdetails>\n<CINreferralDate>{referral}</CINreferralDate>\n{inner}</CINdetails>\n"


def s47(start: str, extra: str = "") -> str:
    return f"<Section47>\n<S47ActualStartDate>{start}</S47ActualStartDate>\n{extra}</Section47>\n"


def cp_plan(start: str, extra: str = "") -> str:
    return (
        f"<ChildProtectionPlans>\n<CPPstartDate>{start}</CPPstartDate>\n{extra}"
        "</ChildProtectionPlans>\n"
    )


def rows(extract: Extract, table: str) -> list[tuple[object, ...]]:
    """Each row as (line, *values) in the field order of docs/importing-cin.md."""
    return [(row.number, *row.values.values()) for row in extract.rows(table)]


def problems(extract: Extract) -> list[tuple[object, ...]]:
    """(where, line, element, value, reason, severity), "CIN census child " left off where."""
    return [
        (p.where.removeprefix("CIN census child "), p.row, p.column, p.value, p.reason, p.severity)
        for p in extract.problems
    ]


# The sample file -------------------------------------------------------------------------


def test_the_liia_tools_sample_reads_exactly() -> None:
    extract = read_cin_census(SAMPLE)

    assert (extract.source, extract.la_code, extract.rows_read) == ("cin", "201", 1)
    assert extract.problems == []
    assert {row.where for table in TABLES for row in extract.rows(table)} == {
        "CIN census child DfEX0000001"
    }
    child_id = "DfEX0000001"
    assert {table: rows(extract, table) for table in TABLES} == {
        # la_child_id, date_of_birth, sex, ethnicity, disability, team, worker, seen_on
        "children": [(18, child_id, D(1966, 3, 24), "M", "WBRI", True, None, None, D(1970, 10, 6))],
        # la_child_id, date, source, nfa, stated_previous_12m, primary_need, closure date, reason
        "referrals": [
            (36, child_id, D(1970, 10, 6), "1A", False, None, "N4", D(1971, 2, 27), "RC1")
        ],
        # la_child_id, kind, start_date, authorised_date, outcome, worker
        "assessments": [(43, child_id, "single", D(1970, 6, 3), D(1971, 7, 18), None, None)],
        # la_child_id, strategy_date, icpc_not_required, icpc_date, icpc_result, worker; the
        # sample's plan starts on 17/02/1970, not on the ICPC day, so the ICPC made no plan
        "s47": [(56, child_id, D(1970, 6, 2), False, D(1970, 6, 17), "NO_PLAN", None)],
        # la_child_id, start_date, end_date, category
        "cp_plans": [(63, child_id, D(1970, 2, 17), D(1971, 3, 14), "PHY")],
        # la_child_id, plan_start_date, date
        "cp_reviews": [(70, child_id, D(1970, 2, 17), D(1971, 2, 15))],
    }


def test_rows_have_exactly_the_fields_annex_a_rows_have() -> None:
    """The same store imports both, so each table's fields must be the Annex A reader's (for
    referrals, the union of its List 3 and List 6 rows)."""
    annex_a = read_annex_a(SAMPLES / "liia-tools_Annex_A_sample.xlsx")
    cin = read_cin_census(SAMPLE)
    for table in TABLES:
        expected = set().union(*(set(row.values) for row in annex_a.rows(table)))
        assert {field for row in cin.rows(table) for field in row.values} == expected, table


def test_the_cin_reader_is_registered_for_imports() -> None:
    assert READERS[ImportRun.Kind.CIN](SAMPLE, None).rows_read == 1


# The child ---------------------------------------------------------------------------------


def test_gender_current_before_2024_and_sex_after_both_give_census_sex(tmp_path: Path) -> None:
    genders = {"G1": "1", "G2": "2", "G0": "0", "G9": "9"}
    sexes = {"SF": "F", "SU": "U", "SX": "X"}
    path = census(
        tmp_path,
        *(child(k, f"<GenderCurrent>{v}</GenderCurrent>\n") for k, v in genders.items()),
        *(child(k, f"<Sex>{v}</Sex>\n") for k, v in sexes.items()),
        child("BOTH", "<Sex></Sex><GenderCurrent>2</GenderCurrent>\n"),
    )
    extract = read_cin_census(path)

    assert [(r[1], r[3]) for r in rows(extract, "children")] == [
        ("G1", "M"),
        ("G2", "F"),
        ("G0", "U"),
        ("G9", "U"),
        ("SF", "F"),
        ("SU", "U"),
        ("SX", None),
        ("BOTH", "F"),
    ]
    reason = "expected Male, Female or Not stated/recorded; left blank"
    assert problems(extract) == [("SX", 48, "Sex", "X", reason, "warning")]


def test_disability_none_means_no_and_no_codes_say_nothing(tmp_path: Path) -> None:
    def characteristics(codes: str) -> str:
        return f"<ChildCharacteristics><Ethnicity>APKN</Ethnicity>{codes}</ChildCharacteristics>"

    def disabilities(*codes: str) -> str:
        return "".join(f"<Disability>{code}</Disability>" for code in codes)

    path = census(
        tmp_path,
        child("D1", body=characteristics(f"<Disabilities>{disabilities('NONE')}</Disabilities>")),
        child("D2", body=characteristics(f"<Disabilities>{disabilities('AUT')}</Disabilities>")),
        child("D3", body=characteristics("<Disabilities></Disabilities>")),
        child("D4"),
    )

    assert [(r[1], r[4], r[5]) for r in rows(read_cin_census(path), "children")] == [
        ("D1", "APKN", False),
        ("D2", "APKN", True),
        ("D3", "APKN", None),
        ("D4", None, None),
    ]


def test_a_child_with_only_an_id_is_a_child_row_that_says_nothing_else(tmp_path: Path) -> None:
    extract = read_cin_census(census(tmp_path, child("ONLY")))

    assert rows(extract, "children") == [(9, "ONLY", None, None, None, None, None, None, None)]
    assert [table for table in TABLES if extract.rows(table)] == ["children"]
    assert extract.problems == []


def test_a_missing_child_id_is_an_error_and_nothing_of_that_child_is_read(tmp_path: Path) -> None:
    extract = read_cin_census(census(tmp_path, child("", body=episode("2023-05-01"))))

    reason = "the child's LAchildID is missing"
    assert problems(extract) == [("CIN census", 11, "LAchildID", "", reason, "error")]
    assert extract.tables == {}


def test_a_child_id_longer_than_oversight_holds_is_an_error(tmp_path: Path) -> None:
    extract = read_cin_census(census(tmp_path, child("X" * 41)))

    reason = "an ID longer than 40 characters"
    assert problems(extract) == [("CIN census", 11, "LAchildID", "X" * 41, reason, "error")]
    assert extract.tables == {}


def test_elements_in_any_order_and_a_namespace_are_read_the_same(tmp_path: Path) -> None:
    path = tmp_path / "shuffled.xml"
    path.write_text(
        '<Message xmlns="http://www.dfe.gov.uk/CIN"><Children><Child><CINdetails>'
        "<ReasonForClosure>RC8</ReasonForClosure><CINclosureDate>2023-05-02</CINclosureDate>"
        "<ReferralNFA>1</ReferralNFA><CINreferralDate>2023-05-02</CINreferralDate></CINdetails>"
        "<ChildIdentifiers><GenderCurrent>2</GenderCurrent><LAchildID> N1 </LAchildID>"
        "</ChildIdentifiers></Child></Children>"
        "<Header><Source><LEA>999</LEA></Source></Header></Message>"
    )
    extract = read_cin_census(path)

    assert extract.la_code == "999"
    assert rows(extract, "referrals") == [
        (1, "N1", D(2023, 5, 2), None, True, None, None, D(2023, 5, 2), "RC8")
    ]
    assert rows(extract, "children")[0][3] == "F"


# Episodes (CINdetails) ---------------------------------------------------------------------


def test_codes_new_in_2022_23_used_before_then_are_warnings_and_kept(tmp_path: Path) -> None:
    def closed(referral: str, closure: str) -> str:
        return episode(
            referral,
            f"<ReferralSource>5D</ReferralSource>\n<CINclosureDate>{closure}</CINclosureDate>\n"
            "<ReasonForClosure>RC9</ReasonForClosure>\n",
        )

    path = census(
        tmp_path,
        child("EARLY", body=closed("2022-03-01", "2022-03-31")),
        child("LATE", body=closed("2022-04-01", "2022-04-20")),
    )
    extract = read_cin_census(path)

    assert [(r[1], r[3], r[8]) for r in rows(extract, "referrals")] == [
        ("EARLY", "5D", "RC9"),
        ("LATE", "5D", "RC9"),
    ]
    where, year = "EARLY", "is a code from the 2022-23 collection year"
    assert problems(extract) == [
        (where, 15, "ReferralSource", "5D", f"5D {year}, used on 01/03/2022; kept", "warning"),
        (where, 17, "ReasonForClosure", "RC9", f"RC9 {year}, used on 31/03/2022; kept", "warning"),
    ]


def test_referral_nfa_true_false_one_zero_or_absent(tmp_path: Path) -> None:
    nfa = {"A": "true", "B": "false", "C": "1", "E": "0"}
    children = [
        child(k, body=episode("2023-06-01", f"<ReferralNFA>{v}</ReferralNFA>\n"))
        for k, v in nfa.items()
    ]
    path = census(tmp_path, *children, child("F", body=episode("2023-06-01")))

    assert [(r[1], r[4]) for r in rows(read_cin_census(path), "referrals")] == [
        ("A", True),
        ("B", False),
        ("C", True),
        ("E", False),
        ("F", None),
    ]


def test_unknown_codes_are_warnings_left_blank(tmp_path: Path) -> None:
    inner = "<ReferralSource>99</ReferralSource>\n<PrimaryNeedCode>N12</PrimaryNeedCode>\n"
    extract = read_cin_census(census(tmp_path, child("U", body=episode("2023-06-01", inner))))

    assert rows(extract, "referrals") == [
        (13, "U", D(2023, 6, 1), None, None, None, None, None, None)
    ]
    assert problems(extract) == [
        ("U", 15, "ReferralSource", "99", "not a referral source code; left blank", "warning"),
        ("U", 16, "PrimaryNeedCode", "N12", "not a primary need code; left blank", "warning"),
    ]


def test_closure_before_referral_and_half_given_closures_are_errors(tmp_path: Path) -> None:
    closure, reason = (
        "<CINclosureDate>{}</CINclosureDate>\n",
        "<ReasonForClosure>RC7</ReasonForClosure>\n",
    )
    path = census(
        tmp_path,
        child("C1", body=episode("2023-06-01", closure.format("2023-05-31") + reason)),
        child("C2", body=episode("2023-06-01", closure.format("2023-07-01"))),
        child("C3", body=episode("2023-06-01", reason)),
    )
    extract = read_cin_census(path)

    assert problems(extract) == [
        ("C1", 15, "CINclosureDate", "2023-05-31", "closed before it started", "error"),
        ("C2", 23, "ReasonForClosure", None, "a closure needs a reason", "error"),
        ("C3", 32, "CINclosureDate", None, "a reason for closure is given without a date", "error"),
    ]
    assert extract.rows("referrals") == []
    assert len(extract.rows("children")) == 3


def test_an_unreadable_or_missing_referral_date_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = census(
        tmp_path,
        child("R1", body=episode("31st May")),
        child("R2", body="<CINdetails>\n<PrimaryNeedCode>N1</PrimaryNeedCode>\n</CINdetails>\n"),
    )
    extract = read_cin_census(path)

    assert problems(extract) == [
        ("R1", 14, "CINreferralDate", "31st May", "not a date: use DD/MM/YYYY", "error"),
        ("R2", 21, "CINreferralDate", None, "a date is needed here", "error"),
    ]
    assert extract.rows("referrals") == []


def test_seen_on_is_the_latest_referral_and_cin_plan_dates_are_ignored(tmp_path: Path) -> None:
    plan = "<CINPlanDates><CINPlanStartDate>2023-02-01</CINPlanStartDate></CINPlanDates>\n"
    closed = "<CINclosureDate>2023-03-01</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>"
    two = episode("2023-01-10", plan + closed) + episode("2023-09-01")
    extract = read_cin_census(census(tmp_path, child("S", body=two)))

    assert [r[2] for r in rows(extract, "referrals")] == [D(2023, 1, 10), D(2023, 9, 1)]
    assert rows(extract, "children")[0][8] == D(2023, 9, 1)
    assert extract.problems == []


# Assessments, section 47 enquiries, plans -------------------------------------------------


def test_assessments_are_single_assessments_authorised_on_or_after_their_start(
    tmp_path: Path,
) -> None:
    def assessment(start: str, inner: str = "") -> str:
        start_element = f"<AssessmentActualStartDate>{start}</AssessmentActualStartDate>"
        return f"<Assessments>\n{start_element}\n{inner}</Assessments>\n"

    full = (
        "<AssessmentInternalReviewDate>2023-06-20</AssessmentInternalReviewDate>\n"
        "<AssessmentAuthorisationDate>2023-07-10</AssessmentAuthorisationDate>\n"
        "<FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors>"
        "</FactorsIdentifiedAtAssessment>\n"
    )
    backwards = "<AssessmentAuthorisationDate>2023-09-04</AssessmentAuthorisationDate>\n"
    inner = assessment("2023-06-02", full) + assessment("2023-08-01")
    inner += assessment("2023-09-05", backwards)
    extract = read_cin_census(census(tmp_path, child("A", body=episode("2023-06-01", inner))))

    assert rows(extract, "assessments") == [
        (15, "A", "single", D(2023, 6, 2), D(2023, 7, 10), None, None),
        (21, "A", "single", D(2023, 8, 1), None, None, None),
    ]
    assert problems(extract) == [
        ("A", 26, "AssessmentAuthorisationDate", "2023-09-04", "authorised before start", "error"),
    ]


def test_icpc_result_is_plan_when_a_plan_starts_that_day_else_no_plan(tmp_path: Path) -> None:
    icpc = "<DateOfInitialCPC>{}</DateOfInitialCPC>\n"
    target = "<InitialCPCtarget>2023-06-22</InitialCPCtarget>\n"
    with_plan = s47(
        "2023-06-01",
        target + icpc.format("2023-06-20") + "<ICPCnotRequired>false</ICPCnotRequired>\n",
    )
    plan = cp_plan("2023-06-20", "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>\n")
    path = census(
        tmp_path,
        child("P", body=episode("2023-05-30", with_plan + plan)),
        child("N", body=episode("2023-05-30", s47("2023-06-01", icpc.format("2023-06-21")))),
        child(
            "R",
            body=episode(
                "2023-05-30", s47("2023-06-01", "<ICPCnotRequired>true</ICPCnotRequired>")
            ),
        ),
        child("O", body=episode("2023-05-30", s47("2023-06-01"))),
    )
    extract = read_cin_census(path)

    assert [r[1:] for r in rows(extract, "s47")] == [
        ("P", D(2023, 6, 1), False, D(2023, 6, 20), "PLAN", None),
        ("N", D(2023, 6, 1), None, D(2023, 6, 21), "NO_PLAN", None),
        ("R", D(2023, 6, 1), True, None, None, None),
        ("O", D(2023, 6, 1), None, None, None, None),
    ]
    assert extract.problems == []


def test_icpc_before_the_enquiry_is_an_error_and_not_required_but_held_a_warning(
    tmp_path: Path,
) -> None:
    early = s47("2023-06-10", "<DateOfInitialCPC>2023-06-09</DateOfInitialCPC>\n")
    held = s47(
        "2023-06-10",
        "<ICPCnotRequired>true</ICPCnotRequired>\n<DateOfInitialCPC>2023-06-25</DateOfInitialCPC>\n",
    )
    path = census(
        tmp_path,
        child("E", body=episode("2023-06-01", early)),
        child("H", body=episode("2023-06-01", held)),
    )
    extract = read_cin_census(path)

    held_reason = "an ICPC date is given, so the conference is taken as held"
    assert problems(extract) == [
        ("E", 17, "DateOfInitialCPC", "2023-06-09", "ICPC before the s47 started", "error"),
        ("H", 29, "ICPCnotRequired", "true", held_reason, "warning"),
    ]
    assert [(r[1], r[3], r[5]) for r in rows(extract, "s47")] == [("H", False, "NO_PLAN")]


def test_a_plan_gives_one_review_row_per_review_date(tmp_path: Path) -> None:
    reviewed = (
        "<CPPendDate>2024-01-15</CPPendDate>\n"
        "<InitialCategoryOfAbuse>EMO</InitialCategoryOfAbuse>\n"
        "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>\n"
        "<NumberOfPreviousCPP>1</NumberOfPreviousCPP>\n"
        "<Reviews>\n<CPPreviewDate>2023-09-20</CPPreviewDate>\n"
        "<CPPreviewDate>2024-01-10</CPPreviewDate>\n</Reviews>\n"
    )
    latest_only = "<LatestCategoryOfAbuse>SAB</LatestCategoryOfAbuse>\n"
    plans = cp_plan("2023-06-20", reviewed) + cp_plan("2024-03-01", latest_only)
    extract = read_cin_census(census(tmp_path, child("CP", body=episode("2023-06-01", plans))))

    assert rows(extract, "cp_plans") == [
        (15, "CP", D(2023, 6, 20), D(2024, 1, 15), "EMO"),
        (26, "CP", D(2024, 3, 1), None, "SAB"),
    ]
    assert rows(extract, "cp_reviews") == [
        (22, "CP", D(2023, 6, 20), D(2023, 9, 20)),
        (23, "CP", D(2023, 6, 20), D(2024, 1, 10)),
    ]
    assert extract.problems == []


def test_a_plan_ending_or_reviewed_before_it_starts_is_an_error(tmp_path: Path) -> None:
    ends = cp_plan("2023-06-20", "<CPPendDate>2023-06-19</CPPendDate>\n")
    review = "<Reviews>\n<CPPreviewDate>2023-06-01</CPPreviewDate>\n</Reviews>\n"
    plans = ends + cp_plan("2023-06-20", review)
    extract = read_cin_census(census(tmp_path, child("X", body=episode("2023-06-01", plans))))

    assert problems(extract) == [
        ("X", 17, "CPPendDate", "2023-06-19", "the plan ends before it starts", "error"),
        ("X", 22, "CPPreviewDate", "2023-06-01", "a review before the plan began", "error"),
    ]
    assert extract.rows("cp_plans") == []
    assert extract.rows("cp_reviews") == []


# The file as a whole -----------------------------------------------------------------------


def test_a_census_without_children_is_an_error_and_a_bad_la_code_a_warning(tmp_path: Path) -> None:
    extract = read_cin_census(census(tmp_path, lea="Camden"))

    assert extract.la_code is None
    assert problems(extract) == [
        ("CIN census", 5, "LEA", "Camden", "not a three-digit DfE LA code; ignored", "warning"),
        (
            "CIN census",
            None,
            None,
            None,
            "no Child records found (Message/Children/Child)",
            "error",
        ),
    ]


def test_progress_is_reported_every_5000_children(tmp_path: Path) -> None:
    seen: list[int] = []
    path = census(tmp_path, *(child(f"P{n}") for n in range(10_001)))
    extract = read_cin_census(path, progress=seen.append)

    assert seen == [5_000, 10_000]
    assert extract.rows_read == 10_001


def test_parsing_holds_one_child_at_a_time_however_many_there_are(tmp_path: Path) -> None:
    """The Extract grows with the file; the parser's own memory must not."""
    full = "<CINdetails><CINreferralDate>2023-06-01</CINreferralDate></CINdetails>" * 3

    def parsing_peak(children: int) -> int:
        path = census(tmp_path, *(child(f"M{n}", body=full) for n in range(children)))
        tracemalloc.start()
        try:
            assert sum(1 for _ in _stream(path, _Target())) == children
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    assert parsing_peak(4_000) < 1.5 * parsing_peak(400)


def test_a_problem_reads_with_its_line_as_the_row(tmp_path: Path) -> None:
    extract = read_cin_census(census(tmp_path, child("L", body=episode("soon"))))

    assert [p.as_text() for p in extract.problems] == [
        "ERROR: CIN census child L row 14, column “CINreferralDate” (value “soon”): "
        "not a date: use DD/MM/YYYY"
    ]


# Hostile and broken files --------------------------------------------------------------------

LOLS = "".join(f' <!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">\n' for n in range(1, 10))
BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE Message [
 <!ENTITY lol0 "lol">
{LOLS}]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&lol9;</LAchildID>
</ChildIdentifiers></Child></Children></Message>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&secret;</LAchildID>
</ChildIdentifiers></Child></Children></Message>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE Message SYSTEM "http://example.invalid/cin.dtd">
<Message><Children/></Message>
"""
HOSTILE = "the file declares a DTD or entities, which census files never do: refused"


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_dtds_and_entities_are_refused_quickly(tmp_path: Path, text: str) -> None:
    path = tmp_path / "hostile.xml"
    path.write_text(text)
    began = time.perf_counter()
    with pytest.raises(FileRefused, match=HOSTILE):
        read_cin_census(path)
    assert time.perf_counter() - began < 1


def test_malformed_xml_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = census(tmp_path, "<Child>\n<ChildIdentifiers>\n<LAchildID>M</LAchildID>\n</Child>\n")
    with pytest.raises(FileRefused, match="not well-formed XML: mismatched tag: line 12, column 2"):
        read_cin_census(path)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04" + bytes(200), "not well-formed XML"),
        (b"<Workbook><Sheet/></Workbook>", "not a CIN census file: it starts with <Workbook>"),
        (b'<?xml version="1.0" encoding="utf-7"?><Message/>', "declared encoding cannot be read"),
        (b'<?xml version="1.0" encoding="no-such"?><Message/>', "declared encoding cannot be read"),
        (b"<Message>" + b"<a>" * 40, "nest more than 32 deep at line 1"),
        (b"<Message><Children><Child>" + b"<x/>" * 10_001, "has more than 10,000 elements"),
    ],
)
def test_files_that_are_not_census_xml_are_refused(
    tmp_path: Path, data: bytes, reason: str
) -> None:
    path = tmp_path / "odd.xml"
    path.write_bytes(data)
    with pytest.raises(FileRefused, match=reason):
        read_cin_census(path)


def test_an_oversized_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = census(tmp_path, child("BIG"))
    with pytest.raises(FileRefused, match="the limit is 0 MB"):
        read_cin_census(path, limits=Limits(max_file_bytes=100))


def _read_or_refuse(path: Path) -> None:
    try:
        extract = read_cin_census(path)
    except FileRefused:
        return
    assert isinstance(extract, Extract)


FUZZ = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(st.binary(max_size=3_000))
def test_fuzzed_bytes_are_either_read_or_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.xml"
    path.write_bytes(data)
    _read_or_refuse(path)


@FUZZ
@given(st.integers(0, SAMPLE.stat().st_size), st.integers(0, 40), st.binary(max_size=20))
def test_a_mutated_sample_is_either_read_or_refused(
    tmp_path: Path, at: int, cut: int, insert: bytes
) -> None:
    sample = SAMPLE.read_bytes()
    path = tmp_path / "mutated.xml"
    path.write_bytes(sample[:at] + insert + sample[at + cut :])
    _read_or_refuse(path)


# Storing ---------------------------------------------------------------------------------------


@pytest.fixture
def council(db: None) -> LocalAuthority:
    return LocalAuthority.objects.create(code="201", name="City of London")


def test_the_sample_is_stored_exactly(council: LocalAuthority) -> None:
    report = store(read_cin_census(SAMPLE), council, dry_run=False)

    assert report.committed
    assert report.problems == []
    assert report.tables == {table: TableCount(new=1) for table in TABLES}
    child_fields = ("la_child_id", "date_of_birth", "expected_date_of_birth", "sex", "ethnicity")
    assert list(Child.objects.values_list(*child_fields, "disability", "responsible_team")) == [
        ("DfEX0000001", D(1966, 3, 24), None, "M", "WBRI", True, None)
    ]
    referral_fields = ("date", "source", "nfa", "primary_need", "closure_date", "closure_reason")
    assert list(Referral.objects.values_list("child__la_child_id", *referral_fields)) == [
        ("DfEX0000001", D(1970, 10, 6), "1A", False, "N4", D(1971, 2, 27), "RC1")
    ]
    # The sample's assessment and enquiry precede its only referral, so neither links to it.
    assessment_fields = ("kind", "start_date", "authorised_date", "outcome", "delay_reason")
    assert list(Assessment.objects.values_list("referral", "worker", *assessment_fields)) == [
        (None, None, "single", D(1970, 6, 3), D(1971, 7, 18), "", "")
    ]
    s47_fields = ("strategy_date", "end_date", "icpc_not_required", "icpc_date", "icpc_result")
    assert list(Section47.objects.values_list("referral", "lead_worker", *s47_fields)) == [
        (None, None, D(1970, 6, 2), None, False, D(1970, 6, 17), "NO_PLAN")
    ]
    plan_fields = ("child__la_child_id", "start_date", "end_date", "category")
    assert list(ChildProtectionPlan.objects.values_list(*plan_fields)) == [
        ("DfEX0000001", D(1970, 2, 17), D(1971, 3, 14), "PHY")
    ]
    assert list(ChildProtectionReview.objects.values_list("plan__start_date", "date")) == [
        (D(1970, 2, 17), D(1971, 2, 15))
    ]


def test_importing_the_sample_twice_changes_nothing(council: LocalAuthority) -> None:
    store(read_cin_census(SAMPLE), council, dry_run=False)
    again = store(read_cin_census(SAMPLE), council, dry_run=False)

    assert again.committed
    assert again.problems == []
    assert again.tables == {table: TableCount(unchanged=1) for table in TABLES}
    assert [model.objects.count() for model in MODELS] == [1, 1, 1, 1, 1, 1]


def test_a_dry_run_reports_the_changes_and_writes_nothing(council: LocalAuthority) -> None:
    report = store(read_cin_census(SAMPLE), council, dry_run=True)

    assert not report.committed
    assert report.tables == {table: TableCount(new=1) for table in TABLES}
    assert [model.objects.count() for model in MODELS] == [0, 0, 0, 0, 0, 0]


def test_an_nfa_referral_then_a_later_episode_store_without_problems(
    tmp_path: Path, council: LocalAuthority
) -> None:
    nfa = episode("2023-01-05", "<ReferralNFA>true</ReferralNFA>\n")
    later = episode("2023-04-03", "<ReferralSource>6</ReferralSource>\n")
    path = census(tmp_path, child("L", body=nfa + later))
    report = store(read_cin_census(path), council, dry_run=False)

    assert report.committed
    assert report.problems == []
    assert list(Referral.objects.values_list("date", "nfa", "closure_date", "closure_reason")) == [
        (D(2023, 1, 5), True, D(2023, 1, 5), "RC8"),
        (D(2023, 4, 3), False, None, ""),
    ]
