"""Operation-log records forwarded by PCs: chained, idempotent on seq, no 個人番号, listed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shuyaku_sim.engine import Engine
from shuyaku_sim.errors import ChainRefused, InvalidRequest
from tests.oplogchain import chained
from tests.sim.enginehelp import make_engine
from tests.sim.towns import MITO, TSUKUBA


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    e = make_engine(tmp_path / "data")
    yield e
    e.close()


def test_records_are_acknowledged_once_and_listed(engine: Engine) -> None:
    records = chained([("login.success", "s1", {}), ("send", "s1", {"count": 1})])
    assert engine.accept_operation_log(TSUKUBA, "term-1", records) == [1, 2]
    assert engine.accept_operation_log(TSUKUBA, "term-1", records[1:]) == [2]
    other = chained([("logout", "s9", {})])
    assert engine.accept_operation_log(MITO, "term-9", other) == [1]
    listed = engine.list_operation_log()
    assert [(r["municipality_code"], r["terminal_id"], r["seq"]) for r in listed] == [
        (TSUKUBA, "term-1", 1), (TSUKUBA, "term-1", 2), (MITO, "term-9", 1)]
    assert listed[1]["record"] == records[1]
    assert [r["seq"] for r in engine.list_operation_log(TSUKUBA)] == [1, 2]
    assert [r["terminal_id"] for r in engine.list_operation_log(terminal_id="term-9")] == [
        "term-9"]
    page = engine.list_operation_log(after_id=listed[0]["id"], limit=1)
    assert [r["id"] for r in page] == [listed[1]["id"]]


def test_same_seq_other_content_is_refused(engine: Engine) -> None:
    engine.accept_operation_log(TSUKUBA, "term-1", chained([("login.success", "s1", {})]))
    with pytest.raises(ChainRefused):
        engine.accept_operation_log(TSUKUBA, "term-1", chained([("logout", "s1", {})]))


@pytest.mark.parametrize("record", [
    {"action": "no seq"},
    {"seq": -1},
    {"seq": True},
    {"seq": "3"},
    {"seq": 4, "detail": "個人番号 123456789018"},
    {"seq": 2, "action": "no hashes"},
])
def test_bad_records_are_refused_whole(engine: Engine, record: dict[str, object]) -> None:
    with pytest.raises(InvalidRequest):
        engine.accept_operation_log(TSUKUBA, "term-1",
                                    [*chained([("login.success", "s1", {})]), record])
    assert engine.list_operation_log() == []
