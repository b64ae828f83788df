"""The import rules of docs/architecture.md, enforced on the source tree.

Besides the layers: ``shuyaku_sim`` stands for an external system and may import only
``kokuho_pc.domain`` and ``kokuho_pc.formats`` of the client (docs/architecture.md), and no
client module imports ``shuyaku_sim`` (the client talks to it over HTTPS; the demo starts it
as a child process). domain and formats are what both sides must agree on (the interface
files' layouts, the 個人番号 type and detector, municipality codes), are already free of Qt,
I/O and the network, and so serve as the shared package; a third package would only move
them. No import circles (below).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Which first-party packages each layer may import (besides itself).
ALLOWED: dict[str, set[str]] = {
    "kokuho_pc.domain": set(),
    "kokuho_pc.formats": {"kokuho_pc.domain"},
    "kokuho_pc.print": {"kokuho_pc.domain", "kokuho_pc.formats"},
    "kokuho_pc.synth": {"kokuho_pc.domain", "kokuho_pc.formats"},
    "kokuho_pc.store": {"kokuho_pc.domain", "kokuho_pc.formats"},
    "kokuho_pc.audit": {"kokuho_pc.domain", "kokuho_pc.formats", "kokuho_pc.store"},
    "kokuho_pc.auth": {
        "kokuho_pc.domain", "kokuho_pc.formats", "kokuho_pc.store", "kokuho_pc.audit",
    },
    "kokuho_pc.transfer": {
        "kokuho_pc.domain", "kokuho_pc.formats", "kokuho_pc.store", "kokuho_pc.audit",
        "kokuho_pc.auth",
    },
    "kokuho_pc.services": {
        "kokuho_pc.domain", "kokuho_pc.formats", "kokuho_pc.store", "kokuho_pc.audit",
        "kokuho_pc.auth", "kokuho_pc.transfer", "kokuho_pc.print",
    },
    "kokuho_pc.ui": {"kokuho_pc.domain", "kokuho_pc.services"},
    # The demo sits above the UI (and is left out of a production build): it drives the
    # screens and sets up a throw-away profile with accounts.
    "kokuho_pc.demo": {
        "kokuho_pc.domain", "kokuho_pc.formats", "kokuho_pc.auth", "kokuho_pc.services",
        "kokuho_pc.ui",
    },
    "kokuho_pc.cli": {
        "kokuho_pc.domain", "kokuho_pc.formats", "kokuho_pc.services", "kokuho_pc.ui",
        "kokuho_pc.synth", "kokuho_pc.demo",
    },
    "shuyaku_sim": {"kokuho_pc.domain", "kokuho_pc.formats"},
}

# Third-party or stdlib modules a layer must never import.
PURE_FORBIDDEN = {
    "PySide6", "sqlcipher3", "sqlite3", "requests", "urllib3", "socket", "ssl", "http",
    "urllib", "reportlab", "keyring", "cryptography", "subprocess", "threading",
}
FORBIDDEN: dict[str, set[str]] = {
    "kokuho_pc.domain": PURE_FORBIDDEN,
    "kokuho_pc.formats": PURE_FORBIDDEN,
    "kokuho_pc.synth": PURE_FORBIDDEN,
    "kokuho_pc.ui": {"sqlcipher3", "sqlite3", "requests", "urllib3", "reportlab", "keyring"},
    "kokuho_pc.demo": {"sqlcipher3", "sqlite3", "requests", "urllib3", "reportlab", "keyring"},
    "shuyaku_sim": {"PySide6"},
}
QT_ALLOWED = {"kokuho_pc.ui", "kokuho_pc.demo", "kokuho_pc.cli"}
FIRST_PARTY = ("kokuho_pc", "shuyaku_sim")


def _layer_of(module: str) -> str:
    if module.startswith("shuyaku_sim"):
        return "shuyaku_sim"
    parts = module.split(".")
    if module == "kokuho_pc.__main__":
        return "kokuho_pc.cli"  # ``python -m kokuho_pc`` is the command line
    return ".".join(parts[:2]) if len(parts) > 1 else module


def _module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target))
    return found


def _sources() -> list[Path]:
    files: list[Path] = []
    for pkg in FIRST_PARTY:
        files.extend(sorted((ROOT / pkg).rglob("*.py")))
    return files


def violations_in(path: Path, root: Path = ROOT) -> list[str]:
    """Every forbidden import in one source file."""
    module = _module_name(path, root)
    layer = _layer_of(module)
    problems: list[str] = []
    for lineno, target in _imports(path, module):
        top = target.split(".")[0]
        where = f"{path.relative_to(root)}:{lineno}"
        if top in FIRST_PARTY:
            target_layer = _layer_of(target)
            if target_layer == "kokuho_pc":
                continue  # the package root holds only the version
            if target_layer == layer:
                continue
            if layer == "kokuho_pc":
                continue  # kokuho_pc/__main__.py starts the command line
            if target_layer not in ALLOWED.get(layer, set()):
                problems.append(f"{where}: {layer} must not import {target}")
        else:
            if top == "PySide6" and layer not in QT_ALLOWED:
                problems.append(f"{where}: only kokuho_pc.ui imports PySide6 ({target})")
            if top in FORBIDDEN.get(layer, set()):
                problems.append(f"{where}: {layer} must not import {target}")
    return problems


def test_source_tree_respects_layering() -> None:
    problems = [p for path in _sources() for p in violations_in(path)]
    assert problems == []


@pytest.mark.parametrize(
    ("relpath", "source", "expected"),
    [
        ("kokuho_pc/domain/bad.py", "import PySide6.QtCore\n", "only kokuho_pc.ui"),
        ("kokuho_pc/formats/bad.py", "from kokuho_pc.store import db\n", "must not import"),
        ("kokuho_pc/ui/bad.py", "import requests\n", "must not import requests"),
        ("kokuho_pc/ui/bad.py", "from kokuho_pc.store import db\n", "must not import"),
        ("shuyaku_sim/bad.py", "from kokuho_pc.auth import x\n", "must not import"),
        ("shuyaku_sim/storage/bad.py", "import kokuho_pc.services.login\n", "must not import"),
        ("shuyaku_sim/bad.py", "from kokuho_pc.transfer.client import x\n", "must not import"),
        ("kokuho_pc/demo/bad.py", "import shuyaku_sim.engine\n", "must not import"),
        ("kokuho_pc/transfer/bad.py", "from shuyaku_sim import engine\n", "must not import"),
        ("kokuho_pc/print/bad.py", "from ..services import x\n", "must not import"),
        ("kokuho_pc/ui/home/bad.py", "from kokuho_pc.demo import tour\n", "must not import"),
        ("kokuho_pc/services/bad.py", "from kokuho_pc.demo import tour\n", "must not import"),
    ],
)
def test_forbidden_imports_are_detected(
    tmp_path: Path, relpath: str, source: str, expected: str
) -> None:
    target = tmp_path / relpath
    target.parent.mkdir(parents=True)
    target.write_text(source, encoding="utf-8")
    problems = violations_in(target, tmp_path)
    assert any(expected in p for p in problems), problems


# Inside the UI and the demo, only the gateway module names PySide6 (docs/style.md: one gateway
# module).
QT_GATEWAY = {"kokuho_pc/ui/widgets/qt.py"}


def direct_qt_imports_in(path: Path, root: Path = ROOT) -> list[str]:
    """Every direct PySide6 import in a ui module other than the gateway."""
    rel = path.relative_to(root).as_posix()
    if rel in QT_GATEWAY:
        return []
    module = _module_name(path, root)
    return [
        f"{rel}:{lineno}: import Qt names through kokuho_pc.ui.widgets.qt ({target})"
        for lineno, target in _imports(path, module)
        if target.split(".")[0] == "PySide6"
    ]


def test_ui_imports_pyside6_only_through_the_gateway() -> None:
    ui_files = [
        *sorted((ROOT / "kokuho_pc" / "ui").rglob("*.py")),
        *sorted((ROOT / "kokuho_pc" / "demo").rglob("*.py")),
    ]
    problems = [p for path in ui_files for p in direct_qt_imports_in(path)]
    assert problems == []


def test_direct_qt_import_in_ui_is_detected(tmp_path: Path) -> None:
    target = tmp_path / "kokuho_pc" / "ui" / "bad.py"
    target.parent.mkdir(parents=True)
    target.write_text("from PySide6.QtWidgets import QLabel\n", encoding="utf-8")
    gateway = tmp_path / "kokuho_pc" / "ui" / "widgets" / "qt.py"
    gateway.parent.mkdir()
    gateway.write_text("from PySide6.QtWidgets import QLabel\n", encoding="utf-8")
    assert direct_qt_imports_in(target, tmp_path)
    assert direct_qt_imports_in(gateway, tmp_path) == []


# --- No import circles -----------------------------------------------------------------------
#
# The graph has one node per first-party module and an edge for EVERY import statement in it:
# at module level, inside a function, or under ``if TYPE_CHECKING``. A deferred import hides a
# circle from the interpreter, not from the reader: the two modules still cannot be understood,
# tested or moved apart. (The circles this test was written against were of all three kinds.)
# ``from package import name`` points at ``package.name`` when that is a module, else at the
# package. Importing a submodule does not count as importing its parent package's __init__
# (Python runs it, but a package that re-exports its modules would otherwise always be a
# circle with them).

def _modules(root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for pkg in FIRST_PARTY:
        for path in sorted((root / pkg).rglob("*.py")):
            found[_module_name(path, root)] = path
    return found


def _imported_modules(path: Path, module: str, known: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                package = ".".join([*base, node.module] if node.module else base)
            else:
                package = node.module or ""
            for alias in node.names:
                submodule = f"{package}.{alias.name}"
                targets.add(submodule if submodule in known else package)
    return {t for t in targets if t in known and t != module}


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Each first-party module and the first-party modules it imports (any import statement)."""
    known = _modules(root)
    return {module: _imported_modules(path, module, known) for module, path in known.items()}


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        circles.append(sorted(group))
    return sorted(circles)


