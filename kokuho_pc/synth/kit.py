"""Building blocks of move scenarios: families, moves, births, leavers, emissions.

A :class:`Kit` creates the households that take part in moves, changes them
as the scenario says and *emits* frozen record snapshots into buckets keyed
by ``(round, municipality, phase)``: ``baseline`` records when a family is
made, ``change`` records after the round's events (phase ``A``; phase ``B``
is a second pair for a household whose head moved away and whose remaining
members got a new head). Each move is logged with its intended result code.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from kokuho_pc.domain.codes import ChangeReason, ProcessingType, ResultCode
from kokuho_pc.synth import names
from kokuho_pc.synth.factory import Factory, MemberSpec
from kokuho_pc.synth.model import (
    Enrolment,
    Household,
    MyNumberSource,
    NominalHead,
    Person,
    Snapshot,
    freeze,
    household_no,
)
from kokuho_pc.synth.timeline import sends_before

ONE_DAY = dt.timedelta(days=1)
CHANGED = ProcessingType.CHANGE.value
MOVE_OUT = ChangeReason.MOVE_OUT_WITHIN_PREFECTURE.value
MOVE_IN = ChangeReason.MOVE_IN_WITHIN_PREFECTURE.value
SCENARIO_SERIAL_START = 9 * 10**8
SCENARIO_HOUSEHOLD_START = 5_000_001
NEW_HOUSEHOLD_START = 8_000_001

BucketKey = tuple[str, str, str]


@dataclass(slots=True)
class MoveLog:
    """One person's intended move and its intended 処理結果コード."""

    before: Household
    before_id: str
    after_municipality: str
    enrolment: Enrolment
    move_day: dt.date
    after: Household | None = None

    @property
    def result_code(self) -> str:
        """00, 10 (gap) or 11 (overlap) from the new start against the old end."""
        expected = self.move_day
        if self.enrolment.start == expected:
            return ResultCode.OK.value
        if self.enrolment.start > expected:
            return ResultCode.GAP.value
        return ResultCode.OVERLAP.value

    @property
    def pending_first(self) -> bool:
        """True when the new municipality sends before the old one (20 first)."""
        return sends_before(self.after_municipality, self.before.municipality)


@dataclass(slots=True)
class Candidate:
    """An intended candidate (before → after household) with category and suggestion."""

    before: Household
    after: Household
    category: int
    suggestion: str
    move_day: dt.date


@dataclass(slots=True)
class Scenario:
    """One intended situation: its households, moves and candidates."""

    ident: str
    kind: str
    title: str
    befores: list[Household] = field(default_factory=list)
    afters: list[Household] = field(default_factory=list)
    moves: list[MoveLog] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    stayed_behind: bool = False
    history: str = ""  # "tasuu" or "tasuu_low" forces a 多数回 history on the befores


