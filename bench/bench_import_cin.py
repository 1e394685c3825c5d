"""Benchmark the CIN census import: 50,000 children read, then read and stored, on SQLite.

Run as `python bench/bench_import_cin.py [--children N]`. It writes a synthetic census file
(deterministic random, shaped like a real council's: 1-3 episodes per child, each with an
assessment, some section 47 enquiries, conferences and plans with reviews), times the reader
alone, then the reader and the store together into a fresh SQLite database in a temporary
directory (never DATABASE_URL's database). The baseline, measured in the same run, is the C
ElementTree parser building the whole file as one tree, with none of our checks or safety:
the ratio says what streaming, line numbers and defusing cost. Peak memory is the process's
maximum resident size before the baseline runs. Absolute times vary by machine.
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
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

SEED = 20240331
ETHNICITIES = ("WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "AIND", "APKN", "BAFR", "BCRB", "CHNE")
SOURCES = ("1A", "1B", "2A", "3A", "3E", "5A", "6", "6", "6", "8", "10")
NEEDS = ("N1", "N1", "N1", "N2", "N3", "N4", "N5", "N6", "N8", "N9")
CATEGORIES = ("NEG", "NEG", "EMO", "EMO", "PHY", "SAB")
FIRST_REFERRAL = dt.date(2020, 4, 1)
LAST_REFERRAL = dt.date(2025, 1, 31)


def census_lines(children: int, rng: random.Random) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n<Header>\n'
    yield "<CollectionDetails><Collection>CIN</Collection><Year>2025</Year></CollectionDetails>\n"
    yield "<Source><SourceLevel>L</SourceLevel><LEA>201</LEA></Source>\n</Header>\n<Children>\n"
    for number in range(1, children + 1):
        yield child_xml(f"C{number:06d}", rng)
    yield "</Children>\n</Message>\n"


def child_xml(child_id: str, rng: random.Random) -> str:
    born = dt.date(2006, 1, 1) + dt.timedelta(days=rng.randrange(18 * 365))
    disability = "NONE" if rng.random() < 0.85 else rng.choice(("AUT", "LD", "COMM", "MOB"))
    parts = [
        "<Child>\n<ChildIdentifiers>\n",
        f"<LAchildID>{child_id}</LAchildID>\n<PersonBirthDate>{born}</PersonBirthDate>\n",
        f"<Sex>{rng.choice('MMFFU')}</Sex>\n" if rng.random() < 0.5 else "",
        f"<GenderCurrent>{rng.choice('1122')}</GenderCurrent>\n",
        "</ChildIdentifiers>\n<ChildCharacteristics>\n",
        f"<Ethnicity>{rng.choice(ETHNICITIES)}</Ethnicity>\n",
        f"<Disabilities><Disability>{disability}</Disability></Disabilities>\n",
        "</ChildCharacteristics>\n",
    ]
    day = FIRST_REFERRAL + dt.timedelta(days=rng.randrange(900))
    episodes = rng.choice((1, 1, 1, 2, 2, 3))
    for index in range(episodes):
        text, closed = episode_xml(day, rng, last=index == episodes - 1)
        parts.append(text)
        if closed is None or closed > LAST_REFERRAL:
            break
        day = closed + dt.timedelta(days=rng.randint(10, 200))
    parts.append("</Child>\n")
    return "".join(parts)


def episode_xml(start: dt.date, rng: random.Random, *, last: bool) -> tuple[str, dt.date | None]:
    """One CINdetails; returns it and its closure date (None while open)."""
    parts = [
        f"<CINdetails>\n<CINreferralDate>{start}</CINreferralDate>\n",
        f"<ReferralSource>{rng.choice(SOURCES)}</ReferralSource>\n",
        f"<PrimaryNeedCode>{rng.choice(NEEDS)}</PrimaryNeedCode>\n",
    ]
    if rng.random() < 0.1:  # an NFA referral: closed the same day
        parts.append(
            f"<ReferralNFA>true</ReferralNFA>\n<CINclosureDate>{start}</CINclosureDate>\n"
            "<ReasonForClosure>RC8</ReasonForClosure>\n</CINdetails>\n"
        )
        return "".join(parts), start
    parts.append("<ReferralNFA>false</ReferralNFA>\n")
    assessed = start + dt.timedelta(days=rng.randint(0, 5))
    authorised = assessed + dt.timedelta(days=rng.randint(5, 70))
    parts.append(
        f"<Assessments>\n<AssessmentActualStartDate>{assessed}</AssessmentActualStartDate>\n"
        f"<AssessmentAuthorisationDate>{authorised}</AssessmentAuthorisationDate>\n"
        "<FactorsIdentifiedAtAssessment><AssessmentFactors>3A</AssessmentFactors>"
        "</FactorsIdentifiedAtAssessment>\n</Assessments>\n"
    )
    latest: dt.date | None = authorised
    if rng.random() < 0.25:
        text, latest = s47_and_plan_xml(start, rng, open_plan=last and rng.random() < 0.5)
        parts.append(text)
        latest = None if latest is None else max(latest, authorised)
    closed = None
    if latest is not None and (not last or rng.random() < 0.5):
        closed = latest + dt.timedelta(days=rng.randint(1, 120))
        parts.append(
            f"<CINclosureDate>{closed}</CINclosureDate>\n<ReasonForClosure>RC7</ReasonForClosure>\n"
        )
    parts.append("</CINdetails>\n")
    return "".join(parts), closed


def s47_and_plan_xml(
    start: dt.date, rng: random.Random, *, open_plan: bool
) -> tuple[str, dt.date | None]:
    """A section 47 enquiry, usually a conference, often a plan with reviews; returns the text
    and the last date in it (None when the plan is still open, so the episode stays open)."""
    strategy = start + dt.timedelta(days=rng.randint(0, 10))
    parts = [f"<Section47>\n<S47ActualStartDate>{strategy}</S47ActualStartDate>\n"]
    if rng.random() < 0.4:
        parts.append("<ICPCnotRequired>true</ICPCnotRequired>\n</Section47>\n")
        return "".join(parts), strategy
    icpc = strategy + dt.timedelta(days=rng.randint(5, 25))
    parts.append(f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>\n</Section47>\n")
    if rng.random() < 0.3:
        return "".join(parts), icpc
    reviews = [icpc + dt.timedelta(days=90)]
    reviews += [reviews[-1] + dt.timedelta(days=180 * k) for k in range(1, rng.randint(1, 3))]
    ended = None if open_plan else reviews[-1] + dt.timedelta(days=rng.randint(1, 60))
    category = rng.choice(CATEGORIES)
    parts.append(
        f"<ChildProtectionPlans>\n<CPPstartDate>{icpc}</CPPstartDate>\n"
        + (f"<CPPendDate>{ended}</CPPendDate>\n" if ended else "")
        + f"<InitialCategoryOfAbuse>{category}</InitialCategoryOfAbuse>\n"
        f"<LatestCategoryOfAbuse>{category}</LatestCategoryOfAbuse>\n<Reviews>\n"
        + "".join(f"<CPPreviewDate>{day}</CPPreviewDate>\n" for day in reviews)
        + "</Reviews>\n</ChildProtectionPlans>\n"
    )
    return "".join(parts), ended


def write_census(path: Path, children: int) -> None:
    rng = random.Random(SEED)
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(census_lines(children, rng))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=50_000)
    children = parser.parse_args().children
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.config.settings")
    with tempfile.TemporaryDirectory(prefix="oversight-bench-") as var_dir:
        os.environ["OVERSIGHT_VAR_DIR"] = var_dir
        os.environ.pop("DATABASE_URL", None)
        import django
        from django.core.management import call_command
        from django.db import connection

        django.setup()
        call_command("migrate", verbosity=0)
        from oversight.interchange.cin_census import read_cin_census
        from oversight.interchange.store import store
        from oversight.people.models import LocalAuthority

        path = Path(var_dir) / "cin.xml"
        began = time.perf_counter()
        write_census(path, children)
        generate_s = time.perf_counter() - began
        before_mb = peak_mb()

        began = time.perf_counter()
        extract = read_cin_census(path)
        read_s = time.perf_counter() - began
        read_mb = peak_mb()
        del extract

        la = LocalAuthority.objects.create(code="201", name="Bench council")
        began = time.perf_counter()
        report = store(read_cin_census(path), la, dry_run=False)
        total_s = time.perf_counter() - began
        peak = peak_mb()
        connection.close()

        began = time.perf_counter()
        ElementTree.parse(path)  # noqa: S314 - our own generated file; the baseline only
        baseline_s = time.perf_counter() - began
        size_mb = path.stat().st_size / 1024 / 1024

    print(f"database: sqlite; file {size_mb:.1f} MB with {children:,} children")
    print(f"{'step':<34}{'seconds':>9}{'peak MB':>10}")
    print(f"{'generate the file':<34}{generate_s:>9.2f}{before_mb:>10.0f}")
    print(f"{'baseline: C ElementTree.parse':<34}{baseline_s:>9.2f}{'-':>10}")
    print(f"{'read_cin_census':<34}{read_s:>9.2f}{read_mb:>10.0f}")
    print(f"{'read + store (fresh database)':<34}{total_s:>9.2f}{peak:>10.0f}")
    print(f"reader / baseline: {read_s / baseline_s:.1f}x")
    for name, count in report.tables.items():
        print(f"  {name:<12} {count.new:>8,} new")
    print(
        f"  committed={report.committed} errors={len(report.errors)} "
        f"warnings={len(report.warnings)}"
    )
    print(
        f"BENCH import-cin children={children} seconds={total_s:.2f} peak_mb={peak:.0f} "
        f"read_s={read_s:.2f}"
    )


if __name__ == "__main__":
    main()
