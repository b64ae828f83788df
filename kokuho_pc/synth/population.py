"""The ordinary (non-moving) population of one municipality, made in batches.

:func:`iter_population` yields households one at a time from a seeded random
source; the caller turns each into records and drops it, so memory stays
bounded whatever the population size.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from kokuho_pc.domain.codes import HighCostKind, IncomeCategory, Relation
from kokuho_pc.synth.factory import Factory, MemberSpec, spec
from kokuho_pc.synth.model import Household, Month
from kokuho_pc.synth.timeline import POPULATION_DATE, add_months, month_key

R = Relation
_UNDER_70 = (IncomeCategory.A, IncomeCategory.I, IncomeCategory.U, IncomeCategory.U,
             IncomeCategory.E, IncomeCategory.E, IncomeCategory.O)
_OVER_70 = (IncomeCategory.ACTIVE_III, IncomeCategory.ACTIVE_II, IncomeCategory.ACTIVE_I,
            IncomeCategory.GENERAL, IncomeCategory.GENERAL, IncomeCategory.GENERAL,
            IncomeCategory.LOW_INCOME_II, IncomeCategory.LOW_INCOME_I)
_OUTPATIENT_CATEGORIES = frozenset({"14", "15", "16"})
HIGH_COST_SHARE = 0.05


def _children(rng: random.Random, n: int, min_age: int, max_age: int) -> list[MemberSpec]:
    return [spec(R.CHILD, None, min_age, max_age) for _ in range(n)]


def random_shape(rng: random.Random) -> tuple[list[MemberSpec], str | None]:
    """Member specs of a typical NHI household and the nominal head's sex (or None)."""
    x = rng.random()
    if x < 0.40:
        return [spec(R.HEAD, None, 20, 74)], None
    if x < 0.65:
        return [spec(R.HEAD, "1", 55, 74), spec(R.SPOUSE, "2", 50, 74)], None
    if x < 0.78:
        kids = _children(rng, rng.randint(1, 3), 0, 22)
        return [spec(R.HEAD, "1", 35, 55), spec(R.SPOUSE, "2", 33, 53), *kids], None
    if x < 0.84:
        return [spec(R.HEAD, None, 30, 50), *_children(rng, rng.randint(1, 2), 0, 18)], None
    if x < 0.88:
        kids = _children(rng, rng.randint(1, 2), 5, 20)
        return [spec(R.HEAD, "1", 42, 58), spec(R.SPOUSE, "2", 40, 56), *kids,
                spec(R.PARENT, None, 66, 74)], None
    if x < 0.895:
        return [spec(R.HEAD, "1", 62, 74), spec(R.SPOUSE, "2", 60, 74),
                spec(R.CHILD, None, 30, 42), spec(R.GRANDCHILD, None, 0, 12)], None
    if x < 0.905:
        return [spec(R.HEAD, None, 22, 40), spec(R.GRANDPARENT, None, 68, 74)], None
    if x < 0.91:
        return [spec(R.HEAD, None, 30, 70), spec(R.OTHER, None, 30, 70)], None
    if x < 0.92:
        return [spec(R.HEAD, None, 25, 45), spec(R.SIBLING, None, 22, 45)], None
    # 擬制世帯主: the head is insured elsewhere (e.g. 後期高齢者 or an employee plan).
    members = [spec(R.SPOUSE, "2", 40, 74)]
    if rng.random() < 0.4:
        members.extend(_children(rng, rng.randint(1, 2), 15, 30))
    return members, "1"


def oldest_age_on(hh: Household, day: dt.date) -> int:
    """Age of the household's oldest member on ``day``."""
    oldest = min(e.person.birth for e in hh.members)
    return day.year - oldest.year - ((day.month, day.day) < (oldest.month, oldest.day))


def income_for(rng: random.Random, elderly: bool) -> str:
    """A 所得区分 for a household under or over 70."""
    return rng.choice(_OVER_70 if elderly else _UNDER_70).value


def decision_day(rng: random.Random, care_month: str, latest: dt.date) -> dt.date:
    """A 支給決定年月日 two to three months after the care month, not after ``latest``."""
    year, month = add_months(int(care_month[:4]), int(care_month[4:]), 2)
    day = dt.date(year, month, 1) + dt.timedelta(days=rng.randrange(25))
    earliest = dt.date(int(care_month[:4]), int(care_month[4:]), 1)
    return max(earliest, min(day, latest))


def make_month(
    rng: random.Random, hh: Household, care_month: str, latest: dt.date,
    income: str | None = None, kind: str | None = None,
) -> Month:
    """A high-cost month of ``hh`` with a fitting 所得区分 and 該当区分."""
    first_day = dt.date(int(care_month[:4]), int(care_month[4:]), 1)
    elderly = oldest_age_on(hh, first_day) >= 70
    income = income or income_for(rng, elderly)
    if kind is None:
        outpatient = elderly and income in _OUTPATIENT_CATEGORIES and rng.random() < 0.35
        kind = HighCostKind.OUTPATIENT_70.value if outpatient else HighCostKind.HOUSEHOLD.value
    return Month(care_month, kind, income, decision_day(rng, care_month, latest))


def random_history(rng: random.Random, hh: Household, count: int, last_month: str) -> None:
    """Add ``count`` distinct high-cost months between 2018-04 and ``last_month``."""
    first = max(2018 * 12 + 3, hh.start.year * 12 + hh.start.month - 1)
    last = int(last_month[:4]) * 12 + int(last_month[4:]) - 1
    if last < first:
        return
    picks = sorted(rng.sample(range(first, last + 1), min(count, last - first + 1)))
    income = None
    for index in picks:
        key = month_key(index // 12, index % 12 + 1)
        m = make_month(rng, hh, key, POPULATION_DATE, income)
        income = m.income if rng.random() < 0.8 else None
        hh.months.append(m)


def iter_population(factory: Factory, municipality: str, persons: int) -> Iterator[Household]:
    """Yield ordinary households of ``municipality`` until about ``persons`` are insured."""
    rng = factory.rng
    made = 0
    while made < persons:
        members, nominal = random_shape(rng)
        hh = factory.household(municipality, members, nominal)
        if rng.random() < HIGH_COST_SHARE:
            random_history(rng, hh, rng.randint(1, 5), "202606")
        made += len(hh.members)
        yield hh

