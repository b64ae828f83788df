"""Cross-check: ``shuyaku-sim judge --confirm`` against kokuho-pc synth's expected.json.

The synthetic prefecture is written independently of the engine (by the
client's synth package) with the categories, KSK11 codes and §5–§6 figures
it intends; both sides follow docs/business-rules.md, so they must agree.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kokuho_pc.synth.generate import generate_prefecture
from shuyaku_sim.cli import main

Key = tuple[str, str, str, str]


def _key(row: dict[str, object]) -> Key:
    return (str(row["before_municipality"]), str(row["before_household"]),
            str(row["after_municipality"]), str(row["after_household"]))


@pytest.mark.parametrize("seed", [1, 2])
def test_judge_agrees_with_synth_expected(
    tmp_path: Path, seed: int, capsys: pytest.CaptureFixture[str]
) -> None:
    generate_prefecture(tmp_path, seed, persons=200)
    expected = json.loads((tmp_path / "expected.json").read_text(encoding="utf-8"))
    assert main(["judge", str(tmp_path), "--confirm"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {_key(c): (c["category"], c["suggestion"]) for c in out["candidates"]} == {
        _key(c): (c["category"], c["suggestion"]) for c in expected["candidates"]}
    got_codes = {(r["municipality"], r["municipal_insured_id"]): r["result_code"]
                 for r in out["ksk11"]}
    want_codes = {(r["municipality"], r["municipal_insured_id"]): r["result_code"]
                  for r in expected["ksk11"]}
    assert {k: got_codes.get(k) for k in want_codes} == want_codes
    assert {v for k, v in got_codes.items() if k not in want_codes} == {"00"}
    fields = ("decision", "carried_months", "tasuu_count", "next_hit_tasuu", "move_month_rule")
    assert {_key(r): tuple(r[f] for f in fields) for r in out["results"]} == {
        _key(r): tuple(r[f] for f in fields) for r in expected["results"]}
