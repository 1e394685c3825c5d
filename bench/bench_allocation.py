"""Benchmark allocation: one recommendation among 80 workers, and the whole meeting of 300
waiting cases optimised at once, against one-at-a-time allocation of the same queues.

Run as `python bench/bench_allocation.py [--cases 300] [--workers 80] [--queues 3]`. Each
queue is generated (deterministic random, shaped like a large front door after a surge):
workers across the five grades with part-time contracts and loads between 10 % and 60 % of
capacity; cases at levels 1-4 (35/35/22/8 %), most level 3-4 cases in child protection, some
with an s47 open, a fifth with a previous worker, 40 % in sibling pairs. The baseline, run in
the same process on the same queue, is one-at-a-time allocation (each case to its top
recommendation given what the meeting has already handed out). Absolute times vary by machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import polars as pl

from oversight.engine.allocation.meeting import (
    Candidate,
    Meeting,
    QueueCase,
    build_meeting,
)
from oversight.engine.allocation.scoring import recommend
from oversight.engine.allocation.solver import evaluate, one_at_a_time, optimise
from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import SCHEMAS, CaseData
from oversight.engine.policy import Policy
from oversight.engine.workforce import Grade

GRADES = (
    [Grade.FSW] * 8
    + [Grade.ASYE] * 14
    + [Grade.SW] * 30
    + [Grade.EXPERIENCED_SW] * 20
    + [Grade.SENIOR] * 8
)
DAY = dt.date(2026, 3, 2)


def generate(cases: int, workers: int, seed: int) -> Meeting:
    rng = random.Random(seed)
    candidates = []
    for n in range(workers):
        grade = GRADES[n % len(GRADES)]
        fte = rng.choice([1.0, 1.0, 1.0, 0.8, 0.6, 0.5])
        capacity = fte * 85 * (0.9 if grade == Grade.ASYE else 1.0)
        load = capacity * rng.uniform(0.1, 0.6)
        team = 1 + n % 4
        candidates.append(
            Candidate(n + 1, f"W{n + 1}", team, grade, fte, capacity, load, rng.randint(0, 6))
        )
    queue = []
    for n in range(cases):
        level = rng.choices([1, 2, 3, 4], [35, 35, 22, 8])[0]
        cp = level >= 3 and rng.random() < 0.8
        previous = (rng.randint(1, workers),) if rng.random() < 0.2 else ()
        waiting = DAY - dt.timedelta(days=rng.randint(0, 60))
        queue.append(
            [1000 + n, f"C{n}", 1 + n % 4, level, cp, cp and rng.random() < 0.6, waiting, previous]
        )
    built = [QueueCase(*row, frozenset()) for row in queue]  # type: ignore[arg-type]
    for n in range(0, cases // 5 * 2, 2):  # 40 % in sibling pairs
        a, b = built[n], built[n + 1]
        built[n] = QueueCase(*queue[n], frozenset({b.child_id}))  # type: ignore[arg-type]
        built[n + 1] = QueueCase(*queue[n + 1], frozenset({a.child_id}))  # type: ignore[arg-type]
    return Meeting(DAY, tuple(built), tuple(candidates), Policy())


def team_frames(workers: int, waiting: int, seed: int) -> CaseData:
    """A team's frames as the database would give them: `workers` workers each holding 8-14
    open cases, and `waiting` children with an open referral and no case holder."""
    rng = random.Random(seed)
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in SCHEMAS}
    for w in range(1, workers + 1):
        grade_role = "FSW" if w % 10 == 0 else "SW"
        qualified = grade_role != "FSW"
        rows["workers"].append(
            {
                "worker_id": w,
                "name": f"W{w}",
                "role": grade_role,
                "team_id": 1,
                "qualified": qualified,
                "qualification_date": dt.date(2015 + w % 10, 9, 1) if qualified else None,
                "start_date": dt.date(2016 + w % 9, 10, 1),
                "end_date": None,
                "fte": 1.0,
                "supervisor_id": None,
            }
        )
    child = 0
    for w in range(1, workers + 1):
        for _ in range(rng.randint(8, 14)):
            child += 1
            level = 1 if w % 10 == 0 else rng.choice([1, 2, 2, 3])
            rows["children"].append(
                {
                    "child_id": child,
                    "la_code": "999",
                    "la_child_id": f"C{child}",
                    "responsible_team_id": 1,
                }
            )
            start = DAY - dt.timedelta(days=rng.randint(10, 300))
            rows["referrals"].append(
                {
                    "referral_id": child,
                    "child_id": child,
                    "date": start,
                    "source": "1A",
                    "nfa": False,
                    "primary_need": "N1",
                    "closure_date": None,
                    "closure_reason": None,
                }
            )
            rows["allocations"].append(
                {
                    "allocation_id": child,
                    "child_id": child,
                    "worker_id": w,
                    "role": "holder",
                    "start": start,
                    "end": None,
                    "complexity_level": level,
                }
            )
    for _ in range(waiting):
        child += 1
        rows["children"].append(
            {
                "child_id": child,
                "la_code": "999",
                "la_child_id": f"C{child}",
                "responsible_team_id": 1,
            }
        )
        rows["referrals"].append(
            {
                "referral_id": child,
                "child_id": child,
                "date": DAY - dt.timedelta(days=3),
                "source": "1A",
                "nfa": False,
                "primary_need": "N1",
                "closure_date": None,
                "closure_reason": None,
            }
        )
    frames = {name: pl.DataFrame(r, schema=dict(SCHEMAS[name])) for name, r in rows.items() if r}
    return CaseData.of(**frames)


def frames_recommendation_ms(workers: int) -> float:
    """One recommendation as the case page makes it: the meeting built from the team's frames
    (queue, loads, previous workers), then the case scored against every worker."""
    data = team_frames(workers, 30, 1)
    policy, calendar = Policy(), WorkingDayCalendar.england()
    started = time.perf_counter()
    meeting = build_meeting(
        data,
        as_at=DAY,
        policy=policy,
        calendar=calendar,
        team_ids=[1],
        worker_ids=list(range(1, workers + 1)),
    )
    recommend(meeting.cases[0], meeting.candidates, policy)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--workers", type=int, default=80)
    parser.add_argument("--queues", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for seed in range(1, args.queues + 1):
        meeting = generate(args.cases, args.workers, seed)
        started = time.perf_counter()
        for case in meeting.cases[:50]:
            recommend(case, meeting.candidates, meeting.policy)
        recommend_ms = (time.perf_counter() - started) / 50 * 1000
        greedy = one_at_a_time(meeting)
        best = optimise(meeting, baseline=greedy)
        ours, theirs = evaluate(meeting, best), evaluate(meeting, greedy)
        rows.append((recommend_ms, best, ours, theirs, greedy.seconds))
        print(
            f"queue {seed}: recommend {recommend_ms:.2f} ms; "
            f"one at a time {greedy.seconds:.2f} s, optimised {best.seconds:.2f} s "
            f"(gap {best.gap:.2%}, proven {best.proven_optimal})"
        )
        for label, m in (("one at a time", theirs), ("optimised", ours)):
            print(
                f"  {label:>13}: allocated {m.allocated}, "
                f"CP waiting {m.unallocated_child_protection}, score {m.total_score:.1f}, "
                f"peak {m.peak_utilisation or 0.0:.1%}, "
                f"s47 spread {m.s47_spread:.2f}, soft breaches {m.soft_breaches}"
            )
        print(f"  score vs one at a time: {ours.total_score / theirs.total_score:.4f}")
    recommend_ms = statistics.median(r[0] for r in rows)
    from_frames = statistics.median(frames_recommendation_ms(args.workers) for _ in range(5))
    print(
        f"recommendation from the team's frames (queue, loads, history, then the scores): "
        f"{from_frames:.1f} ms"
    )
    solve_s = max(r[1].seconds for r in rows)
    gap = max(r[1].gap for r in rows)
    ratio = min(r[2].total_score / r[3].total_score for r in rows)
    peak = max(r[2].peak_utilisation or 0.0 for r in rows)
    greedy_peak = max(r[3].peak_utilisation or 0.0 for r in rows)
    print(
        f"BENCH allocation cases={args.cases} workers={args.workers} "
        f"recommend_ms={recommend_ms:.2f} recommend_from_frames_ms={from_frames:.1f} "
        f"solve_s={solve_s:.2f} gap_pct={gap * 100:.2f} "
        f"score_vs_greedy={ratio:.4f} peak_util={peak:.3f} greedy_peak_util={greedy_peak:.3f}"
    )


if __name__ == "__main__":
    main()
