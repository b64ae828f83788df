"""The end-to-end leak sweep sees what a child process leaves in HOME, TMPDIR and its output.

A real child Python process (inheriting the per-test HOME and TMPDIR the
``leak_sweep`` fixture set) writes a sentinel in a different form to each place;
the same sweep that ends every end-to-end test must report each place. The
planted files are removed afterwards so the test's own sweep stays clean.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import finish_sweep
from tests.e2e.scenario import SENTINELS
from tests.leaks import Sweep

CHILD = r"""
import sys, tempfile
from pathlib import Path
number = sys.argv[1]
groups = [number[i:i + 4] for i in range(0, 12, 4)]
cache = Path.home() / ".cache" / "kokuho"
cache.mkdir(parents=True)
escaped = "".join(f"\\u{0xff10 + int(d):04x}" for d in number)
(cache / "state.json").write_text('{"n": "' + escaped + '"}')
with tempfile.NamedTemporaryFile("wb", delete=False, suffix=".tmp") as f:
    f.write(b"\x00" + "\u3000".join(groups).encode("utf-16-be"))
with open(Path(sys.argv[2]) / "spool.txt", "wb") as f:
    f.write("－".join(groups).encode("cp932"))
print("-".join(groups))
"""


def test_sweep_finds_what_a_child_left(tmp_path: Path) -> None:
    assert os.environ["HOME"] == str(tmp_path / "home")
    assert os.environ["TMPDIR"] == str(tmp_path / "tmp")
    done = subprocess.run([sys.executable, "-c", CHILD, SENTINELS[5], str(tmp_path)],
                          capture_output=True, check=True)
    hits = finish_sweep(Sweep(SENTINELS), tmp_path, {"call": done.stdout.decode()}, [])
    planted = [tmp_path / "home" / ".cache" / "kokuho" / "state.json", tmp_path / "spool.txt",
               *(tmp_path / "tmp").glob("*.tmp")]
    assert len(planted) == 3
    for path in planted:
        path.unlink()
    assert "home/.cache/kokuho/state.json: sentinel #5 full-width plain JSON all-escaped lower" \
        in hits
    assert "spool.txt: sentinel #5 ascii full-width hyphen cp932" in hits
    assert any(h.startswith("tmp/") and "sentinel #5 ascii full-width space utf-16-be" in h
               for h in hits)
    assert "captured output (call): sentinel #5 ascii hyphen utf-8" in hits
