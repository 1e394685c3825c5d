"""DfE code sets (domain.md §2), kept as data in engine/codesets/*.csv, not in code.

Each code may carry the first collection year it is valid in (e.g. referral source 5D and closure
reason RC9 from 2022-23), so historical data is checked against the codes of its own year.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources


class CodeSetName(StrEnum):
    REFERRAL_SOURCE = "referral_source"
    PRIMARY_NEED = "primary_need"
    CLOSURE_REASON = "closure_reason"
    CATEGORY_OF_ABUSE = "category_of_abuse"


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    from_year: str  # collection year "2022-23", or "" for always

    def valid_on(self, day: dt.date) -> bool:
        """Collection years run 1 April to 31 March."""
        if not self.from_year:
            return True
        first = int(self.from_year[:4])
        return day >= dt.date(first, 4, 1)


@functools.cache
def code_set(name: CodeSetName) -> dict[str, Code]:
    text = resources.files("oversight.engine").joinpath(f"codesets/{name.value}.csv").read_text()
    rows = csv.DictReader(text.splitlines())
    return {row["code"]: Code(row["code"], row["label"], row["from_year"]) for row in rows}


def is_valid(name: CodeSetName, code: str, on: dt.date | None = None) -> bool:
    """Whether `code` is in the code set (and, given a date, valid in that collection year)."""
    found = code_set(name).get(code)
    return found is not None and (on is None or found.valid_on(on))
