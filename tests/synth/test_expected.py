"""expected.json covers every case the simulator must handle, and leaks nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kokuho_pc.domain.leakscan import find_my_numbers
from kokuho_pc.formats.reader import parse_fixed
from kokuho_pc.synth.timeline import MUNICIPALITIES, TSUKUBA

ALL_CATEGORIES = {1, 2, 3, 4, 5, 6, 9}


def _moves(expected: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for s in expected["scenarios"]:
        yield from s["moves"]


def _kinds(expected: dict[str, Any]) -> set[str]:
    return {s["kind"] for s in expected["scenarios"]}


def test_every_category_with_its_suggestions(small_expected: dict[str, Any]) -> None:
    pairs = {(c["category"], c["suggestion"]) for c in small_expected["candidates"]}
    assert {c for c, _ in pairs} == ALL_CATEGORIES
    assert {(1, "continue"), (2, "continue"), (3, "continue"), (4, "continue"),
            (5, "continue"), (5, "discontinue"), (6, "continue"), (6, "discontinue"),
            (9, "discontinue")} <= pairs


def test_every_variant_of_the_categories(small_expected: dict[str, Any]) -> None:
    kinds = _kinds(small_expected)
    assert {
        "address_only", "address_only_nominal", "address_only_born_before",
        "address_only_left_before", "address_only_elderly", "address_only_single",
        "address_only_three_generations", "address_only_with_grandparent",
        "address_only_cohabitant",
        "head_change", "members_added_birth", "members_added_insurance_left",
        "members_removed_14", "members_removed_13", "members_removed_16",
        "split_all_moved", "split_head_moves_child_stays", "split_member_leaves",
        "split_member_leaves_nominal", "split_with_birth", "merge",
        "merge_same_municipality", "none_new_nominal_head", "none_nominal_changed",
        "gap", "overlap",
    } <= kinds
    assert any(s["stayed_behind"] for s in small_expected["scenarios"])
    merges = [s for s in small_expected["scenarios"] if s["kind"] == "merge"]
    assert any(len({b["municipality"] for b in s["before"]}) > 1 for s in merges)


def test_gaps_overlaps_and_pending_moves(small_expected: dict[str, Any]) -> None:
    moves = list(_moves(small_expected))
    codes = {m["result_code"] for m in moves}
    assert codes == {"00", "10", "11"}
    assert any(m["pending_first"] and m["result_code"] == "00" for m in moves)
    assert any(m["pending_first"] and m["result_code"] == "10" for m in moves)
    assert any(m["coverage_start"] < m["move_date"] for m in moves)  # overlap
    # One overlap starts exactly on the old end day (start == end is an overlap too).
    assert any(
        m["result_code"] == "11"
        and dt.date.fromisoformat(m["coverage_start"])
        == dt.date.fromisoformat(m["move_date"]) - dt.timedelta(days=1)
        for m in moves
    )
    gap_overlap = {(m["before_household"], m["before_municipality"]) for m in moves
                   if m["result_code"] != "00"}
    for c in small_expected["candidates"]:
        assert (c["before_household"], c["before_municipality"]) not in gap_overlap


def test_ksk11_lists_both_sides_of_every_move(small_expected: dict[str, Any]) -> None:
    moves = list(_moves(small_expected))
    rows = small_expected["ksk11"]
    assert len(rows) == 2 * len(moves)
    assert {r["side"] for r in rows} == {"before", "after"}


def test_tsukuba_demo_receives_every_category_from_every_other_municipality(
    small_expected: dict[str, Any]
) -> None:
    into = [c for c in small_expected["candidates"] if c["after_municipality"] == TSUKUBA]
    assert {c["category"] for c in into} == ALL_CATEGORIES
    assert {c["before_municipality"] for c in into} == set(MUNICIPALITIES) - {TSUKUBA}
    moves_in = [m for m in _moves(small_expected) if m["after_municipality"] == TSUKUBA]
    assert not any(m["pending_first"] for m in moves_in)
    assert {m["result_code"] for m in moves_in} == {"00", "10", "11"}


def test_results_exercise_carry_over_and_tasuu(small_expected: dict[str, Any]) -> None:
    results = small_expected["results"]
    assert len(results) == len(small_expected["candidates"])
    assert any(r["carried_months"] for r in results)
    assert any(r["next_hit_tasuu"] for r in results)
    assert any(r["tasuu_count"] >= 3 and not r["next_hit_tasuu"] for r in results)
    assert any(r["move_month_rule"] for r in results)
    assert any(r["decision"] == "continue" and not r["move_month_rule"] for r in results)
    for r in results:
        if r["decision"] == "discontinue":
            assert r["carried_months"] == [] and not r["move_month_rule"]
        assert r["carried_months"] == sorted(r["carried_months"])
        assert all(m >= "201804" for m in r["carried_months"])


def test_high_cost_files_hold_both_kinds_and_low_income(small_prefecture: Path) -> None:
    kinds: set[str] = set()
    incomes: set[str] = set()
    for path in small_prefecture.glob("KKG01_*.dat"):
        for r in parse_fixed(path.name, path.read_bytes()).records:
            kinds.add(str(r["high_cost_kind"]))
            incomes.add(str(r["income_category"]))
    assert kinds == {"1", "2"}
    assert {"15", "16"} & incomes
    assert {"01", "02", "03", "04", "05"} & incomes


def test_expected_json_holds_no_my_number(small_prefecture: Path) -> None:
    text = (small_prefecture / "expected.json").read_text("utf-8")
    assert find_my_numbers(text) == []
    assert "my_number" not in text
