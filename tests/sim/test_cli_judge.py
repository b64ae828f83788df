"""``shuyaku-sim judge`` and ``seed`` exactly as docs/cli.md says."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kokuho_pc.domain.leakscan import contains_my_number
from shuyaku_sim.cli import main
from tests.sim.enginehelp import T1, T2, T3
from tests.sim.towns import MITO, TSUCHIURA, TSUKUBA, Town, day_before, write_dir

D = dt.date(2026, 10, 15)
END = day_before(D)


def _scenario(directory: Path) -> Path:
    """Mito 100 (head 1, spouse 2, child 3) splits: 1+2 → Tsukuba 200, 3 → Tsuchiura 300;
    Mito 110 moves whole to Tsukuba 210 with a new head from inside the household."""
    mito, tsukuba, tsuchiura = Town(MITO), Town(TSUKUBA), Town(TSUCHIURA)
    mito.household("100", "O1", end=END, reason="12", change=D)
    for s, rel in ((1, "01"), (2, "02"), (3, "03")):
        mito.person(f"O{s}", "100", s, rel, end=END, end_reason="12")
    mito.household("110", "O4", end=END, reason="12", change=D)
    mito.person("O4", "110", 4, "01", end=END, end_reason="12")
    mito.person("O5", "110", 5, "02", end=END, end_reason="12")
    for m in ("202601", "202603", "202607", "202609"):
        mito.month("100", "O1", m)
    tsukuba.household("200", "N1", start=D, reason="02", prev=MITO)
    tsukuba.person("N1", "200", 1, "01", start=D, reason="02", prev=MITO)
    tsukuba.person("N2", "200", 2, "02", start=D, reason="02", prev=MITO)
    tsukuba.household("210", "N5", start=D, reason="02", prev=MITO)
    tsukuba.person("N4", "210", 4, "02", start=D, reason="02", prev=MITO)
    tsukuba.person("N5", "210", 5, "01", start=D, reason="02", prev=MITO)
    tsuchiura.household("300", "U3", start=D, reason="02", prev=MITO)
    tsuchiura.person("U3", "300", 3, "01", start=D, reason="02", prev=MITO)
    # Tsuchiura's file comes first (pending 20), Mito's after it, Tsukuba's last.
    return write_dir(directory, tsuchiura.pair(T1), mito.pair(T2), mito.kkg01(T2),
                     tsukuba.pair(T3))


def _judge(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object], str]:
    code = main(["judge", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else {}), err


def test_judge_examples_are_valid_with_pending_moves(
    examples_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _judge(capsys, str(examples_dir))
    assert (code, err) == (0, "")
    results = {(r["municipality"], r["municipal_insured_id"]): r["result_code"]
               for r in out["ksk11"]}  # type: ignore[union-attr]
    assert results == {("082015", "015P100"): "00", ("082015", "015P101"): "00",
                       ("082015", "015P103"): "00", ("082015", "015P104"): "20",
                       ("082015", "015P105"): "20"}
    assert out["candidates"] == []


def test_judge_scenario_with_confirm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _judge(capsys, str(_scenario(tmp_path / "in")), "--confirm")
    assert code == 0
    assert not contains_my_number(json.dumps(out, ensure_ascii=False))
    cands = {(c["before_household"], c["after_municipality"], c["after_household"]):
             (c["category"], c["suggestion"]) for c in out["candidates"]}  # type: ignore[union-attr]
    assert cands == {("100", TSUKUBA, "200"): (5, "continue"),
                     ("110", TSUKUBA, "210"): (2, "continue"),
                     ("100", TSUCHIURA, "300"): (5, "discontinue")}
    assert all(set(c) == {"before_municipality", "before_household", "after_municipality",
                          "after_household", "category", "suggestion", "reason"}
               for c in out["candidates"])  # type: ignore[union-attr]
    ksk11 = {(r["municipality"], r["municipal_insured_id"]): r["result_code"]
             for r in out["ksk11"]}  # type: ignore[union-attr]
    assert ksk11[(TSUCHIURA, "U3")] == "00" and ksk11[(MITO, "O3")] == "00"
    results = {(r["before_household"], r["after_household"]): r
               for r in out["results"]}  # type: ignore[union-attr]
    split = results[("100", "200")]
    assert (split["decision"], split["carried_months"], split["tasuu_count"],
            split["next_hit_tasuu"], split["move_month_rule"]) == (
        "continue", ["202601", "202603", "202607", "202609"], 4, True, True)
    other = results[("100", "300")]
    assert (other["decision"], other["carried_months"], other["move_month_rule"]) == (
        "discontinue", [], False)


def test_judge_setting_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = _scenario(tmp_path / "in")
    code, out, _ = _judge(capsys, str(directory), "--setting",
                          "head_change_within_household=review", "--confirm")
    assert code == 0
    [review] = [c for c in out["candidates"] if c["category"] == 2]  # type: ignore[union-attr]
    assert review["suggestion"] == "review"
    [result] = [r for r in out["results"] if r["after_household"] == "210"]  # type: ignore[union-attr]
    assert result["decision"] == "continue"


def test_judge_invalid_file_exits_1_with_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = _scenario(tmp_path / "in")
    victim = sorted(directory.glob("KSK02_*"))[0]
    victim.write_bytes(victim.read_bytes().replace(b"\r\n3", b"\r\n9", 1))
    code, _, err = _judge(capsys, str(directory))
    assert code == 1
    assert victim.name in err and not contains_my_number(err)


def test_judge_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _judge(capsys, str(tmp_path), "--setting", "nonsense=1")[0] == 2
    assert _judge(capsys, str(tmp_path / "missing"))[0] == 2
    with pytest.raises(SystemExit) as exc:
        main(["judge"])
    assert exc.value.code == 2
    assert "コマンドの指定が正しくありません" in capsys.readouterr().err


def test_seed_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = _scenario(tmp_path / "in")
    assert main(["seed", "--data", str(tmp_path / "data"), str(directory)]) == 0
    first = capsys.readouterr().out
    assert first.count("受付") == 4 and "登録済み" not in first
    assert main(["seed", "--data", str(tmp_path / "data"), str(directory)]) == 0
    assert capsys.readouterr().out.count("登録済み") == 4


def test_module_entry_point_runs_judge(examples_dir: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "shuyaku_sim", "judge", str(examples_dir)],
                          capture_output=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert len(json.loads(proc.stdout)["ksk11"]) == 5


def _scenario_with_duplicate_month(directory: Path) -> Path:
    """Mito's KKG01 names 2026-09 twice for household 100 (once 該当区分 2)."""
    out = _scenario(directory)
    mito = Town(MITO)
    for m in ("202601", "202603", "202607", "202609"):
        mito.month("100", "O1", m)
    mito.month("100", "O1", "202609", kind="2")
    write_dir(out, mito.kkg01(T2))
    return out


