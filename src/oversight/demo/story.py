"""The demo council's story, as data: who works where, what happens, and what went wrong.

Northfield Borough Council is fictional. Its staff, children and casework are synthetic; its
inspection action plan is the seed document's (shared/seed, Ofsted, November 2010) word for word,
so a manager opening Oversight sees the problems the seed describes, in amounts stated here and
checked by tests/demo.

Everything the generator needs to tell the story lives in this module; the generator only turns it
into records. Dates are offsets from the `as_at` date the demo is built for, so the demo is always
"now" whatever day it is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from oversight.people.models import Team, Worker

# ---------------------------------------------------------------------------------------------
# The council
# ---------------------------------------------------------------------------------------------

COUNCIL_NAME = "Northfield Borough Council"
LOCALITY_NAME = "Northfield"

# Demo councils are recognised by their LA code, so loading the demo never touches a real council.
# DfE's real LA codes stop at 938, so 940-999 are free: council 1 is 990, councils 2-10 are
# 991-999, councils 11-60 count down from 989 to 940.
MAX_COUNCILS = 60


def demo_la_code(council_number: int) -> str:
    """The LA code of demo council k (1 = '990'; see the scheme above)."""
    if not 1 <= council_number <= MAX_COUNCILS:
        raise ValueError(f"demo councils are numbered 1 to {MAX_COUNCILS}, got {council_number}")
    if council_number <= 10:
        return str(989 + council_number)
    return str(1000 - council_number)


DEMO_LA_CODES = frozenset(demo_la_code(k) for k in range(1, MAX_COUNCILS + 1))


def demo_council_name(council_number: int) -> str:
    """Council 1 is Northfield; copies made for benchmarks are numbered so nobody mistakes them."""
    return COUNCIL_NAME if council_number == 1 else f"{COUNCIL_NAME} (copy {council_number})"


# ---------------------------------------------------------------------------------------------
# The workforce
# ---------------------------------------------------------------------------------------------

# Jobs in the roster. "EXPERIENCED" and "SW" are both Worker.Role SW; the difference is how long
# ago they qualified, which the engine derives (domain.md §1). ASYEs are SWs qualified < 1 year.
TM, ATM, EXPERIENCED, SW, ASYE, FSW = "TM", "ATM", "EXPERIENCED", "SW", "ASYE", "FSW"
SM, LM, IO = "SM", "LM", "IO"

WORKER_ROLE = {
    TM: Worker.Role.TEAM_MANAGER,
    ATM: Worker.Role.ASSISTANT_TEAM_MANAGER,
    EXPERIENCED: Worker.Role.SOCIAL_WORKER,
    SW: Worker.Role.SOCIAL_WORKER,
    ASYE: Worker.Role.SOCIAL_WORKER,
    FSW: Worker.Role.FAMILY_SUPPORT_WORKER,
    SM: Worker.Role.SAFEGUARDING_MANAGER,
    LM: Worker.Role.LOCALITY_MANAGER,
    IO: Worker.Role.INFORMATION_OFFICER,
}


@dataclass(frozen=True)
class StaffMember:
    """One person on the roster. Months/weeks are counted back from the as_at date."""

    name: str
    job: str
    supervisor: str | None
    started_months_ago: int = 0
    started_weeks_ago: int = 0
    qualified_months_ago: int | None = None  # None: not social-work qualified
    fte: Decimal = Decimal("1.0")
    agency: bool = False
    login: str = ""  # demo username, council 1 only


@dataclass(frozen=True)
class TeamStory:
    name: str
    kind: str
    staff: tuple[StaffMember, ...]


def _roster(
    rows: tuple[tuple[str, str, str | None, int, int, int | None, str, str], ...],
) -> tuple[StaffMember, ...]:
    """Staff from a table row: name, job, supervisor, started (months, weeks ago), qualified
    (months ago), FTE, login."""
    return tuple(
        StaffMember(
            name=name,
            job=job,
            supervisor=supervisor,
            started_months_ago=months,
            started_weeks_ago=weeks,
            qualified_months_ago=qualified,
            fte=Decimal(fte),
            agency=name in AGENCY_WORKERS,
            login=login,
        )
        for name, job, supervisor, months, weeks, qualified, fte, login in rows
    )


LM_NAME = "Richard Beaumont"
SM_NAME = "Margaret Ellison"
AGENCY_WORKERS = ("Marcus Hale",)

# Columns: name, job, supervisor, started in post (months and weeks ago), qualified (months ago),
# FTE, demo login. The ASYEs: one in their first 6 weeks (Jamal Edwards), one in the fortnightly
# months (Chloe Barker, the demo ASYE), the rest in the monthly part of their year. SWs of 1-3
# years did their ASYE here during the two years, so their early supervision follows that pattern.
# fmt: off
LOCALITY_STAFF = _roster((
    # name             job          supervisor       started  qualified FTE    login
    (LM_NAME,            LM,          None,            130, 0,  320,  "1.0", "demo-lm"),
    (SM_NAME,            SM,          LM_NAME,         110, 0,  300,  "1.0", "demo-sm"),
    ("Samir Choudhury",  IO,          LM_NAME,         72,  0,  None, "1.0", "demo-info"),
))

RNA = TeamStory("Referral and Assessment", Team.Kind.REFERRAL_ASSESSMENT, _roster((
    ("Helen Marsh",      TM,          LM_NAME,         84,  0,  228,  "1.0", "demo-tm"),
    ("David Okafor",     ATM,         "Helen Marsh",   60,  0,  130,  "1.0", "demo-atm"),
    ("Sarah Bentley",    ATM,         "Helen Marsh",   40,  0,  110,  "1.0", ""),
    ("Rachel Quinn",     EXPERIENCED, "David Okafor",  50,  0,  90,   "1.0", "demo-sw"),
    ("Imran Hussain",    EXPERIENCED, "David Okafor",  44,  0,  62,   "1.0", ""),
    ("Joanne Pritchard", EXPERIENCED, "Sarah Bentley", 100, 0,  140,  "0.8", ""),
    ("Marcus Hale",      EXPERIENCED, "Sarah Bentley", 7,   0,  75,   "1.0", ""),
    ("Laura Fenwick",    SW,          "David Okafor",  29,  0,  30,   "1.0", ""),
    ("Tom Ashworth",     SW,          "Sarah Bentley", 21,  0,  22,   "1.0", ""),
    ("Priya Mistry",     SW,          "David Okafor",  15,  0,  15,   "1.0", ""),
    ("Chloe Barker",     ASYE,        "David Okafor",  0,   17, 5,    "1.0", "demo-asye"),
    ("Jamal Edwards",    ASYE,        "Sarah Bentley", 0,   3,  2,    "1.0", ""),
    ("Hannah Wilde",     ASYE,        "Sarah Bentley", 9,   0,  10,   "1.0", ""),
    ("Karen Doyle",      FSW,         "David Okafor",  70,  0,  None, "1.0", "demo-fsw"),
    ("Steven Platt",     FSW,         "Sarah Bentley", 30,  0,  None, "0.5", ""),
)))

SAFEGUARDING = TeamStory("Safeguarding", Team.Kind.SAFEGUARDING, _roster((
    ("Gareth Lloyd",     TM,          LM_NAME,         96,  0,  250,  "1.0", ""),
    ("Nadia Rahman",     ATM,         "Gareth Lloyd",  48,  0,  120,  "1.0", ""),
    ("Paul Whitfield",   ATM,         "Gareth Lloyd",  90,  0,  150,  "1.0", ""),
    ("Emma Caldwell",    EXPERIENCED, "Nadia Rahman",  70,  0,  100,  "1.0", ""),
    ("Olusegun Adeyemi", EXPERIENCED, "Nadia Rahman",  40,  0,  58,   "1.0", ""),
    ("Claire Hutchinson",EXPERIENCED, "Paul Whitfield",120, 0,  170,  "0.8", ""),
    ("Mark Sutcliffe",   EXPERIENCED, "Paul Whitfield",38,  0,  45,   "1.0", ""),
    ("Aisha Patel",      SW,          "Nadia Rahman",  32,  0,  33,   "1.0", ""),
    ("Ben Thornton",     SW,          "Paul Whitfield",19,  0,  20,   "1.0", ""),
    ("Rebecca Lowe",     SW,          "Nadia Rahman",  12,  0,  26,   "0.5", ""),
    ("Megan Hartley",    ASYE,        "Paul Whitfield",7,   0,  8,    "1.0", ""),
    ("Daniel Kerr",      ASYE,        "Nadia Rahman",  2,   0,  3,    "1.0", ""),
    ("Julie Watts",      FSW,         "Paul Whitfield",55,  0,  None, "1.0", ""),
    ("Andrea Moss",      FSW,         "Nadia Rahman",  16,  0,  None, "1.0", ""),
)))

CHILDREN_IN_NEED = TeamStory("Children in Need", Team.Kind.CHILDREN_IN_NEED, _roster((
    ("Fiona Kendrick",   TM,          LM_NAME,         60,  0,  200,  "1.0", ""),
    ("Lee Chapman",      ATM,         "Fiona Kendrick",36,  0,  100,  "1.0", ""),
    ("Yasmin Akhtar",    ATM,         "Fiona Kendrick",80,  0,  95,   "1.0", ""),
    ("Sian Roberts",     EXPERIENCED, "Lee Chapman",   66,  0,  80,   "1.0", ""),
    ("Neil Harrop",      EXPERIENCED, "Yasmin Akhtar", 150, 0,  190,  "1.0", ""),
    ("Kirsty Bell",      EXPERIENCED, "Lee Chapman",   45,  0,  48,   "1.0", ""),
    ("Adam Wojcik",      EXPERIENCED, "Yasmin Akhtar", 20,  0,  40,   "1.0", ""),
    ("Gemma Shaw",       SW,          "Lee Chapman",   33,  0,  34,   "1.0", ""),
    ("Ryan Holt",        SW,          "Yasmin Akhtar", 17,  0,  18,   "1.0", ""),
    ("Zainab Ali",       SW,          "Lee Chapman",   26,  0,  27,   "1.0", ""),
    ("Lucy Fraser",      ASYE,        "Yasmin Akhtar", 5,   0,  6,    "1.0", ""),
    ("Owen Price",       ASYE,        "Lee Chapman",   10,  0,  11,   "1.0", ""),
    ("Tracey Noble",     FSW,         "Lee Chapman",   84,  0,  None, "1.0", ""),
    ("Denise Carr",      FSW,         "Yasmin Akhtar", 22,  0,  None, "0.8", ""),
)))
# fmt: on

TEAMS = (RNA, SAFEGUARDING, CHILDREN_IN_NEED)


@dataclass(frozen=True)
class PlannedAbsence:
    worker: str
    first_day_offset: int  # days from as_at
    last_day_offset: int
    reason: str


# One planned absence running across as_at, so capacity shows the pro-rata reduction (R-CL-3).
PLANNED_ABSENCES = (PlannedAbsence("Emma Caldwell", -4, 10, "Annual leave"),)

# ---------------------------------------------------------------------------------------------
# Logins (council 1 only). One password for every demo user; printed by `make demo`.
# ---------------------------------------------------------------------------------------------

DEMO_PASSWORD = "oversight-demo"  # noqa: S105 - the published demo password, never production
ADMIN_USERNAME = "demo-admin"

# What each login is, in the words the printed login table uses. Keyed by username.
LOGIN_DESCRIPTIONS = {
    "demo-tm": "Team manager (Referral and Assessment)",
    "demo-atm": "Assistant team manager (Referral and Assessment)",
    "demo-sw": "Experienced social worker (Referral and Assessment)",
    "demo-asye": "ASYE social worker (Referral and Assessment)",
    "demo-fsw": "Family support worker (Referral and Assessment)",
    "demo-sm": "Safeguarding manager (Northfield)",
    "demo-lm": "Locality manager (Northfield)",
    "demo-info": "Information officer (Northfield Borough Council)",
    ADMIN_USERNAME: "Administrator",
}

# ---------------------------------------------------------------------------------------------
# Volumes and flows (two years of activity ending at as_at)
# ---------------------------------------------------------------------------------------------

ACTIVITY_YEARS = 2
REFERRED_CHILDREN = 1_500  # children whose first referral falls in the two years
CONTACT_ONLY_CHILDREN = 1_400  # children known only through contacts
CHILDREN = REFERRED_CHILDREN + CONTACT_ONLY_CHILDREN

# What happens to a referral (shares of all referrals).
REFERRAL_PATHS = {"nfa": 0.15, "assessment": 0.65, "s47": 0.2}
ASSESSED_NOT_IN_NEED = 0.45  # of assessments outside s47: closed RC8/RC9 after assessment
RNA_SHORT_TERM_WORK = 0.4  # of low-need children in need: kept in R&A for family support
RNA_SHORT_TERM_WORKING_DAYS = (20, 60)
TRANSFER_WORKING_DAYS = (3, 12)  # assessment authorised to transfer to Children in Need
S47_LED_BY_SAFEGUARDING = 0.25  # the rest are led by R&A from the referral
ICPC_NOT_REQUIRED = 0.55
ICPC_RESULT_PLAN = 0.8
ICPC_LATE = 0.2  # held after 15 working days (R-TS-5)
CP_REVIEW_LATE = 0.1
CARE_PROCEEDINGS = 0.12  # of child protection plans
CP_PLAN_DAYS = (90, 450, 180)  # shortest, longest, most common (triangular)
CLOSED_WHEN_PLAN_ENDS = 0.4  # stepped down within Safeguarding, then closed; the rest go to CIN
CP_PLAN_CO_WORKERS = (("", 55), ("FSW", 20), ("ASYE", 25))  # R-AL-1: ASYEs only co-work CP
CHILD_IN_NEED_WORKING_DAYS = (50, 180)
CASE_REALLOCATED = 0.12  # long-running holdings handed to another worker in the same team

# Single assessments (R-TS-4: 45 working days).
ASSESSMENT_LATE = 0.1  # share authorised after 45 working days
COMPLETED_LATE_WITH_REASON = 0.85

# Re-referrals (R-RR-1): chance that a closed episode is followed within 12 months by another
# referral. NFA referrals that were really contacts come back most often: the seed's finding.
REREFERRAL_AFTER = {"nfa": 0.6, "assessed": 0.24, "cin": 0.18, "cp": 0.12}
LATER_REFERRAL = 0.07  # referred again, but more than 12 months later (not a re-referral)
CONTACTS_PER_REFERRED_CHILD = (0, 4)  # further contacts that did not become referrals
CONTACTS_PER_CONTACT_ONLY_CHILD = (1, 3)

# ---------------------------------------------------------------------------------------------
# The problems the seed describes, planted in these amounts (tests/demo checks them)
# ---------------------------------------------------------------------------------------------

# "The rate of re-referrals remains high": re-referrals in the 12 months to as_at, per referral.
TARGET_REREFERRAL_RATE = 0.25
REREFERRAL_RATE_BOUNDS = (0.22, 0.28)

# "Assessments which exceed statutory timescales are not consistently monitored": single
# assessments still open at as_at past 45 working days, some with no recorded reason for delay.
OVERDUE_OPEN_ASSESSMENTS = 7
OVERDUE_OPEN_WITH_REASON = 4

# "In some instances [FSWs] hold inappropriately complex work": open FSW case holdings whose
# complexity was re-assessed at 2 or more after allocation; one because an s47 started.
FSW_TOO_COMPLEX_CASES = 4
FSW_CASES_WITH_S47_AFTER_ALLOCATION = 1
FSW_TOO_COMPLEX_HOLDERS = ("Karen Doyle", "Karen Doyle", "Tracey Noble", "Denise Carr")

# "Inexperienced staff do not consistently receive the level of formal supervision required":
# ASYE sessions come less often than R-SV-1 requires; one ASYE has a long gap planted.
ASYE_SESSION_GAP_DAYS = {"weekly": (9, 15), "fortnightly": (13, 26), "monthly": (24, 38)}
PLANTED_SUPERVISION_GAP = ("Chloe Barker", 25)  # days, within the last 3 months
SESSION_GAP_DAYS = (21, 28)  # everyone else: monthly and compliant...
SESSION_MISSED = 0.07  # ...except this share of gaps, 29-45 days
SESSION_WRITTEN_UP_LATE = 0.12  # after 5 working days (R-SV-4)
SESSION_NOT_WRITTEN_UP = 0.04
SESSION_SHORT = {"ASYE": 0.2, "other": 0.08}  # under 90 minutes (R-SV-1)

# "Skilled, qualified staff experience significant additional pressures": the allocation
# simulation aims each worker at this share of their case capacity (R-CL-3), by team and grade.
# R&A's experienced workers end at 90-115 % while its ASYEs stay well below.
TARGET_UTILISATION: dict[str, dict[str, float]] = {
    Team.Kind.REFERRAL_ASSESSMENT: {
        "EXPERIENCED_SW": 1.04,
        "SW": 0.8,
        "ASYE": 0.45,
        "FSW": 0.6,
        "SENIOR": 0.2,
    },
    Team.Kind.SAFEGUARDING: {
        "EXPERIENCED_SW": 0.95,
        "SW": 0.85,
        "ASYE": 0.55,
        "FSW": 0.6,
        "SENIOR": 0.2,
    },
    Team.Kind.CHILDREN_IN_NEED: {
        "EXPERIENCED_SW": 0.9,
        "SW": 0.85,
        "ASYE": 0.6,
        "FSW": 0.7,
        "SENIOR": 0.2,
    },
}
RNA_EXPERIENCED_UTILISATION = (0.90, 1.15)
S47_LED_BY_EXPERIENCED = 0.85  # of s47 enquiries, led by experienced social workers or ATMs
# R-AL-2: low-level work goes to the least experienced eligible worker when they have room.
LEAST_EXPERIENCED_FIRST = {"FSW": 0.1, "ASYE": 0.05}

# ---------------------------------------------------------------------------------------------
# Code sets (domain.md §2) with the weights the demo draws them with
# ---------------------------------------------------------------------------------------------

# Referral / contact source (CIN census). Codes not yet valid on a date (5D, RC9 before 2022-23,
# per engine/codesets) are never drawn for it.
REFERRAL_SOURCES = (
    ("1A", 4),
    ("1B", 0.5),
    ("1C", 1),
    ("1D", 1),
    ("2A", 19),
    ("2B", 1),
    ("3A", 2),
    ("3B", 3),
    ("3C", 0.5),
    ("3D", 1),
    ("3E", 3),
    ("3F", 5),
    ("4", 2),
    ("5A", 5),
    ("5B", 3),
    ("5C", 2),
    ("5D", 4),
    ("6", 29),
    ("7", 4),
    ("8", 5),
    ("9", 2),
    ("10", 0.5),
)
PRIMARY_NEEDS = (
    ("N0", 1.5),
    ("N1", 55),
    ("N2", 3),
    ("N3", 4),
    ("N4", 9),
    ("N5", 16),
    ("N6", 2),
    ("N7", 0.5),
    ("N8", 7),
    ("N9", 3),
)
CP_CATEGORIES = (("NEG", 50), ("EMO", 35), ("PHY", 7), ("SAB", 5), ("MUL", 3))
ETHNICITIES = (
    ("WBRI", 70),
    ("WIRI", 1),
    ("WOTH", 5),
    ("WROM", 1),
    ("MWBC", 3),
    ("MWBA", 1),
    ("MWAS", 1),
    ("MOTH", 2),
    ("AIND", 2),
    ("APKN", 4),
    ("ABAN", 1),
    ("AOTH", 1),
    ("BCRB", 1),
    ("BAFR", 3),
    ("BOTH", 0.5),
    ("CHNE", 0.5),
    ("OOTH", 1),
    ("REFU", 0.5),
    ("NOBT", 0.5),
)
SEXES = (("M", 51), ("F", 49))
DISABLED = 0.08
UNBORN_AT_FIRST_REFERRAL = 0.02

CONTACT_OUTCOMES_NOT_PROGRESSED = (("NFA", 35), ("ADVICE", 35), ("EARLY_HELP", 30))
CONTACT_DECIDED_LATE = 0.1  # after 1 working day (R-TS-1)

DELAY_REASONS = (
    "Family did not engage; two home visits missed",
    "Awaiting police information",
    "Awaiting health information from the GP",
    "Allocated worker absent; reallocated",
    "Interpreter needed; delay in booking",
    "Further information requested from school",
    "Father's whereabouts unknown; contact attempts continuing",
)

ALLOCATION_RATIONALES = (
    "Allocated at allocation meeting: capacity and experience match",
    "Continuity: worker knows the family",
    "Experienced worker needed for the level of risk",
    "Least experienced eligible worker with capacity",
)

SUPERVISION_DECISIONS = {
    1: (
        "Continue family support plan; review in six weeks",
        "Consider closure with step-down to early help",
        "Worker to complete direct work with the child before next review",
    ),
    2: (
        "Complete the assessment within timescale; chase school information",
        "Child in need plan to be reviewed; visit within 20 working days",
        "Update the chronology and genogram before next supervision",
    ),
    3: (
        "Core group to meet within 10 working days; visits every 10 working days",
        "Strategy discussion to be reconvened if concerns continue",
        "Ensure the child is seen alone at the next visit",
    ),
    4: (
        "Pre-proceedings letter to be sent; legal planning meeting booked",
        "Care plan to be updated for the court timetable",
    ),
}

# ---------------------------------------------------------------------------------------------
# The seed's action plan: Ofsted, November 2010 (shared/seed/000_86c76d03e115f693.txt)
# ---------------------------------------------------------------------------------------------

INSPECTION_BODY = "Ofsted"
INSPECTION_KIND = "Unannounced inspection of contact, referral and assessment arrangements"
# The seed gives only the month; these days are the demo's.
INSPECTION_START = date(2010, 11, 9)
INSPECTION_END = date(2010, 11, 10)
INSPECTION_REPORT_PUBLISHED = date(2010, 12, 1)
# The Comments column is the plan's last recorded update; the demo dates it after the last
# completed action (Feb 2011).
PLAN_UPDATED_ON = date(2011, 3, 31)


@dataclass(frozen=True)
class ActionStory:
    text: str
    lead: str
    timescale: str
    evidence: str
    comments: str
    completed_on: date | None = None  # set where Comments say "Completed"


@dataclass(frozen=True)
class FindingStory:
    text: str
    actions: tuple[ActionStory, ...]


# The findings are the bold "Inspection Outcome" texts, joined where the seed's table splits them
# across pages. The seed's second table has one cell holding the end of finding 2, all of
# finding 3 and the start of finding 4 beside five actions; they are assigned by subject:
# "Through supervision" monitors assessment delays (finding 2), the two supervision actions answer
# finding 3, the re-referral audit and performance meeting answer finding 4. The action text and
# lead split across pages ("...Information" / "Team.") are joined. Spelling is the seed's
# (e.g. "ATM/T/M/SM/LM", "R+A"). Status follows the Comments column: "Completed..." is
# completed, "Spreadsheet currently in use" is in progress, no comment is not started.
FINDINGS = (
    FindingStory(
        "Social work caseloads are manageable and balanced, although the more skilled, qualified "
        "staff experience significant additional pressures due to the frequency that they are "
        "required to undertake child protection enquiries.",
        (
            ActionStory(
                "Allocation of cases to experienced workers to reflect the complexity of cases "
                "allocated to them. ATMs and TM to monitor in supervision and allocation meetings.",
                "ATM/TM",
                "Ongoing",
                "This will be evidenced from the workers caseloads and from supervision and "
                "audits.",
                "",
            ),
            ActionStory(
                "Where possible to allocate less complex cases to less experienced staff, to "
                "enable the above to happen.",
                "ATM/TM",
                "Ongoing",
                "As above",
                "",
            ),
            ActionStory(
                "Audit of caseloads and Supervision",
                "ATM/T/M/SM/LM",
                "Monthly",
                "Spreadsheet of audits to be designed and monthly updated.",
                "Spreadsheet currently in use",
            ),
        ),
    ),
    FindingStory(
        "Assessments which exceed statutory timescales are not consistently or robustly "
        "monitored. In some cases this leads to delays in assessments being concluded.",
        (
            ActionStory(
                "Audit of overdue assessments.",
                "TM",
                "Monthly",
                "Spreadsheet of audits to be designed and monthly updated",
                "Spreadsheet currently in use",
            ),
            ActionStory(
                "Through supervision", "ATM/TM", "Monthly", "Through supervision audit", ""
            ),
        ),
    ),
    FindingStory(
        "Social workers generally receive good support and management oversight. However "
        "inexperienced staff do not consistently receive the level of formal supervision that "
        "is required given the complexity of work allocated to them.",
        (
            ActionStory(
                "More regular formal supervision to be offered to inexperienced SW as required.",
                "ATMs",
                "Supervision audit May 2011",
                "Through supervision audit and monthly spreadsheet.",
                "Spreadsheet currently in use",
            ),
            ActionStory(
                "Supervision files to be kept up to date",
                "ATMs",
                "",
                "Through supervision audit and monthly spreadsheet",
                "Spreadsheet currently in use",
            ),
        ),
    ),
    FindingStory(
        "The inaccurate classification of some contacts as referrals has contributed to a high "
        "rate of re-referrals during this year. Although appropriate action has been taken to "
        "address this, the rate of re-referrals remains high",
        (
            ActionStory(
                "Audit of re-referrals",
                "Lead Christine Ramshaw, Health",
                "December 2010",
                "Recommendations to LSCB Feb 2011",
                "Completed",
                completed_on=date(2010, 12, 31),
            ),
            ActionStory(
                "Performance Meeting R&A management Team and Information Team.",
                "R&A management Team and Information Team",
                "Feb 2011",
                "System reflects the improvement. Fortnightly management information reports to "
                "R+A management team, SM and LM.",
                "Completed - reports provided fortnightly",
                completed_on=date(2011, 2, 28),
            ),
        ),
    ),
    FindingStory(
        "Implementation of a new policy regarding the use of family support workers is not yet "
        "fully effective and in some instances they hold inappropriately complex work.",
        (
            ActionStory(
                "FSWs only to be allocated cases according to the policy.",
                "Supervisor, ATM and TM",
                "With immediate effect and ongoing",
                "This will be evidenced from the workers caseloads and from supervision and "
                "audits.",
                "Completed Dec 2010",
                completed_on=date(2010, 12, 31),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class EvidenceStory:
    """The measure that evidences an action, its target and the margin that is amber."""

    measure_id: str
    comparison: str  # gte, lte or eq
    target: float
    amber_margin: float
    breakdown: str = ""


# (finding, action) in the plan's order → the measure that shows whether it has happened. The
# England figures (domain.md §9) are the targets where the plan's evidence is a national rate.
EVIDENCE = {
    (1, 1): EvidenceStory("allocation.eligibility_breaches", "eq", 0, 2),
    (1, 2): EvidenceStory("caseload.s47_pressure_flags", "eq", 0, 1),
    (1, 3): EvidenceStory("caseload.workers_over_capacity", "eq", 0, 2),
    (2, 1): EvidenceStory("assessments.open_overdue", "eq", 0, 5),
    (2, 2): EvidenceStory("assessments.within_timescale_rate", "gte", 85, 5),
    (3, 1): EvidenceStory("supervision.compliance_rate", "gte", 100, 10, "grade:ASYE"),
    (3, 2): EvidenceStory("supervision.write_up_on_time_rate", "gte", 95, 10),
    (4, 1): EvidenceStory("referrals.rereferral_rate", "lte", 22.6, 3),
    (4, 2): EvidenceStory("referrals.rereferral_rate_excluding_misclassified", "lte", 22.6, 3),
    (5, 1): EvidenceStory("allocation.fsw_policy_breaches", "eq", 0, 1),
}
