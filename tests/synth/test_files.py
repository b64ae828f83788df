"""The generated file set: determinism, the checker, names, rounds and consistency."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from kokuho_pc.domain.mynumber import MyNumber
from kokuho_pc.formats.checker import check_paths
from kokuho_pc.formats.filenames import parse_file_name
from kokuho_pc.formats.reader import ParsedFile, parse_fixed
from kokuho_pc.synth import generate_prefecture
from kokuho_pc.synth.timeline import MUNICIPALITIES, TSUKUBA

from .conftest import SMALL_PERSONS, SMALL_SEED


def _interface_files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())
            if p.suffix == ".dat"}


def _parsed(directory: Path) -> dict[str, ParsedFile]:
    return {name: parse_fixed(name, data) for name, data in _interface_files(directory).items()}


def test_same_seed_gives_identical_bytes(small_prefecture: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate_prefecture(again, SMALL_SEED, SMALL_PERSONS)
    first = _interface_files(small_prefecture)
    assert _interface_files(again) == first
    expected = (small_prefecture / "expected.json").read_bytes()
    assert (again / "expected.json").read_bytes() == expected


def test_another_seed_gives_other_people(small_prefecture: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate_prefecture(other, SMALL_SEED + 1, SMALL_PERSONS)
    mine, theirs = _interface_files(small_prefecture), _interface_files(other)
    differing = [n for n in mine if n in theirs and mine[n] != theirs[n]]
    assert len(differing) >= len(mine) // 2


def test_every_file_passes_the_checker(small_prefecture: Path) -> None:
    report = check_paths([small_prefecture], today=dt.date(2026, 11, 26))
    assert report.errors == []
    assert report.valid
    assert len(report.files) == len(_interface_files(small_prefecture))


def test_each_municipality_sends_a_baseline_and_a_change_round(small_prefecture: Path) -> None:
    names = [parse_file_name(n) for n in _interface_files(small_prefecture)]
    per = Counter((f.municipality_code, f.if_id, f.created.date() < dt.date(2026, 10, 1))
                  for f in names)
    for code in MUNICIPALITIES:
        for if_id in ("KSK01", "KSK02", "KKG01"):
            assert per[(code, if_id, True)] == 1, (code, if_id)
            assert per[(code, if_id, False)] >= 1, (code, if_id)
    # KSK01 and KSK02 always travel as a pair with the same timestamp.
    stamps = Counter((f.municipality_code, f.created) for f in names if f.if_id != "KKG01")
    assert set(stamps.values()) == {2}


def test_demo_medium_set_is_tsukubas_change_round_and_comes_last(
    small_prefecture: Path, small_expected: dict[str, Any]
) -> None:
    demo = small_expected["demo_medium_set"]
    assert sorted(n[:5] for n in demo) == ["KKG01", "KSK01", "KSK02"]
    parsed = [parse_file_name(n) for n in demo]
    assert {p.municipality_code for p in parsed} == {TSUKUBA}
    order = small_expected["files_in_timestamp_order"]
    assert order[-3:] == sorted(demo, key=lambda n: (n.rsplit("_", 1)[1], n))
    assert set(order) == set(_interface_files(small_prefecture))


def test_pending_moves_have_the_new_municipality_send_first(
    small_prefecture: Path, small_expected: dict[str, Any]
) -> None:
    change = {}
    for name in _interface_files(small_prefecture):
        f = parse_file_name(name)
        if f.if_id == "KSK01" and f.created.month == 11:
            change.setdefault(f.municipality_code, f.created)
            change[f.municipality_code] = min(change[f.municipality_code], f.created)
    pending = [m for s in small_expected["scenarios"] for m in s["moves"] if m["pending_first"]]
    assert pending
    for move in pending:
        assert change[move["after_municipality"]] < change[move["before_municipality"]]


def test_my_numbers_are_unique_across_the_baseline(small_prefecture: Path) -> None:
    numbers: list[MyNumber] = []
    for name, parsed in _parsed(small_prefecture).items():
        if parse_file_name(name).created.month != 9:
            continue
        for r in parsed.records:
            for key in ("my_number", "nominal_head_my_number"):
                value = r.get(key)
                if isinstance(value, MyNumber):
                    numbers.append(value)
    assert len(numbers) > SMALL_PERSONS
    assert len(set(numbers)) == len(numbers)


def test_each_move_links_the_same_person_in_both_municipalities(
    small_prefecture: Path, small_expected: dict[str, Any]
) -> None:
    persons: dict[tuple[str, str], list[dict[str, object]]] = {}
    for name, parsed in _parsed(small_prefecture).items():
        if name.startswith("KSK02"):
            for r in parsed.records:
                persons.setdefault((str(r["municipality_code"]),
                                    str(r["municipal_insured_id"])), []).append(r)
    moves = [m for s in small_expected["scenarios"] for m in s["moves"]]
    assert moves
    for m in moves:
        old = persons[(m["before_municipality"], m["before_insured_id"])][-1]
        new = persons[(m["after_municipality"], m["after_insured_id"])][-1]
        move_day = dt.date.fromisoformat(m["move_date"])
        assert old["my_number"] == new["my_number"]
        assert old["coverage_end"] == move_day - dt.timedelta(days=1)
        assert old["coverage_end_reason"] == "12"
        assert old["household_no"] == m["before_household"]
        assert new["coverage_start"] == dt.date.fromisoformat(m["coverage_start"])
        assert new["coverage_start_reason"] == "02"
        assert new["previous_municipality"] == m["before_municipality"]
        assert new["household_no"] == m["after_household"]
        assert new["qualification_acquired"] == old["qualification_acquired"]


def test_identical_bytes_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for hash_seed in ("1", "4242"):
        out = tmp_path / f"h{hash_seed}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-m", "kokuho_pc", "synth", "--out", str(out), "--seed", "8",
             "--persons", "400"],
            env=env, capture_output=True, timeout=120, check=False,
        )
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]


def test_every_relation_code_appears(small_prefecture: Path) -> None:
    relations: set[str] = set()
    for name, parsed in _parsed(small_prefecture).items():
        if name.startswith("KSK02"):
            relations.update(str(r["relation"]) for r in parsed.records)
    assert relations == {"01", "02", "03", "04", "05", "06", "07", "09"}
