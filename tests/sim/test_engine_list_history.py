"""The candidate list as it stood at an earlier time (issue 16, reprint): decisions as
recorded by then, from the decision history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.sim.enginehelp import T1, T2, make_engine, submit
from tests.sim.test_engine_categories import _family_moves
from tests.sim.towns import MITO, TSUKUBA, Town


def test_the_list_as_of_a_time_shows_the_decisions_of_that_time(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "data")
    try:
        times = iter([dt.datetime(2026, 11, 10, 9, 0, s) for s in range(0, 60, 10)])
        old, new = Town(MITO), Town(TSUKUBA)
        _family_moves(old, new)
        engine.clock = lambda: dt.datetime(2026, 11, 5, 9, 0, 0)
        submit(engine, old.pair(T1))
        submit(engine, new.pair(T2))
        no = engine.list_candidates(TSUKUBA)[0]["candidate_no"]
        engine.clock = lambda: next(times)
        engine.record_decision(TSUKUBA, no, "continue", None, None, "terminal-01", "staff01")
        engine.record_decision(TSUKUBA, no, "discontinue", "窓口で確認", None, "terminal-01",
                               "staff02")
        engine.confirm(TSUKUBA, [no], "terminal-01", "staff03")

        def as_of(at: str) -> dict[str, object]:
            listing = engine.list_candidates_as_of(TSUKUBA, at)
            assert listing["as_of"] == at
            (line,) = listing["candidates"]
            return dict(line)

        assert engine.list_candidates_as_of(TSUKUBA, "2026-11-05T08:59:59")["candidates"] == []
        first = as_of("2026-11-10T09:00:00")
        assert (first["state"], first["decision"], first["decided_by"], first["decided_at"]) == (
            "decided", "continue", "staff01", "2026-11-10T09:00:00")
        before = as_of("2026-11-05T09:00:00")
        assert (before["state"], before["decision"], before["decided_by"]) == (
            "undecided", None, None)
        second = as_of("2026-11-10T09:00:15")
        assert (second["state"], second["decision"], second["decided_by"]) == (
            "decided", "discontinue", "staff02")
        now = as_of("2026-11-10T09:00:20")
        assert (now["state"], now["decision"]) == ("confirmed", "discontinue")
        # The list itself is unchanged: the current one still says what was confirmed.
        assert engine.list_candidates(TSUKUBA)[0]["decision"] == "discontinue"
        moments = engine.list_moments(TSUKUBA)
        assert [(m["at"], m["kind"], m["count"]) for m in moments] == [
            ("2026-11-10T09:00:20", "confirmation", 1),
            ("2026-11-10T09:00:10", "decision", 1),
            ("2026-11-10T09:00:00", "decision", 1),
            ("2026-11-05T09:00:00", "submission", 1),
        ]
        assert [(m["at"], m["kind"]) for m in engine.list_moments(MITO)] == [
            ("2026-11-05T09:00:00", "submission")]
    finally:
        engine.close()
