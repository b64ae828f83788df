"""The suite's Hypothesis set-up (tests/hypothesis_plugin.py), run on a tiny property.

Each test runs pytest in a subprocess on its own directory (its own rootdir, so its
own ``.hypothesis/examples``) with ``-p tests.hypothesis_plugin``. The property fails
for one number in ten and is not shrunk: the numbers drawn up to the first failing
one show which seed was used.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PROPERTY = '''
import os
from hypothesis import Phase, given, settings, strategies as st

@settings(phases=[Phase.explicit, Phase.reuse, Phase.generate], max_examples=200)
@given(st.integers(0, 10**12))
def test_tiny(n):
    with open(os.environ["DRAWN"], "a") as out:
        out.write(f"{n}\\n")
    assert os.environ["FAIL"] == "0" or n % 10 != 7
'''
SEED = re.compile(r"hypothesis seed (\d+) for this session")
SHOWN = re.compile(r"\bn=(\d[\d_]*),")


def _run(where: Path, *args: str, ci: bool = False,
         fail: bool = True) -> tuple[int, str, list[int]]:
    where.mkdir(exist_ok=True)
    (where / "test_tiny.py").write_text(PROPERTY, encoding="utf-8")
    (where / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    drawn = where / "drawn.txt"
    drawn.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "HYPOTHESIS_SEED"}}
    env.update(PYTHONPATH=str(ROOT), DRAWN=str(drawn), FAIL="1" if fail else "0")
    if ci:
        env["CI"] = "1"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.hypothesis_plugin",
                           "-p", "no:cacheprovider", "test_tiny.py", *args],
                          cwd=where, env=env, capture_output=True, text=True, timeout=120)
    values = [int(v) for v in drawn.read_text(encoding="utf-8").split()]
    return proc.returncode, proc.stdout + proc.stderr, values


def _failing(output: str, drawn: list[int]) -> int:
    """The failing example: Hypothesis runs it once more to report it, so it is drawn last."""
    assert f"({drawn[-1]} % 10) != 7" in output, output
    # the failing example is printed (not "n=,"); Hypothesis may group large ints with "_"
    printed = [int(n.replace("_", "")) for n in SHOWN.findall(output)]
    assert drawn[-1] in printed, output
    return drawn[-1]


def test_the_printed_seed_reproduces_the_failing_example(tmp_path: Path) -> None:
    code, out, drawn = _run(tmp_path / "first")
    assert code == 1, out
    seeds = SEED.findall(out)  # in the header, and again in the summary
    header = seeds[0]
    assert seeds == [header, header], out
    assert f"for this session: rerun with --hypothesis-seed={header}\n" in out
    example = _failing(out, drawn)
    # Elsewhere (no example database), with the printed seed: the same failing example.
    code, again, drawn_again = _run(tmp_path / "elsewhere", f"--hypothesis-seed={header}")
    assert code == 1 and SEED.findall(again) == [header, header]
    assert _failing(again, drawn_again) == example and drawn_again == drawn
    # Without it, another seed and other examples: the seed is what decides them.
    code, other, drawn_other = _run(tmp_path / "third")
    assert code == 1 and header not in SEED.findall(other)
    assert drawn_other != drawn


def test_the_example_database_replays_a_failure_first(tmp_path: Path) -> None:
    where = tmp_path / "local"
    code, out, drawn = _run(where)
    assert code == 1
    example = _failing(out, drawn)
    assert any((where / ".hypothesis" / "examples").rglob("*")), "no example database kept"
    code, again, drawn = _run(where)  # a new session seed, the same directory
    assert code == 1 and SEED.findall(again) != SEED.findall(out)
    assert drawn[0] == example and _failing(again, drawn) == example


def test_on_ci_two_runs_draw_the_same_examples(tmp_path: Path) -> None:
    runs = [_run(tmp_path / name, ci=True, fail=False) for name in ("one", "two")]
    (code1, out1, drawn1), (code2, _, drawn2) = runs
    assert code1 == code2 == 0, out1
    assert "hypothesis: CI, derandomized" in out1
    assert len(drawn1) >= 100 and drawn1 == drawn2
    assert not (tmp_path / "one" / ".hypothesis" / "examples").exists()
