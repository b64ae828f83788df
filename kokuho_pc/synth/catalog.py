"""Which scenarios the demo prefecture holds: a fixed core plus scaled extras.

The core covers every category of docs/business-rules.md §3 with its variants,
moves into つくば市 from every other municipality (the demo), gaps, overlaps
(including a new start equal to the old end) and moves whose new
municipality sends first (pending 20, then resolved). Extras, drawn at random,
bring the moving persons to about :data:`MOVE_SHARE` of the population.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from kokuho_pc.domain.codes import ChangeReason
from kokuho_pc.synth import scenarios as sc
from kokuho_pc.synth.factory import random_day
from kokuho_pc.synth.kit import Kit
from kokuho_pc.synth.timeline import (
    CHANGE_ORDER,
    FIRST_MOVE_DAY,
    LAST_MOVE_DAY,
    MUNICIPALITIES,
    sends_before,
)
from kokuho_pc.synth.timeline import MITO as M
from kokuho_pc.synth.timeline import TSUCHIURA as C
from kokuho_pc.synth.timeline import TSUKUBA as T
from kokuho_pc.synth.timeline import TSUKUBAMIRAI as Y
from kokuho_pc.synth.timeline import USHIKU as U

MOVE_SHARE = 0.02
FIRST_OF_MONTH = dt.date(2026, 10, 1)
BIRTH = ChangeReason.BIRTH.value
INSURANCE_LEFT = ChangeReason.LEFT_OTHER_INSURANCE.value
DEATH = ChangeReason.DEATH.value
INSURANCE_JOINED = ChangeReason.JOINED_OTHER_INSURANCE.value
LATE_ELDERLY = ChangeReason.LATE_ELDERLY.value

Build = Callable[[Kit, dt.date], None]


def _core() -> list[tuple[Build, bool]]:
    """(builder, on the 1st of a month) for every core scenario."""
    a = sc.address_only
    return [
        # Into つくば市: the demo medium set (every old municipality sends first).
        (lambda k, d: a(k, d, M, T), False),
        (lambda k, d: a(k, d, C, T, "single"), True),
        (lambda k, d: a(k, d, U, T, "nominal"), False),
        (lambda k, d: a(k, d, U, T, "born_before"), False),
        (lambda k, d: a(k, d, Y, T, "left_before"), False),
        (lambda k, d: a(k, d, M, T, "elderly"), False),
        (lambda k, d: a(k, d, C, T, "three_generations"), False),
        (lambda k, d: a(k, d, Y, T, "with_grandparent"), False),
        (lambda k, d: a(k, d, U, T, "cohabitant"), False),
        (lambda k, d: sc.head_change(k, d, M, T), False),
        (lambda k, d: sc.members_added(k, d, C, T, BIRTH), False),
        (lambda k, d: sc.members_added(k, d, U, T, INSURANCE_LEFT), True),
        (lambda k, d: sc.members_removed(k, d, M, T, DEATH), False),
        (lambda k, d: sc.members_removed(k, d, Y, T, INSURANCE_JOINED), False),
        (lambda k, d: sc.members_removed(k, d, C, T, LATE_ELDERLY), False),
        (lambda k, d: sc.split_all_moved(k, d, M, T, T), False),
        (lambda k, d: sc.split_head_moves(k, d, C, T), False),
        (lambda k, d: sc.split_member_leaves(k, d, U, T, False), False),
        (lambda k, d: sc.split_member_leaves(k, d, M, T, True), False),
        (lambda k, d: sc.split_with_birth(k, d, M, T), False),
        (lambda k, d: sc.merge(k, d, M, C, T, 5), False),
        (lambda k, d: sc.merge(k, d, U, U, T, 0), False),
        (lambda k, d: sc.no_category(k, d, Y, T, False), False),
        (lambda k, d: sc.no_category(k, d, M, T, True), False),
        (lambda k, d: sc.gap_or_overlap(k, d, M, T, 7), False),
        (lambda k, d: sc.gap_or_overlap(k, d, C, T, -2), False),
        (lambda k, d: sc.gap_or_overlap(k, d, U, T, -1), False),
        # Between the other municipalities (old sends first).
        (lambda k, d: a(k, d, M, U), False),
        (lambda k, d: a(k, d, U, C, "elderly"), False),
        (lambda k, d: sc.split_all_moved(k, d, M, C, Y), False),
        (lambda k, d: sc.merge(k, d, M, U, Y, 10), False),
        (lambda k, d: sc.head_change(k, d, U, C), True),
        (lambda k, d: sc.split_head_moves(k, d, M, Y), False),
        (lambda k, d: sc.gap_or_overlap(k, d, M, C, 3), False),
        (lambda k, d: sc.gap_or_overlap(k, d, U, Y, -4), False),
        # The new municipality sends first: 20, resolved when the old one sends.
        (lambda k, d: a(k, d, C, U), False),
        (lambda k, d: sc.members_removed(k, d, C, M, DEATH), False),
        (lambda k, d: sc.split_member_leaves(k, d, Y, M, False), False),
        (lambda k, d: sc.split_all_moved(k, d, C, U, U), False),
        (lambda k, d: a(k, d, T, Y), False),
        (lambda k, d: sc.members_added(k, d, T, C, BIRTH), False),
        (lambda k, d: sc.gap_or_overlap(k, d, C, U, 5), False),
    ]


def _pair(rng: random.Random) -> tuple[str, str]:
    old, new = rng.sample(MUNICIPALITIES, 2)
    return old, new


def _ordered(rng: random.Random, olds: int) -> tuple[list[str], str]:
    """A new municipality and ``olds`` old ones that all send before it."""
    new = rng.choice(CHANGE_ORDER[1:])
    earlier = [m for m in CHANGE_ORDER if sends_before(m, new)]
    return [rng.choice(earlier) for _ in range(olds)], new


def _extra(rng: random.Random) -> Build:
    """One randomly chosen extra scenario."""
    x = rng.random()
    old, new = _pair(rng)
    if x < 0.40:
        variant = rng.choice(("", "", "single", "single", "nominal", "born_before",
                              "left_before", "elderly", "three_generations",
                              "with_grandparent", "cohabitant"))
        return lambda k, d: sc.address_only(k, d, old, new, variant)
    if x < 0.45:
        return lambda k, d: sc.head_change(k, d, old, new)
    if x < 0.53:
        reason = rng.choice((BIRTH, INSURANCE_LEFT))
        return lambda k, d: sc.members_added(k, d, old, new, reason)
    if x < 0.61:
        reason = rng.choice((DEATH, INSURANCE_JOINED, LATE_ELDERLY))
        return lambda k, d: sc.members_removed(k, d, old, new, reason)
    if x < 0.66:
        return lambda k, d: sc.split_member_leaves(k, d, old, new, rng.random() < 0.3)
    if x < 0.70:
        return lambda k, d: sc.split_with_birth(k, d, old, new)
    if x < 0.74:
        if old == T:  # keep つくば市's change set a single pair (the demo medium set)
            old = rng.choice([m for m in MUNICIPALITIES if m not in (T, new)])
        return lambda k, d: sc.split_head_moves(k, d, old, new)
    if x < 0.80:
        (o,), n = _ordered(rng, 1)
        n2 = rng.choice([m for m in CHANGE_ORDER if sends_before(o, m)])
        return lambda k, d: sc.split_all_moved(k, d, o, n, n2)
    if x < 0.88:
        (o1, o2), n = _ordered(rng, 2)
        later = rng.randint(0, 10)
        return lambda k, d: sc.merge(k, d, o1, o2, n, later)
    if x < 0.94:
        nominal = rng.random() < 0.4
        return lambda k, d: sc.no_category(k, d, old, new, nominal)
    shift = rng.choice((1, 2, 5, 14, -1, -3, -10))
    return lambda k, d: sc.gap_or_overlap(k, d, old, new, shift)


def _day(rng: random.Random, first_of_month: bool) -> dt.date:
    if first_of_month or rng.random() < 0.08:
        return FIRST_OF_MONTH
    return random_day(rng, FIRST_MOVE_DAY, LAST_MOVE_DAY)


def build_catalog(kit: Kit, persons: int) -> None:
    """Build the core scenarios and enough extras for about 2 % of ``persons`` to move."""
    rng = kit.rng
    plan: list[tuple[Build, bool]] = _core()
    target_scenarios = int(persons * MOVE_SHARE / 2.3)
    for _ in range(max(0, target_scenarios - len(plan))):
        plan.append((_extra(rng), False))
    for build, first_of_month in plan:
        build(kit, _day(rng, first_of_month))
        kit.finish_scenario()
