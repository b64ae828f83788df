"""Submissions: digest, idempotency, whole-set rejection, municipality isolation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from shuyaku_sim.engine import Engine, file_set_digest
from shuyaku_sim.errors import (
    FileSetInvalid,
    Forbidden,
    IdempotencyConflict,
    InvalidRequest,
    NotFound,
)
from tests.sim.enginehelp import T1, T2, make_engine, only, submit
from tests.sim.towns import MITO, TSUKUBA, Town, day_before

D = dt.date(2026, 10, 15)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    e = make_engine(tmp_path / "data")
    yield e
    e.close()


def _town(code: str = MITO, serial: int = 1) -> Town:
    return Town(code).household("100", f"O{serial}").person(f"O{serial}", "100", serial)


def test_same_key_same_content_is_processed_once(engine: Engine) -> None:
    files = _town().pair(T1)
    first = submit(engine, files, key="key-1")
    again = submit(engine, files, key="key-1")
    assert first["replayed"] is False and again["replayed"] is True
    assert {**again, "replayed": False} == first
    assert len(engine.list_deliveries(MITO)) == 2  # KSK11 + KSK12 once only


def test_same_key_other_content_is_refused(engine: Engine) -> None:
    submit(engine, _town().pair(T1), key="key-1")
    with pytest.raises(IdempotencyConflict):
        submit(engine, _town(serial=2).pair(T1), key="key-1")


def test_key_is_per_municipality(engine: Engine) -> None:
    submit(engine, _town(MITO).pair(T1), key="key-1")
    result = submit(engine, _town(TSUKUBA, 2).pair(T1), key="key-1")
    assert result["replayed"] is False


def test_wrong_digest_is_refused_and_nothing_stored(engine: Engine) -> None:
    files = _town().pair(T1)
    with pytest.raises(InvalidRequest):
        engine.submit_file_set(MITO, files, "k", "0" * 64, "t", "s")
    assert engine.list_deliveries(MITO) == []


def test_invalid_set_is_rejected_whole_and_rejection_replayed(engine: Engine) -> None:
    files = _town().pair(T1)
    name = sorted(files)[1]  # KSK02
    files[name] = files[name][:-5] + b"X" + files[name][-4:]  # break the trailer count
    with pytest.raises(FileSetInvalid) as first:
        submit(engine, files, key="bad")
    assert first.value.issues and all("record" in i for i in first.value.issues)
    assert engine.list_deliveries(MITO) == []
    with pytest.raises(FileSetInvalid) as second:
        submit(engine, files, key="bad")
    assert second.value.issues == first.value.issues
    assert engine.status(MITO)["rejected_submissions"] == 1


def test_pair_without_partner_is_rejected(engine: Engine) -> None:
    files = _town().pair(T1)
    ksk01 = {n: b for n, b in files.items() if n.startswith("KSK01")}
    with pytest.raises(FileSetInvalid):
        submit(engine, ksk01)


def test_pair_and_kkg01_together_are_rejected(engine: Engine) -> None:
    town = _town().month("100", "O1", "202608")
    with pytest.raises(FileSetInvalid):
        submit(engine, {**town.pair(T1), **town.kkg01(T1)})


def test_other_municipalitys_files_are_forbidden(engine: Engine) -> None:
    files = _town(TSUKUBA).pair(T1)
    with pytest.raises(Forbidden):
        engine.submit_file_set(MITO, files, "k", file_set_digest(files), "t", "s")


def test_municipality_sees_only_its_own_data(engine: Engine) -> None:
    old, new = Town(MITO), Town(TSUKUBA)
    old.household("100", "O1", end=day_before(D), reason="12", change=D)
    old.person("O1", "100", 1, end=day_before(D), end_reason="12")
    new.household("200", "N1", start=D, reason="02", prev=MITO)
    new.person("N1", "200", 1, start=D, reason="02", prev=MITO)
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T2))
    number = only(engine, TSUKUBA)["candidate_no"]
    assert engine.list_candidates(MITO) == []
    with pytest.raises(NotFound):
        engine.get_candidate(MITO, number)
    with pytest.raises(NotFound):
        engine.record_decision(MITO, number, "continue", None, None, "t", "s")
    with pytest.raises(NotFound):
        engine.confirm(MITO, [number], "t", "s")
    mito_delivery = engine.list_deliveries(MITO)[0]["name"]
    with pytest.raises(NotFound):
        engine.read_delivery(TSUKUBA, mito_delivery)
    with pytest.raises(NotFound):
        engine.acknowledge_delivery(TSUKUBA, mito_delivery, "t", "s")
    assert all(d["municipality_code"] == TSUKUBA for d in engine.list_deliveries(TSUKUBA))
    assert engine.list_results(MITO) == []


def test_kkg01_submission_counts_months(engine: Engine) -> None:
    town = _town().month("100", "O1", "202607").month("100", "O1", "202608", kind="2")
    result = submit(engine, town.kkg01(T1))
    assert (result["status"], result["high_cost_months"], result["persons"]) == ("accepted", 2, 0)


def test_concurrent_submissions_of_one_key_are_processed_once(engine: Engine) -> None:
    import threading

    files = _town().pair(T1)
    results: list[object] = []

    def send() -> None:
        try:
            results.append(submit(engine, files, key="same")["replayed"])
        except Exception as exc:  # collected and asserted below
            results.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results, key=str) == [False, True, True, True]
    assert len(engine.list_deliveries(MITO)) == 2
