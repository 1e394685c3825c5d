"""Benchmark loading the demo council (`oversight demo`): one council, then three.

Run as `python bench/bench_demo_load.py`. It migrates a fresh SQLite database in a temporary
directory (never DATABASE_URL's database), loads one council as the baseline, then three councils in
the same process, and prints rows per second and the ratio of the two times: close to 3 means the
load scales linearly with councils. The three-council load also removes the one-council demo
first, as `oversight demo --scale 3` would. Absolute times vary by machine; no assertions.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

AS_AT = date(2026, 11, 27)
SCALE = 3


def timed_load(scale: int) -> tuple[float, int]:
    """Seconds to generate and write `scale` councils, and the rows written."""
    from oversight.demo.loader import load_demo

    began = time.perf_counter()
    summary = load_demo(as_at=AS_AT, scale=scale)
    return time.perf_counter() - began, summary.rows


def timed_generate() -> float:
    """Seconds to build one council in memory, without the database."""
    from oversight.demo.generator import generate

    began = time.perf_counter()
    generate(as_at=AS_AT)
    return time.perf_counter() - began


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.config.settings")
    with tempfile.TemporaryDirectory(prefix="oversight-bench-") as var_dir:
        os.environ["OVERSIGHT_VAR_DIR"] = var_dir
        os.environ.pop("DATABASE_URL", None)
        import django
        from django.core.management import call_command
        from django.db import connection

        django.setup()
        call_command("migrate", verbosity=0)
        print(f"database: {connection.vendor}")

        generate_s = timed_generate()
        council_s, council_rows = timed_load(1)
        scale_s, scale_rows = timed_load(SCALE)
        connection.close()

    ratio = scale_s / council_s
    print(f"generate 1 council in memory: {generate_s:.2f} s")
    print(
        f"load 1 council: {council_s:.2f} s, {council_rows:,} rows, "
        f"{council_rows / council_s:,.0f} rows/s"
    )
    print(
        f"load {SCALE} councils: {scale_s:.2f} s, {scale_rows:,} rows, "
        f"{scale_rows / scale_s:,.0f} rows/s"
    )
    print(f"ratio scale{SCALE}/scale1: {ratio:.2f}x (linear would be {SCALE}x)")
    print(
        f"BENCH demo_load council_s={council_s:.2f} scale{SCALE}_s={scale_s:.2f} "
        f"ratio={ratio:.2f} rows={council_rows}"
    )


if __name__ == "__main__":
    main()
