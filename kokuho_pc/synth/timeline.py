"""The demo prefecture's municipalities, its two rounds of files and their dates.

Baseline round: every municipality's population as of :data:`POPULATION_DATE`,
files created on 2026-09-01. Change round: the moves and other changes of
September and October 2026, one set per municipality, created in the order of
:data:`CHANGE_ORDER`. A move from a municipality that sends *later* than its
destination is checked first as 20 (pending) and resolved when the old
municipality's set arrives. つくば市 sends last: its change set is the demo
medium set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kokuho_pc.domain.municipality import MUNICIPALITY_NAMES

MITO = "082015"
TSUCHIURA = "082031"
USHIKU = "082198"
TSUKUBA = "082201"
TSUKUBAMIRAI = "082350"

MUNICIPALITIES: tuple[str, ...] = (MITO, TSUCHIURA, USHIKU, TSUKUBA, TSUKUBAMIRAI)

# Relative size of each municipality's NHI population (real populations, roughly).
POPULATION_WEIGHTS: dict[str, int] = {
    MITO: 270, TSUCHIURA: 140, USHIKU: 85, TSUKUBA: 250, TSUKUBAMIRAI: 52,
}

# The order in which the municipalities send their change sets.
CHANGE_ORDER: tuple[str, ...] = (MITO, USHIKU, TSUCHIURA, TSUKUBAMIRAI, TSUKUBA)

POPULATION_DATE = dt.date(2026, 8, 31)
BASELINE_CREATED = dt.datetime(2026, 9, 1, 8, 0, 0)
CHANGE_CREATED: dict[str, dt.datetime] = {
    MITO: dt.datetime(2026, 11, 2, 9, 0, 0),
    USHIKU: dt.datetime(2026, 11, 2, 10, 0, 0),
    TSUCHIURA: dt.datetime(2026, 11, 2, 11, 0, 0),
    TSUKUBAMIRAI: dt.datetime(2026, 11, 2, 13, 0, 0),
    TSUKUBA: dt.datetime(2026, 11, 5, 9, 30, 0),
}
# Second pair of a change round (head changes after the head moved away).
SECOND_PAIR_DELAY = dt.timedelta(minutes=2)
# The KKG01 file of a round follows the KSK01/KSK02 pair(s) of the same round.
KKG_DELAY = dt.timedelta(minutes=5)

# Moves happen on these days (inclusive); births after a move follow within days.
FIRST_MOVE_DAY = dt.date(2026, 9, 7)
LAST_MOVE_DAY = dt.date(2026, 10, 20)
# The last day any event of the change round may have.
LAST_EVENT_DAY = dt.date(2026, 10, 31)
# Nobody in the files is 75 or older on this day (後期高齢者 leave NHI at 75).
AGE_LIMIT_DAY = dt.date(2026, 11, 30)
# The prefecture's NHI began on this day; coverage periods start no earlier.
SYSTEM_START = dt.date(2018, 4, 1)


@dataclass(frozen=True, slots=True)
class Round:
    """One file set of one municipality: when its files were created."""

    municipality: str
    name: str
    created: dt.datetime

    @property
    def kkg_created(self) -> dt.datetime:
        """Creation time of the round's KKG01 file."""
        return self.created + KKG_DELAY

    @property
    def second_pair_created(self) -> dt.datetime:
        """Creation time of the round's second KSK01/KSK02 pair, if it has one."""
        return self.created + SECOND_PAIR_DELAY


def baseline_round(code: str) -> Round:
    """The baseline round of a municipality (staggered by ten minutes)."""
    offset = dt.timedelta(minutes=10 * MUNICIPALITIES.index(code))
    return Round(code, "baseline", BASELINE_CREATED + offset)


def change_round(code: str) -> Round:
    """The change round of a municipality."""
    return Round(code, "change", CHANGE_CREATED[code])


def sends_before(first: str, second: str) -> bool:
    """True when ``first`` sends its change set before ``second`` does."""
    return CHANGE_ORDER.index(first) < CHANGE_ORDER.index(second)


def municipality_name(code: str) -> str:
    """The Japanese name of a demo municipality."""
    return MUNICIPALITY_NAMES[code]


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) moved by ``delta`` months."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def month_key(year: int, month: int) -> str:
    """``YYYYMM``."""
    return f"{year:04d}{month:02d}"


def last_day_for_files(code: str) -> dt.date:
    """The last event day a municipality's change set can carry."""
    return min(LAST_EVENT_DAY, CHANGE_CREATED[code].date() - dt.timedelta(days=1))
