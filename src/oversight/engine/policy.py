"""The policy: every configurable value in domain.md, typed, with the documented defaults.

The database stores versions of it as plain JSON (policy app); the engine only ever sees this
typed, validated value. Field names are part of the stored format: rename with a migration.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class PolicyError(ValueError):
    """A stored or submitted policy value that cannot be used, naming the setting."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class ClockStart(StrEnum):
    """Where the single assessment's 45 working days start (domain.md §4, 'Clock start')."""

    ASSESSMENT_START = "assessment_start"  # DfE statistics: assessment start → authorisation
    REFERRAL = "referral"  # guidance: "from the point of referral"


class MonthlyInterval(StrEnum):
    """How 'monthly' supervision is measured (R-SV-1)."""

    DAYS = "days"  # a fixed number of days (default 28)
    CALENDAR_MONTH = "calendar_month"  # same day next month


@dataclass(frozen=True)
class CalendarPolicy:
    """R-WD-1: the council's own closure days, on top of England & Wales bank holidays."""

    extra_closure_days: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class TimescalePolicy:
    """R-TS-1..10, in working days unless the name says months."""

    contact_decision_days: int = 1  # R-TS-1
    initial_assessment_days: int = 7  # R-TS-2 (WT 2010 allowed 10)
    core_assessment_days: int = 35  # R-TS-3
    single_assessment_days: int = 45  # R-TS-4
    single_assessment_clock_start: ClockStart = ClockStart.ASSESSMENT_START
    icpc_days: int = 15  # R-TS-5
    first_cp_review_months: int = 3  # R-TS-6
    cp_review_interval_months: int = 6  # R-TS-6
    cp_visit_days: int = 10  # R-TS-7
    due_soon_days: int = 5  # R-TS-10
    # domain.md §8: the action plan goes to Ofsted within this many working days of the report.
    action_plan_days: int = 70


@dataclass(frozen=True)
class ReferralPolicy:
    """R-RR-1: the re-referral window."""

    rereferral_window_months: int = 12
    # When set, the window is this many days instead of calendar months (e.g. 365).
    rereferral_window_days: int | None = None
    # Whether a referral exactly one window earlier still counts (domain default: yes).
    rereferral_window_inclusive: bool = True


@dataclass(frozen=True)
class ExperiencePolicy:
    """domain.md §1: thresholds that derive a worker's experience grade."""

    asye_months: int = 12
    experienced_years: int = 3


def _default_weights() -> dict[int, int]:
    return {1: 4, 2: 6, 3: 8, 4: 10}


@dataclass(frozen=True)
class CaseloadPolicy:
    """R-CL-1..5."""

    complexity_weights: dict[int, int] = field(default_factory=_default_weights)
    # Job roles that hold no cases as a rule: left off caseload boards unless they do hold one,
    # so their capacity does not flatter a team's utilisation (DfE counts case holders).
    non_case_holding_roles: tuple[str, ...] = ("TM", "SM", "LM", "IO")
    co_worker_fraction: float = 0.5
    # RAG of utilisation on the caseload board (local choice; not in domain.md).
    utilisation_amber_from: float = 0.85
    utilisation_red_above: float = 1.0
    points_per_fte: int = 100
    non_case_reserve_points: int = 15
    asye_capacity_factor: float = 0.9
    fsw_capacity_factor: float = 1.0
    # Planned absence reduces capacity pro rata over this many working days from the date
    # measured (domain.md says "pro rata" without a period: 20 working days ≈ 4 weeks).
    absence_window_working_days: int = 20
    s47_window_weeks: int = 13
    s47_flag_above_median: float = 0.5
    churn_window_months: int = 12
    churn_flag_workers: int = 3


def _default_max_complexity() -> dict[str, int]:
    return {"FSW": 1, "ASYE": 2, "SW": 3, "EXPERIENCED_SW": 4, "SENIOR": 4}


@dataclass(frozen=True)
class EligibilityPolicy:
    """R-AL-1: the hard rules, keyed by experience grade."""

    max_complexity: dict[str, int] = field(default_factory=_default_max_complexity)
    asye_co_worked_max_complexity: int = 3
    fsw_may_hold_child_protection: bool = False


