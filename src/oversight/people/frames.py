"""Workers from the database as the engine's `WorkerFacts` (two queries, however many rows)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from oversight.engine.workforce import Absence, WorkerFacts
from oversight.people.models import Absence as AbsenceRow
from oversight.people.models import Worker


def worker_facts(workers: QuerySet[Worker]) -> list[WorkerFacts]:
    rows = workers.prefetch_related(
        Prefetch("absences", queryset=AbsenceRow.objects.order_by("start_date"))
    )
    return [_facts(worker) for worker in rows]


def _facts(worker: Worker) -> WorkerFacts:
    absences: Iterable[AbsenceRow] = worker.absences.all()
    return WorkerFacts(
        worker_id=worker.id,
        name=worker.name,
        role=worker.role,
        team_id=worker.team_id,
        qualified=worker.qualified,
        qualification_date=worker.qualification_date,
        start_date=worker.start_date,
        end_date=worker.end_date,
        fte=float(worker.fte),
        absences=tuple(Absence(a.start_date, a.end_date) for a in absences),
    )
