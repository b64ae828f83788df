#!/usr/bin/env python3
"""One entry point for a fresh clone: set up, then run the demo or the tests.

    python3 dev.py demo     # set everything up and start the demo
    python3 dev.py test     # set everything up and run the whole test suite

Only the Python standard library is used here, because this runs before
anything is installed. The virtual environment lives in ``.venv`` beside this
file; Debian packages the application needs are installed when run as root
(otherwise the missing ones are named).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".kokuho-setup-stamp"

# Shared libraries Qt needs on a headless Debian machine, the font and the
# tools the tests use (pdftoppm, Xvfb for real-window screenshots).
DEBIAN_PACKAGES = [
    "libegl1",
    "libgl1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libfontconfig1",
    "libdbus-1-3",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-randr0",
    "libxcb-xinerama0",
    "libnss3",
    "poppler-utils",
    "xvfb",
    "binutils",  # objdump: PyInstaller's analysis of shared libraries (the bundle test)
]


def _python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def _missing_debian_packages() -> list[str]:
    if not shutil.which("dpkg-query"):
        return []
    missing = []
    for name in DEBIAN_PACKAGES:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name],
            capture_output=True,
            text=True,
            check=False,
        )
        if "install ok installed" not in result.stdout:
            missing.append(name)
    return missing


def _install_debian_packages() -> None:
    missing = _missing_debian_packages()
    if not missing:
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"[setup] Debian パッケージを導入します: {' '.join(missing)}", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
            check=True,
            env=env,
        )
    else:
        print(
            "[setup] 次の Debian パッケージが必要です (root で apt-get install してください): "
            + " ".join(missing),
            file=sys.stderr,
        )


def _requirements_digest() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def setup() -> Path:
    """Create the virtual environment and install the project into it."""
    _install_debian_packages()
    if not _python().exists():
        print("[setup] 仮想環境 .venv を作成します", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = _requirements_digest()
    if not STAMP.exists() or STAMP.read_text() != digest:
        print("[setup] Python パッケージを導入します (初回は数分かかります)", flush=True)
        py = str(_python())
        subprocess.run([py, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run([py, "-m", "pip", "install", "-q", "-e", f"{ROOT}[dev]"], check=True)
        STAMP.write_text(digest)
    return _python()


LINTED = ["kokuho_pc", "shuyaku_sim", "tests", "benchmarks", "tools", "dev.py", "build.spec"]


def run_tests(py: Path, args: list[str]) -> int:
    """Lint, type-check, then run the whole test suite."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    steps = [
        [str(py), "-m", "ruff", "check", *LINTED],
        [str(py), "-m", "mypy", "kokuho_pc", "shuyaku_sim"],
        [str(py), "-m", "pytest", *args],
    ]
    for step in steps:
        print(f"[test] {' '.join(step[2:])}", flush=True)
        code = subprocess.run(step, cwd=ROOT, env=env, check=False).returncode
        if code != 0:
            return code
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "setup"}:
        print(__doc__)
        return 2
    py = setup()
    command, rest = argv[0], argv[1:]
    if command == "setup":
        return 0
    if command == "test":
        return run_tests(py, rest)
    demo = [str(py), "-m", "kokuho_pc", "demo", *rest]
    return subprocess.run(demo, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
