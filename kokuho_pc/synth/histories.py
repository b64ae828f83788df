"""High-cost months (KKG01) of the households that take part in moves.

Before households get a history up to the month before the move: none, a
few old months, or three to five 該当区分 1 months in the eleven months before
the move month (so the carried months make the after household 多数回).
Elderly households (70–74) get 70歳以上 categories, including 低所得 15/16,
and outpatient-only months (該当区分 2). Some after households get a month
of their own in the move month.
"""

from __future__ import annotations

import datetime as dt
import random

from kokuho_pc.domain.codes import IncomeCategory
from kokuho_pc.synth.kit import Scenario
from kokuho_pc.synth.model import Household
from kokuho_pc.synth.population import income_for, make_month, oldest_age_on
from kokuho_pc.synth.timeline import SYSTEM_START, last_day_for_files, month_key

_LOW_INCOME = (IncomeCategory.LOW_INCOME_II.value, IncomeCategory.LOW_INCOME_I.value)


def _index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _key(index: int) -> str:
    return month_key(index // 12, index % 12 + 1)


def before_history(rng: random.Random, hh: Household, move_day: dt.date, hint: str = "") -> None:
    """Add the high-cost months a before household had before ``move_day``'s month.

    ``hint`` ``tasuu`` forces three or more recent months; ``tasuu_low`` also
    forces 低所得 (15/16) when the household is 70 or older.
    """
    move_month = _index(move_day)
    first = max(_index(SYSTEM_START), _index(hh.start))
    last = move_month - 1
    if last < first:
        return
    elderly = oldest_age_on(hh, move_day) >= 70
    income = income_for(rng, elderly)
    if elderly and (hint == "tasuu_low" or rng.random() < 0.5):
        income = rng.choice(_LOW_INCOME)
    profile = rng.random() if not hint else 0.99
    picks: set[int] = set()
    if profile < 0.25:
        return
    recent = list(range(max(first, move_month - 11), last + 1))
    older = list(range(first, max(first, move_month - 11)))
    if profile < 0.45:
        pool = older or recent
        picks.update(rng.sample(pool, min(len(pool), rng.randint(1, 3))))
    else:
        picks.update(rng.sample(recent, min(len(recent), rng.randint(3, 5))))
        if older:
            picks.update(rng.sample(older, min(len(older), rng.randint(0, 2))))
    latest = last_day_for_files(hh.municipality)
    for index in sorted(picks):
        hh.months.append(make_month(rng, hh, _key(index), latest, income))


def after_history(rng: random.Random, hh: Household, like: Household | None) -> None:
    """Maybe add a high-cost month of the after household in its move month."""
    if rng.random() >= 0.45:
        return
    income = like.months[-1].income if like is not None and like.months else None
    latest = last_day_for_files(hh.municipality)
    hh.months.append(make_month(rng, hh, _key(_index(hh.change_date)), latest, income))


def add_scenario_months(rng: random.Random, scenario: Scenario) -> None:
    """Give the scenario's before and after households their high-cost months."""
    first_move: dict[int, dt.date] = {}
    for log in scenario.moves:
        key = id(log.before)
        first_move[key] = min(first_move.get(key, log.move_day), log.move_day)
    for hh in scenario.befores:
        if id(hh) in first_move:
            before_history(rng, hh, first_move[id(hh)], scenario.history)
    for hh in scenario.afters:
        like = next((c.before for c in scenario.candidates if c.after is hh), None)
        after_history(rng, hh, like)
