"""Writes the demo council(s) to the database: what `oversight demo` runs.

Loading replaces: in one transaction every demo council (recognised by its LA code, see
`story.demo_la_code`) and every demo user (username starting "demo-") is removed, then the new
councils are bulk-written, so running it twice never duplicates anything and a failure leaves
the previous demo untouched. Real councils' data is never touched: demo LA codes (940-999) are
not DfE codes.

The demo is seed data, not casework: it is written with bulk inserts rather than through the
audited actions, because it records no one's decision.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Model, Q

from oversight.actionplan.models import Inspection
from oversight.cases.models import (
    Allocation,
    Assessment,
    Child,
    ChildProtectionPlan,
    ChildProtectionReview,
    ComplexityAssessment,
    Contact,
    Referral,
    Section47,
)
from oversight.demo import story
from oversight.demo.generator import DemoCouncil, DemoLogin, generate
from oversight.people.models import Absence, LocalAuthority, Locality, Team, Worker
from oversight.supervision.models import CaseDiscussion, SupervisionSession

DEMO_USERNAME_PREFIX = "demo-"
BATCH_SIZE = 2_000


@dataclass(frozen=True)
class DemoSummary:
    """What was loaded, and how to sign in to it."""

    as_at: date
    seed: int
    councils: list[tuple[str, str]]  # (LA code, name)
    counts: dict[str, int]  # rows written, by model label ("cases.Child")
    logins: list[tuple[str, str, str]]  # (role description, username, password)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def load_demo(*, as_at: date, scale: int = 1, seed: int = 2010) -> DemoSummary:
    """Replace the demo with `scale` councils as they stand at `as_at`; only council 1 gets
    sign-ins. Records are built before the transaction opens, so the database is locked only
    while writing."""
    if not 1 <= scale <= story.MAX_COUNCILS:
        raise ValueError(f"scale must be between 1 and {story.MAX_COUNCILS}, got {scale}")
    councils = [generate(as_at=as_at, seed=seed, council_number=k) for k in range(1, scale + 1)]
    # PBKDF2 is slow by design: hash the shared demo password once for every demo user.
    password_hash = make_password(story.DEMO_PASSWORD)
    with transaction.atomic():
        remove_demo()
        counts = _write_users(councils[0].logins, password_hash)
        counts.update(_write_councils(councils))
    return DemoSummary(
        as_at=as_at,
        seed=seed,
        councils=[(c.local_authority.code, c.local_authority.name) for c in councils],
        counts=dict(counts),
        logins=[
            (login.description, login.username, story.DEMO_PASSWORD) for login in councils[0].logins
        ],
    )


def remove_demo() -> None:
    """Delete every demo council and demo user, children's records first so nothing protected
    is left pointing at what goes next."""
    las = LocalAuthority.objects.filter(code__in=story.DEMO_LA_CODES)
    children = Child.objects.filter(local_authority__in=las)
    workers = Worker.objects.filter(
        Q(team__locality__local_authority__in=las) | Q(locality__local_authority__in=las)
    )
    doomed = [
        CaseDiscussion.objects.filter(Q(child__in=children) | Q(session__supervisee__in=workers)),
        SupervisionSession.objects.filter(Q(supervisee__in=workers) | Q(supervisor__in=workers)),
        Allocation.objects.filter(Q(child__in=children) | Q(worker__in=workers)),
        ChildProtectionReview.objects.filter(plan__child__in=children),
        ChildProtectionPlan.objects.filter(child__in=children),
        ComplexityAssessment.objects.filter(child__in=children),
        Assessment.objects.filter(child__in=children),
        Section47.objects.filter(child__in=children),
        Contact.objects.filter(child__in=children),
        Referral.objects.filter(child__in=children),
        children,
        Absence.objects.filter(worker__in=workers),
        workers,
        Team.objects.filter(locality__local_authority__in=las),
        Locality.objects.filter(local_authority__in=las),
        Inspection.objects.filter(local_authority__in=las),
        las,
        get_user_model().objects.filter(username__startswith=DEMO_USERNAME_PREFIX),
    ]
    for queryset in doomed:
        queryset.delete()


def _write_users(logins: list[DemoLogin], password_hash: str) -> Counter[str]:
    """One user per demo login, in the group of their access role, linked to their worker."""
    user_model = get_user_model()
    users = [
        user_model(
            username=login.username,
            first_name=_first_and_last_name(login)[0],
            last_name=_first_and_last_name(login)[1],
            email=f"{login.username}@northfield.example",
            password=password_hash,
            is_staff=login.is_staff,
            is_superuser=False,
        )
        for login in logins
    ]
    user_model.objects.bulk_create(users)
    groups = {g.name: g for g in Group.objects.filter(name__in=[lg.access_role for lg in logins])}
    membership = user_model.groups.through
    memberships = [
        membership(user_id=user.pk, group_id=groups[login.access_role].pk)
        for user, login in zip(users, logins, strict=True)
    ]
    membership.objects.bulk_create(memberships)
    for user, login in zip(users, logins, strict=True):
        if login.worker is not None:
            login.worker.user = user
    return Counter({user_model._meta.label: len(users), "auth.User_groups": len(memberships)})


def _first_and_last_name(login: DemoLogin) -> tuple[str, str]:
    first, _, last = (login.worker.name if login.worker else "Demo Administrator").partition(" ")
    return first, last


def _write_councils(councils: list[DemoCouncil]) -> Counter[str]:
    """Bulk-write model by model across all councils, parents first."""
    counts: Counter[str] = Counter()
    tables = zip(*(council.record_lists() for council in councils), strict=True)
    for per_council in tables:
        records = [record for council_records in per_council for record in council_records]
        if not records:
            continue
        model = type(records[0])
        if model is Worker:
            _write_workers(records)
        else:
            model._default_manager.bulk_create(records, batch_size=BATCH_SIZE)
        counts[model._meta.label] += len(records)
    return counts


def _write_workers(workers: list[Model]) -> None:
    """Supervisors before the people they supervise, so each supervisor has an id to point at."""
    written: set[int] = set()
    remaining = list(workers)
    while remaining:
        ready = [
            w
            for w in remaining
            if isinstance(w, Worker) and (w.supervisor is None or id(w.supervisor) in written)
        ]
        if not ready:
            raise ValueError("demo roster has a supervision loop")
        Worker.objects.bulk_create(ready, batch_size=BATCH_SIZE)
        written.update(id(w) for w in ready)
        remaining = [w for w in remaining if id(w) not in written]
