"""The transfer fault tests' simulator lives inside the leak sweep's tree.

``swept_sim`` (tests/transfer/conftest.py) is the simulator of
tests/transfer/test_faults.py. This proves that the sweep ending those tests
sees what that simulator process leaves: its process runs with the per-test
HOME and TMPDIR, and a sentinel planted in its database, its access log, its
server log, its HOME and its TMPDIR is reported, each place in a different form.
The planted files are removed afterwards so this test's own sweep stays clean.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from tests.e2e.scenario import SENTINELS
from tests.leak_sweep import finish_sweep
from tests.leaks import Sweep, _grouped


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().decode("utf-8", "replace")
    return dict(item.split("=", 1) for item in raw.split("\0") if "=" in item)


def _plant_row(database: Path, value: str) -> None:
    conn = sqlite3.connect(database)
    try:
        conn.execute("CREATE TABLE planted (note TEXT)")
        conn.execute("INSERT INTO planted VALUES (?)", (value,))
        conn.commit()
    finally:
        conn.close()


def test_the_fault_tests_simulator_is_swept(swept_sim: tuple[Any, Any], tmp_path: Path) -> None:
    sim, _ = swept_sim
    assert sim.process is not None
    environ = _environ(sim.process.pid)
    assert environ["HOME"] == str(tmp_path / "home")
    assert environ["TMPDIR"] == str(tmp_path / "tmp")
    with sim.session() as http:
        assert http.get(sim.url("/api/v1/status"), timeout=30).status_code == 200
    sim.stop()
    data = sim.data_dir
    assert data.is_relative_to(tmp_path)
    assert (data / "shuyaku.sqlite3").is_file() and (data / "access-log.sqlite3").is_file()
    _plant_row(data / "shuyaku.sqlite3", SENTINELS[0])
    _plant_row(data / "access-log.sqlite3", _grouped(SENTINELS[1], "ascii", "-"))
    with sim.logs[0].open("ab") as log:
        log.write(_grouped(SENTINELS[2], "full-width", "\u3000").encode("cp932"))
    cache = tmp_path / "home" / ".cache" / "shuyaku"
    cache.mkdir(parents=True)
    last8 = _grouped(SENTINELS[3][-8:], "full-width", "")
    (cache / "note.txt").write_bytes(last8.encode("utf-16-le"))
    (tmp_path / "tmp" / "sim.tmp").write_bytes(SENTINELS[4][-8:].encode())

    hits = finish_sweep(Sweep(SENTINELS), tmp_path, {}, [])

    shutil.rmtree(tmp_path / "sim")
    shutil.rmtree(cache)
    (tmp_path / "tmp" / "sim.tmp").unlink()
    assert "sim/data/shuyaku.sqlite3 table planted: sentinel #0 ascii plain utf-8" in hits
    assert "sim/data/access-log.sqlite3 table planted: sentinel #1 ascii hyphen utf-8" in hits
    assert f"sim/{sim.logs[0].name}: sentinel #2 full-width full-width space cp932" in hits
    assert "home/.cache/shuyaku/note.txt: sentinel #3 full-width plain utf-16-le" in hits
    assert "tmp/sim.tmp: sentinel #4 ascii plain utf-8" in hits
