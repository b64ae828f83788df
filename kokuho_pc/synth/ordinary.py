"""Ordinary changes of the change round: births, deaths, leavers, newcomers.

While the baseline population streams past, :class:`OrdinaryChanges` keeps a
few households (:data:`EVENT_SHARE`); for the change round each gets one
event that is not an in-prefecture move — a birth (04), a death (14), a
member joining an employee plan (13) or a move out of the prefecture (11) —
and some households arrive from outside the prefecture (01). None of them
forms a candidate; they make each change set look like a real 異動分 file.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from kokuho_pc.domain.codes import ChangeReason, ProcessingType, Relation
from kokuho_pc.synth import names
from kokuho_pc.synth.factory import Factory, random_day
from kokuho_pc.synth.model import Enrolment, Household, Snapshot, freeze
from kokuho_pc.synth.population import random_shape
from kokuho_pc.synth.timeline import POPULATION_DATE, last_day_for_files

EVENT_SHARE = 0.004
NEWCOMER_SHARE = 0.001
CHANGED = ProcessingType.CHANGE.value
_FIRST_DAY = POPULATION_DATE + dt.timedelta(days=1)


def _age(e: Enrolment, day: dt.date) -> int:
    b = e.person.birth
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class OrdinaryChanges:
    """The ordinary change-round events of one municipality."""

    def __init__(self, seed: int, municipality: str) -> None:
        self.rng = random.Random(f"kokuho-synth:{seed}:ordinary:{municipality}")
        self.municipality = municipality
        self.kept: list[Household] = []
        self.counts: Counter[str] = Counter()

    def consider(self, hh: Household) -> None:
        """Maybe keep a baseline household for a change-round event."""
        if self.rng.random() < EVENT_SHARE:
            self.kept.append(hh)

    def snapshots(self, factory: Factory, persons: int) -> list[Snapshot]:
        """Apply the events and return the change-round records (kept, then newcomers)."""
        last = last_day_for_files(self.municipality)
        out: list[Snapshot] = []
        for hh in self.kept:
            self._event(factory, hh, random_day(self.rng, _FIRST_DAY, last))
            out.append(freeze(hh))
        for _ in range(int(persons * NEWCOMER_SHARE / 1.8)):
            out.append(freeze(self._newcomer(factory, random_day(self.rng, _FIRST_DAY, last))))
        self.kept = []
        return out

    def _event(self, factory: Factory, hh: Household, day: dt.date) -> None:
        hh.processing = CHANGED
        for e in hh.members:
            e.processing = CHANGED
        hh.change_date = day
        spouses = [e for e in hh.members if e.relation == Relation.SPOUSE.value]
        young = [e for e in spouses if e.person.sex == "2" and _age(e, day) < 42]
        others = [e for e in hh.members if e is not hh.head]
        if young:
            baby = factory.person(_surname(young[0]), self.rng.choice(("1", "2")), day, day)
            born = factory.enrol(hh.municipality, baby, Relation.CHILD.value, day,
                                 ChangeReason.BIRTH.value)
            hh.members.append(born)
            hh.change_reason = ChangeReason.BIRTH.value
            self.counts["birth"] += 1
            return
        if others:
            leaver = max(others, key=lambda e: _age(e, day))
            reason = (ChangeReason.DEATH if _age(leaver, day) >= 65
                      else ChangeReason.JOINED_OTHER_INSURANCE).value
        else:
            leaver = hh.members[0]
            reason = self.rng.choice((ChangeReason.MOVE_OUT_OF_PREFECTURE.value,
                                      ChangeReason.JOINED_OTHER_INSURANCE.value,
                                      ChangeReason.DEATH.value if _age(leaver, day) >= 60
                                      else ChangeReason.MOVE_OUT_OF_PREFECTURE.value))
        leaver.end = day
        leaver.end_reason = reason
        leaver.lost = day + dt.timedelta(days=1)
        hh.change_reason = reason
        if all(e.end is not None for e in hh.members):
            hh.end = day
        self.counts[f"left_{reason}"] += 1

    def _newcomer(self, factory: Factory, day: dt.date) -> Household:
        members, nominal = random_shape(self.rng)
        hh = factory.household(self.municipality, members, nominal)
        for e in hh.members:
            e.person.qualified = max(day, e.person.birth)
            e.start = e.person.qualified
            e.start_reason = ChangeReason.MOVE_IN_FROM_OUTSIDE.value
        hh.start = hh.change_date = min(e.start for e in hh.members)
        hh.change_reason = ChangeReason.MOVE_IN_FROM_OUTSIDE.value
        self.counts["moved_in_from_outside"] += 1
        return hh


def _surname(e: Enrolment) -> names.NamePart:
    kanji = e.person.name.split("\u3000")[0]
    kana = e.person.kana.split(" ")[0]
    return names.NamePart(kanji, kana)

