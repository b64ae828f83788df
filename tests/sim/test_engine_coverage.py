"""ID links (KSK12) and the gap/overlap/pending checks (KSK11) of docs/business-rules.md §2."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kokuho_pc.domain.leakscan import find_my_numbers_in_bytes
from kokuho_pc.formats.checker import check_file_set
from kokuho_pc.formats.reader import parse_csv
from shuyaku_sim.engine import Engine
from tests.sim.enginehelp import NOW, T1, T2, T3, make_engine, submit
from tests.sim.towns import MITO, TSUKUBA, Town, day_before

D = dt.date(2026, 10, 1)
END = day_before(D)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    e = make_engine(tmp_path / "data")
    yield e
    e.close()


def _deliveries(engine: Engine, muni: str, if_id: str) -> list[dict[str, object]]:
    """Every row of the municipality's deliveries of one kind (checked with the checker)."""
    rows: list[dict[str, object]] = []
    for d in engine.list_deliveries(muni, include_acknowledged=True):
        if d["if_id"] != if_id:
            continue
        content = engine.read_delivery(muni, d["name"])
        assert check_file_set({d["name"]: content}, today=NOW.date()).valid
        assert find_my_numbers_in_bytes(content) == []
        rows += parse_csv(d["name"], content).records
    return rows


def _towns(new_start: dt.date = D) -> tuple[Town, Town]:
    old, new = Town(MITO), Town(TSUKUBA)
    old.household("100", "O1", end=END, reason="12", change=D)
    old.person("O1", "100", 1, "01", end=END, end_reason="12", acquired=dt.date(2019, 4, 1))
    new.household("200", "N1", start=new_start, reason="02", prev=MITO)
    new.person("N1", "200", 1, "01", start=new_start, reason="02", prev=MITO,
               acquired=new_start)
    return old, new


def test_ids_assigned_once_and_linked_on_move(engine: Engine) -> None:
    old, new = _towns()
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    mito = _deliveries(engine, MITO, "KSK12")
    tsukuba = _deliveries(engine, TSUKUBA, "KSK12")
    assert [(r["municipal_insured_id"], r["link_type"]) for r in mito] == [("O1", "1")]
    assert [(r["municipal_insured_id"], r["link_type"]) for r in tsukuba] == [("N1", "2")]
    pid = mito[0]["prefectural_insured_id"]
    assert pid == tsukuba[0]["prefectural_insured_id"]
    assert isinstance(pid, str) and len(pid) == 10 and pid.startswith("08") and pid.isdigit()


def test_resubmitting_the_same_person_makes_no_new_link(engine: Engine) -> None:
    old, _ = _towns()
    submit(engine, old.pair(T1))
    submit(engine, old.pair(T2))
    assert len(_deliveries(engine, MITO, "KSK12")) == 1


def test_move_checked_00_carries_acquisition_date_to_both(engine: Engine) -> None:
    old, new = _towns()
    submit(engine, old.pair(T1))
    result = submit(engine, new.pair(T2))
    assert result["result_counts"] == {"00": 1}
    new_rows = _deliveries(engine, TSUKUBA, "KSK11")
    assert len(new_rows) == 1
    row = new_rows[0]
    assert row["result_code"] == "00"
    assert row["qualification_acquired"] == dt.date(2019, 4, 1)
    assert row["qualification_lost"] is None
    assert row["previous_municipality"] == MITO
    mito_codes = [(r["municipal_insured_id"], r["result_code"])
                  for r in _deliveries(engine, MITO, "KSK11")]
    assert mito_codes == [("O1", "00"), ("O1", "00")]


@pytest.mark.parametrize(("start", "code"), [
    (D + dt.timedelta(days=3), "10"),
    (D - dt.timedelta(days=5), "11"),
    (END, "11"),
])
def test_gap_and_overlap(engine: Engine, start: dt.date, code: str) -> None:
    old, new = _towns(new_start=start)
    submit(engine, old.pair(T1))
    result = submit(engine, new.pair(T2))
    assert result["result_counts"] == {code: 1}
    assert [r["result_code"] for r in _deliveries(engine, TSUKUBA, "KSK11")] == [code]
    assert [r["result_code"] for r in _deliveries(engine, MITO, "KSK11")][-1] == code
    assert engine.list_candidates(TSUKUBA) == []
    assert engine.status(TSUKUBA)["gap_or_overlap_persons"] == 1


def test_new_municipality_first_is_pending_then_rechecked(engine: Engine) -> None:
    old, new = _towns()
    first = submit(engine, new.pair(T1))
    assert first["result_counts"] == {"20": 1}
    assert engine.status(TSUKUBA)["pending_persons"] == 1
    assert engine.list_candidates(TSUKUBA) == []
    second = submit(engine, old.pair(T2))
    # The file's own person; the earlier move re-checked now is counted apart, so the
    # result counts add up to the records of the file sent.
    assert second["result_counts"] == {"00": 1}
    assert second["rechecked_counts"] == {"00": 1}
    assert [r["result_code"] for r in _deliveries(engine, TSUKUBA, "KSK11")] == ["20", "00"]
    assert engine.status(TSUKUBA)["pending_persons"] == 0
    assert len(engine.list_candidates(TSUKUBA)) == 1


