"""Forming and refreshing 継続候補世帯 (docs/business-rules.md §3).

A candidate pairs an after household (in the destination municipality,
with at least one member whose move-in checked 00) with each before
household its moving members came from. Candidates are recomputed for every
after household a submission may have affected; a confirmed candidate is
never touched, an unconfirmed one gets a fresh suggestion (its decision, if
any, stays), and one that no longer arises is dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from shuyaku_sim.judgement import HouseholdKey, judge_pair
from shuyaku_sim.settings import Settings
from shuyaku_sim.storage import Tx


def refresh_after_household(
    tx: Tx, after: HouseholdKey, settings: Settings, now: str
) -> int:
    """Recompute the candidates of one after household; return how many changed."""
    moves = tx.ok_moves_into(*after)
    move_dates: dict[HouseholdKey, dt.date] = {}
    for m in moves:
        if m.old_household_no is None:
            continue
        key = (m.previous_municipality, m.old_household_no)
        if key not in move_dates or m.move_date < move_dates[key]:
            move_dates[key] = m.move_date
    existing = {(c.before_municipality, c.before_household_no): c
                for c in tx.candidates_of_after(*after)}
    settled = {b: c.move_date for b, c in existing.items() if c.state == "confirmed"}
    changed = 0
    for before, move_date in sorted(move_dates.items()):
        found = existing.get(before)
        if found is not None and found.state == "confirmed":
            continue
        # A before household whose earlier move into this household is already
        # confirmed is history, not part of a merge with this one.
        sources = {b for b in move_dates if not (b in settled and settled[b] < move_date)}
        result, _ = judge_pair(tx, before, after, move_date, sources, settings)
        if found is None:
            tx.insert_candidate(tx.next_candidate_no(after[0]), after, before, move_date,
                                result.category, result.suggestion, result.reason, now)
            changed += 1
        elif (found.category, found.suggestion, found.move_date) != (
                result.category, result.suggestion, move_date):
            tx.update_candidate_judgement(found.id, move_date, result.category,
                                          result.suggestion, result.reason, now)
            changed += 1
    for before, c in existing.items():
        if before not in move_dates and c.state != "confirmed":
            tx.delete_candidate(c.id)
            changed += 1
    return changed


def refresh_candidates(
    tx: Tx, after_households: Iterable[HouseholdKey], settings: Settings, now: str
) -> int:
    """Recompute the candidates of several after households; return how many changed."""
    return sum(refresh_after_household(tx, a, settings, now) for a in sorted(set(after_households)))
