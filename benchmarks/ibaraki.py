"""The 44 municipalities of 茨城県 as interface files, made with kokuho-pc synth's generators.

``kokuho-pc synth`` writes the five demo municipalities; the load benchmark needs the
whole prefecture. :func:`generate` uses synth's own parts (the ordinary population of
:func:`kokuho_pc.synth.population.iter_population`, the move scenarios of
:mod:`kokuho_pc.synth.scenarios` with their high-cost histories, the ordinary changes
of :class:`kokuho_pc.synth.ordinary.OrdinaryChanges`, the fixed-length writer) for all
44 codes, with the population split by each municipality's real size.

Two rounds per municipality:
- baseline: KSK01+KSK02 (population on 2026-08-31) and KKG01 (high-cost months),
  created 2026-09-01 08:00 + one minute per municipality;
- monthly: KSK01+KSK02 of September–October's changes (moves between the 44 — about
  2 % of persons move — births, deaths, 社保加入, newcomers ...), all created
  2026-11-02 09:00, so every municipality sends at the same time.

synth's timeline knows the change-round time of the five demo municipalities only;
:func:`generate` registers the same monthly time for the other 39 before it builds
anything (a run-time addition to ``timeline.CHANGE_CREATED``; nothing else changes).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from kokuho_pc.domain.codes import ChangeReason
from kokuho_pc.domain.municipality import is_valid_municipality_code
from kokuho_pc.synth import scenarios as sc
from kokuho_pc.synth import timeline
from kokuho_pc.synth.factory import Factory, random_day
from kokuho_pc.synth.generate import FileSet
from kokuho_pc.synth.histories import add_scenario_months
from kokuho_pc.synth.kit import Kit
from kokuho_pc.synth.model import (
    MyNumberSource,
    month_record,
)
from kokuho_pc.synth.ordinary import OrdinaryChanges
from kokuho_pc.synth.population import iter_population

# (code, name, population in thousands, 2020 census, rounded): the split of the persons.
IBARAKI: tuple[tuple[str, str, int], ...] = (
    ("082015", "水戸市", 270), ("082023", "日立市", 175), ("082031", "土浦市", 142),
    ("082040", "古河市", 140), ("082058", "石岡市", 73), ("082074", "結城市", 50),
    ("082082", "龍ケ崎市", 76), ("082112", "下妻市", 42), ("082121", "常総市", 61),
    ("082139", "常陸太田市", 48), ("082147", "高萩市", 27), ("082155", "北茨城市", 42),
    ("082163", "笠間市", 74), ("082171", "取手市", 104), ("082198", "牛久市", 84),
    ("082201", "つくば市", 241), ("082210", "ひたちなか市", 156), ("082228", "鹿嶋市", 67),
    ("082236", "潮来市", 27), ("082244", "守谷市", 69), ("082252", "常陸大宮市", 39),
    ("082261", "那珂市", 54), ("082279", "筑西市", 101), ("082287", "坂東市", 52),
    ("082295", "稲敷市", 39), ("082309", "かすみがうら市", 40), ("082317", "桜川市", 39),
    ("082325", "神栖市", 95), ("082333", "行方市", 32), ("082341", "鉾田市", 47),
    ("082350", "つくばみらい市", 52), ("082368", "小美玉市", 49), ("083020", "茨城町", 31),
    ("083097", "大洗町", 16), ("083101", "城里町", 18), ("083411", "東海村", 38),
    ("083640", "大子町", 16), ("084425", "美浦村", 14), ("084433", "阿見町", 48),
    ("084476", "河内町", 8), ("085219", "八千代町", 21), ("085421", "五霞町", 8),
    ("085464", "境町", 24), ("085642", "利根町", 15),
)
CODES = tuple(code for code, _, _ in IBARAKI)
BASELINE_CREATED = dt.datetime(2026, 9, 1, 8, 0, 0)
MONTHLY_CREATED = dt.datetime(2026, 11, 2, 9, 0, 0)
MOVE_SHARE = 0.02  # of persons, as synth's catalog
PERSONS_PER_MOVE = 2.6
SERIAL_BASE = 10**10  # far from synth's scenario serials (9 * 10^8 ...)

assert len(CODES) == 44 and all(is_valid_municipality_code(c) for c in CODES)


@dataclass
class Prefecture:
    """What :func:`generate` wrote: file names by municipality and round."""

    directory: Path
    persons: int = 0
    households: int = 0
    moves: int = 0
    baseline: dict[str, list[str]] = field(default_factory=dict)
    monthly: dict[str, list[str]] = field(default_factory=dict)


def _register_monthly_round() -> None:
    for code in CODES:
        timeline.CHANGE_CREATED.setdefault(code, MONTHLY_CREATED)


def _shares(persons: int) -> dict[str, int]:
    total = sum(p for _, _, p in IBARAKI)
    counts = {code: persons * p // total for code, _, p in IBARAKI}
    counts[CODES[0]] += persons - sum(counts.values())
    return counts


def _moves(kit: Kit, rng: random.Random, persons: int) -> int:
    """Moves between the municipalities (destinations weighted by size)."""
    weights = [p for _, _, p in IBARAKI]
    n = max(len(CODES), int(persons * MOVE_SHARE / PERSONS_PER_MOVE))
    for i in range(n):
        old = CODES[i % len(CODES)] if i < len(CODES) else rng.choices(CODES, weights)[0]
        new = rng.choices(CODES, weights)[0]
        while new == old:
            new = rng.choices(CODES, weights)[0]
        day = random_day(rng, timeline.FIRST_MOVE_DAY, timeline.LAST_MOVE_DAY)
        x = rng.random()
        if x < 0.6:
            variant = rng.choice(("", "", "single", "single", "nominal", "elderly",
                                  "three_generations", "cohabitant"))
            sc.address_only(kit, day, old, new, variant)
        elif x < 0.7:
            sc.head_change(kit, day, old, new)
        elif x < 0.8:
            sc.members_added(kit, day, old, new, ChangeReason.BIRTH.value)
        elif x < 0.9:
            sc.split_member_leaves(kit, day, old, new, rng.random() < 0.3)
        else:
            sc.no_category(kit, day, old, new, rng.random() < 0.4)
        kit.finish_scenario()
    return n


def _scenario_months(kit: Kit, code: str) -> list[dict[str, object]]:
    return [month_record(hh, m) for hh in kit.households if hh.municipality == code
            for m in hh.months if m.decided <= timeline.POPULATION_DATE]


def generate(out: Path, seed: int, persons: int) -> Prefecture:
    """Write both rounds of all 44 municipalities into ``out`` (deterministic for a seed)."""
    _register_monthly_round()
    out.mkdir(parents=True, exist_ok=True)
    numbers = MyNumberSource(seed)
    kit = Kit(random.Random(f"ibaraki:{seed}:moves"), numbers)
    prefecture = Prefecture(out)
    prefecture.moves = _moves(kit, kit.rng, persons)
    for scenario in kit.scenarios:
        add_scenario_months(kit.rng, scenario)
    moving = sum(len(r) for (rnd, _, _), snaps in kit.buckets.items() if rnd == "baseline"
                 for _, r in snaps)
    for index, (code, plain) in enumerate(_shares(max(0, persons - moving)).items()):
        created = BASELINE_CREATED + dt.timedelta(minutes=index)
        files = FileSet(out, code, created, created + timeline.KKG_DELAY)
        try:
            factory = Factory(random.Random(f"ibaraki:{seed}:population:{code}"), numbers,
                              SERIAL_BASE + index * 10**8, 1, 1)
            assert files.kkg01 is not None
            ordinary = OrdinaryChanges(seed, code)
            for hh in iter_population(factory, code, plain):
                files.household(hh)
                for m in hh.months:
                    files.kkg01.add(month_record(hh, m))
                ordinary.consider(hh)
            kit.buckets.setdefault(("change", code, "A"), []).extend(
                ordinary.snapshots(factory, plain))
            for snap in kit.buckets.get(("baseline", code, "A"), []):
                files.snapshot(snap)
            for record in _scenario_months(kit, code):
                files.kkg01.add(record)
            prefecture.persons += files.ksk02.count
            prefecture.households += files.ksk01.count
        finally:
            files.close()
        prefecture.baseline[code] = files.names
    for code in CODES:
        monthly = FileSet(out, code, MONTHLY_CREATED, None)
        try:
            for snap in kit.buckets.get(("change", code, "A"), []):
                monthly.snapshot(snap)
            for snap in kit.buckets.get(("change", code, "B"), []):
                monthly.snapshot(snap)
        finally:
            monthly.close()
        prefecture.monthly[code] = monthly.names
    return prefecture