def test_judge_refuses_one_household_month_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 18: a second record for the same household and month used to overwrite the
    first (the 多数回 count of household 100 went from 4 to 3); now the file is refused."""
    directory = _scenario_with_duplicate_month(tmp_path / "in")
    code, _, err = _judge(capsys, str(directory), "--confirm")
    assert code == 1
    [kkg01] = [p.name for p in directory.glob("KKG01_*")]
    assert f"{kkg01}:6: 診療年月: " in err
    assert not contains_my_number(err)


@pytest.mark.parametrize("rename", [
    lambda n: n.replace(".dat", " - コピー.dat"), lambda n: n.replace(".dat", ".DAT"), str.lower])
def test_judge_reports_misnamed_files_and_pairs_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rename: object
) -> None:
    directory = _scenario(tmp_path / "in")
    victim = sorted(directory.glob("KSK02_*"))[-1]
    copy = directory / rename(victim.name)  # type: ignore[operator]
    copy.write_bytes(victim.read_bytes())
    code, _, err = _judge(capsys, str(directory))
    assert code == 1
    assert err.startswith(f"{copy.name}:-: -: ファイル名") and err.count("\n") == 1


def test_judge_takes_today_from_the_engine_clock(
    examples_dir: Path, tmp_path: Path
) -> None:
    """The check's "today" is the judge's engine clock, never the machine's date.

    On 31 May 2019 the examples' dates of birth are in the future. A household born
    and filed in 2098 is valid on the engine's 2 January 2099, although every
    machine date before 2098 sees a future date of birth (this half fails if the
    judge's own check reads the machine's date)."""
    import io

    from shuyaku_sim.judge import judge_directory
    from shuyaku_sim.settings import Settings

    err = io.StringIO()
    early = judge_directory(examples_dir, Settings(), False, err,
                            clock=lambda: dt.datetime(2019, 5, 31, 23, 59))
    lines = err.getvalue().splitlines()
    assert early is None and any(": 生年月日: " in line for line in lines), lines
    born = dt.date(2098, 4, 1)
    town = Town(TSUKUBA).household("900", "F1", start=born)
    town.person("F1", "900", 1, start=born, birth=born)
    future = write_dir(tmp_path / "future", town.pair(dt.datetime(2099, 1, 1, 9, 0)))
    err = io.StringIO()
    later = judge_directory(future, Settings(), False, err,
                            clock=lambda: dt.datetime(2099, 1, 2, 9, 0))
    assert later is not None, err.getvalue()
    assert later["ksk11"] == [{"municipality": TSUKUBA, "municipal_insured_id": "F1",
                               "result_code": "00"}]
