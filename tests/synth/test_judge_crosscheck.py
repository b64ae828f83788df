"""Cross-check: ``shuyaku-sim judge --confirm`` on the synthetic prefecture gives
exactly the candidates, result codes and carry-over results of expected.json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

Key = tuple[str, str, str, str]


def _key(c: dict[str, Any]) -> Key:
    return (c["before_municipality"], c["before_household"],
            c["after_municipality"], c["after_household"])


def _judge(directory: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "shuyaku_sim", "judge", str(directory), "--confirm"],
        capture_output=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_judge_agrees_with_expected(small_prefecture: Path, small_expected: dict[str, Any]) -> None:
    got = _judge(small_prefecture)
    codes = {(r["municipality"], r["municipal_insured_id"]): r["result_code"]
             for r in got["ksk11"]}
    for row in small_expected["ksk11"]:
        assert codes[(row["municipality"], row["municipal_insured_id"])] == row["result_code"], row
    moving = {(r["municipality"], r["municipal_insured_id"]) for r in small_expected["ksk11"]}
    assert all(code == "00" for k, code in codes.items() if k not in moving)

    candidates = {_key(c): (c["category"], c["suggestion"]) for c in got["candidates"]}
    wanted = {_key(c): (c["category"], c["suggestion"]) for c in small_expected["candidates"]}
    assert candidates == wanted

    fields = ("decision", "carried_months", "tasuu_count", "next_hit_tasuu", "move_month_rule")
    results = {_key(r): {f: r[f] for f in fields} for r in got["results"]}
    for r in small_expected["results"]:
        assert results[_key(r)] == {f: r[f] for f in fields}, _key(r)
