"""Candidate categories 1–6 and 9 of docs/business-rules.md §3, on hand-built households."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from shuyaku_sim.engine import Engine
from shuyaku_sim.settings import Settings
from tests.sim.enginehelp import T1, T2, T3, cands, make_engine, only, submit
from tests.sim.towns import MITO, TSUCHIURA, TSUKUBA, Town, day_before

D = dt.date(2026, 10, 1)
END = day_before(D)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    e = make_engine(tmp_path / "data")
    yield e
    e.close()


def _family_moves(old: Town, new: Town, new_head: int = 1) -> None:
    """Household 100 (1 head, 2 spouse) of Mito moves whole to Tsukuba household 200."""
    old.household("100", "O1", end=END, reason="12", change=D)
    old.person("O1", "100", 1, "01", end=END, end_reason="12")
    old.person("O2", "100", 2, "02", end=END, end_reason="12")
    new.household("200", f"N{new_head}", start=D, reason="02", prev=MITO)
    new.person("N1", "200", 1, "01" if new_head == 1 else "02", start=D, reason="02", prev=MITO)
    new.person("N2", "200", 2, "01" if new_head == 2 else "02", start=D, reason="02", prev=MITO)


def test_category_1_address_change_only(engine: Engine) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    _family_moves(old, new)
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    c = only(engine, TSUKUBA)
    assert (c["category"], c["suggestion"]) == (1, "continue")
    assert (c["before_municipality"], c["before_household"]) == (MITO, "100")
    assert (c["after_municipality"], c["after_household"]) == (TSUKUBA, "200")
    assert c["reason"] and "住所異動のみ" in c["reason"]
    assert c["state"] == "undecided" and c["candidate_no"] == f"{TSUKUBA}-1"
    assert engine.list_candidates(MITO) == []


@pytest.mark.parametrize("setting", ["continue", "review"])
def test_category_2_head_change_within_household_follows_setting(
    tmp_path: Path, setting: str
) -> None:
    engine = make_engine(tmp_path / "data", Settings(head_change_within_household=setting))
    try:
        old, new = Town(MITO), Town(TSUKUBA)
        _family_moves(old, new, new_head=2)
        submit(engine, old.pair(T1))
        submit(engine, new.pair(T2))
        c = only(engine, TSUKUBA)
        assert (c["category"], c["suggestion"]) == (2, setting)
    finally:
        engine.close()


def test_category_3_birth_after_the_move(engine: Engine) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    _family_moves(old, new)
    born = D + dt.timedelta(days=20)
    new.person("N3", "200", 3, "03", start=born, reason="04", birth=born)
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    c = only(engine, TSUKUBA)
    assert (c["category"], c["suggestion"]) == (3, "continue")
    detail = engine.get_candidate(TSUKUBA, c["candidate_no"])
    added = [m for m in detail["members"] if m["marker"] == "added"]
    assert [(m["after_insured_id"], m["change_reason"]) for m in added] == [("N3", "04")]


def test_category_3_member_leaving_other_insurance_joins(engine: Engine) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    _family_moves(old, new)
    new.person("N3", "200", 3, "03", start=D + dt.timedelta(days=40), reason="03",
               birth=dt.date(1999, 5, 5))
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    assert (only(engine, TSUKUBA)["category"], only(engine, TSUKUBA)["suggestion"]) == (
        3, "continue")


def test_birth_arriving_in_a_later_file_refreshes_the_candidate(engine: Engine) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    _family_moves(old, new)
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    assert only(engine, TSUKUBA)["category"] == 1
    later = Town(TSUKUBA)
    later.household("200", "N1", start=D, reason="02", prev=MITO, ptype="2")
    later.person("N1", "200", 1, "01", start=D, reason="02", prev=MITO, ptype="2")
    born = D + dt.timedelta(days=30)
    later.person("N3", "200", 3, "03", start=born, reason="04", birth=born)
    submit(engine, later.pair(T3))
    c = only(engine, TSUKUBA)
    assert (c["category"], c["candidate_no"]) == (3, f"{TSUKUBA}-1")


@pytest.mark.parametrize("leave_reason", ["13", "14", "16"])
def test_category_4_member_left_before_the_move(engine: Engine, leave_reason: str) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    _family_moves(old, new)
    old.person("O3", "100", 3, "04", end=END, end_reason=leave_reason, birth=dt.date(1950, 1, 1))
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    c = only(engine, TSUKUBA)
    assert (c["category"], c["suggestion"]) == (4, "continue")
    detail = engine.get_candidate(TSUKUBA, c["candidate_no"])
    removed = [m for m in detail["members"] if m["marker"] == "removed"]
    assert [(m["before_insured_id"], m["change_reason"]) for m in removed] == [
        ("O3", leave_reason)]


def test_category_4_member_died_after_the_move(engine: Engine) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    old.household("100", "O1", end=END, reason="12", change=D)
    old.person("O1", "100", 1, "01", end=END, end_reason="12")
    old.person("O2", "100", 2, "02", end=END, end_reason="12")
    new.household("200", "N1", start=D, reason="02", prev=MITO)
    new.person("N1", "200", 1, "01", start=D, reason="02", prev=MITO)
    new.person("N2", "200", 2, "02", start=D, reason="02", prev=MITO,
               end=D + dt.timedelta(days=9), end_reason="14")
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    assert (only(engine, TSUKUBA)["category"], only(engine, TSUKUBA)["suggestion"]) == (
        4, "continue")


def test_same_head_with_a_member_from_outside_the_prefecture_needs_review(
    engine: Engine
) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    _family_moves(old, new)
    new.person("N3", "200", 3, "09", start=D + dt.timedelta(days=3), reason="01")
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    c = only(engine, TSUKUBA)
    assert (c["category"], c["suggestion"]) == (9, "review")


def test_category_5_split_head_keeps_one_household(engine: Engine) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    old.household("100", "O1", end=END, reason="12", change=D)
    for s, rel in ((1, "01"), (2, "02"), (3, "03")):
        old.person(f"O{s}", "100", s, rel, end=END, end_reason="12")
    new.household("200", "N1", start=D, reason="02", prev=MITO)
    new.person("N1", "200", 1, "01", start=D, reason="02", prev=MITO)
    new.person("N2", "200", 2, "02", start=D, reason="02", prev=MITO)
    new.household("201", "N3", start=D, reason="02", prev=MITO)
    new.person("N3", "201", 3, "01", start=D, reason="02", prev=MITO)
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    found = cands(engine, TSUKUBA)
    assert (found[("100", "200")]["category"], found[("100", "200")]["suggestion"]) == (
        5, "continue")
    assert (found[("100", "201")]["category"], found[("100", "201")]["suggestion"]) == (
        5, "discontinue")
    detail = engine.get_candidate(TSUKUBA, found[("100", "200")]["candidate_no"])
    removed = [(m["before_insured_id"], m["change_reason"], m["change_reason_label"])
               for m in detail["members"] if m["marker"] == "removed"]
    assert removed == [("O3", "12", "県内転出")]


def test_category_5_split_where_the_head_stays_behind(engine: Engine) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    old.household("100", "O1")
    old.person("O1", "100", 1, "01")
    old.person("O2", "100", 2, "03", end=END, end_reason="12")
    old.person("O3", "100", 3, "03", end=END, end_reason="12")
    new.household("200", "N2", start=D, reason="02", prev=MITO)
    new.person("N2", "200", 2, "01", start=D, reason="02", prev=MITO)
    new.person("N3", "200", 3, "06", start=D, reason="02", prev=MITO)
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    c = only(engine, TSUKUBA)
    assert (c["category"], c["suggestion"]) == (5, "discontinue")
    assert "世帯分離" in c["reason"]


def test_split_across_two_destination_municipalities_updates_the_first(engine: Engine) -> None:
    old, a, b = Town(MITO), Town(TSUKUBA), Town(TSUCHIURA)
    old.household("100", "O1", end=END, reason="12", change=D)
    old.person("O1", "100", 1, "01", end=END, end_reason="12")
    old.person("O2", "100", 2, "03", end=END, end_reason="12")
    a.household("200", "N1", start=D, reason="02", prev=MITO)
    a.person("N1", "200", 1, "01", start=D, reason="02", prev=MITO)
    b.household("300", "T2", start=D, reason="02", prev=MITO)
    b.person("T2", "300", 2, "01", start=D, reason="02", prev=MITO)
    submit(engine, old.pair(T1))
    submit(engine, a.pair(T2))
    # The child moved out of Mito but has not arrived anywhere yet: already a split.
    assert (only(engine, TSUKUBA)["category"], only(engine, TSUKUBA)["suggestion"]) == (
        5, "continue")
    submit(engine, b.pair(T3))
    assert (only(engine, TSUKUBA)["category"], only(engine, TSUKUBA)["suggestion"]) == (
        5, "continue")
    assert (only(engine, TSUCHIURA)["category"], only(engine, TSUCHIURA)["suggestion"]) == (
        5, "discontinue")


def test_category_6_merge_from_several_municipalities(engine: Engine) -> None:
    mito, tsuchiura, tsukuba = Town(MITO), Town(TSUCHIURA), Town(TSUKUBA)
    mito.household("100", "O1", end=END, reason="12", change=D)
    mito.person("O1", "100", 1, "01", end=END, end_reason="12")
    tsuchiura.household("500", "U2", end=END, reason="12", change=D)
    tsuchiura.person("U2", "500", 2, "01", end=END, end_reason="12")
    tsuchiura.person("U3", "500", 3, "03", end=END, end_reason="12")
    tsukuba.household("200", "N1", start=D, reason="02", prev=MITO)
    tsukuba.person("N1", "200", 1, "01", start=D, reason="02", prev=MITO)
    tsukuba.person("N2", "200", 2, "02", start=D, reason="02", prev=TSUCHIURA)
    tsukuba.person("N3", "200", 3, "03", start=D, reason="02", prev=TSUCHIURA)
    submit(engine, mito.pair(T1))
    submit(engine, tsuchiura.pair(T2))
    submit(engine, tsukuba.pair(T3))
    found = cands(engine, TSUKUBA)
    assert set(found) == {("100", "200"), ("500", "200")}
    assert (found[("100", "200")]["category"], found[("100", "200")]["suggestion"]) == (
        6, "continue")
    assert (found[("500", "200")]["category"], found[("500", "200")]["suggestion"]) == (
        6, "discontinue")
    assert found[("500", "200")]["before_municipality"] == TSUCHIURA


def test_category_9_joining_an_existing_household(engine: Engine) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    old.household("100", "O1", end=END, reason="12", change=D)
    old.person("O1", "100", 1, "01", end=END, end_reason="12")
    new.household("200", "N7")
    new.person("N7", "200", 7, "01")
    new.person("N1", "200", 1, "09", start=D, reason="02", prev=MITO)
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    c = only(engine, TSUKUBA)
    assert (c["category"], c["suggestion"]) == (9, "discontinue")


def test_category_9_head_change_with_a_member_missing(engine: Engine) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    old.household("100", "O1", end=END, reason="12", change=D)
    old.person("O1", "100", 1, "01", end=END, end_reason="14")
    old.person("O2", "100", 2, "02", end=END, end_reason="12")
    new.household("200", "N2", start=D, reason="02", prev=MITO)
    new.person("N2", "200", 2, "01", start=D, reason="02", prev=MITO)
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    assert (only(engine, TSUKUBA)["category"], only(engine, TSUKUBA)["suggestion"]) == (
        9, "discontinue")


def test_nominal_head_recognised_across_municipalities(engine: Engine) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    old.household("100", nominal=50, end=END, reason="12", change=D)
    old.person("O2", "100", 2, "02", end=END, end_reason="12")
    old.person("O3", "100", 3, "03", end=END, end_reason="12")
    new.household("200", nominal=50, start=D, reason="02", prev=MITO)
    new.person("N2", "200", 2, "02", start=D, reason="02", prev=MITO)
    new.person("N3", "200", 3, "03", start=D, reason="02", prev=MITO)
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    c = only(engine, TSUKUBA)
    assert (c["category"], c["suggestion"]) == (1, "continue")
    detail = engine.get_candidate(TSUKUBA, c["candidate_no"])
    assert detail["before_head"]["head_type"] == "nominal"
    assert detail["before_head"]["municipal_insured_id"] is None


def test_other_nominal_head_is_not_the_same_head(engine: Engine) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    old.household("100", nominal=50, end=END, reason="12", change=D)
    old.person("O2", "100", 2, "02", end=END, end_reason="12")
    new.household("200", nominal=51, start=D, reason="02", prev=MITO)
    new.person("N2", "200", 2, "02", start=D, reason="02", prev=MITO)
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    assert (only(engine, TSUKUBA)["category"], only(engine, TSUKUBA)["suggestion"]) == (
        9, "discontinue")


def test_insured_head_becoming_nominal_head_is_the_same_head(engine: Engine) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    old.household("100", "O1", end=END, reason="12", change=D)
    old.person("O1", "100", 1, "01", end=END, end_reason="13")
    old.person("O2", "100", 2, "02", end=END, end_reason="12")
    new.household("200", nominal=1, start=D, reason="02", prev=MITO)
    new.person("N2", "200", 2, "02", start=D, reason="02", prev=MITO)
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    assert (only(engine, TSUKUBA)["category"], only(engine, TSUKUBA)["suggestion"]) == (
        4, "continue")


def test_head_as_it_stood_the_day_before_the_move(engine: Engine) -> None:
    """The head moves out, the child stays and becomes head on the move day (a later
    household record of the old municipality); the before head is still the mover."""
    old = Town(MITO).household("100", "O1")
    old.person("O1", "100", 1, "01")
    old.person("O2", "100", 2, "02")
    old.person("O3", "100", 3, "03")
    submit(engine, old.pair(T1))
    change = Town(MITO).household("100", "O3", change=D, reason="06", ptype="2")
    change.person("O1", "100", 1, "09", end=END, end_reason="12", ptype="2")
    change.person("O2", "100", 2, "02", end=END, end_reason="12", ptype="2")
    change.person("O3", "100", 3, "01", ptype="2")
    submit(engine, change.pair(T2))
    new = Town(TSUKUBA).household("200", "N1", start=D, reason="02", prev=MITO)
    new.person("N1", "200", 1, "01", start=D, reason="02", prev=MITO)
    new.person("N2", "200", 2, "02", start=D, reason="02", prev=MITO)
    submit(engine, new.pair(T3))
    c = only(engine, TSUKUBA)
    assert (c["category"], c["suggestion"]) == (5, "continue")
    detail = engine.get_candidate(TSUKUBA, c["candidate_no"])
    assert detail["before_head"]["municipal_insured_id"] == "O1"
    stayed = [m for m in detail["members"] if m["before_insured_id"] == "O3"]
    assert stayed[0]["marker"] == "removed" and stayed[0]["change_reason"] is None


def test_moving_on_again_does_not_make_the_first_move_a_split(engine: Engine) -> None:
    second = dt.date(2026, 10, 20)
    mito, tsukuba, tsuchiura = Town(MITO), Town(TSUKUBA), Town(TSUCHIURA)
    _family_moves(mito, tsukuba)
    tsukuba.households.clear()
    tsukuba.persons.clear()
    tsukuba.household("200", "N1", start=D, end=day_before(second), reason="12", change=second)
    tsukuba.person("N1", "200", 1, "01", start=D, reason="02", prev=MITO,
                   end=day_before(second), end_reason="12")
    tsukuba.person("N2", "200", 2, "02", start=D, reason="02", prev=MITO,
                   end=day_before(second), end_reason="12")
    tsuchiura.household("300", "U1", start=second, reason="02", prev=TSUKUBA)
    tsuchiura.person("U1", "300", 1, "01", start=second, reason="02", prev=TSUKUBA)
    tsuchiura.person("U2", "300", 2, "02", start=second, reason="02", prev=TSUKUBA)
    submit(engine, mito.pair(T1))
    submit(engine, tsukuba.pair(T2))
    submit(engine, tsuchiura.pair(T3))
    assert (only(engine, TSUKUBA)["category"], only(engine, TSUKUBA)["suggestion"]) == (
        1, "continue")
    c = only(engine, TSUCHIURA)
    assert (c["before_municipality"], c["category"], c["suggestion"]) == (TSUKUBA, 1, "continue")


def test_a_confirmed_earlier_move_in_is_not_part_of_a_later_merge(engine: Engine) -> None:
    later = dt.date(2026, 10, 25)
    mito, tsuchiura = Town(MITO), Town(TSUCHIURA)
    mito.household("100", "O1", end=END, reason="12", change=D)
    mito.person("O1", "100", 1, "01", end=END, end_reason="12")
    tsuchiura.household("500", "U2", end=day_before(later), reason="12", change=later)
    tsuchiura.person("U2", "500", 2, "01", end=day_before(later), end_reason="12")
    first = Town(TSUKUBA).household("200", "N1", start=D, reason="02", prev=MITO)
    first.person("N1", "200", 1, "01", start=D, reason="02", prev=MITO)
    submit(engine, mito.pair(T1))
    submit(engine, tsuchiura.pair(T1))
    submit(engine, first.pair(T2))
    no = only(engine, TSUKUBA)["candidate_no"]
    engine.record_decision(TSUKUBA, no, "continue", None, None, "t", "s")
    engine.confirm(TSUKUBA, [no], "t", "s")
    second = Town(TSUKUBA).household("200", "N1", start=D, reason="02", prev=MITO, ptype="2")
    second.person("N1", "200", 1, "01", start=D, reason="02", prev=MITO, ptype="2")
    second.person("N2", "200", 2, "02", start=later, reason="02", prev=TSUCHIURA)
    submit(engine, second.pair(T3))
    found = cands(engine, TSUKUBA)
    assert (found[("500", "200")]["category"], found[("500", "200")]["suggestion"]) == (
        9, "discontinue")
    assert found[("100", "200")]["state"] == "confirmed"