class Kit:
    """Makes scenario households and moves, and keeps the snapshots to write."""

    def __init__(self, rng: random.Random, numbers: MyNumberSource) -> None:
        self.rng = rng
        self.factory = Factory(rng, numbers, SCENARIO_SERIAL_START, SCENARIO_HOUSEHOLD_START,
                               SCENARIO_HOUSEHOLD_START)
        self.buckets: dict[BucketKey, list[Snapshot]] = {}
        self.households: list[Household] = []
        self.scenarios: list[Scenario] = []
        self._new_numbers: dict[str, int] = {}
        self._current: Scenario | None = None
        self._changed: set[int] = set()

    # -- scenarios -------------------------------------------------------------

    def begin(self, kind: str, title: str) -> Scenario:
        """Start a new scenario; moves and candidates are logged into it."""
        scenario = Scenario(f"S{len(self.scenarios) + 1:05d}", kind, title)
        self.scenarios.append(scenario)
        self._current = scenario
        return scenario

    @property
    def current(self) -> Scenario:
        """The scenario being built."""
        if self._current is None:
            raise RuntimeError("no scenario started")
        return self._current

    def candidate(
        self, before: Household, after: Household, category: int, suggestion: str,
        move_day: dt.date,
    ) -> None:
        """Log an intended candidate of the current scenario."""
        self.current.candidates.append(Candidate(before, after, category, suggestion, move_day))

    # -- households ------------------------------------------------------------

    def family(
        self, municipality: str, members: Sequence[MemberSpec], nominal_head_sex: str | None = None,
        like: Person | None = None,
    ) -> Household:
        """A household of the baseline population (emitted into the baseline round).

        With ``like`` the family shares that person's surname.
        """
        surname = self._surname_of(like) if like is not None else None
        hh = self.factory.household(municipality, members, nominal_head_sex, surname)
        self.households.append(hh)
        self.current.befores.append(hh)
        self.emit(hh, "baseline")
        return hh

    def new_household(
        self, municipality: str, members: list[Enrolment], head: Enrolment | NominalHead,
        day: dt.date, previous: str,
    ) -> Household:
        """A household that appears in the change round (moved in): 異動事由 02."""
        n = self._new_numbers.get(municipality, NEW_HOUSEHOLD_START)
        self._new_numbers[municipality] = n + 1
        start = min(e.start for e in members)
        hh = Household(municipality, household_no(n), head, members, start, day, MOVE_IN,
                       previous=previous)
        self.households.append(hh)
        self.current.afters.append(hh)
        for log in self.current.moves:
            if log.after is None and log.enrolment in members:
                log.after = hh
        return hh

    def join(self, hh: Household, members: list[Enrolment]) -> None:
        """Add moved-in enrolments to an after household made earlier."""
        hh.members.extend(members)
        for log in self.current.moves:
            if log.after is None and log.enrolment in members:
                log.after = hh

    def nominal_head(self, surname_of: Person, sex: str = "1") -> NominalHead:
        """A new 擬制世帯主 sharing the surname of ``surname_of``."""
        family = self._surname_of(surname_of)
        return self.factory.nominal_head(family, sex, 1955 + self.rng.randrange(25))

    @staticmethod
    def _surname_of(person: Person) -> names.NamePart:
        kanji = person.name.split("\u3000")[0]
        kana = person.kana.split(" ")[0]
        return names.NamePart(kanji, kana)

    # -- events ----------------------------------------------------------------

    def move(
        self, source: Household, movers: Sequence[Enrolment], municipality: str, day: dt.date,
        relations: Sequence[str], shift_days: int = 0,
    ) -> list[Enrolment]:
        """Move ``movers`` out of ``source`` on ``day`` into ``municipality``.

        Old periods end the day before with 12; new ones start on ``day`` (plus
        ``shift_days``: positive for a gap, negative for an overlap) with 02.
        """
        new: list[Enrolment] = []
        for e, relation in zip(movers, relations, strict=True):
            e.end = day - ONE_DAY
            e.end_reason = MOVE_OUT
            moved = self.factory.enrol(municipality, e.person, relation,
                                       day + dt.timedelta(days=shift_days), MOVE_IN,
                                       previous=source.municipality)
            new.append(moved)
            self.current.moves.append(MoveLog(source, e.insured_id, municipality, moved, day))
        self.close_if_empty(source, day)
        return new

    def leave(self, e: Enrolment, last_day: dt.date, reason: str) -> None:
        """End ``e`` on ``last_day`` for a reason that ends the qualification (13, 14, 16)."""
        e.end = last_day
        e.end_reason = reason
        e.lost = last_day + ONE_DAY

    def birth(
        self, hh: Household, day: dt.date, relation: str, parent: Person, sex: str | None = None,
    ) -> Enrolment:
        """A baby born on ``day`` into ``hh`` (適用開始事由 04)."""
        sex = sex or self.rng.choice(("1", "2"))
        person = self.factory.person(self._surname_of(parent), sex, day, day)
        e = self.factory.enrol(hh.municipality, person, relation, day,
                               ChangeReason.BIRTH.value)
        hh.members.append(e)
        return e

    def joiner(
        self, hh: Household, day: dt.date, relation: str, like: Person, sex: str, birth: dt.date,
    ) -> Enrolment:
        """Someone who left an employee plan and joins ``hh`` on ``day`` (事由 03)."""
        person = self.factory.person(self._surname_of(like), sex, birth, day)
        e = self.factory.enrol(hh.municipality, person, relation, day,
                               ChangeReason.LEFT_OTHER_INSURANCE.value)
        hh.members.append(e)
        return e

    def close_if_empty(self, hh: Household, day: dt.date) -> None:
        """Mark the household changed on ``day``; end it when nobody remains."""
        hh.processing = CHANGED
        hh.change_date = day
        hh.change_reason = MOVE_OUT
        if all(e.end is not None and e.end < day for e in hh.members):
            hh.end = max(e.end for e in hh.members if e.end is not None)

    # -- snapshots -------------------------------------------------------------

    def emit(self, hh: Household, round_name: str, phase: str = "A") -> None:
        """Freeze the household's KSK01 record and its members' KSK02 records."""
        key = (round_name, hh.municipality, phase)
        self.buckets.setdefault(key, []).append(freeze(hh))
        if round_name == "change":
            self._changed.add(id(hh))
        if round_name == "baseline":
            hh.processing = CHANGED
            for e in hh.members:
                e.processing = CHANGED

    def finish_scenario(self) -> None:
        """Emit the change-round snapshot of every household of the scenario not yet emitted."""
        scenario = self.current
        for hh in (*scenario.befores, *scenario.afters):
            if id(hh) not in self._changed:
                self.emit(hh, "change")
        self._current = None
