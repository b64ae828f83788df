"""The PyInstaller bundle (build.spec) builds and its smoke test passes.

Marked ``bundle``: skipped locally unless ``--run-bundle``; CI (CI=true) always
runs it. Builds into tmp (about 3 minutes on two cores), then runs the
console build: create a demo profile, the smoke test on it, and a check of the
synthetic つくば市 files (layouts and code tables come from the bundle).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kokuho_pc.synth import generate_prefecture

ROOT = Path(__file__).resolve().parent.parent
EXE = ".exe" if os.name == "nt" else ""


def _run(args: list[str], env: dict[str, str],
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=timeout,
                          check=False)


@pytest.mark.bundle
@pytest.mark.timeout(1800)
def test_bundle_builds_and_passes_its_smoke_test(tmp_path: Path) -> None:
    started = time.monotonic()
    built = subprocess.run(
        [sys.executable, "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm",
         "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=1500, check=False,
    )
    assert built.returncode == 0, built.stderr[-4000:]
    build_seconds = time.monotonic() - started
    app = tmp_path / "dist" / "kokuho-pc"
    console = app / f"kokuho-pc-console{EXE}"
    assert console.is_file() and (app / f"kokuho-pc{EXE}").is_file()
    internal = app / "_internal"
    for data in ("resources/layouts/KSK02.json", "resources/layouts/tables.json",
                 "resources/fonts/ipaexg.ttf", "resources/help/index.html",
                 "resources/help/staff.html", "resources/help/admin.html",
                 "kokuho_pc/store/migrations/0001_initial.sql",
                 "kokuho_pc/store/migrations/0003_audit_indexes.sql",
                 "fido2/public_suffix_list.dat"):
        assert (internal / data).is_file(), data
    assert list(internal.rglob("_re2*")), "RE2 (the CSV check's block matcher) not bundled"
    qt_libs = " ".join(p.name for p in internal.rglob("libQt6*"))
    for unused in ("Qml", "Quick", "WebEngine", "Multimedia", "3D"):
        assert f"libQt6{unused}" not in qt_libs, unused
    assert not (internal / "shuyaku_sim").exists()

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KOKUHO_PC_PROFILE="")
    profile = tmp_path / "profile"
    init = _run([str(console), "--profile", str(profile), "init", "--kind", "demo",
                 "--municipality", "082201"], env)
    assert init.returncode == 0, init.stderr
    smoke = _run([str(console), "--profile", str(profile), "--smoke-test"], env)
    assert smoke.returncode == 0, smoke.stderr
    assert "smoke test: OK" in smoke.stdout
    summary = generate_prefecture(tmp_path / "files", 5, 300)
    files = [str(tmp_path / "files" / name) for name in summary.demo_medium_set]
    check = _run([str(console), "check", "--json", *files], env)
    assert check.returncode == 0, check.stderr
    assert '"valid": true' in check.stdout
    print(f"bundle build: {build_seconds:.0f} s")  # shown with -s and in CI logs
