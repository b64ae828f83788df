"""Synthetic persons, households and high-cost months, and their file records.

Records are dicts keyed by the field keys of ``resources/layouts/*.json``
with the typed values the writer accepts (``datetime.date``, ``MyNumber``,
strings). A :class:`Household` is one household record of one municipality;
an :class:`Enrolment` is one person's period in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kokuho_pc.domain.codes import HeadType, ProcessingType
from kokuho_pc.domain.mynumber import MyNumber, my_number_check_digit

_MODULUS = 10**11


class MyNumberSource:
    """Unique fake 個人番号 for serial numbers: an affine bijection mod 10^11.

    Distinct serials always give distinct numbers, so uniqueness needs no
    lookup table, whatever the population size.
    """

    def __init__(self, seed_value: int) -> None:
        multiplier = (seed_value * 2_654_435_761 + 37_263_481_923) % _MODULUS
        while multiplier % 2 == 0 or multiplier % 5 == 0:
            multiplier += 1
        self._multiplier = multiplier
        self._offset = (seed_value * 7_919_000_003 + 12_345_678_901) % _MODULUS

    def for_serial(self, serial: int) -> MyNumber:
        """The 個人番号 of the person (or nominal head) with ``serial``."""
        first_eleven = f"{(serial * self._multiplier + self._offset) % _MODULUS:011d}"
        return MyNumber(first_eleven + str(my_number_check_digit(first_eleven)))


@dataclass(slots=True)
class Person:
    """An insured person as the prefecture knows them."""

    my_number: MyNumber
    name: str
    kana: str
    birth: dt.date
    sex: str
    qualified: dt.date


@dataclass(slots=True)
class NominalHead:
    """A 擬制世帯主: heads the household but is not insured (not in KSK02)."""

    my_number: MyNumber
    name: str
    kana: str


@dataclass(slots=True)
class Enrolment:
    """One person's period of coverage in one household of one municipality."""

    person: Person
    insured_id: str
    relation: str
    start: dt.date
    start_reason: str
    previous: str = ""
    end: dt.date | None = None
    end_reason: str = ""
    lost: dt.date | None = None
    processing: str = ProcessingType.NEW.value
    card: str = ""

    def active_on(self, day: dt.date) -> bool:
        """True when the period covers ``day``."""
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(slots=True)
class Month:
    """One 高額該当 care month of a household."""

    care_month: str
    kind: str
    income: str
    decided: dt.date


@dataclass(slots=True)
class Household:
    """One household record of one municipality."""

    municipality: str
    number: str
    head: Enrolment | NominalHead
    members: list[Enrolment]
    start: dt.date
    change_date: dt.date
    change_reason: str
    previous: str = ""
    end: dt.date | None = None
    processing: str = ProcessingType.NEW.value
    months: list[Month] = field(default_factory=list)

    @property
    def head_key(self) -> str:
        """A key naming the head for comparisons (insured ID or ``nominal``)."""
        if isinstance(self.head, NominalHead):
            return "nominal"
        return self.head.insured_id

    def head_insured_id(self) -> str:
        """The insured head's ID, or for a nominal head the first member's (KKG01 item 4)."""
        if isinstance(self.head, Enrolment):
            return self.head.insured_id
        return self.members[0].insured_id


def household_record(hh: Household) -> dict[str, object]:
    """The KSK01 data record of a household."""
    nominal = isinstance(hh.head, NominalHead)
    head = hh.head
    return {
        "processing_type": hh.processing,
        "municipality_code": hh.municipality,
        "household_no": hh.number,
        "head_type": HeadType.NOMINAL.value if nominal else HeadType.INSURED.value,
        "head_insured_id": "" if isinstance(head, NominalHead) else head.insured_id,
        "nominal_head_my_number": head.my_number if isinstance(head, NominalHead) else None,
        "head_name_kana": head.kana if isinstance(head, NominalHead) else head.person.kana,
        "head_name": head.name if isinstance(head, NominalHead) else head.person.name,
        "coverage_start": hh.start,
        "coverage_end": hh.end,
        "change_date": hh.change_date,
        "change_reason": hh.change_reason,
        "previous_municipality": hh.previous,
    }


def person_record(hh: Household, e: Enrolment) -> dict[str, object]:
    """The KSK02 data record of one enrolment in its household."""
    p = e.person
    return {
        "processing_type": e.processing,
        "municipality_code": hh.municipality,
        "municipal_insured_id": e.insured_id,
        "household_no": hh.number,
        "my_number": p.my_number,
        "name_kana": p.kana,
        "name": p.name,
        "birth_date": p.birth,
        "sex": p.sex,
        "relation": e.relation,
        "qualification_acquired": p.qualified,
        "qualification_lost": e.lost,
        "coverage_start": e.start,
        "coverage_start_reason": e.start_reason,
        "coverage_end": e.end,
        "coverage_end_reason": e.end_reason,
        "previous_municipality": e.previous,
        "card_number": e.card,
        "branch_number": "",
    }


def month_record(hh: Household, m: Month) -> dict[str, object]:
    """The KKG01 data record of one high-cost month of a household."""
    return {
        "municipality_code": hh.municipality,
        "household_no": hh.number,
        "head_insured_id": hh.head_insured_id(),
        "care_month": m.care_month,
        "high_cost_kind": m.kind,
        "income_category": m.income,
        "decision_date": m.decided,
    }


HOUSEHOLD_KEYS: tuple[str, ...] = (
    "processing_type", "municipality_code", "household_no", "head_type", "head_insured_id",
    "nominal_head_my_number", "head_name_kana", "head_name", "coverage_start", "coverage_end",
    "change_date", "change_reason", "previous_municipality",
)
PERSON_KEYS: tuple[str, ...] = (
    "processing_type", "municipality_code", "municipal_insured_id", "household_no",
    "my_number", "name_kana", "name", "birth_date", "sex", "relation",
    "qualification_acquired", "qualification_lost", "coverage_start", "coverage_start_reason",
    "coverage_end", "coverage_end_reason", "previous_municipality", "card_number",
    "branch_number",
)

# A household's KSK01 values and its members' KSK02 values, frozen at one moment
# (tuples in the order of HOUSEHOLD_KEYS / PERSON_KEYS: a third of a dict's memory).
Snapshot = tuple[tuple[object, ...], list[tuple[object, ...]]]


def freeze(hh: Household) -> Snapshot:
    """The household's current KSK01 and KSK02 values."""
    return (tuple(household_record(hh).values()),
            [tuple(person_record(hh, e).values()) for e in hh.members])


def thaw(snapshot: Snapshot) -> tuple[dict[str, object], list[dict[str, object]]]:
    """The KSK01 record and the KSK02 records of a snapshot."""
    return (dict(zip(HOUSEHOLD_KEYS, snapshot[0], strict=True)),
            [dict(zip(PERSON_KEYS, values, strict=True)) for values in snapshot[1]])


def household_no(serial: int) -> str:
    """A 世帯番号: ten digits."""
    return f"{serial:010d}"


def insured_id(serial: int) -> str:
    """A 市町村被保険者ID: ``P`` and nine digits."""
    return f"P{serial:09d}"


def card_number(serial: int) -> str:
    """A 被保険者証番号: eight digits (never twelve in a row with its neighbours)."""
    return f"{serial % 100_000_000:08d}"
