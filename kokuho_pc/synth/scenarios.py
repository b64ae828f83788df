"""One builder per intended continuity situation of docs/business-rules.md §3.

Each builder makes the before household(s) in the old municipality, moves
people on ``day`` and logs the intended candidates with their category
(判定候補区分) and suggestion. Gap and overlap moves log no candidate: a
candidate needs at least one member whose move checked 00.
"""

from __future__ import annotations

import datetime as dt

from kokuho_pc.domain.codes import Category, ChangeReason, Relation, Suggestion
from kokuho_pc.synth.factory import birth_for_age, random_day, spec
from kokuho_pc.synth.kit import ONE_DAY, Kit
from kokuho_pc.synth.model import Enrolment, Household
from kokuho_pc.synth.timeline import POPULATION_DATE, last_day_for_files

R = Relation
CONTINUE = Suggestion.CONTINUE.value
DISCONTINUE = Suggestion.DISCONTINUE.value
_EARLY_EVENT = POPULATION_DATE + ONE_DAY


def _rels(members: list[Enrolment]) -> list[str]:
    return [e.relation for e in members]


def _after_event_day(kit: Kit, day: dt.date, municipality: str) -> dt.date:
    """A day a few days after the move that the new municipality's set can carry."""
    last = last_day_for_files(municipality)
    return random_day(kit.rng, min(_plus(day, 2), last), min(_plus(day, 20), last))


