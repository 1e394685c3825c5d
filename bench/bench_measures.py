"""Benchmark the measures engine at England's scale against DuckDB, analyst pandas and a floor.

Issue 3, part 6: "national-scale data with the demo generator (152 councils: about 650,000
referrals, 2.4 million contacts, 600,000 assessments, 200,000 s47 enquiries, 30,000 workers,
1 million supervision sessions, one year)". The engine's families are timed against "a
straightforward pandas implementation written the way a council analyst would (group by child,
apply a Python function)" and "the same measures written as DuckDB SQL" over the same data.

What it does (`python bench/bench_measures.py [--quick]`, or `make bench`):

1. Data (`measures_data.py`): SOURCES distinct demo councils (`oversight.demo.generator`) as the
   engine's frames, tiled with id offsets and per-copy LA codes until each table's records in
   the measured year reach its national count × scale/152, at scales 1, 15 and 152 councils.
   Cached as Parquet under var/bench/measures/ (git-ignored); the actual row counts are printed.
2. Engine: at each scale, in a fresh process that loads the frames, with as_at = the generator's
   as_at and the year to it as the period: `REGISTRY.compute` for exactly the measures each
   reference computes (`CORE_MEASURES`, timed as core.<reference>):
   - re-referrals: `referrals.rereferral_rate` and `referrals.rereferral_rate_children`;
   - timeliness: `assessments.within_timescale_rate` and `assessments.open_overdue`;
   - supervision: `supervision.compliance_rate` (its per-worker breakdown is what is checked);
   and `caseloads.month_end_caseloads` at the 12 month ends of the period (the whole board,
   of which the reference computes cases, weighted load and s47s led). Each result is a full
   Result: numbers, breakdowns (by source, kind, band, worker, team) and its cases, which are
   worked out when first read (`registry.Cases`). For comparison it also times every measure of
   each family (`REGISTRY.compute` per family), all families at once (total) and
   `flagged_referrals`. Best of up to 3 runs. Peak memory is that process's peak RSS (VmHWM
   from /proc, else `ru_maxrss`; polars allocates in Rust, which tracemalloc cannot see), taken
   after the engine and before the references run: it covers loading the frames and the
   engine, and the RSS after loading is shown beside it.
3. References (`measures_reference.py`) for the four core measure sets — re-referrals (R-RR-1/2),
   assessment timeliness (R-TS-10), month-end caseloads with s47 counts (R-CL-1, 2, 4) and
   supervision compliance (R-SV-2): DuckDB SQL at every scale, analyst pandas at scale 15 only.
   Each is checked against the engine's numbers (numerators, denominators, per-worker values)
   before it is timed; any difference is printed as DIFFERS. The core measures computed alone
   are also checked to equal the same measures computed with every other (cases and
   breakdowns included).
4. The physical floor for re-referrals: one numpy sort of (child, date) and one linear pass.
5. Output: times per family per scale, ratios and peak memory, ending with one line
   `BENCH measures scale=… total_s=… core_s=… duckdb_s=… vs_duckdb=… vs_pandas=… growth=…
   rereferral_vs_floor=… peak_mb=…`, where total_s is every registered measure at once, core_s
   the engine's core.rereferrals + core.timeliness + core.supervision + the month-end caseloads
   (the work the references do), vs_duckdb = core_s / DuckDB, vs_pandas = pandas at 15 / core
   at 15, growth = core at 152 / core at 15 (10.1× the data), rereferral_vs_floor = the two
   re-referral rates (core.rereferrals) / the floor. The report also gives core with whole
   families (every measure of the referrals, timeliness and supervision families).

`--quick` runs scales 1 and 15 without pandas (the BENCH line then reports scale 15, growth
against scale 1, and vs_pandas=na). Targets (not asserted): core at 152 ≤ 1.2 × DuckDB, ≥ 200×
faster than pandas at 15, peak ≤ 2 GB, growth ≤ 12, the re-referral rates ≤ 3 × the floor.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import measures_data as md

SCALES = (1, 15, 152)
QUICK_SCALES = (1, 15)
PANDAS_SCALE = 15
REPEATS = 3
# Stop repeating a timing once one run takes this long (the best of fewer runs is kept).
LONG_RUN_S = 5.0
FAMILY_MODULES = ("referrals", "timeliness", "caseloads", "supervision", "eligibility")
MONTH_ENDS = "caseloads.month_ends"
REFERENCES = ("rereferrals", "timeliness", "caseloads", "supervision")
# The measures each reference computes, which the engine is timed computing (REGISTRY.compute
# with these ids); month-end caseloads are `month_end_caseloads` at the 12 month ends.
CORE_MEASURES = {
    "rereferrals": ("referrals.rereferral_rate", "referrals.rereferral_rate_children"),
    "timeliness": ("assessments.within_timescale_rate", "assessments.open_overdue"),
    "supervision": ("supervision.compliance_rate",),
}
# The engine's work each reference matches.
ENGINE_FOR = {
    "rereferrals": "core.rereferrals",
    "timeliness": "core.timeliness",
    "caseloads": MONTH_ENDS,
    "supervision": "core.supervision",
}
# The registered families the core sets belong to (every measure of each, for comparison).
FAMILY_FOR = {
    "rereferrals": "referrals",
    "timeliness": "timeliness",
    "caseloads": "caseloads",
    "supervision": "supervision",
}


def log(line: str) -> None:
    print(line, flush=True)


def best_of(run: Callable[[], object]) -> tuple[float, int]:
    """The fastest of up to REPEATS runs, in seconds, and how many runs were made."""
    times: list[float] = []
    while len(times) < REPEATS:
        gc.collect()
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
        if times[-1] > LONG_RUN_S:
            break
    return min(times), len(times)


def rss_mb() -> float:
    """The process's resident memory now (Linux /proc), in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def load_average() -> str:
    """Other work on the machine slows every timing alike; say how busy it was."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM, which starts afresh at exec (ru_maxrss can
    carry the parent's peak into a child process), else ru_maxrss."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


# --- one scale, in its own process -----------------------------------------------------------


def run_scale(scale: int, with_pandas: bool) -> dict[str, Any]:
    import importlib

    import polars as pl

    import measures_reference as ref
    from oversight.engine.calendar import WorkingDayCalendar
    from oversight.engine.frames import read_folder
    from oversight.engine.measures.caseloads import month_end_caseloads
    from oversight.engine.measures.referrals import flagged_referrals
    from oversight.engine.policy import Policy
    from oversight.engine.registry import REGISTRY, Context

    for module in FAMILY_MODULES:
        importlib.import_module(f"oversight.engine.measures.{module}")
    out: dict[str, Any] = {"scale": scale, "engine": {}, "runs": {}, "duckdb": {}, "pandas": {}}
    began = time.perf_counter()
    data = read_folder(md.scale_folder(scale))
    out["load_s"] = time.perf_counter() - began
    out["rss_after_load_mb"] = rss_mb()
    out["rows"] = md.row_counts(data)
    policy = Policy()
    ctx = Context(md.AS_AT, md.PERIOD, policy, WorkingDayCalendar.for_policy(policy))
    ends = ref.month_ends(ctx)

    families = list(dict.fromkeys(m.family for m in REGISTRY.measures.values()))
    ids = {f: [i for i, m in REGISTRY.measures.items() if m.family == f] for f in families}
    engine_runs: dict[str, Callable[[], Any]] = {
        family: (lambda f=family: REGISTRY.compute(data, ctx, ids[f])) for family in families
    }
    for reference, core_ids in CORE_MEASURES.items():
        engine_runs[f"core.{reference}"] = lambda i=core_ids: REGISTRY.compute(data, ctx, i)
    engine_runs[MONTH_ENDS] = lambda: month_end_caseloads(
        data, month_ends=ends, policy=policy, calendar=ctx.calendar
    )
    engine_runs["total"] = lambda: REGISTRY.compute(data, ctx)
    engine_runs["referrals.flags_only"] = lambda: flagged_referrals(
        data, ctx.as_at, policy.referrals
    )
    # The engine's answers, for the checks (also a first, untimed run of every family).
    results = REGISTRY.compute(data, ctx)
    engine_loads = month_end_caseloads(
        data, month_ends=ends, policy=policy, calendar=ctx.calendar
    ).select(ref.CASELOAD_COLUMNS)
    checks: list[str] = []
    # The core sets alone (as timed) must give what every measure at once gives, cases and
    # breakdowns included.
    for reference, core_ids in CORE_MEASURES.items():
        alone = REGISTRY.compute(data, ctx, core_ids)
        if all(alone[i] == results[i] for i in core_ids):
            log(f"    check engine {reference}: the measures alone agree with all at once")
        else:
            checks.append(f"engine {reference} alone")
            log(f"    check engine {reference}: the measures alone DIFFER from all at once")
    for name, run in engine_runs.items():
        out["engine"][name], out["runs"][name] = best_of(run)
        log(f"    engine {name}: {out['engine'][name]:.3f} s (best of {out['runs'][name]})")
    out["peak_engine_mb"] = peak_rss_mb()

    def expected(reference: str) -> Any:
        if reference == "rereferrals":
            rate = results["referrals.rereferral_rate"]
            children = results["referrals.rereferral_rate_children"]
            return ref.Rereferrals(
                rate.denominator, rate.numerator, children.denominator, children.numerator
            )
        if reference == "timeliness":
            rate = results["assessments.within_timescale_rate"]
            overdue = results["assessments.open_overdue"].value
            return ref.Timeliness(rate.denominator, rate.numerator, overdue)
        if reference == "caseloads":
            return engine_loads
        rate = results["supervision.compliance_rate"]
        by_worker = {
            int(key.split(":")[1]): (part.numerator, part.denominator)
            for key, part in rate.breakdown.items()
            if key.startswith("worker:")
        }
        return ref.Supervision(rate.denominator, rate.numerator, by_worker)

    def agrees(reference: str, got: Any) -> bool:
        want = expected(reference)
        if isinstance(want, pl.DataFrame):
            return bool(want.equals(got))
        return bool(want == got)

    def check(who: str, reference: str, got: Any) -> None:
        if agrees(reference, got):
            summary = "rows" if isinstance(got, pl.DataFrame) else got
            shown = f"{got.height} {summary}" if isinstance(got, pl.DataFrame) else repr(got)
            log(f"    check {who} {reference}: agrees with the engine ({shown})")
        else:
            checks.append(f"{who} {reference}")
            log(
                f"    check {who} {reference}: DIFFERS from the engine: "
                f"{got!r} vs {expected(reference)!r}"
            )

    duck = ref.Duck(data, ctx)
    for reference in REFERENCES:
        check("duckdb", reference, getattr(duck, reference)())
        out["duckdb"][reference], runs = best_of(getattr(duck, reference))
        log(f"    duckdb {reference}: {out['duckdb'][reference]:.3f} s (best of {runs})")
    duck.close()

    floor = ref.rereferral_floor(data, ctx)
    rate = results["referrals.rereferral_rate"]
    if floor != (rate.numerator, rate.denominator):
        checks.append("floor rereferrals")
        log(
            f"    check floor: DIFFERS from the engine: {floor} "
            f"vs {rate.numerator, rate.denominator}"
        )
    out["floor_s"], runs = best_of(lambda: ref.rereferral_floor(data, ctx))
    log(f"    floor (numpy sort + pass): {out['floor_s']:.4f} s (best of {runs})")

    if with_pandas:
        tables = ref.to_pandas(data)
        for reference in REFERENCES:
            function = getattr(ref, f"pandas_{reference}")
            gc.collect()
            began = time.perf_counter()
            got = function(tables, ctx)
            out["pandas"][reference] = time.perf_counter() - began
            log(f"    pandas {reference}: {out['pandas'][reference]:.1f} s (one run)")
            check("pandas", reference, got)
    out["checks_failed"] = checks
    out["peak_all_mb"] = peak_rss_mb()
    return out


# --- the driver ------------------------------------------------------------------------------


def core(result: dict[str, Any]) -> float:
    """The engine doing what the references do: their measures, and 12 month-end boards."""
    engine = result["engine"]
    return float(sum(engine[ENGINE_FOR[r]] for r in REFERENCES))


def core_families(result: dict[str, Any]) -> float:
    """Every measure of the three families the references sample, plus the 12 month ends."""
    engine = result["engine"]
    return float(
        sum(engine[FAMILY_FOR[r]] for r in REFERENCES if r != "caseloads") + engine[MONTH_ENDS]
    )


def ratio(a: float | None, b: float | None) -> str:
    return "na" if a is None or not b else f"{a / b:.2f}"


def report(results: list[dict[str, Any]]) -> None:
    log("")
    log("Rows (in the table / in the measured year; national one-year target × scale/152):")
    for r in results:
        parts = [
            f"{table} {rows:,}/{year:,} (target {md.NATIONAL[table] * r['scale'] / 152:,.0f})"
            for table, (rows, year) in r["rows"].items()
        ]
        log(f"  scale {r['scale']}: " + ", ".join(parts))
    log("")
    log(
        "Engine, seconds (best of up to 3; REGISTRY.compute per family, for each reference's "
        "measures (core.*), and all at once):"
    )
    names = [n for n in results[0]["engine"] if n not in ("total",)] + ["total"]
    log("  " + "family".ljust(28) + "".join(f"scale {r['scale']:>4}".rjust(13) for r in results))
    for name in names:
        log("  " + name.ljust(28) + "".join(f"{r['engine'][name]:13.3f}" for r in results))
    log("  " + "core (what the refs do)".ljust(28) + "".join(f"{core(r):13.3f}" for r in results))
    log(
        "  "
        + "core, whole families".ljust(28)
        + "".join(f"{core_families(r):13.3f}" for r in results)
    )
    log(
        "  core = core.rereferrals + core.timeliness + core.supervision + month-end caseloads "
        "(12 dates); the second line times every measure of the referrals, timeliness and "
        "supervision families instead of the references' measures"
    )
    log("")
    log("DuckDB (same Arrow data, best of 3) and engine / DuckDB:")
    for r in results:
        parts = [
            f"{ref} {r['duckdb'][ref]:.3f} s (engine {r['engine'][ENGINE_FOR[ref]]:.3f} s, "
            f"{ratio(r['engine'][ENGINE_FOR[ref]], r['duckdb'][ref])}×)"
            for ref in REFERENCES
        ]
        duck = sum(r["duckdb"].values())
        log(f"  scale {r['scale']}: " + "; ".join(parts))
        log(
            f"  scale {r['scale']}: core {core(r):.3f} s vs DuckDB {duck:.3f} s "
            f"= {ratio(core(r), duck)}× (whole families {ratio(core_families(r), duck)}×)"
        )
    pandas = next((r for r in results if r["pandas"]), None)
    if pandas is not None:
        log("")
        log(f"Analyst pandas at scale {pandas['scale']} (one run) and pandas / engine:")
        for ref in REFERENCES:
            engine = pandas["engine"][ENGINE_FOR[ref]]
            log(
                f"  {ref}: pandas {pandas['pandas'][ref]:.1f} s, engine {engine:.3f} s, "
                f"{ratio(pandas['pandas'][ref], engine)}×"
            )
        total = sum(pandas["pandas"].values())
        log(
            f"  all four: pandas {total:.1f} s, engine core {core(pandas):.3f} s, "
            f"{ratio(total, core(pandas))}×"
        )
    log("")
    log("Re-referrals against the floor (numpy sort of (child, date) + one linear pass):")
    for r in results:
        rates = r["engine"]["core.rereferrals"]
        log(
            f"  scale {r['scale']}: floor {r['floor_s'] * 1000:.1f} ms; the two re-referral "
            f"rates {rates:.3f} s ({ratio(rates, r['floor_s'])}×); referrals family "
            f"{r['engine']['referrals']:.3f} s ({ratio(r['engine']['referrals'], r['floor_s'])}×, "
            "nine measures incl. contacts); flagged_referrals "
            f"{r['engine']['referrals.flags_only']:.3f} s "
            f"({ratio(r['engine']['referrals.flags_only'], r['floor_s'])}×, with R-RR-5's flags)"
        )
    log("")
    log("Growth (engine time ratio between scales):")
    for a, b in itertools.pairwise(results):
        factor = b["scale"] / a["scale"]
        log(
            f"  scale {b['scale']} / scale {a['scale']} ({factor:.1f}× the data): "
            f"core {ratio(core(b), core(a))}×, "
            f"total {ratio(b['engine']['total'], a['engine']['total'])}×"
        )
    log("")
    log("Memory (peak RSS, VmHWM of the process that loads the frames and runs the engine):")
    for r in results:
        log(
            f"  scale {r['scale']}: after loading {r['rss_after_load_mb']:.0f} MB, peak through "
            f"the engine {r['peak_engine_mb']:.0f} MB (with DuckDB/pandas after it: "
            f"{r['peak_all_mb']:.0f} MB); loading the Parquet took {r['load_s']:.1f} s"
        )
    log(f"Machine at the end: {load_average()} on {os.cpu_count()} CPUs.")
    failed = [f"scale {r['scale']}: {c}" for r in results for c in r["checks_failed"]]
    log("")
    log(
        "Checks: every reference agrees with the engine."
        if not failed
        else "Checks: DIFFERS — " + "; ".join(failed)
    )
    last = results[-1]
    before = results[-2]
    duck = sum(last["duckdb"].values())
    pandas_total = sum(pandas["pandas"].values()) if pandas is not None else None
    log(
        f"BENCH measures scale={last['scale']} total_s={last['engine']['total']:.3f} "
        f"core_s={core(last):.3f} duckdb_s={duck:.3f} vs_duckdb={ratio(core(last), duck)} "
        f"vs_pandas={ratio(pandas_total, core(pandas)) if pandas is not None else 'na'} "
        f"growth={ratio(core(last), core(before))} "
        f"rereferral_vs_floor={ratio(last['engine']['core.rereferrals'], last['floor_s'])} "
        f"peak_mb={last['peak_engine_mb']:.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="scales 1 and 15, no pandas")
    parser.add_argument("--run-scale", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pandas", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_scale is not None:
        result = run_scale(args.run_scale, args.pandas)
        args.out.write_text(json.dumps(result))
        return

    scales = QUICK_SCALES if args.quick else SCALES
    log(
        f"as at {md.AS_AT}, period {md.PERIOD.start} to {md.PERIOD.end}; "
        f"{md.SOURCES} demo councils; {os.cpu_count()} CPUs, {load_average()}"
    )
    missing = [s for s in scales if not (md.scale_folder(s) / "done").exists()]
    if missing:
        log(f"Making the data for scales {missing} (cached in {md.CACHE})")
        sources = md.source_councils(log)
        for scale in missing:
            md.ensure_scale(scale, log, sources)
        del sources
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-measures-") as tmp:
        for scale in scales:
            with_pandas = scale == PANDAS_SCALE and not args.quick
            log(f"scale {scale}{' (with pandas)' if with_pandas else ''}:")
            out = Path(tmp) / f"scale{scale}.json"
            command = [sys.executable, __file__, "--run-scale", str(scale), "--out", str(out)]
            if with_pandas:
                command.append("--pandas")
            subprocess.run(command, check=True)  # noqa: S603 - our own script
            results.append(json.loads(out.read_text()))
    report(results)


if __name__ == "__main__":
    main()
