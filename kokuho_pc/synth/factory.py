"""Make persons and households of one municipality from a seeded random source.

A :class:`Factory` owns the counters that number households, insured persons
and 個人番号 serials, so two factories with disjoint serial ranges never
produce the same key. Households are described by member specs
``(relation, sex or None, min_age, max_age)``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from kokuho_pc.domain.codes import ChangeReason, Relation
from kokuho_pc.synth import names
from kokuho_pc.synth.model import (
    Enrolment,
    Household,
    MyNumberSource,
    NominalHead,
    Person,
    card_number,
    household_no,
    insured_id,
)
from kokuho_pc.synth.timeline import AGE_LIMIT_DAY, POPULATION_DATE, SYSTEM_START

_EARLIEST_QUALIFICATION = dt.date(1995, 4, 1)
_LATEST_BASELINE_START = POPULATION_DATE - dt.timedelta(days=20)
_OTHER_STARTS = (
    ChangeReason.MOVE_IN_FROM_OUTSIDE.value,
    ChangeReason.MOVE_IN_FROM_OUTSIDE.value,
    ChangeReason.LEFT_OTHER_INSURANCE.value,
    ChangeReason.LEFT_OTHER_INSURANCE.value,
    ChangeReason.WELFARE_ENDED.value,
)


@dataclass(frozen=True, slots=True)
class MemberSpec:
    """One member to create: relation to the head, sex (None: random), age range."""

    relation: str
    sex: str | None
    min_age: int
    max_age: int
    birth: dt.date | None = None


def spec(
    relation: Relation, sex: str | None, min_age: int, max_age: int,
    birth: dt.date | None = None,
) -> MemberSpec:
    """Shorthand for :class:`MemberSpec` (``birth`` overrides the age range)."""
    return MemberSpec(relation.value, sex, min_age, max_age, birth)


def birth_for_age(
    rng: random.Random, min_age: int, max_age: int, on: dt.date = POPULATION_DATE
) -> dt.date:
    """A birth date giving an age in ``[min_age, max_age]`` on ``on``, under 75 until 2026-11-30."""
    latest = _years_before(on, min_age)
    earliest = _years_before(on, max_age + 1) + dt.timedelta(days=1)
    limit = _years_before(AGE_LIMIT_DAY, 75) + dt.timedelta(days=1)
    earliest = max(earliest, limit)
    if latest < earliest:
        latest = earliest
    return dt.date.fromordinal(rng.randint(earliest.toordinal(), latest.toordinal()))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A day in ``[first, last]`` (``first`` when the range is empty)."""
    if last <= first:
        return first
    return dt.date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


class Factory:
    """Numbers and creates the persons and households of the municipalities it serves."""

    def __init__(
        self,
        rng: random.Random,
        numbers: MyNumberSource,
        person_serial_start: int,
        household_start: int,
        insured_start: int,
    ) -> None:
        self.rng = rng
        self._numbers = numbers
        self._person_serial = person_serial_start
        self._household_start = household_start
        self._insured_start = insured_start
        self._households: dict[str, int] = {}
        self._insured: dict[str, int] = {}

    def next_household_no(self, municipality: str) -> str:
        """A fresh 世帯番号 of ``municipality``."""
        n = self._households.get(municipality, self._household_start)
        self._households[municipality] = n + 1
        return household_no(n)

    def next_insured_id(self, municipality: str) -> tuple[str, str]:
        """A fresh (市町村被保険者ID, 被保険者証番号) of ``municipality``."""
        n = self._insured.get(municipality, self._insured_start)
        self._insured[municipality] = n + 1
        return insured_id(n), card_number(n)

    def _next_my_number_serial(self) -> int:
        self._person_serial += 1
        return self._person_serial

    def person(
        self, surname: names.NamePart, sex: str, birth: dt.date, qualified: dt.date
    ) -> Person:
        """A new insured person with a unique 個人番号."""
        given = names.pick_given(self.rng, sex, birth.year)
        name, kana = names.full_name(surname, given)
        number = self._numbers.for_serial(self._next_my_number_serial())
        return Person(number, name, kana, birth, sex, qualified)

    def nominal_head(self, surname: names.NamePart, sex: str, birth_year: int) -> NominalHead:
        """A new 擬制世帯主 with a unique 個人番号."""
        given = names.pick_given(self.rng, sex, birth_year)
        name, kana = names.full_name(surname, given)
        return NominalHead(self._numbers.for_serial(self._next_my_number_serial()), name, kana)

    def enrol(
        self, municipality: str, person: Person, relation: str, start: dt.date, reason: str,
        previous: str = "",
    ) -> Enrolment:
        """A new enrolment of ``person`` in ``municipality`` (a fresh insured ID)."""
        ident, card = self.next_insured_id(municipality)
        return Enrolment(person, ident, relation, start, reason, previous=previous, card=card)

    def baseline_start(self, birth: dt.date, joined: dt.date) -> tuple[dt.date, dt.date, str]:
        """(資格取得年月日, 適用開始年月日, 適用開始事由) for a person insured since ``joined``."""
        qualified = max(birth, joined)
        start = max(qualified, SYSTEM_START)
        if start != qualified:
            return qualified, start, ChangeReason.OTHER_START.value
        if qualified == birth:
            return qualified, start, ChangeReason.BIRTH.value
        return qualified, start, self.rng.choice(_OTHER_STARTS)

    def household(
        self,
        municipality: str,
        members: Sequence[MemberSpec],
        nominal_head_sex: str | None = None,
        surname: names.NamePart | None = None,
    ) -> Household:
        """A household of the baseline population with members as specified.

        With ``nominal_head_sex`` the household is headed by a 擬制世帯主 and no
        spec may have relation 01; otherwise the first spec must be the head (01).
        """
        rng = self.rng
        family = surname or names.pick_surname(rng)
        joined = random_day(rng, _EARLIEST_QUALIFICATION, _LATEST_BASELINE_START)
        enrolments: list[Enrolment] = []
        for s in members:
            sex = s.sex or rng.choice(("1", "2"))
            birth = s.birth or birth_for_age(rng, s.min_age, s.max_age)
            own_join = joined if rng.random() < 0.8 else random_day(
                rng, _EARLIEST_QUALIFICATION, _LATEST_BASELINE_START)
            qualified, start, reason = self.baseline_start(birth, own_join)
            person = self.person(family, sex, birth, qualified)
            enrolments.append(self.enrol(municipality, person, s.relation, start, reason))
        head: Enrolment | NominalHead
        if nominal_head_sex is not None:
            head = self.nominal_head(family, nominal_head_sex, 1950 + rng.randrange(30))
        else:
            head = enrolments[0]
        first = min(enrolments, key=lambda e: e.start)
        last = max(enrolments, key=lambda e: e.start)
        return Household(
            municipality, self.next_household_no(municipality), head, enrolments,
            first.start, last.start, last.start_reason,
        )