@dataclass(frozen=True)
class RecommendationPolicy:
    """R-AL-2: the weights of the soft preferences (relative; need not sum to 100)."""

    experience_fit: int = 30
    capacity_after: int = 25
    recent_s47_load: int = 15
    continuity: int = 15
    siblings_together: int = 10
    same_team: int = 5
    # Utilisation after allocation above which a worker is not recommended (a soft limit:
    # allocating beyond it needs a rationale). Local choice; domain.md sets no figure.
    capacity_limit: float = 1.0
    # The whole-meeting optimiser may level the busiest workers' loads at the cost of score, down
    # to this share below the best score possible (never below one-at-a-time's). Local choice.
    levelling_allowance: float = 0.01


@dataclass(frozen=True)
class SupervisionPolicy:
    """R-SV-1..5."""

    asye_weekly_weeks: int = 6
    asye_fortnightly_months: int = 6
    monthly_interval: MonthlyInterval = MonthlyInterval.DAYS
    monthly_days: int = 28
    fsw_interval_days: int = 28
    minimum_minutes: int = 90
    write_up_working_days: int = 5
    case_oversight_weeks: int = 8
    cp_case_oversight_weeks: int = 4
    # Job roles not held to supervision intervals here (supervised outside the team structure).
    unsupervised_roles: tuple[str, ...] = ("SM", "LM", "IO")


@dataclass(frozen=True)
class Policy:
    calendar: CalendarPolicy = field(default_factory=CalendarPolicy)
    timescales: TimescalePolicy = field(default_factory=TimescalePolicy)
    referrals: ReferralPolicy = field(default_factory=ReferralPolicy)
    experience: ExperiencePolicy = field(default_factory=ExperiencePolicy)
    caseload: CaseloadPolicy = field(default_factory=CaseloadPolicy)
    eligibility: EligibilityPolicy = field(default_factory=EligibilityPolicy)
    recommendation: RecommendationPolicy = field(default_factory=RecommendationPolicy)
    supervision: SupervisionPolicy = field(default_factory=SupervisionPolicy)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO text, dict keys as text)."""
        return {f.name: _dump(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def settings(self) -> dict[str, Any]:
        """Every setting by its dotted path (`caseload.complexity_weights.3`), JSON-ready: the
        form the settings page shows and the audit trail records changes in."""
        return _flatten(self.to_dict())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Policy:
        """Validate stored JSON; missing settings take their defaults, unknown ones are errors."""
        policy: Policy = _load(cls, data, "policy")
        return policy


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _dump(v) for k, v in value.items()}
    return value


def _load(cls: type[Any], data: Any, path: str) -> Any:
    if not isinstance(data, Mapping):
        raise PolicyError(path, "expected a group of settings")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise PolicyError(f"{path}.{unknown[0]}", "is not a known setting")
    kwargs = {
        name: _coerce(hints[name], data[name], f"{path}.{name}") for name in names & set(data)
    }
    return cls(**kwargs)


def _coerce(hint: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _load(hint, value, path)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(inner[0], value, path)
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        try:
            return hint(value)
        except ValueError:
            allowed = ", ".join(m.value for m in hint)
            raise PolicyError(path, f"must be one of {allowed}") from None
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise PolicyError(path, "expected a list")
        return tuple(_coerce(args[0], v, f"{path}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, Mapping):
            raise PolicyError(path, "expected a table of values")
        key_type, value_type = args
        return {
            _coerce(key_type, k, f"{path}.{k}"): _coerce(value_type, v, f"{path}.{k}")
            for k, v in value.items()
        }
    return _scalar(hint, value, path)


def _scalar(hint: Any, value: Any, path: str) -> Any:
    if hint is bool:
        if not isinstance(value, bool):
            raise PolicyError(path, "must be true or false")
        return value
    if hint is int:
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise PolicyError(path, "must be a whole number")
        if value < 0:
            raise PolicyError(path, "must not be negative")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PolicyError(path, "must be a number")
        if value < 0:
            raise PolicyError(path, "must not be negative")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise PolicyError(path, "must be text")
        return value
    if hint is dt.date:
        try:
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise PolicyError(path, "must be a date written YYYY-MM-DD") from None
    raise PolicyError(path, f"unsupported setting type {hint!r}")  # pragma: no cover


DEFAULT_POLICY = Policy()
