"""``shuyaku-sim judge``: run a directory through a fresh store; print docs/cli.md's JSON."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from kokuho_pc.formats.checker import check_file_set
from shuyaku_sim.engine import Clock, Engine, file_set_digest
from shuyaku_sim.errors import FileSetInvalid, SimError
from shuyaku_sim.filesets import group_file_sets, read_files
from shuyaku_sim.settings import Settings

TERMINAL = "judge"
STAFF = "judge"


def _print_issues(issues: list[dict[str, object]], err: TextIO) -> None:
    for i in issues:
        record = "-" if i.get("record") is None else i["record"]
        item = "-" if i.get("item") is None else i["item"]
        print(f"{i['file']}:{record}: {item}: {i['message']}", file=err)


def judge_directory(
    directory: Path, settings: Settings, confirm: bool, err: TextIO | None = None,
    clock: Clock | None = None,
) -> dict[str, object] | None:
    """The judge output object, or None after printing check errors to ``err`` (stderr).

    ``clock`` is the fresh engine's (the machine's by default): the check's "today" and
    every time the engine records come from it."""
    err = err or sys.stderr
    files = read_files([directory])
    with tempfile.TemporaryDirectory(prefix="shuyaku-judge-") as tmp:
        engine = Engine.open(Path(tmp), settings, clock)
        try:
            report = check_file_set(files, today=engine.clock().date())
            if not report.valid:
                _print_issues([e.to_json_dict() for e in report.errors], err)
                return None
            for fs in group_file_sets(files):
                try:
                    engine.submit_file_set(fs.municipality_code, fs.files,
                                           f"judge-{file_set_digest(fs.files)}",
                                           file_set_digest(fs.files), TERMINAL, STAFF)
                except FileSetInvalid as exc:
                    _print_issues(exc.issues, err)
                    return None
            return _output(engine, confirm)
        finally:
            engine.close()


def _output(engine: Engine, confirm: bool) -> dict[str, object]:
    with engine.db.reading() as tx:
        ksk11 = [{"municipality": m, "municipal_insured_id": mid, "result_code": code}
                 for m, mid, _, code in tx.latest_qualification_results()]
        rows = tx.list_candidate_rows(None)
    candidates = [{
        "before_municipality": c.before_municipality, "before_household": c.before_household_no,
        "after_municipality": c.after_municipality, "after_household": c.after_household_no,
        "category": c.category, "suggestion": c.suggestion, "reason": c.reason,
    } for c in rows]
    out: dict[str, object] = {"ksk11": ksk11, "candidates": candidates}
    if confirm:
        out["results"] = _confirm_all(engine, [(c.after_municipality, c.candidate_no,
                                                c.suggestion) for c in rows])
    return out


def _confirm_all(engine: Engine, todo: list[tuple[str, str, str]]) -> list[dict[str, object]]:
    by_muni: dict[str, list[str]] = {}
    for muni, no, suggestion in todo:
        decision = "discontinue" if suggestion == "discontinue" else "continue"
        engine.record_decision(muni, no, decision, None, None, TERMINAL, STAFF)
        by_muni.setdefault(muni, []).append(no)
    for muni, nos in by_muni.items():
        engine.confirm(muni, nos, TERMINAL, STAFF)
    order = {no: i for i, (_, no, _) in enumerate(todo)}
    results = [r for muni in by_muni for r in engine.list_results(muni)]
    results.sort(key=lambda r: order[r["candidate_no"]])
    keys = ("before_municipality", "before_household", "after_municipality", "after_household",
            "decision", "carried_months", "tasuu_count", "next_hit_tasuu", "move_month_rule")
    return [{k: r[k] for k in keys} for r in results]  # type: ignore[literal-required]


def run_judge(directory: Path, pairs: list[str], confirm: bool) -> int:
    """The command: exit 0 and the JSON on stdout, 1 on check errors, 2 on usage/I-O errors."""
    try:
        settings = Settings().with_pairs(pairs)
    except SimError as exc:
        print(f"shuyaku-sim: {exc}", file=sys.stderr)
        return 2
    if not directory.is_dir():
        print("shuyaku-sim: ディレクトリが見つかりません。", file=sys.stderr)
        return 2
    try:
        out = judge_directory(directory, settings, confirm)
    except OSError as exc:
        print(f"shuyaku-sim: ファイルを読み込めません: {exc.strerror}", file=sys.stderr)
        return 2
    if out is None:
        return 1
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0
