"""Refusing hostile or broken files before any parser sees them, in bounded time and memory.

An .xlsx file is a zip package of XML. Before it is opened we check, from the zip's directory
alone (nothing is decompressed): that it is a zip at all (not a binary renamed .xlsx or an old
.xls), that it is small enough, that it has no macros, no encrypted parts, and that it does not
expand to more than a sane size or at a ratio only a zip bomb reaches. The XML parser used
(calamine, in Rust) does not resolve external entities or expand entity definitions.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineWorkbook


class FileRefused(ValueError):
    """The file is not imported, and nothing was written; the message says why."""


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 100 * 1024 * 1024
    max_expanded_bytes: int = 1024 * 1024 * 1024
    max_ratio: int = 200  # zip bombs reach thousands; real worksheets reach tens
    max_parts: int = 2000


DEFAULT_LIMITS = Limits()
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, and Office files protected with a password
MACRO_PARTS = ("xl/vbaproject.bin", "xl/macrosheets/")


def check_size(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise FileRefused(
            f"the file is {size / 1024 / 1024:.0f} MB; the limit is "
            f"{limits.max_file_bytes / 1024 / 1024:.0f} MB (split the extract or ask your "
            "administrator to raise OVERSIGHT_IMPORT_MAX_MB)"
        )
    if size == 0:
        raise FileRefused("the file is empty")


def check_workbook(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise FileRefused unless `path` looks like a safe, plain .xlsx workbook."""
    check_size(path, limits)
    with path.open("rb") as handle:
        head = handle.read(4)
    if head == OLE2_MAGIC:
        raise FileRefused(
            "an old-style .xls workbook or a password-protected file: save it as an "
            "Excel Workbook (.xlsx) without a password and import that"
        )
    if not zipfile.is_zipfile(path):
        raise FileRefused("not an Excel workbook (.xlsx): the file is not a zip package")
    try:
        with zipfile.ZipFile(path) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise FileRefused(f"the workbook is damaged: {error}") from None
    _check_parts(parts, limits)


def _check_parts(parts: list[zipfile.ZipInfo], limits: Limits) -> None:
    names = {part.filename.lower() for part in parts}
    if "xl/workbook.xml" not in names:
        raise FileRefused("not an Excel workbook (.xlsx): it has no workbook part")
    if any(name.startswith(MACRO_PARTS) for name in names):
        raise FileRefused(
            "a macro-enabled workbook: save it as a plain Excel Workbook (.xlsx) without "
            "macros and import that"
        )
    if len(parts) > limits.max_parts:
        raise FileRefused(f"the workbook has {len(parts)} parts, more than any real extract")
    expanded = 0
    for part in parts:
        if part.flag_bits & 0x1:
            raise FileRefused("the workbook has encrypted parts")
        expanded += part.file_size
        ratio = part.file_size // max(part.compress_size, 1)
        if part.file_size > 1024 * 1024 and ratio > limits.max_ratio:
            raise FileRefused(
                f"the workbook part {part.filename} expands {ratio} times: refused as a "
                "possible zip bomb"
            )
    if expanded > limits.max_expanded_bytes:
        raise FileRefused(
            f"the workbook expands to {expanded / 1024 / 1024:.0f} MB: refused as too large"
        )


def open_workbook(path: Path, limits: Limits = DEFAULT_LIMITS) -> CalamineWorkbook:
    check_workbook(path, limits)
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types for damaged files
        raise FileRefused(f"the workbook could not be read: {error}") from None
