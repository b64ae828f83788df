"""The suggested category of one before → after household pair (docs/business-rules.md §3).

Members are compared by 都道府県被保険者ID; the 国保上の世帯主 (insured head or
擬制世帯主) is compared by its 個人番号 digest, so a head is recognised across
municipalities and across insured/nominal status. The before household is
taken as it stood on the day before the move; the after household as it
stands now (its members whose period has not ended).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kokuho_pc.domain.codes import Category
from shuyaku_sim.settings import Settings
from shuyaku_sim.storage import Tx
from shuyaku_sim.storage.rows import HouseholdPeriod, PersonPeriod

HouseholdKey = tuple[str, str]
STAYED = ("", "stayed")
IN_TRANSIT = ("", "moved out, not yet arrived")
JOIN_OK = frozenset({"03", "04"})
LEAVE_OK = frozenset({"13", "14", "16"})

REASONS: dict[tuple[int, str], str] = {
    (1, "continue"): "世帯主と被保険者の構成が転出前と同じで、住所異動のみのため継続の候補です。",
    (2, "continue"): "被保険者の構成は同じで、転出前の世帯員が世帯主になったため継続の候補です。",
    (2, "review"): "被保険者の構成は同じで、転出前の世帯員が世帯主になったため確認が必要です。",
    (3, "continue"): "世帯主は同じで、出生または社保離脱により構成員が増えたため継続の候補です。",
    (4, "continue"): (
        "世帯主は同じで、死亡・社保加入・後期高齢者医療への移行により構成員が減ったため"
        "継続の候補です。"
    ),
    (5, "continue"): "世帯分離のうち、転出前の世帯主が属する世帯のため継続の候補です。",
    (5, "discontinue"): "世帯分離のうち、転出前の世帯主が属さない世帯のため非継続の候補です。",
    (6, "continue"): "世帯合併のうち、転入後の世帯主が属していた転出前世帯のため継続の候補です。",
    (6, "discontinue"): (
        "世帯合併のうち、転入後の世帯主が属していなかった転出前世帯のため非継続の候補です。"
    ),
    (9, "discontinue"): (
        "転出前と転入後で世帯主が異なり、継続の条件に当たらないため非継続の候補です。"
    ),
    (9, "review"): (
        "世帯主は同じですが、継続の条件に当たらない構成員の増減があるため確認が必要です。"
    ),
}


@dataclass(frozen=True, slots=True)
class Judgement:
    """Category, suggestion and its one-line Japanese reason."""

    category: int
    suggestion: str
    reason: str


@dataclass(slots=True)
class PairView:
    """The data a judgement (and the candidate screen) looks at."""

    before_members: dict[str, PersonPeriod]
    after_members: dict[str, PersonPeriod]
    before_household: HouseholdPeriod | None
    after_household: HouseholdPeriod | None
    before_head: bytes | None
    after_head: bytes | None


def judgement(category: int, suggestion: str) -> Judgement:
    """The judgement with its reason text."""
    return Judgement(category, suggestion, REASONS[(category, suggestion)])


def household_on(versions: list[HouseholdPeriod], day: dt.date) -> HouseholdPeriod | None:
    """The household as it stood on ``day``: its latest version changed on or before
    ``day`` (else its earliest version). ``versions`` are ordered by change date."""
    earlier = [h for h in versions if h.change_date <= day]
    if earlier:
        return earlier[-1]
    return versions[0] if versions else None


def current_household(versions: list[HouseholdPeriod]) -> HouseholdPeriod | None:
    """The household as it stands now: its latest version."""
    return versions[-1] if versions else None


def head_digest(tx: Tx, hh: HouseholdPeriod | None) -> bytes | None:
    """The 個人番号 digest of a household's 国保上の世帯主."""
    if hh is None:
        return None
    if hh.head_type == "2":
        return hh.nominal_head_digest
    if not hh.head_insured_id:
        return None
    pid = tx.link_of(hh.municipality_code, hh.head_insured_id)
    if pid is None:
        return None
    return tx.person_digests([pid]).get(pid)


