"""Reading an action plan from its document (issue 8, part 3): the seed's plan exactly, every
word kept, page breaks and merged cells put back, guesses flagged."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from oversight.actionplan.document import expand_lead, lead_parts, read_plan
from oversight.actionplan.timescales import Every, Schedule, parse_timescale

SEED = Path(__file__).resolve().parents[1] / "data" / "seed-action-plan-2010.txt"

# The seed's plan, written out by hand: (finding starts, [(action, lead, timescale, evidence
# starts, comments)]).
EXPECTED = [
    (
        "Social work caseloads are manageable and balanced",
        [
            (
                "Allocation of cases to experienced workers to reflect the complexity of cases "
                "allocated to them. ATMs and TM to monitor in supervision and allocation meetings.",
                "ATM/TM",
                "Ongoing",
                "This will be evidenced",
                "",
            ),
            (
                "Where possible to allocate less complex cases to less experienced staff, to "
                "enable the above to happen.",
                "ATM/TM",
                "Ongoing",
                "As above",
                "",
            ),
            (
                "Audit of caseloads and Supervision",
                "ATM/T/M/SM/LM",
                "Monthly",
                "Spreadsheet of audits to be designed and monthly updated.",
                "Spreadsheet currently in use",
            ),
        ],
    ),
    (
        "Assessments which exceed statutory timescales are not consistently or robustly "
        "monitored. In some cases this leads to delays in assessments being concluded.",
        [
            (
                "Audit of overdue assessments.",
                "TM",
                "Monthly",
                "Spreadsheet of audits",
                "Spreadsheet currently in use",
            ),
            ("Through supervision", "ATM/TM", "Monthly", "Through supervision audit", ""),
        ],
    ),
    (
        "Social workers generally receive good support and management oversight. However "
        "inexperienced staff",
        [
            (
                "More regular formal supervision to be offered to inexperienced SW as required.",
                "ATMs",
                "Supervision audit May 2011",
                "Through supervision audit and monthly spreadsheet.",
                "Spreadsheet currently in use",
            ),
            (
                "Supervision files to be kept up to date",
                "ATMs",
                "",
                "Through supervision audit and monthly spreadsheet",
                "Spreadsheet currently in use",
            ),
        ],
    ),
    (
        "The inaccurate classification of some contacts as referrals has contributed to a high "
        "rate of re-referrals during this year. Although appropriate action has been taken to "
        "address this, the rate of re-referrals remains high",
        [
            (
                "Audit of re-referrals",
                "Lead Christine Ramshaw, Health",
                "December 2010",
                "Recommendations to LSCB Feb 2011",
                "Completed",
            ),
            (
                "Performance Meeting R&A management Team and Information Team.",
                "R&A management Team and Information Team",
                "Feb 2011",
                "System reflects the improvement. Fortnightly management information reports to "
                "R+A management team, SM and LM.",
                "Completed - reports provided fortnightly",
            ),
        ],
    ),
    (
        "Implementation of a new policy regarding the use of family support workers",
        [
            (
                "FSWs only to be allocated cases according to the policy.",
                "Supervisor, ATM and TM",
                "With immediate effect and ongoing",
                "This will be evidenced",
                "Completed Dec 2010",
            ),
        ],
    ),
]


def test_the_seed_plan_reads_as_its_five_findings_and_ten_actions() -> None:
    plan = read_plan(SEED.read_text())

    assert len(plan.findings) == 5
    assert len(plan.actions) == 10
    for finding, (starts, actions) in zip(plan.findings, EXPECTED, strict=True):
        assert finding.text.startswith(starts)
        got = [(a.text, a.lead, a.timescale, a.evidence, a.comments) for a in finding.actions]
        assert [g[:3] for g in got] == [e[:3] for e in actions]
        assert [g[3].startswith(e[3]) for g, e in zip(got, actions, strict=True)] == [True] * len(
            actions
        )
        assert [g[4] for g in got] == [e[4] for e in actions]
    assert plan.glossary == {
        "TM": "Team Manager",
        "SM": "Safeguarding Manager",
        "LM": "Locality Manager",
    }
    assert plan.title == "Inspection Outcome Action Plan (November 2010)"


def test_every_word_of_every_cell_is_in_the_draft() -> None:
    text = SEED.read_text()
    plan = read_plan(text)
    draft = " ".join(
        [f.text for f in plan.findings]
        + [" ".join((a.text, a.lead, a.timescale, a.evidence, a.comments)) for a in plan.actions]
    )
    cells = " ".join(line for line in text.splitlines() if line.lstrip().startswith("|"))
    words = set(
        re.findall(r"[A-Za-z0-9+&']+", re.sub(r"<[^>]+>", " ", cells).replace("&amp;", "&"))
    )
    headings = {
        "Inspection",
        "Outcome",
        "Action",
        "Lead",
        "Timescale",
        "How",
        "do",
        "we",
        "know",
        "it",
        "has",
        "happened",
        "Comments",
    }
    missing = {w for w in words if w not in draft and w not in headings}
    assert missing == set()


def test_guesses_are_flagged_for_the_reviewer() -> None:
    plan = read_plan(SEED.read_text())
    flagged = {a.text[:30]: a.flags for a in plan.actions}

    merged = (
        "placed under this finding by its wording: the document merged several findings into one "
        "cell; check"
    )
    assert flagged["More regular formal supervisio"] == [merged]
    assert flagged["Supervision files to be kept u"] == [merged, "no timescale given"]
    assert flagged["Performance Meeting R&A manage"] == ["joined across a page break", merged]
    assert flagged["Audit of caseloads and Supervi"] == []  # T/M is read as TM, which is known
    assert len(plan.flags) == 2  # two findings joined across page breaks


HEAD = "| Finding | Action | Lead | Timescale | Evidence | Comments |\n|---|---|---|---|---|---|\n"
BREAK = "\n| | | | | | |\n|--|--|--|--|--|--|\n"


def test_a_row_broken_across_three_pages_is_joined() -> None:
    text = (
        HEAD
        + "| <b>Findings about</b> | Review every | TM | Monthly | Audit | |"
        + BREAK
        + "| <p><b>the front door are</b></p> | <p>case at the</p> | | | <p>reported to</p> | |"
        + BREAK
        + "| <b>weak.</b> | front door. | | | the board. | |\n"
    )

    plan = read_plan(text)

    assert [f.text for f in plan.findings] == ["Findings about the front door are weak."]
    action = plan.actions[0]
    assert (action.text, action.evidence) == (
        "Review every case at the front door.",
        "Audit reported to the board.",
    )
    assert action.flags.count("joined across a page break") == 2


def test_an_empty_lead_is_flagged_not_guessed() -> None:
    plan = read_plan(HEAD + "| <b>Finding one.</b> | Do it. | | Weekly | Check | |\n")

    assert plan.actions[0].lead == ""
    assert plan.actions[0].flags == ["no lead given"]


def test_a_merged_finding_cell_shares_its_rows_by_wording() -> None:
    text = (
        HEAD + "| <p><b>Supervision is irregular.</b></p> <p><b>Re-referrals are high.</b></p> | "
        "Weekly supervision for new staff | ATM | Weekly | Audit | |\n"
        + "| | Supervision records kept current | ATM | Monthly | Audit | |\n"
        + "| | Audit of re-referrals | TM | Monthly | Report | |\n"
    )

    plan = read_plan(text)

    assert [(f.text, [a.text for a in f.actions]) for f in plan.findings] == [
        (
            "Supervision is irregular.",
            ["Weekly supervision for new staff", "Supervision records kept current"],
        ),
        ("Re-referrals are high.", ["Audit of re-referrals"]),
    ]


def test_leads_are_read_with_the_glossary() -> None:
    glossary = {"TM": "Team Manager", "SM": "Safeguarding Manager", "LM": "Locality Manager"}

    assert lead_parts("ATM/T/M/SM/LM", glossary) == ["ATM", "TM", "SM", "LM"]
    assert expand_lead("ATM/T/M/SM/LM", glossary) == (
        "Assistant Team Manager, Team Manager, Safeguarding Manager, Locality Manager"
    )
    assert lead_parts("Supervisor, ATM and TM", glossary) == ["Supervisor", "ATM", "TM"]


D = dt.date
STARTS = D(2010, 12, 1)


@pytest.mark.parametrize(
    ("written", "schedule"),
    [
        ("Ongoing", Schedule("Ongoing", ongoing=True)),
        ("Monthly", Schedule("Monthly", every=Every.MONTH)),
        ("Fortnightly", Schedule("Fortnightly", every=Every.FORTNIGHT)),
        ("Weekly", Schedule("Weekly", every=Every.WEEK)),
        ("Bi-monthly", Schedule("Bi-monthly", every=Every.TWO_MONTHS)),
        ("Feb 2011", Schedule("Feb 2011", due_on=D(2011, 2, 28))),
        ("December 2010", Schedule("December 2010", due_on=D(2010, 12, 31))),
        ("15/03/2011", Schedule("15/03/2011", due_on=D(2011, 3, 15))),
        ("With immediate effect", Schedule("With immediate effect", due_on=STARTS)),
        (
            "With immediate effect and ongoing",
            Schedule("With immediate effect and ongoing", due_on=STARTS, ongoing=True),
        ),
        (
            "Supervision audit May 2011",
            Schedule(
                "Supervision audit May 2011", due_on=D(2011, 5, 31), review="Supervision audit"
            ),
        ),
        ("When resources allow", Schedule("When resources allow")),
    ],
)
def test_timescales_in_every_form_become_schedules(written: str, schedule: Schedule) -> None:
    assert parse_timescale(written, starts=STARTS) == schedule
