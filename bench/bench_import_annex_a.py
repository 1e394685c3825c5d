"""Benchmark the Annex A import (issue 4): a large council's six-month workbook, 100,000 rows.

Run as `python bench/bench_import_annex_a.py [--rows N]`. It writes a deterministic synthetic
workbook (Lists 1, 3, 4, 5, 6, 7 in Ofsted's layout, letter-prefixed codes, real dates), then in
one process: reads it with Oversight's reader, imports it (read and store) into a fresh SQLite
database in a temporary directory, imports it again (nothing changes: the idempotent path), and
reads it with pandas `read_excel` alone as the baseline. Peak memory is taken before the
baseline runs, so it is the import's own. Targets: under 20 s and 1 GB for 100,000 rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SOURCES = ["a) 1A: Individual", "e) 2A: Schools", "j) 3D: Health services", "q) 6: Police"]
SOURCES += ["s) 8: Other", "n) 4: Housing", "t) 9: Anonymous", "r) 7: Other legal agency"]
NEEDS = ["N1 - Abuse or neglect", "N4", "N5 - Family dysfunction", "N2", "N3", "N6", "N8"]
CATEGORIES = ["Neglect", "Emotional abuse", "Physical abuse", "Sexual abuse"]
PERIOD_START = dt.date(2025, 5, 1)
DAYS = 183


def make_workbook(path: Path, rows: int, seed: int = 20261129) -> dict[str, int]:
    """Lists in the proportions of a real extract: contacts 55 %, referrals 18 %, …"""
    from tests.interchange.workbooks import (
        LIST_1,
        LIST_3,
        LIST_4,
        LIST_5,
        LIST_6,
        LIST_7,
        write_workbook,
    )

    rng = random.Random(seed)
    n_ref, n_asmt, n_s47, n_cin, n_cp = (int(rows * f) for f in (0.18, 0.15, 0.05, 0.05, 0.02))
    n_contacts = rows - n_ref - n_asmt - n_s47 - n_cin - n_cp
    teams = [f"Locality {i // 4 + 1} Team {i % 4 + 1}" for i in range(12)]
    workers = [f"Worker {i:03d}" for i in range(150)]

    def child_cells(child: int) -> list[object]:
        born = dt.date(2008, 1, 1) + dt.timedelta(days=(child * 37) % 6000)
        return [f"{100000 + child}", rng.choice(["a) Male", "b) Female"]), "a) WBRI", born, 7]

    def day() -> dt.date:
        return PERIOD_START + dt.timedelta(days=rng.randrange(DAYS))

    def allocated(child: int) -> list[str]:
        return [teams[child % 12], workers[child % 150]]

    referrals = []
    for child in range(n_ref):
        nfa = rng.random() < 0.1
        referrals.append((child, day(), nfa))
    list_3 = [LIST_3] + [
        [*child_cells(c), d, rng.choice(SOURCES), "Yes" if nfa else "No", 0, *allocated(c)]
        for c, d, nfa in referrals
    ]
    open_cases = [(c, d) for c, d, nfa in referrals if not nfa]
    list_4 = [LIST_4]
    for c, d in open_cases[:n_asmt]:
        start = d + dt.timedelta(days=rng.randrange(3))
        done = start + dt.timedelta(days=rng.randrange(10, 70)) if rng.random() < 0.85 else None
        list_4.append([*child_cells(c), "b) No", start, "Yes", done, "Yes", *allocated(c)])
    list_5 = [LIST_5]
    for c, d in open_cases[:n_s47]:
        strategy = d + dt.timedelta(days=rng.randrange(1, 8))
        icpc = strategy + dt.timedelta(days=rng.randrange(8, 25)) if rng.random() < 0.45 else None
        plan = "Yes" if icpc and c % 3 else ("No" if icpc else "")
        not_needed = "No" if icpc else "Yes"
        list_5.append(
            [*child_cells(c), "b) No", strategy, not_needed, icpc, plan, 1, 1, *allocated(c)]
        )
    list_6 = [LIST_6]
    for c, d in open_cases[:n_cin]:
        closed = d + dt.timedelta(days=rng.randrange(20, 120)) if c % 2 else None
        reason = "RC7" if closed else ""
        need = rng.choice(NEEDS)
        list_6.append([*child_cells(c), "b) No", d, need, d, closed, reason, "", *allocated(c)])
    list_7 = [LIST_7]
    for c, d in open_cases[:n_cp]:
        start = d + dt.timedelta(days=20)
        review = start + dt.timedelta(days=90) if c % 2 else None
        category = rng.choice(CATEGORIES)
        list_7.append(
            [
                *child_cells(c),
                "b) No",
                start,
                category,
                category,
                None,
                "Yes",
                review,
                None,
                "b) No",
                0,
                *allocated(c),
            ]
        )
    list_1 = [LIST_1]
    for _i in range(n_contacts):
        c = rng.randrange(int(n_ref * 1.6))
        list_1.append([*child_cells(c), day(), rng.choice(SOURCES)])
    sheets = {"List 1": list_1, "List 3": list_3, "List 4": list_4, "List 5": list_5}
    sheets |= {"List 6": list_6, "List 7": list_7}
    write_workbook(path, sheets)
    return {name: len(rows) - 1 for name, rows in sheets.items()}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.config.settings")
    with tempfile.TemporaryDirectory(prefix="oversight-bench-") as var_dir:
        os.environ["OVERSIGHT_VAR_DIR"] = var_dir
        os.environ.pop("DATABASE_URL", None)
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from oversight.interchange.annex_a import read_annex_a
        from oversight.interchange.store import store
        from oversight.people.models import LocalAuthority

        path = Path(var_dir) / "annex-a.xlsx"
        began = time.perf_counter()
        counts = make_workbook(path, args.rows)
        print(
            f"wrote {sum(counts.values()):,} rows ({counts}) in {time.perf_counter() - began:.1f} s"
        )
        print(f"workbook: {path.stat().st_size / 1024 / 1024:.1f} MB")

        council = LocalAuthority.objects.create(code="998", name="Bench council")
        began = time.perf_counter()
        extract = read_annex_a(path)
        read_s = time.perf_counter() - began
        began = time.perf_counter()
        report = store(read_annex_a(path), council, dry_run=False)
        import_s = time.perf_counter() - began
        assert report.committed, report.as_text()
        began = time.perf_counter()
        again = store(read_annex_a(path), council, dry_run=False)
        again_s = time.perf_counter() - began
        assert all(c.new == c.updated == 0 for c in again.tables.values()), again.as_text()
        import_peak = peak_mb()

        import pandas as pd

        began = time.perf_counter()
        frames = pd.read_excel(path, sheet_name=None, engine="openpyxl")
        pandas_s = time.perf_counter() - began
        assert sum(len(f) for f in frames.values()) == extract.rows_read

    rows = extract.rows_read
    print(f"read (Oversight's reader, calamine): {read_s:.2f} s")
    print(f"import (read + check + store, SQLite): {import_s:.2f} s, {rows / import_s:,.0f} rows/s")
    print(f"import again (all unchanged): {again_s:.2f} s")
    print(f"pandas read_excel alone (openpyxl): {pandas_s:.2f} s")
    print(f"import vs read_excel: {pandas_s / import_s:.2f}x faster; peak {import_peak:.0f} MB")
    print(
        f"BENCH import-annex-a rows={rows} seconds={import_s:.2f} peak_mb={import_peak:.0f} "
        f"vs_read_excel={pandas_s / import_s:.2f} read_s={read_s:.2f} again_s={again_s:.2f}"
    )


if __name__ == "__main__":
    main()