def test_no_previous_period_ended_by_12_is_pending(engine: Engine) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    old.household("100", "O1", end=END, reason="11", change=D)
    old.person("O1", "100", 1, "01", end=END, end_reason="11")  # left the prefecture
    new.household("200", "N1", start=D, reason="02", prev=MITO)
    new.person("N1", "200", 1, "01", start=D, reason="02", prev=MITO)
    submit(engine, old.pair(T1))
    assert submit(engine, new.pair(T2))["result_counts"] == {"20": 1}


def test_change_of_an_unknown_person_is_result_30(engine: Engine) -> None:
    town = Town(MITO)
    town.household("100", "O1")
    town.person("O1", "100", 1, "01", ptype="2")
    assert submit(engine, town.pair(T1))["result_counts"] == {"30": 1}


def test_deleting_a_person_delivers_link_deletion(engine: Engine) -> None:
    town = Town(MITO).household("100", "O1").person("O1", "100", 1).person("O2", "100", 2, "02")
    submit(engine, town.pair(T1))
    gone = Town(MITO).household("100", "O1", ptype="2").person("O1", "100", 1, ptype="2")
    gone.person("O2", "100", 2, "02", ptype="3")
    submit(engine, gone.pair(T2))
    links = [(r["municipal_insured_id"], r["link_type"])
             for r in _deliveries(engine, MITO, "KSK12")]
    assert links == [("O1", "1"), ("O2", "1"), ("O2", "3")]


def test_delivery_acknowledgement(engine: Engine) -> None:
    old, _ = _towns()
    submit(engine, old.pair(T1))
    pending = engine.list_deliveries(MITO)
    assert {d["if_id"] for d in pending} == {"KSK11", "KSK12"}
    assert engine.status(MITO)["undelivered_files"] == 2
    acked = engine.acknowledge_delivery(MITO, pending[0]["name"], "terminal-01", "staff01")
    assert acked["acknowledged"] is True
    again = engine.acknowledge_delivery(MITO, pending[0]["name"], "terminal-02", "staff02")
    assert again["acknowledged_at"] == acked["acknowledged_at"]
    assert [d["name"] for d in engine.list_deliveries(MITO)] == [pending[1]["name"]]
    assert len(engine.list_deliveries(MITO, include_acknowledged=True)) == 2


def test_judge_order_old_after_new_gives_same_candidates(tmp_path: Path) -> None:
    results = []
    for order, name in (((0, 1), "a"), ((1, 0), "b")):
        engine = make_engine(tmp_path / name)
        try:
            old, new = _towns()
            sets = [old.pair(T1 if order[0] == 0 else T3), new.pair(T2)]
            for s in sorted(sets, key=lambda s: sorted(s)[0][-18:]):
                submit(engine, s)
            results.append([(c["category"], c["suggestion"])
                            for c in engine.list_candidates(TSUKUBA)])
        finally:
            engine.close()
    assert results[0] == results[1] == [(1, "continue")]


def test_candidate_dropped_when_its_move_is_deleted(engine: Engine) -> None:
    old, new = _towns()
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    assert len(engine.list_candidates(TSUKUBA)) == 1
    undo = Town(TSUKUBA).household("200", "N1", start=D, reason="02", prev=MITO, ptype="2")
    undo.person("N1", "200", 1, "01", start=D, reason="02", prev=MITO, ptype="3")
    submit(engine, undo.pair(T3))
    assert engine.list_candidates(TSUKUBA) == []


def test_result_counts_add_up_and_the_problem_list_names_the_persons(engine: Engine) -> None:
    """Issue 16: the counts of a send add up to its records (a re-checked earlier move is
    counted apart), and the 処理結果・エラーリスト names 世帯番号 and 市町村被保険者ID."""
    old, new = _towns(new_start=D + dt.timedelta(days=3))  # a gap
    new.person("N2", "200", 2, "02", start=D + dt.timedelta(days=3), reason="04")  # born
    first = submit(engine, new.pair(T1))  # before 水戸市's file: pending (20)
    assert first["result_counts"] == {"00": 1, "20": 1}
    assert sum(first["result_counts"].values()) == first["persons"] == 2
    problems = engine.result_problems(TSUKUBA, first["submission_id"])
    assert [(p["household_no"], p["municipal_insured_id"], p["result_code"])
            for p in problems] == [("200", "N1", "20")]
    second = submit(engine, old.pair(T2))
    assert second["result_counts"] == {"00": 1} and second["persons"] == 1
    assert second["rechecked_counts"] == {"10": 1}  # つくば市's pending move, re-checked now
    latest = engine.result_problems(TSUKUBA)
    assert [(p["municipal_insured_id"], p["result_code"]) for p in latest] == [("N1", "10")]
    assert "my_number" not in latest[0]
