"""Benchmark the reports: the council-wide monthly audit workbook and the MI pack's PDF, for the
demo council and for a council ten times its size.

Run as `python bench/bench_reports.py [--scale 10]`. It migrates a fresh SQLite database in a
temporary directory (never DATABASE_URL's database), loads the demo council and times both
reports for it (targets: under 10 s each), then loads `--scale` councils and times both reports
over all of them as one council (targets: under 60 s each). Each time includes loading the frames
from the database; the PDF's includes computing 12 fortnights and WeasyPrint. It prints the
ratio of the large council's times to the demo's: near the data's growth means the reports
scale linearly. Absolute times vary by machine; no assertions. Last line:

    BENCH reports scale=10 workbook_s=… pdf_s=… demo_workbook_s=… demo_pdf_s=…
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

AS_AT = date(2026, 11, 27)
MONTH_END = date(2026, 10, 31)
FORTNIGHT_END = date(2026, 11, 22)


def timed_reports(everything: bool) -> tuple[float, float, int]:
    """Seconds for the workbook and for the MI pack PDF (one council, or all of them as one),
    and the children covered."""
    from django.utils import timezone

    from oversight.cases.engine_data import load_case_data
    from oversight.cases.models import Child
    from oversight.people.models import LocalAuthority, Worker
    from oversight.policy.queries import current_policy
    from oversight.reports.generate import mi_pack_pdf
    from oversight.reports.mi_pack import build_mi_pack
    from oversight.reports.monthly import build_audit_workbook
    from oversight.reports.units import council_unit

    policy, version = current_policy()
    unit = council_unit(LocalAuthority.objects.order_by("id").first())  # type: ignore[arg-type]
    stamp = {"policy": policy, "policy_version": version, "generated_by": "bench"}

    began = time.perf_counter()
    data = None
    if everything:
        data = (load_case_data(Child.objects.all(), Worker.objects.all()), Worker.objects.all())
    children = (
        data[0].children.height
        if data
        else Child.objects.filter(local_authority_id=unit.id).count()
    )
    build_audit_workbook(unit, MONTH_END, generated_at=timezone.localtime(), data=data, **stamp)
    workbook_s = time.perf_counter() - began

    began = time.perf_counter()
    frames = load_case_data(Child.objects.all(), Worker.objects.all()) if everything else None
    pack = build_mi_pack(
        unit,
        FORTNIGHT_END,
        generated_at=timezone.localtime(),
        data_at=(lambda _day: frames) if frames is not None else None,  # type: ignore[arg-type,return-value]
        **stamp,
    )
    mi_pack_pdf(pack)
    pdf_s = time.perf_counter() - began
    return workbook_s, pdf_s, children


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10, help="Councils in the large run")
    scale = parser.parse_args().scale
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.config.settings")
    with tempfile.TemporaryDirectory(prefix="oversight-bench-") as var_dir:
        os.environ["OVERSIGHT_VAR_DIR"] = var_dir
        os.environ.pop("DATABASE_URL", None)
        import django
        from django.core.management import call_command
        from django.db import connection

        django.setup()
        from oversight.demo.loader import load_demo

        call_command("migrate", verbosity=0)
        print(f"database: {connection.vendor}")
        load_demo(as_at=AS_AT, scale=1)
        demo_workbook_s, demo_pdf_s, demo_children = timed_reports(everything=False)
        print(
            f"demo council ({demo_children:,} children): workbook {demo_workbook_s:.2f} s, "
            f"MI pack PDF {demo_pdf_s:.2f} s (target under 10 s each)"
        )
        load_demo(as_at=AS_AT, scale=scale)
        workbook_s, pdf_s, children = timed_reports(everything=True)
        print(
            f"{scale}x council ({children:,} children): workbook {workbook_s:.2f} s, "
            f"MI pack PDF {pdf_s:.2f} s (target under 60 s each)"
        )
        print(
            f"ratio {scale}x/demo: workbook {workbook_s / demo_workbook_s:.2f}x, "
            f"PDF {pdf_s / demo_pdf_s:.2f}x (data {children / demo_children:.1f}x)"
        )
        connection.close()
    print(
        f"BENCH reports scale={scale} workbook_s={workbook_s:.2f} pdf_s={pdf_s:.2f} "
        f"demo_workbook_s={demo_workbook_s:.2f} demo_pdf_s={demo_pdf_s:.2f}"
    )


if __name__ == "__main__":
    main()
