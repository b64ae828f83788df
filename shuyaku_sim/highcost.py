"""High-cost carry-over and the 多数回 figures (docs/business-rules.md §4–§6).

Care months are ``YYYYMM`` strings. Only months from 2018-04 are carried.
``tasuu_count`` counts 該当区分 1 months in M−11 … M over the after
household's own months plus every month carried into it;
``next_hit_tasuu`` needs ≥ 3 such months in M−10 … M and a latest 所得区分
other than 15/16. ``move_month_rule`` holds for a confirmed 継続 whose move
date is not the 1st.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kokuho_pc.domain.codes import HighCostKind, IncomeCategory
from shuyaku_sim.judgement import current_household
from shuyaku_sim.storage import Tx
from shuyaku_sim.storage.rows import CandidateRow, HighCostMonth

CARRY_FROM = "201804"
NO_TASUU_INCOME = frozenset(c.value for c in IncomeCategory if not c.has_tasuu_level)


def month_of(day: dt.date) -> str:
    """The care month ``YYYYMM`` of a date."""
    return f"{day.year:04d}{day.month:02d}"


def shift_month(month: str, delta: int) -> str:
    """``month`` moved by ``delta`` months."""
    index = int(month[:4]) * 12 + int(month[4:]) - 1 + delta
    return f"{index // 12:04d}{index % 12 + 1:02d}"


def merge_months(own: Sequence[HighCostMonth], carried: Sequence[HighCostMonth]) -> list[
    HighCostMonth
]:
    """One entry per care month; a month counts as 該当区分 1 if either source says so.

    The household's own record gives the 所得区分 of a month it has.
    """
    merged: dict[str, HighCostMonth] = {}
    for m in [*carried, *own]:
        prior = merged.get(m.care_month)
        kind = m.high_cost_kind
        if prior is not None and HighCostKind.HOUSEHOLD.value in (kind, prior.high_cost_kind):
            kind = HighCostKind.HOUSEHOLD.value
        merged[m.care_month] = HighCostMonth(m.care_month, kind, m.income_category)
    return [merged[k] for k in sorted(merged)]


def tasuu_figures(months: Sequence[HighCostMonth], move_month: str) -> tuple[int, bool]:
    """(tasuu_count over M−11 … M, next_hit_tasuu) for move month ``move_month``."""
    hits = {m.care_month for m in months if m.high_cost_kind == HighCostKind.HOUSEHOLD.value}
    count = sum(1 for k in range(-11, 1) if shift_month(move_month, k) in hits)
    recent = sum(1 for k in range(-10, 1) if shift_month(move_month, k) in hits)
    latest_income = max(months, key=lambda m: m.care_month).income_category if months else ""
    return count, recent >= 3 and latest_income not in NO_TASUU_INCOME


def after_household_months(tx: Tx, after: tuple[str, str]) -> list[HighCostMonth]:
    """The after household's own months with every month carried into it."""
    return merge_months(tx.high_cost_months_of(*after), tx.carried_months_into(*after))


def carry_over(tx: Tx, cand: CandidateRow) -> list[HighCostMonth]:
    """Copy the before household's months (2018-04 on) to the after household."""
    months = [m for m in tx.high_cost_months_of(cand.before_municipality,
                                                cand.before_household_no)
              if m.care_month >= CARRY_FROM]
    tx.insert_carried_months(cand.id, (cand.after_municipality, cand.after_household_no), months)
    return months


def after_head_insured_id(tx: Tx, after: tuple[str, str]) -> str:
    """The after household's insured head ID (for a nominal head: its first current member)."""
    hh = current_household(tx.household_periods(*after))
    if hh is not None and hh.head_insured_id:
        return hh.head_insured_id
    members = sorted(p.municipal_insured_id for p in tx.household_member_periods(*after)
                     if p.coverage_end is None)
    return members[0] if members else ""


def kkg11_rows(
    tx: Tx, cand: CandidateRow, months: Sequence[HighCostMonth], today: dt.date
) -> list[dict[str, object]]:
    """The KKG11 rows of one carried-over candidate."""
    head = after_head_insured_id(tx, (cand.after_municipality, cand.after_household_no))
    return [{
        "after_municipality": cand.after_municipality,
        "after_household_no": cand.after_household_no,
        "after_head_insured_id": head,
        "before_municipality": cand.before_municipality,
        "before_household_no": cand.before_household_no,
        "care_month": m.care_month,
        "high_cost_kind": m.high_cost_kind,
        "income_category": m.income_category,
        "candidate_no": cand.candidate_no,
        "carried_date": today,
    } for m in months]
