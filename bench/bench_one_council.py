"""Benchmark issue 3's one-council targets: the demo council's frames loaded from the database
(target under 1 s on SQLite, in a fixed number of queries), and the measures behind a team
page computed from frames (target under 100 ms, so pages call the engine on demand).

Run as `python bench/bench_one_council.py`. It migrates a fresh SQLite database in a temporary
directory (never DATABASE_URL's database) and loads the demo council. It then times, best of 3:
- loading the council's frames (`cases.engine_data.load_case_data`), with its query count;
- the same again with three councils' data held (the query count must not change);
- every registered measure over the Referral and Assessment team's frames, as the team page
  needs, against the same measures over the whole council (the baseline in the same process).
Absolute times vary by machine; no assertions.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

AS_AT = date(2026, 11, 27)
TEAM = "Referral and Assessment"


def best_of(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        began = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - began)
    return best, result


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.config.settings")
    with tempfile.TemporaryDirectory(prefix="oversight-bench-") as var_dir:
        os.environ["OVERSIGHT_VAR_DIR"] = var_dir
        os.environ.pop("DATABASE_URL", None)
        import django
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        django.setup()
        call_command("migrate", verbosity=0)

        from oversight.cases.engine_data import load_case_data
        from oversight.cases.models import Child
        from oversight.demo.loader import load_demo
        from oversight.engine.measures import REGISTRY
        from oversight.engine.policy import DEFAULT_POLICY
        from oversight.engine.registry import Context, Period
        from oversight.people.models import Team, Worker
        from oversight.policy.queries import calendar_for

        load_demo(as_at=AS_AT)
        council = Child.objects.all()

        def load() -> Any:
            return load_case_data(council, Worker.objects.all())

        with CaptureQueriesContext(connection) as queries:
            load()
        load_s, data = best_of(3, load)
        load_queries = len(queries)

        team = Team.objects.get(name=TEAM)
        team_children = council.filter(responsible_team=team)
        team_data = load_case_data(team_children, Worker.objects.filter(team=team))
        context = Context(
            AS_AT, Period(date(2025, 11, 28), AS_AT), DEFAULT_POLICY, calendar_for(DEFAULT_POLICY)
        )
        team_s, _ = best_of(3, lambda: dict(REGISTRY.compute(team_data, context)))
        council_s, _ = best_of(3, lambda: dict(REGISTRY.compute(data, context)))

        load_demo(as_at=AS_AT, scale=3)
        with CaptureQueriesContext(connection) as bigger:
            load_case_data(Child.objects.all(), Worker.objects.all())
        connection.close()

    rows = sum(frame.height for frame in data.tables().values())
    print(f"database: sqlite; the demo council: {rows:,} rows in the engine's frames")
    print(f"load the council's frames: {load_s:.3f} s in {load_queries} queries (target < 1 s)")
    print(f"  with three councils held: {len(bigger)} queries (the same: no per-row queries)")
    print(
        f"every measure for the {TEAM} team: {team_s * 1000:.0f} ms (target < 100 ms); "
        f"the whole council: {council_s * 1000:.0f} ms; team / council {team_s / council_s:.2f}"
    )
    print(
        f"BENCH one_council load_s={load_s:.3f} load_queries={load_queries} "
        f"queries_at_3x={len(bigger)} team_measures_ms={team_s * 1000:.0f} "
        f"council_measures_ms={council_s * 1000:.0f}"
    )


if __name__ == "__main__":
    main()
