"""The fortnightly MI pack: values, change since the last fortnight, 12 fortnights of trend, the
England benchmark, RAG against the action plan's target, and the PDF's text (R-TS-10, R-CL-1)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.utils import timezone

from oversight.actionplan.models import Action, EvidenceMeasure, Finding, Inspection
from oversight.engine.policy import DEFAULT_POLICY
from oversight.reports.archive import report_dir
from oversight.reports.generate import generate_mi_pack, mi_pack_html, mi_pack_pdf
from oversight.reports.mi_pack import KeyMeasure, MiPack, build_mi_pack, fortnight_ends
from oversight.reports.models import Report
from oversight.reports.units import team_unit
from tests.conftest import AS_AT, Scene


@pytest.fixture(autouse=True)
def _archive_in_a_temporary_folder(settings: Any, tmp_path: Path) -> None:
    settings.OVERSIGHT_REPORT_DIR = tmp_path / "reports"


def pack_for(scene: Scene) -> MiPack:
    return build_mi_pack(
        team_unit(scene.team),
        AS_AT,
        policy=DEFAULT_POLICY,
        policy_version=0,
        generated_by="Tess Manager",
        generated_at=timezone.localtime(),
    )


def measure(pack: MiPack, measure_id: str) -> KeyMeasure:
    return next(m for m in pack.measures if m.measure.id == measure_id)


def test_twelve_fortnights_end_on_the_as_at_date() -> None:
    ends = fortnight_ends(dt.date(2023, 6, 14))
    assert len(ends) == 12
    assert ends[-1] == dt.date(2023, 6, 14)
    assert ends[-2] == dt.date(2023, 5, 31)
    assert ends[0] == dt.date(2023, 1, 11)  # 11 fortnights (154 days) before


@pytest.mark.django_db
def test_overdue_assessments_with_change_since_the_last_fortnight(
    three_worker_team: Scene,
) -> None:
    """R-TS-10: on 31 May nothing was overdue yet (A1 was due 12 June); on 14 June A1 and A2."""
    overdue = measure(pack_for(three_worker_team), "assessments.open_overdue")
    assert [p.value for p in overdue.points[-2:]] == [0, 2]
    assert overdue.change == 2
    assert overdue.change_shown == "Up 2 (worse)"
    assert len(overdue.points) == 12
    assert overdue.rag_label == "No target set"


@pytest.mark.django_db
def test_average_caseload_against_the_england_benchmark(three_worker_team: Scene) -> None:
    """R-CL-1: qualified case holders Alice (4 cases, 0.4 FTE) and Ben (3, 1.0): 7 ÷ 1.4 = 5.0,
    against England's 15.2 (2025)."""
    average = measure(pack_for(three_worker_team), "caseload.average_per_fte")
    assert average.value == 5.0
    assert (average.numerator, average.denominator) == (7, 1.4)
    assert average.benchmark_shown == "15.2 (2025)"


@pytest.mark.django_db
def test_rag_is_against_the_action_plans_target(three_worker_team: Scene) -> None:
    la = three_worker_team.team.locality.local_authority
    inspection = Inspection.objects.create(
        local_authority=la,
        kind="Inspection",
        start_date=dt.date(2023, 1, 9),
        end_date=dt.date(2023, 1, 10),
    )
    finding = Finding.objects.create(inspection=inspection, order=1, text="Assessments run late.")
    action = Action.objects.create(finding=finding, order=1, text="Chase late assessments")
    EvidenceMeasure.objects.create(
        action=action,
        measure_id="assessments.open_overdue",
        comparison="eq",
        target=Decimal(0),
        amber_margin=Decimal(1),
    )
    pack = pack_for(three_worker_team)
    overdue = measure(pack, "assessments.open_overdue")
    # 2 overdue against exactly 0, amber within 1: off target.
    assert (overdue.rag, overdue.rag_label, overdue.target_shown) == (
        "red",
        "Off target",
        "exactly 0",
    )
    assert pack.plan is not None
    assert pack.plan.counts.total == 1


