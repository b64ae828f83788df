"""Operation-log records forwarded by PCs: idempotent on seq, no 個人番号, listed for the admin."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shuyaku_sim.engine import Engine
from shuyaku_sim.errors import IdempotencyConflict, InvalidRequest
from tests.sim.enginehelp import make_engine
from tests.sim.towns import MITO, TSUKUBA


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    e = make_engine(tmp_path / "data")
    yield e
    e.close()


def test_records_are_acknowledged_once_and_listed(engine: Engine) -> None:
    records = [{"seq": 1, "action": "login"}, {"seq": 2, "action": "send"}]
    assert engine.accept_operation_log(TSUKUBA, "term-1", records) == [1, 2]
    assert engine.accept_operation_log(TSUKUBA, "term-1", records[1:]) == [2]
    assert engine.accept_operation_log(MITO, "term-9", [{"seq": 1, "action": "x"}]) == [1]
    listed = engine.list_operation_log()
    assert [(r["municipality_code"], r["terminal_id"], r["seq"]) for r in listed] == [
        (TSUKUBA, "term-1", 1), (TSUKUBA, "term-1", 2), (MITO, "term-9", 1)]
    assert listed[1]["record"] == {"seq": 2, "action": "send"}
    assert [r["seq"] for r in engine.list_operation_log(TSUKUBA)] == [1, 2]
    assert [r["terminal_id"] for r in engine.list_operation_log(terminal_id="term-9")] == [
        "term-9"]
    page = engine.list_operation_log(after_id=listed[0]["id"], limit=1)
    assert [r["id"] for r in page] == [listed[1]["id"]]


def test_same_seq_other_content_is_refused(engine: Engine) -> None:
    engine.accept_operation_log(TSUKUBA, "term-1", [{"seq": 1, "action": "login"}])
    with pytest.raises(IdempotencyConflict):
        engine.accept_operation_log(TSUKUBA, "term-1", [{"seq": 1, "action": "logout"}])


@pytest.mark.parametrize("record", [
    {"action": "no seq"},
    {"seq": -1},
    {"seq": True},
    {"seq": "3"},
    {"seq": 4, "detail": "個人番号 123456789018"},
])
def test_bad_records_are_refused_whole(engine: Engine, record: dict[str, object]) -> None:
    with pytest.raises(InvalidRequest):
        engine.accept_operation_log(TSUKUBA, "term-1", [{"seq": 1}, record])
    assert engine.list_operation_log() == []
