"""Write the whole demo prefecture: both rounds of files and ``expected.json``.

:func:`generate_prefecture` is the one function that touches the file system
(through :mod:`pathlib`); everything else builds records in memory, one
household at a time for the ordinary population.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from kokuho_pc.formats.filenames import make_file_name
from kokuho_pc.synth.catalog import build_catalog
from kokuho_pc.synth.expected import write_expected
from kokuho_pc.synth.factory import Factory
from kokuho_pc.synth.histories import add_scenario_months
from kokuho_pc.synth.kit import Kit
from kokuho_pc.synth.model import (
    Household,
    MyNumberSource,
    Snapshot,
    household_record,
    month_record,
    person_record,
    thaw,
)
from kokuho_pc.synth.ordinary import OrdinaryChanges
from kokuho_pc.synth.population import iter_population
from kokuho_pc.synth.sink import FixedSink
from kokuho_pc.synth.timeline import (
    CHANGE_ORDER,
    MUNICIPALITIES,
    POPULATION_DATE,
    POPULATION_WEIGHTS,
    TSUKUBA,
    Round,
    baseline_round,
    change_round,
)

DEFAULT_PERSONS = 2_000
GENERATOR_VERSION = "synth-1"
EXPECTED_NAME = "expected.json"


@dataclass
class SynthSummary:
    """What :func:`generate_prefecture` wrote."""

    files: list[str] = field(default_factory=list)
    demo_medium_set: list[str] = field(default_factory=list)
    persons: int = 0
    households: int = 0
    high_cost_months: int = 0
    scenarios: int = 0
    ordinary_changes: dict[str, dict[str, int]] = field(default_factory=dict)


class FileSet:
    """The open KSK01+KSK02 pair (and optionally KKG01) of one round."""

    def __init__(self, out_dir: Path, code: str, created: dt.datetime,
                 kkg_created: dt.datetime | None) -> None:
        self._handles: list[BinaryIO] = []
        self.names: list[str] = []
        self.ksk01 = self._open(out_dir, "KSK01", code, created)
        self.ksk02 = self._open(out_dir, "KSK02", code, created)
        self.kkg01 = self._open(out_dir, "KKG01", code, kkg_created) if kkg_created else None

    def _open(self, out_dir: Path, if_id: str, code: str, created: dt.datetime) -> FixedSink:
        name = make_file_name(if_id, code, created)
        handle = (out_dir / name).open("wb")
        self._handles.append(handle)
        self.names.append(name)
        return FixedSink(if_id, code, created, handle.write)

    def household(self, hh: Household) -> None:
        self.ksk01.add(household_record(hh))
        for e in hh.members:
            self.ksk02.add(person_record(hh, e))

    def snapshot(self, snap: Snapshot) -> None:
        household, persons = thaw(snap)
        self.ksk01.add(household)
        for record in persons:
            self.ksk02.add(record)

    def close(self) -> None:
        try:
            for sink in (self.ksk01, self.ksk02, self.kkg01):
                if sink is not None:
                    sink.close()
        finally:
            for handle in self._handles:
                handle.close()


def _plain_counts(persons: int, scenario_persons: int) -> dict[str, int]:
    plain = max(0, persons - scenario_persons)
    total = sum(POPULATION_WEIGHTS.values())
    counts = {m: plain * POPULATION_WEIGHTS[m] // total for m in MUNICIPALITIES}
    counts[MUNICIPALITIES[0]] += plain - sum(counts.values())
    return counts


def _scenario_months(kit: Kit, code: str, baseline: bool) -> Iterable[dict[str, object]]:
    for hh in kit.households:
        if hh.municipality != code:
            continue
        for m in hh.months:
            if (m.decided <= POPULATION_DATE) == baseline:
                yield month_record(hh, m)


def _write_baseline(out_dir: Path, kit: Kit, seed: int, code: str, plain: int,
                    summary: SynthSummary) -> None:
    rnd: Round = baseline_round(code)
    files = FileSet(out_dir, code, rnd.created, rnd.kkg_created)
    try:
        serial_base = (MUNICIPALITIES.index(code) + 1) * 10**8
        factory = Factory(random.Random(f"kokuho-synth:{seed}:population:{code}"),
                          MyNumberSource(seed), serial_base, 1, 1)
        assert files.kkg01 is not None
        ordinary = OrdinaryChanges(seed, code)
        for hh in iter_population(factory, code, plain):
            files.household(hh)
            for m in hh.months:
                files.kkg01.add(month_record(hh, m))
            ordinary.consider(hh)
        kit.buckets.setdefault(("change", code, "A"), []).extend(
            ordinary.snapshots(factory, plain))
        summary.ordinary_changes[code] = dict(sorted(ordinary.counts.items()))
        for snap in kit.buckets.get(("baseline", code, "A"), []):
            files.snapshot(snap)
        for record in _scenario_months(kit, code, baseline=True):
            files.kkg01.add(record)
        summary.persons += files.ksk02.count
        summary.households += files.ksk01.count
        summary.high_cost_months += files.kkg01.count
    finally:
        files.close()
    summary.files.extend(files.names)


def _write_change(out_dir: Path, kit: Kit, code: str, summary: SynthSummary) -> list[str]:
    rnd = change_round(code)
    names: list[str] = []
    phases = [("A", rnd.created, rnd.kkg_created), ("B", rnd.second_pair_created, None)]
    for phase, created, kkg_created in phases:
        snaps = kit.buckets.get(("change", code, phase), [])
        if phase == "B" and not snaps:
            continue
        files = FileSet(out_dir, code, created, kkg_created)
        try:
            for snap in snaps:
                files.snapshot(snap)
            if files.kkg01 is not None:
                for record in _scenario_months(kit, code, baseline=False):
                    files.kkg01.add(record)
                summary.high_cost_months += files.kkg01.count
        finally:
            files.close()
        names.extend(files.names)
    summary.files.extend(names)
    return names


def generate_prefecture(out_dir: Path, seed: int, persons: int = DEFAULT_PERSONS) -> SynthSummary:
    """Write the demo prefecture's interface files and ``expected.json`` into ``out_dir``.

    Same ``seed`` and ``persons`` → identical bytes. ``persons`` is the size of
    the baseline population (the fixed core of move scenarios is always made).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    numbers = MyNumberSource(seed)
    kit = Kit(random.Random(f"kokuho-synth:{seed}:scenarios"), numbers)
    build_catalog(kit, persons)
    for scenario in kit.scenarios:
        add_scenario_months(kit.rng, scenario)
    scenario_persons = sum(len(r) for (rnd, _, _), snaps in kit.buckets.items()
                           if rnd == "baseline" for _, r in snaps)
    counts = _plain_counts(persons, scenario_persons)
    summary = SynthSummary(scenarios=len(kit.scenarios))
    for code in MUNICIPALITIES:
        _write_baseline(out_dir, kit, seed, code, counts[code], summary)
    change_files: dict[str, list[str]] = {}
    for code in CHANGE_ORDER:
        change_files[code] = _write_change(out_dir, kit, code, summary)
    summary.demo_medium_set = change_files[TSUKUBA]
    header = {
        "generator": GENERATOR_VERSION,
        "seed": seed,
        "persons": persons,
        "files_in_timestamp_order": sorted(summary.files, key=_stamp_key),
        "demo_medium_set": summary.demo_medium_set,
        "ordinary_changes": summary.ordinary_changes,
        "notes": _NOTES,
    }
    with (out_dir / EXPECTED_NAME).open("w", encoding="utf-8", newline="\n") as handle:
        write_expected(kit, header, handle.write)
    return summary


def _stamp_key(name: str) -> tuple[str, str]:
    stem = name.rsplit(".", 1)[0]
    return stem.rsplit("_", 1)[1], name


_NOTES = [
    "Household numbers and insured IDs are written as in the files minus the trailing "
    "space padding (leading zeros belong to the value), as shuyaku-sim judge prints them.",
    "ksk11 lists the moving persons' rows only (side before: old municipality, after: new); "
    "everyone else should be 00.",
    "pending_first: the new municipality sends first, so the move is 20 until the old "
    "municipality's change set arrives; result_code is the final code.",
    "Category 2 suggestions assume head_change_within_household=continue; with review "
    "see suggestion_with_head_change_review.",
    "results assume judge --confirm decides every candidate as suggested; months are "
    "counted once per care month over the after household's own months plus all months "
    "carried into it.",
    "A nominal-head household's KKG01 item 4 holds its first insured member's ID.",
]
