"""Ofsted's Annex A layout (August 2019 template): the headings of the lists Oversight uses, in
order, and the letter-prefixed code labels the template's drop-downs use. The export writes these;
the reader accepts them (and the variants real files use)."""

from __future__ import annotations

import functools
import string

from oversight.engine.codes import CodeSetName, code_set

CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
ALLOCATED = ["Allocated Team", "Allocated Worker"]
DISABILITY = "Does the Child have a Disability"

HEADINGS: dict[int, list[str]] = {
    1: [*CHILD, "Date of Contact", "Contact Source"],
    3: [
        *CHILD,
        "Date of Referral",
        "Referral Source",
        "Referral NFA",
        "Number of Referrals in Last 12 Months",
        *ALLOCATED,
    ],
    4: [
        *CHILD,
        DISABILITY,
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        *ALLOCATED,
    ],
    5: [
        *CHILD,
        DISABILITY,
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        *ALLOCATED,
    ],
    6: [
        *CHILD,
        DISABILITY,
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        *ALLOCATED,
    ],
    7: [
        *CHILD,
        DISABILITY,
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
        "Months (Y/N)",
        "Number of Previous Child Protection Plans",
        *ALLOCATED,
    ],
}

SHEET_NAMES = {number: f"List {number}" for number in HEADINGS}

GENDER = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}
YES_NO = {True: "a) Yes", False: "b) No"}
ETHNICITIES = "WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH "
ETHNICITIES += "CHNE OOTH REFU NOBT"
ETHNICITY = {
    code: f"{letter}) {code}"
    for letter, code in zip(string.ascii_lowercase, ETHNICITIES.split(), strict=False)
}


@functools.cache
def referral_source_labels() -> dict[str, str]:
    """`q) 6: Police`: the 2019 template's letters run over the codes it had; codes added since
    (5D from 2022-23) are written without a letter."""
    labels = {}
    letters = iter(string.ascii_lowercase)
    for code in code_set(CodeSetName.REFERRAL_SOURCE).values():
        prefix = "" if code.from_year else f"{next(letters)}) "
        labels[code.code] = f"{prefix}{code.code}: {code.label}"
    return labels


def category_label(code: str) -> str:
    found = code_set(CodeSetName.CATEGORY_OF_ABUSE).get(code)
    return found.label.split(" (")[0] if found else ""