@pytest.mark.django_db
def test_pdf_text_has_the_headline_figures(three_worker_team: Scene) -> None:
    text = " ".join(
        page.extract_text()
        for page in pypdf.PdfReader(io.BytesIO(mi_pack_pdf(pack_for(three_worker_team)))).pages
    )
    assert "Management information: Referral and Assessment (team)" in text
    assert "Open assessments overdue: 2" in text
    assert "Average caseload per FTE social worker: 5.0" in text
    assert "Fortnight 1 June 2023 to 14 June 2023" in text


@pytest.mark.django_db
def test_every_chart_has_its_table_and_a_label(three_worker_team: Scene) -> None:
    pack = pack_for(three_worker_team)
    html = mi_pack_html(pack)
    assert html.count("<svg") == len(pack.measures) == 21
    assert html.count('<table class="trend">') == len(pack.measures)
    assert html.count('role="img" aria-label="Line chart of') == len(pack.measures)
    assert "style=" not in html


@pytest.mark.django_db
def test_generated_pack_is_archived_as_a_page_and_a_pdf(three_worker_team: Scene) -> None:
    made = generate_mi_pack(unit=team_unit(three_worker_team.team), as_at=AS_AT, by=None)
    assert [r.kind for r in made] == [Report.Kind.MI_PACK_HTML, Report.Kind.MI_PACK_PDF]
    assert made[0].figures == made[1].figures
    assert made[0].figures["assessments.open_overdue"] == 2
    assert (made[0].period_start, made[0].period_end) == (dt.date(2023, 6, 1), AS_AT)
    assert (report_dir() / made[1].file_name).read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
def test_small_numbers_are_hidden_in_a_pack_beyond_the_team(
    three_worker_team: Scene, settings: Any
) -> None:
    """Issue 9: the council's pack leaves the team's scope, so a count of 1 to 5 shows as [c]
    (with no change or "n of d" beside it); the team's own pack shows its 2. 0 (none found) is
    not hidden, and switching the setting off shows every figure (the council's 3)."""
    from oversight.reports.units import council_unit

    council = council_unit(three_worker_team.team.locality.local_authority)

    def council_pack() -> MiPack:
        return build_mi_pack(
            council,
            AS_AT,
            policy=DEFAULT_POLICY,
            policy_version=0,
            generated_by="Ivy Officer",
            generated_at=timezone.localtime(),
        )

    overdue = measure(council_pack(), "assessments.open_overdue")
    # Council-wide: Dan's D1 overdue from the fifth fortnight, then A1 and A2 as well (3).
    assert [p.shown for p in overdue.points] == ["0"] * 4 + ["[c]"] * 4 + ["0"] + ["[c]"] * 3
    assert (overdue.shown, overdue.change_shown, overdue.numerator) == ("[c]", "–", None)
    assert "counts from 1 to 5" in mi_pack_html(council_pack())
    assert measure(pack_for(three_worker_team), "assessments.open_overdue").shown == "2"
    settings.OVERSIGHT_SMALL_NUMBERS = 0
    assert measure(council_pack(), "assessments.open_overdue").shown == "3"


@pytest.mark.parametrize(
    ("result", "hidden"),
    [
        ((50.0, 2, 4), True),  # a rate made from small counts
        ((50.0, 10, 20), False),
        ((0.0, 0, 20), False),  # none found is not a small number
        ((25.0, 5, 20), True),  # 5 is still small
        ((30.0, 6, 20), False),
    ],
)
def test_a_rate_made_from_a_small_count_is_hidden(
    result: tuple[float, int, int], hidden: bool
) -> None:
    from oversight.engine.registry import Result, Unit
    from oversight.reports.mi_pack import _is_small

    assert _is_small(Result(*result), Unit.PERCENT, 5) is hidden