def test_no_import_circles() -> None:
    assert import_circles(import_graph()) == []


def _plant(root: Path, files: dict[str, str]) -> None:
    for rel, source in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source, encoding="utf-8")


def test_planted_circles_are_detected(tmp_path: Path) -> None:
    _plant(tmp_path, {
        "kokuho_pc/__init__.py": "",
        "kokuho_pc/demo/__init__.py": "",
        # a type-only import back, as tour_steps had
        "kokuho_pc/demo/tour.py": "from kokuho_pc.demo.tour_steps import drive\n",
        "kokuho_pc/demo/tour_steps.py": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from kokuho_pc.demo.tour import Tour\n"
        ),
        # a function-level import back, three modules round, relative
        "shuyaku_sim/__init__.py": "",
        "shuyaku_sim/a.py": "from . import b\n",
        "shuyaku_sim/b.py": "import shuyaku_sim.c\n",
        "shuyaku_sim/c.py": "def f():\n    from shuyaku_sim.a import x\n",
        # a package re-exporting its modules is not a circle
        "shuyaku_sim/storage/__init__.py": "from shuyaku_sim.storage.db import Database\n",
        "shuyaku_sim/storage/db.py": "from shuyaku_sim.storage.tx import Tx\n",
        "shuyaku_sim/storage/tx.py": "import sqlite3\n",
    })
    assert import_circles(import_graph(tmp_path)) == [
        ["kokuho_pc.demo.tour", "kokuho_pc.demo.tour_steps"],
        ["shuyaku_sim.a", "shuyaku_sim.b", "shuyaku_sim.c"],
    ]