def _plus(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def _whole_move(kit: Kit, b: Household, new: str, day: dt.date, shift: int = 0) -> Household:
    movers = list(b.members)
    moved = kit.move(b, movers, new, day, _rels(movers), shift)
    head = b.head if not isinstance(b.head, Enrolment) else moved[movers.index(b.head)]
    return kit.new_household(new, moved, head, day, b.municipality)


def address_only(kit: Kit, day: dt.date, old: str, new: str, variant: str = "") -> None:
    """Category 1: the whole household moves; variants ``nominal``, ``born_before``,
    ``left_before``, ``elderly`` (70–74, outpatient months), ``single``,
    ``three_generations``, ``with_grandparent`` and ``cohabitant``."""
    kit.begin(f"address_only{'_' + variant if variant else ''}", "住所異動のみ")
    kit.current.history = {"": "tasuu", "elderly": "tasuu_low"}.get(variant, "")
    if variant == "nominal":
        b = kit.family(old, [spec(R.SPOUSE, "2", 45, 70), spec(R.CHILD, None, 16, 30)], "1")
    elif variant == "elderly":
        b = kit.family(old, [spec(R.HEAD, "1", 70, 73), spec(R.SPOUSE, "2", 70, 73)])
    elif variant == "single":
        b = kit.family(old, [spec(R.HEAD, None, 22, 74)])
    elif variant == "born_before":
        b = kit.family(old, [spec(R.HEAD, "1", 27, 38), spec(R.SPOUSE, "2", 26, 36)])
        born = random_day(kit.rng, _EARLY_EVENT, _plus(day, -3))
        kit.birth(b, born, R.CHILD.value, b.members[0].person)
    elif variant == "three_generations":
        b = kit.family(old, [spec(R.HEAD, "1", 62, 72), spec(R.SPOUSE, "2", 60, 72),
                             spec(R.CHILD, None, 30, 42), spec(R.GRANDCHILD, None, 0, 12)])
    elif variant == "with_grandparent":
        b = kit.family(old, [spec(R.HEAD, None, 22, 40), spec(R.GRANDPARENT, None, 68, 73)])
    elif variant == "cohabitant":
        b = kit.family(old, [spec(R.HEAD, None, 30, 70), spec(R.OTHER, None, 30, 70)])
    elif variant == "left_before":
        b = kit.family(old, [spec(R.HEAD, "1", 48, 60), spec(R.SPOUSE, "2", 46, 58),
                             spec(R.CHILD, None, 19, 24)])
        kit.leave(b.members[2], random_day(kit.rng, _EARLY_EVENT, _plus(day, -5)),
                  ChangeReason.JOINED_OTHER_INSURANCE.value)
    else:
        b = kit.family(old, [spec(R.HEAD, "1", 35, 50), spec(R.SPOUSE, "2", 33, 48),
                             spec(R.CHILD, None, 0, 15)])
    staying = [e for e in b.members if e.end is None]
    moved = kit.move(b, staying, new, day, _rels(staying))
    head = b.head if not isinstance(b.head, Enrolment) else moved[staying.index(b.head)]
    a = kit.new_household(new, moved, head, day, old)
    kit.candidate(b, a, Category.ADDRESS_ONLY.value, CONTINUE, day)


def head_change(kit: Kit, day: dt.date, old: str, new: str) -> None:
    """Category 2: same members, the adult child becomes the head after the move."""
    kit.begin("head_change", "世帯内の世帯主変更")
    b = kit.family(old, [spec(R.HEAD, "1", 66, 72), spec(R.SPOUSE, "2", 64, 72),
                         spec(R.CHILD, "1", 35, 44)])
    moved = kit.move(b, b.members, new, day, [R.PARENT.value, R.PARENT.value, R.HEAD.value])
    a = kit.new_household(new, moved, moved[2], day, old)
    kit.candidate(b, a, Category.HEAD_CHANGE.value, CONTINUE, day)


def members_added(kit: Kit, day: dt.date, old: str, new: str, reason: str) -> None:
    """Category 3: after the move a baby is born (04) or the spouse leaves an employee
    plan and joins (03)."""
    if reason == ChangeReason.BIRTH.value:
        kit.begin("members_added_birth", "構成員の増加(出生)")
        b = kit.family(old, [spec(R.HEAD, "1", 27, 40), spec(R.SPOUSE, "2", 26, 38)])
    else:
        kit.begin("members_added_insurance_left", "構成員の増加(社保離脱)")
        b = kit.family(old, [spec(R.HEAD, "1", 30, 55), spec(R.CHILD, None, 2, 15)])
    a = _whole_move(kit, b, new, day)
    when = _after_event_day(kit, day, new)
    parent = b.members[0].person
    if reason == ChangeReason.BIRTH.value:
        kit.birth(a, when, R.CHILD.value, parent)
    else:
        birth = birth_for_age(kit.rng, 28, 52)
        kit.joiner(a, when, R.SPOUSE.value, parent, "2", birth)
    kit.candidate(b, a, Category.MEMBERS_ADDED.value, CONTINUE, day)


def members_removed(kit: Kit, day: dt.date, old: str, new: str, reason: str) -> None:
    """Category 4: a member leaves NHI the day before the move (14, 13 or 16)."""
    titles = {"14": "死亡", "13": "社保加入", "16": "後期高齢者医療へ移行"}
    kit.begin(f"members_removed_{reason}", f"構成員の減少({titles[reason]})")
    if reason == ChangeReason.LATE_ELDERLY.value:
        turns_75 = day.replace(year=day.year - 75)
        third = spec(R.PARENT, None, 74, 74, birth=turns_75)
        head = spec(R.HEAD, "1", 45, 55)
    elif reason == ChangeReason.DEATH.value:
        third = spec(R.PARENT, None, 66, 73)
        head = spec(R.HEAD, "1", 40, 52)
    else:
        third = spec(R.CHILD, None, 19, 25)
        head = spec(R.HEAD, "1", 46, 58)
    b = kit.family(old, [head, spec(R.SPOUSE, "2", 40, 56), third])
    kit.leave(b.members[2], day - ONE_DAY, reason)
    movers = b.members[:2]
    moved = kit.move(b, movers, new, day, _rels(movers))
    a = kit.new_household(new, moved, moved[0], day, old)
    kit.candidate(b, a, Category.MEMBERS_REMOVED.value, CONTINUE, day)


def split_all_moved(kit: Kit, day: dt.date, old: str, new1: str, new2: str) -> None:
    """Category 5: parents to one household, grown children to another (none stay)."""
    kit.begin("split_all_moved", "世帯分離(全員転出)")
    b = kit.family(old, [spec(R.HEAD, "1", 46, 56), spec(R.SPOUSE, "2", 44, 54),
                         spec(R.CHILD, None, 20, 26), spec(R.CHILD, None, 19, 24)])
    parents = kit.move(b, b.members[:2], new1, day, [R.HEAD.value, R.SPOUSE.value])
    a1 = kit.new_household(new1, parents, parents[0], day, old)
    kids = kit.move(b, b.members[2:], new2, day, [R.HEAD.value, R.SIBLING.value])
    a2 = kit.new_household(new2, kids, kids[0], day, old)
    kit.candidate(b, a1, Category.SPLIT.value, CONTINUE, day)
    kit.candidate(b, a2, Category.SPLIT.value, DISCONTINUE, day)


def split_head_moves(kit: Kit, day: dt.date, old: str, new: str) -> None:
    """Category 5: head and spouse move, the grown child stays and becomes head
    (a second KSK01/KSK02 pair of the old municipality records the new head)."""
    kit.begin("split_head_moves_child_stays", "世帯分離(世帯主転出・子が残留)")
    scenario = kit.current
    scenario.stayed_behind = True
    b = kit.family(old, [spec(R.HEAD, "1", 50, 62), spec(R.SPOUSE, "2", 48, 60),
                         spec(R.CHILD, None, 22, 32)])
    moved = kit.move(b, b.members[:2], new, day, [R.HEAD.value, R.SPOUSE.value])
    a = kit.new_household(new, moved, moved[0], day, old)
    kit.emit(b, "change", "A")
    child = b.members[2]
    child.relation = R.HEAD.value
    b.head = child
    b.members = [child]
    b.change_date = day
    b.change_reason = ChangeReason.HOUSEHOLD_CHANGE_START.value
    kit.emit(b, "change", "B")
    kit.candidate(b, a, Category.SPLIT.value, CONTINUE, day)


def split_member_leaves(kit: Kit, day: dt.date, old: str, new: str, nominal: bool) -> None:
    """Category 5: one grown child moves out to head a new household; the rest stay."""
    kit.begin(f"split_member_leaves{'_nominal' if nominal else ''}", "世帯分離(子のみ転出)")
    kit.current.stayed_behind = True
    if nominal:
        b = kit.family(old, [spec(R.SPOUSE, "2", 45, 65), spec(R.CHILD, None, 20, 30)], "1")
    else:
        b = kit.family(old, [spec(R.HEAD, "1", 48, 64), spec(R.SPOUSE, "2", 46, 62),
                             spec(R.CHILD, None, 20, 30)])
    child = b.members[-1]
    moved = kit.move(b, [child], new, day, [R.HEAD.value])
    a = kit.new_household(new, moved, moved[0], day, old)
    kit.candidate(b, a, Category.SPLIT.value, DISCONTINUE, day)


def split_with_birth(kit: Kit, day: dt.date, old: str, new: str) -> None:
    """Category 5 over 3: the couple moves and has a baby; the head's sibling moves
    to a household of their own. The split rule decides."""
    kit.begin("split_with_birth", "世帯分離と出生")
    b = kit.family(old, [spec(R.HEAD, "1", 28, 38), spec(R.SPOUSE, "2", 26, 36),
                         spec(R.SIBLING, None, 20, 30)])
    couple = kit.move(b, b.members[:2], new, day, [R.HEAD.value, R.SPOUSE.value])
    a1 = kit.new_household(new, couple, couple[0], day, old)
    kit.birth(a1, _after_event_day(kit, day, new), R.CHILD.value, couple[0].person)
    sibling = kit.move(b, b.members[2:], new, day, [R.HEAD.value])
    a2 = kit.new_household(new, sibling, sibling[0], day, old)
    kit.candidate(b, a1, Category.SPLIT.value, CONTINUE, day)
    kit.candidate(b, a2, Category.SPLIT.value, DISCONTINUE, day)


def merge(kit: Kit, day: dt.date, old1: str, old2: str, new: str, later_days: int) -> None:
    """Category 6: a couple moves; the head's widowed parent moves in from another
    household (``later_days`` after), possibly from another municipality."""
    kit.begin("merge" if old1 != old2 else "merge_same_municipality", "世帯合併")
    b1 = kit.family(old1, [spec(R.HEAD, "1", 35, 48), spec(R.SPOUSE, "2", 33, 46)])
    b2 = kit.family(old2, [spec(R.HEAD, None, 62, 72)], like=b1.members[0].person)
    couple = kit.move(b1, b1.members, new, day, _rels(b1.members))
    a = kit.new_household(new, couple, couple[0], day, old1)
    second = min(_plus(day, later_days), last_day_for_files(new), last_day_for_files(old2))
    parent = kit.move(b2, b2.members, new, second, [R.PARENT.value])
    kit.join(a, parent)
    kit.candidate(b1, a, Category.MERGE.value, CONTINUE, day)
    kit.candidate(b2, a, Category.MERGE.value, DISCONTINUE, second)


def no_category(kit: Kit, day: dt.date, old: str, new: str, nominal_before: bool) -> None:
    """Category 9: the after household is headed by a new 擬制世帯主 (the before head
    was insured, or another nominal head)."""
    kind = "none_nominal_changed" if nominal_before else "none_new_nominal_head"
    kit.begin(kind, "該当なし(擬制世帯主が変わる)")
    if nominal_before:
        b = kit.family(old, [spec(R.SPOUSE, "2", 40, 60), spec(R.CHILD, None, 10, 20)], "1")
        relations = _rels(b.members)
    else:
        b = kit.family(old, [spec(R.HEAD, "2", 35, 50), spec(R.CHILD, None, 5, 15)])
        relations = [R.SPOUSE.value, R.CHILD.value]
    moved = kit.move(b, b.members, new, day, relations)
    head = kit.nominal_head(moved[0].person)
    a = kit.new_household(new, moved, head, day, old)
    kit.candidate(b, a, Category.NONE.value, DISCONTINUE, day)


def gap_or_overlap(kit: Kit, day: dt.date, old: str, new: str, shift: int) -> None:
    """A whole household whose new start is ``shift`` days after the move day:
    positive → 10 空白期間あり; 0 is not used; negative → 11 重複期間あり."""
    kind = "gap" if shift > 0 else "overlap"
    kit.begin(kind, "空白期間あり" if shift > 0 else "重複期間あり")
    b = kit.family(old, [spec(R.HEAD, None, 25, 70)]
                   + ([spec(R.SPOUSE, None, 25, 70)] if kit.rng.random() < 0.5 else []))
    _whole_move(kit, b, new, day, shift)
