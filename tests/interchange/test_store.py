"""The store's own guards, whatever the file format."""

from __future__ import annotations

import datetime as dt

from oversight.cases.models import Child
from oversight.interchange.extract import Extract
from oversight.interchange.report import Problem
from oversight.interchange.store import store
from oversight.people.models import LocalAuthority


def test_a_file_for_another_council_is_refused(db: None) -> None:
    council = LocalAuthority.objects.create(code="999", name="Testshire")
    extract = Extract(source="cin", la_code="123")
    extract.add("children", "CIN census", 7, la_child_id="C1", seen_on=dt.date(2023, 1, 1))

    report = store(extract, council, dry_run=False)

    assert report.errors == [
        Problem(
            "file",
            None,
            "LA code",
            "123",
            "the file is for the council with LA code 123, not 999",
        )
    ]
    assert not report.committed
    assert Child.objects.count() == 0
