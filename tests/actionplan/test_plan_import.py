"""Saving an imported plan (issue 8, part 3): schedules, statuses and leads as the document says;
importing twice creates nothing; the CLI's JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from oversight.actionplan.document import read_plan
from oversight.actionplan.importer import save_plan
from oversight.actionplan.models import Action, Finding, Glossary, Inspection
from oversight.audit.models import AuditEvent
from tests.actionplan.test_plan_document import SEED
from tests.factories import LocalAuthorityFactory

D = dt.date


@pytest.fixture
def inspection(db: None) -> Inspection:
    return Inspection.objects.create(
        local_authority=LocalAuthorityFactory(),
        kind="Unannounced inspection of contact, referral and assessment arrangements",
        start_date=D(2010, 11, 9),
        end_date=D(2010, 11, 10),
        report_published_on=D(2010, 12, 1),
    )


def test_the_seed_plan_is_saved_with_schedules_statuses_and_leads(inspection: Inspection) -> None:
    saved = save_plan(read_plan(SEED.read_text()), inspection, by=None)

    assert (saved.findings_new, saved.actions_new) == (5, 10)
    rows = list(
        Action.objects.order_by("finding__order", "order").values_list(
            "finding__order",
            "order",
            "status",
            "completed_on",
            "due_on",
            "recurrence",
            "ongoing",
            "review_point",
        )
    )
    assert rows == [
        (1, 1, "not_started", None, None, "", True, ""),
        (1, 2, "not_started", None, None, "", True, ""),
        (1, 3, "in_progress", None, None, "monthly", False, ""),
        (2, 1, "in_progress", None, None, "monthly", False, ""),
        (2, 2, "not_started", None, None, "monthly", False, ""),
        (3, 1, "in_progress", None, D(2011, 5, 31), "", False, "Supervision audit"),
        (3, 2, "in_progress", None, None, "", False, ""),
        (4, 1, "completed", D(2010, 12, 31), D(2010, 12, 31), "", False, ""),
        (4, 2, "completed", D(2011, 2, 28), D(2011, 2, 28), "", False, ""),
        # "With immediate effect": due when the report was published; "Completed Dec 2010".
        (5, 1, "completed", D(2010, 12, 31), D(2010, 12, 1), "", True, ""),
    ]
    audit = Action.objects.get(text="Audit of caseloads and Supervision")
    assert audit.lead_parts == [
        "Assistant Team Manager",
        "Team Manager",
        "Safeguarding Manager",
        "Locality Manager",
    ]
    assert sorted(Glossary.objects.values_list("abbreviation", "meaning")) == [
        ("LM", "Locality Manager"),
        ("SM", "Safeguarding Manager"),
        ("TM", "Team Manager"),
    ]
    assert Action.objects.get(text="Supervision files to be kept up to date").review_flags == [
        "placed under this finding by its wording: the document merged several findings into "
        "one cell; check",
        "no timescale given",
    ]
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.IMPORT).detail["actions_new"] == 10


def test_importing_the_same_document_twice_creates_nothing(inspection: Inspection) -> None:
    save_plan(read_plan(SEED.read_text()), inspection, by=None)
    Action.objects.filter(order=1, finding__order=1).update(
        status="completed", completed_on=D(2011, 1, 5)
    )

    again = save_plan(read_plan(SEED.read_text()), inspection, by=None)

    assert (again.findings_new, again.actions_new) == (0, 0)
    assert (again.findings_unchanged, again.actions_unchanged) == (5, 10)
    assert (Finding.objects.count(), Action.objects.count()) == (5, 10)
    # What was changed in Oversight since is kept.
    assert Action.objects.get(order=1, finding__order=1).status == "completed"


def test_a_dry_run_saves_nothing(inspection: Inspection) -> None:
    saved = save_plan(read_plan(SEED.read_text()), inspection, by=None, dry_run=True)

    assert saved.actions_new == 10
    assert Action.objects.count() == 0


def test_the_command_prints_the_documented_json(
    inspection: Inspection, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "plan",
        "import",
        str(SEED),
        "--inspection",
        str(inspection.pk),
        "--format",
        "json",
        "--dry-run",
    )

    document = json.loads(capsys.readouterr().out)
    assert list(document) == ["findings", "glossary", "flags", "saved"]
    assert [len(f["actions"]) for f in document["findings"]] == [3, 2, 2, 2, 1]
    first = document["findings"][0]["actions"][0]
    assert list(first) == ["text", "lead", "timescale", "evidence", "comments", "status", "flags"]
    assert (first["lead"], first["timescale"], first["status"]) == (
        "ATM/TM",
        "Ongoing",
        "not_started",
    )
    assert document["glossary"]["TM"] == "Team Manager"
    assert document["saved"] == {
        "dry_run": True,
        "findings": {"new": 5, "unchanged": 0},
        "actions": {"new": 10, "unchanged": 0},
    }
    assert Action.objects.count() == 0


def test_the_command_makes_an_inspection_from_the_plans_title(
    db: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    LocalAuthorityFactory()

    call_command("plan", "import", str(SEED))

    inspection = Inspection.objects.get()
    assert (inspection.kind, inspection.start_date) == (
        "Inspection Outcome Action Plan (November 2010)",
        D(2010, 11, 1),
    )
    assert "Added 5 findings and 10 actions" in capsys.readouterr().out
