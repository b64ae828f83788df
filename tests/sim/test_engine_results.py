"""Decisions, the 確定指示, carry-over and the §5–§6 figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kokuho_pc.formats.reader import parse_csv
from shuyaku_sim.engine import Engine
from shuyaku_sim.errors import InvalidRequest, StateConflict
from shuyaku_sim.highcost import shift_month, tasuu_figures
from shuyaku_sim.storage.rows import HighCostMonth
from tests.sim.enginehelp import T1, T2, T3, make_engine, only, submit
from tests.sim.towns import MITO, TSUKUBA, Town, day_before


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    e = make_engine(tmp_path / "data")
    yield e
    e.close()


def _move(engine: Engine, move: dt.date, months: list[tuple[str, str, str]],
          new_head: int = 1) -> str:
    """Household 100 of Mito (KKG01 ``months``) moves to Tsukuba 200; return the candidate."""
    end = day_before(move)
    old = Town(MITO).household("100", "O1", end=end, reason="12", change=move)
    old.person("O1", "100", 1, "01", end=end, end_reason="12")
    old.person("O2", "100", 2, "02", end=end, end_reason="12")
    for month, kind, income in months:
        old.month("100", "O1", month, kind, income)
    new = Town(TSUKUBA).household("200", f"N{new_head}", start=move, reason="02", prev=MITO)
    new.person("N1", "200", 1, "01" if new_head == 1 else "02", start=move, reason="02",
               prev=MITO)
    new.person("N2", "200", 2, "01" if new_head == 2 else "02", start=move, reason="02",
               prev=MITO)
    submit(engine, old.pair(T1))
    if months:
        submit(engine, old.kkg01(T2))
    submit(engine, new.pair(T3))
    return only(engine, TSUKUBA)["candidate_no"]


MONTHS = [("202510", "1", "14"), ("202512", "1", "14"), ("202601", "1", "14"),
          ("202603", "1", "14"), ("202605", "2", "14"), ("202609", "1", "14")]


def test_continue_carries_months_and_computes_tasuu(engine: Engine) -> None:
    no = _move(engine, dt.date(2026, 10, 15), MONTHS)
    with engine.db.transaction() as tx:  # a pre-2018-04 month cannot come through KKG01
        tx.upsert_high_cost_months([(MITO, "100", "O1", "201803", "1", "14", "2018-04-30", None)])
    engine.record_decision(TSUKUBA, no, "continue", None, None, "terminal-01", "staff01")
    summary = engine.confirm(TSUKUBA, [no], "terminal-01", "staff02")
    assert (summary["confirmed"], summary["continued"], summary["carried_months"]) == ([no], 1, 6)
    [result] = engine.list_results(TSUKUBA)
    assert result["carried_months"] == ["202510", "202512", "202601", "202603", "202605",
                                        "202609"]
    assert result["tasuu_count"] == 4  # 202512, 202601, 202603, 202609 (2025-10 is M-12)
    assert result["next_hit_tasuu"] is True
    assert result["move_month_rule"] is True
    assert (result["decided_by"], result["confirmed_by"]) == ("staff01", "staff02")
    [kkg11] = [d for d in engine.list_deliveries(TSUKUBA) if d["if_id"] == "KKG11"]
    rows = parse_csv(kkg11["name"], engine.read_delivery(TSUKUBA, kkg11["name"])).records
    assert [r["care_month"] for r in rows] == result["carried_months"]
    assert {(r["candidate_no"], r["before_household_no"], r["after_head_insured_id"])
            for r in rows} == {(no, "100", "N1")}


def test_low_income_70_has_count_but_never_the_flag(engine: Engine) -> None:
    months = [*MONTHS[:-1], ("202609", "1", "15")]
    no = _move(engine, dt.date(2026, 10, 15), months)
    engine.record_decision(TSUKUBA, no, "continue", None, None, "t", "s")
    engine.confirm(TSUKUBA, [no], "t", "s")
    [result] = engine.list_results(TSUKUBA)
    assert (result["tasuu_count"], result["next_hit_tasuu"]) == (4, False)


def test_discontinue_carries_nothing(engine: Engine) -> None:
    no = _move(engine, dt.date(2026, 10, 15), MONTHS)
    with pytest.raises(InvalidRequest):
        engine.record_decision(TSUKUBA, no, "discontinue", "  ", None, "t", "s")
    engine.record_decision(TSUKUBA, no, "discontinue", "世帯の実態を確認したため", None, "t", "s")
    summary = engine.confirm(TSUKUBA, [no], "t", "s")
    assert (summary["discontinued"], summary["deliveries"]) == (1, [])
    [result] = engine.list_results(TSUKUBA)
    assert (result["carried_months"], result["tasuu_count"], result["next_hit_tasuu"],
            result["move_month_rule"]) == ([], 0, False, False)


def test_move_on_the_first_has_no_move_month_rule(engine: Engine) -> None:
    no = _move(engine, dt.date(2026, 10, 1), [])
    engine.record_decision(TSUKUBA, no, "continue", None, None, "t", "s")
    engine.confirm(TSUKUBA, [no], "t", "s")
    assert engine.list_results(TSUKUBA)[0]["move_month_rule"] is False


def test_decision_changes_until_confirmed(engine: Engine) -> None:
    no = _move(engine, dt.date(2026, 10, 15), [])
    with pytest.raises(StateConflict):
        engine.confirm(TSUKUBA, [no], "t", "s")
    engine.record_decision(TSUKUBA, no, "discontinue", "理由あり", "備考", "t1", "s1")
    detail = engine.record_decision(TSUKUBA, no, "continue", None, None, "t2", "s2")
    assert detail["state"] == "decided"
    assert detail["decision_detail"] is not None
    assert (detail["decision_detail"]["decision"], detail["decision_detail"]["staff_id"],
            detail["decision_detail"]["terminal_id"]) == ("continue", "s2", "t2")
    engine.confirm(TSUKUBA, [no], "t", "s")
    with pytest.raises(StateConflict):
        engine.record_decision(TSUKUBA, no, "discontinue", "変更したい", None, "t", "s")
    again = engine.confirm(TSUKUBA, [no], "t", "s")
    assert (again["confirmed"], again["already_confirmed"]) == ([], [no])
    assert engine.get_candidate(TSUKUBA, no)["state"] == "confirmed"
    assert engine.list_candidates(TSUKUBA, state="confirmed")[0]["candidate_no"] == no
    assert engine.list_candidates(TSUKUBA, state="undecided") == []
    assert engine.list_candidates(TSUKUBA, category=9) == []
    assert [c["candidate_no"] for c in engine.list_candidates(TSUKUBA, category=1)] == [no]


def test_review_suggestion_needs_no_reason_either_way(tmp_path: Path) -> None:
    from shuyaku_sim.settings import Settings
    from tests.sim.enginehelp import make_engine as make

    engine = make(tmp_path / "r", Settings(head_change_within_household="review"))
    try:
        no = _move(engine, dt.date(2026, 10, 15), [], new_head=2)
        assert only(engine, TSUKUBA)["suggestion"] == "review"
        engine.record_decision(TSUKUBA, no, "discontinue", None, None, "t", "s")
        engine.record_decision(TSUKUBA, no, "continue", None, None, "t", "s")
    finally:
        engine.close()


def test_reason_with_a_my_number_is_refused(engine: Engine) -> None:
    no = _move(engine, dt.date(2026, 10, 15), [])
    with pytest.raises(InvalidRequest):
        engine.record_decision(TSUKUBA, no, "discontinue", "番号 123456789018 の人", None,
                               "t", "s")


def test_confirmed_view_is_frozen(engine: Engine) -> None:
    no = _move(engine, dt.date(2026, 10, 15), [])
    engine.record_decision(TSUKUBA, no, "continue", None, None, "t", "s")
    engine.confirm(TSUKUBA, [no], "t", "s")
    before = engine.get_candidate(TSUKUBA, no)
    later = Town(TSUKUBA).household("200", "N1", start=dt.date(2026, 10, 15), reason="02",
                                    prev=MITO, ptype="2")
    later.person("N1", "200", 1, "01", start=dt.date(2026, 10, 15), reason="02", prev=MITO,
                 ptype="2")
    born = dt.date(2026, 11, 2)
    later.person("N3", "200", 3, "03", start=born, reason="04", birth=born)
    submit(engine, later.pair(dt.datetime(2026, 11, 10, 9, 0, 0)))
    after = engine.get_candidate(TSUKUBA, no)
    assert after["members"] == before["members"]
    assert after["category"] == before["category"] == 1


@pytest.mark.parametrize(("hits", "count", "flag"), [
    (["202511", "202604", "202608"], 3, False),   # M-11 counts, but not for M+1
    (["202512", "202604", "202608"], 3, True),
    (["202510", "202604", "202608"], 2, False),   # M-12 is outside
    (["202604", "202608", "202610"], 3, True),    # the move month itself counts
])
def test_tasuu_windows(hits: list[str], count: int, flag: bool) -> None:
    months = [HighCostMonth(m, "1", "14") for m in hits]
    assert tasuu_figures(months, "202610") == (count, flag)


def test_kind_2_months_do_not_count() -> None:
    months = [HighCostMonth(m, "2", "14") for m in ("202601", "202602", "202603", "202604")]
    assert tasuu_figures(months, "202606") == (0, False)


def test_shift_month_crosses_years() -> None:
    assert shift_month("202601", -1) == "202512"
    assert shift_month("202512", 1) == "202601"
    assert shift_month("202610", -11) == "202511"