def pair_view(tx: Tx, before: HouseholdKey, after: HouseholdKey, move_date: dt.date) -> PairView:
    """Collect both households: before as on the day before the move, after as now."""
    day_before = move_date - dt.timedelta(days=1)
    before_members: dict[str, PersonPeriod] = {}
    for p in tx.household_member_periods(*before):
        if p.covers(day_before):
            before_members[p.prefectural_id] = p
    after_periods = tx.household_member_periods(*after)
    current = [p for p in after_periods if p.coverage_end is None]
    if not current:
        current = [p for p in after_periods if p.covers(move_date)]
    after_members = {p.prefectural_id: p for p in current}
    before_hh = household_on(tx.household_periods(*before), day_before)
    after_hh = current_household(tx.household_periods(*after))
    return PairView(before_members, after_members, before_hh, after_hh,
                    head_digest(tx, before_hh), head_digest(tx, after_hh))


def current_location(tx: Tx, prefectural_id: str) -> PersonPeriod | None:
    """The person's open period (latest start) in any municipality, or None."""
    open_ = [p for p in tx.periods_of_person(prefectural_id) if p.coverage_end is None]
    return open_[-1] if open_ else None


def leave_reason(tx: Tx, prefectural_id: str) -> str | None:
    """The 適用終了事由 of the person's last period when no period is open, else None."""
    periods = tx.periods_of_person(prefectural_id)
    if not periods or any(p.coverage_end is None for p in periods):
        return None
    last = max(periods, key=lambda p: (p.coverage_end or dt.date.min, p.id))
    return last.coverage_end_reason


def destinations(tx: Tx, before: HouseholdKey, view: PairView) -> set[HouseholdKey]:
    """Where the before household's members went: after households, STAYED, or
    IN_TRANSIT (moved out inside the prefecture, no new municipality's data yet)."""
    moved = {m.prefectural_id: (m.new_municipality, m.new_household_no)
             for m in tx.ok_moves_from(*before) if m.prefectural_id in view.before_members}
    found = set(moved.values())
    for pid in view.before_members:
        if pid in moved:
            continue  # counted where its move from this household went, not where it is now
        loc = current_location(tx, pid)
        if loc is None:
            if leave_reason(tx, pid) == "12":
                found.add(IN_TRANSIT)
            continue
        if loc.municipality_code == before[0]:
            found.add(STAYED)
        else:
            found.add((loc.municipality_code, loc.household_no))
    return found


def judge_pair(
    tx: Tx, before: HouseholdKey, after: HouseholdKey, move_date: dt.date,
    sources: set[HouseholdKey], settings: Settings,
) -> tuple[Judgement, PairView]:
    """Judge one pair. ``sources``: every before household the after household took members from."""
    view = pair_view(tx, before, after, move_date)
    same_head = view.before_head is not None and view.before_head == view.after_head
    merge = len(sources) > 1
    split = len(destinations(tx, before, view)) > 1
    if merge or split:
        category = Category.MERGE if merge else Category.SPLIT
        return judgement(category.value, "continue" if same_head else "discontinue"), view
    before_set, after_set = set(view.before_members), set(view.after_members)
    if same_head:
        extra, missing = after_set - before_set, before_set - after_set
        if not extra and not missing:
            return judgement(Category.ADDRESS_ONLY.value, "continue"), view
        extras_ok = all(view.after_members[p].coverage_start_reason in JOIN_OK for p in extra)
        missing_ok = all(leave_reason(tx, p) in LEAVE_OK for p in missing)
        if extras_ok and missing_ok:
            category = Category.MEMBERS_ADDED if extra else Category.MEMBERS_REMOVED
            return judgement(category.value, "continue"), view
        return judgement(Category.NONE.value, "review"), view
    member_digests = set(tx.person_digests(sorted(before_set)).values())
    if before_set == after_set and view.after_head is not None \
            and view.after_head in member_digests:
        return judgement(Category.HEAD_CHANGE.value, settings.head_change_within_household), view
    return judgement(Category.NONE.value, "discontinue"), view
