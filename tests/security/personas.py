"""The access-test council: two localities, one team in each, a persona for every access role,
and child ids distinctive enough to search for in any page or file (LEAK-A-…, LEAK-B-…).

    Testshire County Council
    ├── North locality ── North Assessment team (A)
    │     tm_a (TM) ── supervises atm_a and other_a
    │     atm_a (ATM) ── supervises worker_a
    │     worker_a (SW) holds LEAK-A-0001;  other_a (SW) holds LEAK-A-0002
    │     lm_a: the North locality manager (no team)
    └── South locality ── South Safeguarding team (B)
          tm_b (TM) ── supervises worker_b
          worker_b (SW) holds LEAK-B-0001 (with an s47 and a CP plan); LEAK-B-0002 is the
          team's, unallocated
    io: information officer (the council, no staff record); admin: administrator (no case role)

Each child has an assessment open past its 45 working days, so deadline lists name them; each
worker had a supervision session discussing their case, with an action agreed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from oversight.accounts.roles import AccessRole
from oversight.actionplan.models import Action, EvidenceMeasure, EvidenceNote, Finding, Inspection
from oversight.cases.models import Child, ChildProtectionPlan, Section47
from oversight.interchange.models import ImportRun
from oversight.people.models import LocalAuthority, Locality, Team, Worker
from oversight.supervision.models import CaseDiscussion, SupervisionAction, SupervisionSession
from tests.factories import (
    AllocationFactory,
    AssessmentFactory,
    ChildFactory,
    LocalAuthorityFactory,
    WorkerFactory,
    make_user,
)

# The columns of the route matrix, in the order failures are reported.
ANONYMOUS = "anonymous"
PERSONAS = ("worker_a", "atm_a", "tm_a", "lm_a", "io", "admin", "tm_b")
EVERYONE = (ANONYMOUS, *PERSONAS)


@dataclass
class World:
    la: LocalAuthority
    north: Locality
    south: Locality
    team_a: Team
    team_b: Team
    workers: dict[str, Worker]
    children: dict[str, Child]
    users: dict[str, Any]
    sessions: dict[str, SupervisionSession]  # by supervisee: "worker_a", "worker_b"
    supervision_actions: dict[str, SupervisionAction]
    inspection: Inspection
    action: Action
    measure_link: EvidenceMeasure
    note: EvidenceNote
    import_run: ImportRun
    today: dt.date

    def client_for(self, persona: str, **options: Any) -> Client:
        client = Client(**options)
        if persona != ANONYMOUS:
            client.force_login(self.users[persona])
        return client


def build_world() -> World:
    today = timezone.localdate()
    started = today - dt.timedelta(days=120)
    la = LocalAuthorityFactory()
    north = Locality.objects.create(local_authority=la, name="North")
    south = Locality.objects.create(local_authority=la, name="South")
    team_a = Team.objects.create(locality=north, name="North Assessment", kind="R&A")
    team_b = Team.objects.create(locality=south, name="South Safeguarding", kind="SG")
    w = _workers(team_a, team_b, north)
    children = {
        "A1": _case("LEAK-A-0001", team_a, w["worker_a"], started),
        "A2": _case("LEAK-A-0002", team_a, w["other_a"], started),
        "B1": _case("LEAK-B-0001", team_b, w["worker_b"], started),
        "B2": _case("LEAK-B-0002", team_b, None, started),
    }
    Section47.objects.create(child=children["B1"], strategy_date=started, lead_worker=w["worker_b"])
    ChildProtectionPlan.objects.create(child=children["B1"], start_date=started, category="NEG")
    users = _users(w)
    sessions, actions = {}, {}
    for supervisee, supervisor, child in (
        ("worker_a", "atm_a", "A1"),
        ("worker_b", "tm_b", "B1"),
    ):
        sessions[supervisee], actions[supervisee] = _supervision(
            w[supervisee], w[supervisor], children[child], today
        )
    inspection, action, link, note = _plan(la, today)
    return World(
        la=la,
        north=north,
        south=south,
        team_a=team_a,
        team_b=team_b,
        workers=w,
        children=children,
        users=users,
        sessions=sessions,
        supervision_actions=actions,
        inspection=inspection,
        action=action,
        measure_link=link,
        note=note,
        import_run=_import_run(la, users["io"]),
        today=today,
    )


def _workers(team_a: Team, team_b: Team, north: Locality) -> dict[str, Worker]:
    w: dict[str, Worker] = {}
    w["tm_a"] = WorkerFactory(name="Tara North", role=Worker.Role.TEAM_MANAGER, team=team_a)
    w["atm_a"] = WorkerFactory(
        name="Ari North",
        role=Worker.Role.ASSISTANT_TEAM_MANAGER,
        team=team_a,
        supervisor=w["tm_a"],
    )
    w["worker_a"] = WorkerFactory(name="Wren North", team=team_a, supervisor=w["atm_a"])
    w["other_a"] = WorkerFactory(name="Olu North", team=team_a, supervisor=w["tm_a"])
    w["lm_a"] = WorkerFactory(
        name="Lou North", role=Worker.Role.LOCALITY_MANAGER, team=None, locality=north
    )
    w["tm_b"] = WorkerFactory(name="Tom South", role=Worker.Role.TEAM_MANAGER, team=team_b)
    w["worker_b"] = WorkerFactory(name="Bea South", team=team_b, supervisor=w["tm_b"])
    return w


def _case(la_child_id: str, team: Team, worker: Worker | None, started: dt.date) -> Child:
    child = ChildFactory(la_child_id=la_child_id, responsible_team=team)
    if worker is not None:
        AllocationFactory(child=child, worker=worker, complexity_level=2, start_date=started)
    # Open for 120 calendar days: well past the 45 working days of R-TS-4.
    AssessmentFactory(child=child, worker=worker, start_date=started)
    return child


def _users(w: dict[str, Worker]) -> dict[str, Any]:
    roles = {
        "worker_a": AccessRole.WORKER,
        "atm_a": AccessRole.ASSISTANT_TEAM_MANAGER,
        "tm_a": AccessRole.TEAM_MANAGER,
        "lm_a": AccessRole.LOCALITY_MANAGER,
        "tm_b": AccessRole.TEAM_MANAGER,
        "worker_b": AccessRole.WORKER,
    }
    users = {name: make_user(name, role, w[name]) for name, role in roles.items()}
    users["io"] = make_user("io", AccessRole.INFORMATION_OFFICER)
    users["admin"] = make_user("admin", AccessRole.ADMINISTRATOR)
    return users


def _supervision(
    supervisee: Worker, supervisor: Worker, child: Child, today: dt.date
) -> tuple[SupervisionSession, SupervisionAction]:
    held = today - dt.timedelta(days=7)
    session = SupervisionSession.objects.create(
        supervisee=supervisee, supervisor=supervisor, held_on=held, minutes=90, written_up_on=held
    )
    CaseDiscussion.objects.create(
        session=session, child=child, decision=f"Decision on {child.la_child_id}"
    )
    action = SupervisionAction.objects.create(
        session=session, description="Visit the family", due_on=today + dt.timedelta(days=7)
    )
    return session, action


def _plan(
    la: LocalAuthority, today: dt.date
) -> tuple[Inspection, Action, EvidenceMeasure, EvidenceNote]:
    inspection = Inspection.objects.create(
        local_authority=la,
        kind="Inspection of contact, referral and assessment",
        start_date=today - dt.timedelta(days=90),
        end_date=today - dt.timedelta(days=88),
    )
    finding = Finding.objects.create(inspection=inspection, order=1, text="Assessments run late")
    action = Action.objects.create(
        finding=finding,
        order=1,
        text="Audit overdue assessments every month",
        lead="TM",
        lead_parts=["Team Manager"],
        recurrence="monthly",
    )
    link = EvidenceMeasure.objects.create(
        action=action,
        measure_id="assessments.open_overdue",
        comparison="lte",
        target=Decimal(0),
        amber_margin=Decimal(1),
    )
    note = EvidenceNote.objects.create(
        action=action, written_at=timezone.now(), text="Audit minutes attached"
    )
    note.document.save("audit-minutes.txt", ContentFile(b"Minutes of the audit meeting"))
    return inspection, action, link, note


def _import_run(la: LocalAuthority, user: Any) -> ImportRun:
    return ImportRun.objects.create(
        kind=ImportRun.Kind.CSV,
        template="allocations",
        file_name="allocations.csv",
        file_sha256="0" * 64,
        file_bytes=100,
        local_authority=la,
        user=user,
        username="io",
        dry_run=True,
        status=ImportRun.Status.CHECKED,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        report={"tables": {"allocations": 1}, "problems": []},
    )


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Any) -> World:
    # Evidence documents and archived reports written by the tests stay in a temporary folder.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OVERSIGHT_REPORT_DIR = tmp_path / "reports"
    return build_world()
