"""The bundle leaves the demo out (build.spec: it runs only from a source checkout).

The command line must then work without the ``kokuho_pc.demo`` package: every other
sub-command is there, ``demo`` is refused as an unknown command (exit 2, Japanese message).
The product code never imports the demo (tests/test_layering.py), so nothing else breaks.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kokuho_pc.cli.main import _left_out_of_build

ROOT = Path(__file__).resolve().parents[2]

# Runs the command line as if the bundle held no kokuho_pc.demo package.
WITHOUT_DEMO = (
    "import sys; sys.modules['kokuho_pc.demo'] = None\n"
    "from kokuho_pc.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), HOME=str(tmp_path))
    return subprocess.run([sys.executable, "-c", WITHOUT_DEMO, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_command_line_works_without_the_demo_package(tmp_path: Path) -> None:
    shown = _cli(tmp_path, "--help")
    assert shown.returncode == 0, shown.stderr
    for command in ("check", "synth", "send", "export", "media"):
        assert command in shown.stdout
    assert "demo" not in shown.stdout
    refused = _cli(tmp_path, "demo", "--tour", str(tmp_path / "shots"))
    assert refused.returncode == 2
    assert "引数が正しくありません" in refused.stderr


def test_only_a_missing_demo_package_is_tolerated() -> None:
    demo = "kokuho_pc.cli.demo_cmd"
    assert _left_out_of_build(demo, ModuleNotFoundError(name="kokuho_pc.demo"))
    assert _left_out_of_build(demo, ModuleNotFoundError(name="kokuho_pc.demo.environment"))
    # A broken dependency of the demo, or any other command, still fails loudly.
    assert not _left_out_of_build(demo, ModuleNotFoundError(name="kokuho_pc.demography"))
    assert not _left_out_of_build(demo, ModuleNotFoundError(name="requests"))
    assert not _left_out_of_build("kokuho_pc.cli.send_cmd",
                                  ModuleNotFoundError(name="kokuho_pc.demo"))


def test_build_spec_leaves_the_demo_out() -> None:
    """build.spec's choice of modules, read the way PyInstaller runs it."""
    source = (ROOT / "build.spec").read_text(encoding="utf-8")
    head = source.split("a = Analysis(")[0]  # everything before PyInstaller's own classes
    scope: dict[str, object] = {"SPECPATH": str(ROOT)}
    exec(compile(head, "build.spec", "exec"), scope)  # noqa: S102 - our own build file
    excludes, hidden = scope["EXCLUDES"], scope["HIDDEN_IMPORTS"]
    assert isinstance(excludes, list) and isinstance(hidden, list)
    assert {"shuyaku_sim", "kokuho_pc.demo", "kokuho_pc.cli.demo_cmd"} <= set(excludes)
    assert "kokuho_pc.cli.demo_cmd" not in hidden
    assert "kokuho_pc.cli.send_cmd" in hidden
