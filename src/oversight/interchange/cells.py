"""Reading one spreadsheet or XML cell the way real extracts write it.

Real files are messy: headers in any case with odd spacing or curly apostrophes, codes with or
without Ofsted's letter prefix (`q) 6: Police`, `6`, `Police`), dates as real dates, Excel serial
numbers or `DD/MM/YYYY` text, `#N/A` from a spreadsheet lookup, non-breaking spaces in names.
Each reader returns the clean value or raises `CellError` with a reason a person can act on.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from oversight.engine.codes import CodeSetName, code_set


class CellError(ValueError):
    """The cell cannot be read; the message says why."""


# Spreadsheet error values and placeholders that mean "nothing here".
BLANKS = frozenset({"", "#n/a", "n/a", "#ref!", "#value!", "#name?", "#div/0!", "#null!", "null"})
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel serials for 1 Jan 1900 .. 31 Dec 2099: a number outside this is not a date.
SERIAL_RANGE = (1, 73050)
LETTER_PREFIX = re.compile(r"^[a-z]{1,2}\)\s*", re.IGNORECASE)
TEXT_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
SERIAL_TEXT = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")  # ASCII digits only: "²" is not a number
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+Z?)?$")


def text(value: object) -> str:
    """A cell as clean text: non-breaking spaces and runs of spaces made single, ends trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).replace("\xa0", " ").split())


def is_blank(value: object) -> bool:
    return text(value).lower() in BLANKS


def is_spreadsheet_error(value: object) -> bool:
    """`#N/A` and friends: blank, but worth a warning (a broken lookup in the source sheet)."""
    cleaned = text(value).lower()
    return cleaned.startswith("#") and cleaned in BLANKS


def header_key(value: object) -> str:
    """Header text reduced to letters and digits: case, spacing, apostrophes and ? ignored."""
    return re.sub(r"[^a-z0-9]+", "", text(value).lower().replace("’", "'"))


def identifier(value: object) -> str:
    """A child or worker identifier: Excel turns 1234 into 1234.0, which must read back as 1234."""
    if isinstance(value, bool):
        raise CellError("expected an identifier, found true/false")
    cleaned = text(value)
    if len(cleaned) > MAX_ID:
        raise CellError(f"an ID longer than {MAX_ID} characters")
    return cleaned


MAX_ID = 40  # Child.la_child_id
MAX_NAME = 120  # Team.name, Worker.name


def date(value: object) -> dt.date | None:
    """A date from a real date cell, an Excel serial number or DD/MM/YYYY (or ISO) text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value)
    cleaned = text(value)
    if cleaned.startswith("="):
        raise CellError("a formula, not a date: enter the date itself")
    if match := TEXT_DATE.match(cleaned):
        day, month, year = (int(part) for part in match.groups())
        return _checked(year, month, day, cleaned)
    if match := ISO_DATE.match(cleaned):
        year, month, day = (int(part) for part in match.groups())
        return _checked(year, month, day, cleaned)
    if SERIAL_TEXT.match(cleaned):
        return _from_serial(float(cleaned))
    raise CellError("not a date: use DD/MM/YYYY")


def _from_serial(serial: float) -> dt.date:
    if not SERIAL_RANGE[0] <= serial <= SERIAL_RANGE[1] or not float(serial).is_integer():
        raise CellError("a number that is not a date: use DD/MM/YYYY")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def _checked(year: int, month: int, day: int, cleaned: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"no such date as {cleaned}") from None


YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})


def yes_no(value: object) -> bool | None:
    """Yes/No with or without a letter prefix (`a) Yes`), Y/N, true/false, 1/0."""
    if isinstance(value, bool):
        return value
    if is_blank(value):
        return None
    cleaned = LETTER_PREFIX.sub("", text(value)).lower()
    if cleaned in YES:
        return True
    if cleaned in NO:
        return False
    raise CellError("expected Yes or No")


SEX = {
    "m": "M",
    "male": "M",
    "1": "M",
    "f": "F",
    "female": "F",
    "2": "F",
    "u": "U",
    "0": "U",
    "9": "U",
    "unknown": "U",
    "not stated/recorded": "U",
    "not stated": "U",
    "not recorded": "U",
    "neither": "U",
    "indeterminate": "U",
}


def sex(value: object) -> str:
    """Census sex: M, F or U (not stated, not recorded, neither, indeterminate)."""
    if is_blank(value):
        return ""
    cleaned = LETTER_PREFIX.sub("", text(value)).lower()
    if cleaned in SEX:
        return SEX[cleaned]
    raise CellError("expected Male, Female or Not stated/recorded")


def ethnicity(value: object) -> str:
    """Census ethnicity code (`a) WBRI` → WBRI); four letters."""
    if is_blank(value):
        return ""
    cleaned = LETTER_PREFIX.sub("", text(value)).split(":")[0].split(" ")[0].upper()
    if cleaned == "UNKNOWN":  # Ofsted's "u) UNKNOWN": no census code
        return ""
    if re.fullmatch(r"[A-Z]{4}", cleaned):
        return cleaned
    raise CellError("expected a four-letter census ethnicity code such as WBRI")


def code(value: object, code_set_name: CodeSetName) -> str:
    """A DfE code from `q) 6: Police`, `6`, `N1 - Abuse or neglect` or the label (`Police`)."""
    if is_blank(value):
        return ""
    known = code_set(code_set_name)
    cleaned = LETTER_PREFIX.sub("", text(value))
    head = re.split(r"\s*(?::|\s-\s)\s*", cleaned, maxsplit=1)[0].strip().upper()
    if head in known:
        return head
    by_label = _labels(code_set_name).get(_label_key(cleaned))
    if by_label:
        return by_label
    raise CellError(f"not a {code_set_name.value.replace('_', ' ')} code")


@functools.cache
def _labels(code_set_name: CodeSetName) -> dict[str, str]:
    labels = {}
    for item in code_set(code_set_name).values():
        labels[_label_key(item.label)] = item.code
        # "Multiple (not recommended for new plans)" is written "Multiple" in lists.
        labels[_label_key(item.label.split(" (")[0])] = item.code
    return labels


def _label_key(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", label.lower())


def whole_number(value: object) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("expected a whole number")
    try:
        number = float(text(value))
    except ValueError:
        raise CellError("expected a whole number") from None
    if not number.is_integer() or number < 0:
        raise CellError("expected a whole number")
    return int(number)
