"""``shuyaku-sim seed``: load interface files into a data directory as if submitted."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from shuyaku_sim.engine import Engine, file_set_digest
from shuyaku_sim.errors import SimError
from shuyaku_sim.filesets import group_file_sets, read_files, well_named

TERMINAL = "seed"
STAFF = "seed"


def seed(data_dir: Path, paths: list[Path]) -> int:
    """Submit every file set (idempotent: seeding the same files twice changes nothing).

    Returns the exit code: 0 all accepted, 1 a set was refused, 2 I/O error.
    The data directory is created 0700 and its files 0600, as ``serve`` does: the
    database holds names and dates of insured persons (owner only).
    """
    os.umask(0o077)
    try:
        files = read_files(paths)
    except OSError as exc:
        print(f"shuyaku-sim: ファイルを読み込めません: {exc.strerror}", file=sys.stderr)
        return 2
    if not files:
        print("shuyaku-sim: 読み込むインタフェースファイルがありません。", file=sys.stderr)
        return 2
    if not well_named(files):
        print("shuyaku-sim: ファイル名が命名規則に従っていないファイルがあります。",
              file=sys.stderr)
        return 1
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = Engine.open(data_dir)
    status = 0
    try:
        for fs in group_file_sets(files):
            digest = file_set_digest(fs.files)
            names = " ".join(sorted(fs.files))
            try:
                result = engine.submit_file_set(fs.municipality_code, fs.files,
                                                f"seed-{digest}", digest, TERMINAL, STAFF)
            except SimError as exc:
                status = 1
                print(f"shuyaku-sim: {names}: {exc.user_message}", file=sys.stderr)
                for issue in getattr(exc, "issues", []):
                    print(f"{issue['file']}:{issue['record'] or '-'}: {issue['item'] or '-'}: "
                          f"{issue['message']}", file=sys.stderr)
                continue
            again = "（登録済み）" if result["replayed"] else ""
            print(f"{names}: 受付{again} 被保険者{result['persons']}件 "
                  f"高額該当{result['high_cost_months']}件")
    finally:
        engine.close()
    return status
