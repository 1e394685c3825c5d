"""The policy as a flat list of named settings, so an administrator edits it in one form.

Each setting's path is its place in the policy (e.g. `caseload.complexity_weights.3`); its kind
comes from the documented default, so the form needs no second description of the policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oversight.engine.policy import DEFAULT_POLICY, Policy, PolicyError

SECTION_TITLES = {
    "calendar": "Working days (R-WD)",
    "timescales": "Timescales (R-TS)",
    "referrals": "Re-referrals (R-RR)",
    "experience": "Experience grades",
    "caseload": "Caseloads and capacity (R-CL)",
    "eligibility": "Allocation eligibility (R-AL-1)",
    "recommendation": "Recommendation weights (R-AL-2)",
    "supervision": "Supervision (R-SV)",
}


@dataclass(frozen=True)
class Setting:
    path: str
    section: str
    label: str
    value: str
    default: str


def settings_of(policy: Policy) -> list[Setting]:
    current = policy.settings()
    defaults = DEFAULT_POLICY.settings()
    return [
        Setting(
            path=path,
            section=SECTION_TITLES[path.split(".")[0]],
            label=_label(path),
            value=_text(current.get(path)),
            default=_text(defaults.get(path)),
        )
        for path in current
    ]


def policy_from_form(data: dict[str, str]) -> Policy:
    """Read submitted text back into a validated policy; PolicyError names the bad setting."""
    defaults = DEFAULT_POLICY.settings()
    nested: dict[str, Any] = {}
    for path in defaults:
        raw = data.get(path, "").strip()
        value = _parse(path, raw, defaults.get(path))
        node = nested
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return Policy.from_dict(nested)


def _label(path: str) -> str:
    *_, parent, leaf = ["", *path.split(".")]
    if leaf.isdigit() or leaf.isupper():
        return f"{parent.replace('_', ' ').capitalize()}: {leaf.replace('_', ' ')}"
    return leaf.replace("_", " ").capitalize()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _parse(path: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        if raw.lower() not in {"yes", "no"}:
            raise PolicyError(f"policy.{path}", "enter yes or no")
        return raw.lower() == "yes"
    if isinstance(default, list):
        return [d.strip() for d in raw.split(",") if d.strip()]
    if isinstance(default, int):
        return int(raw) if raw.lstrip("-").isdigit() else raw
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError:
            raise PolicyError(f"policy.{path}", "must be a number, for example 0.5") from None
    if default is None:
        return int(raw) if raw.isdigit() else (None if raw == "" else raw)
    return raw
