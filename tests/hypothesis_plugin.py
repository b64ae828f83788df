"""Hypothesis seeds for the suite: the same examples on CI, a printed seed locally.

CI (``CI`` set): derandomized — every run draws the same examples — and no example
database. Local runs: one seed for the whole session (``--hypothesis-seed=N`` or
``HYPOTHESIS_SEED=N``, else a random one), printed in the header and in the summary
(with the rerun option when a test failed); ``--hypothesis-seed=N`` draws the same examples again.
The example database stays at ``<rootdir>/.hypothesis/examples`` and a failure it
holds is replayed first.

Hypothesis has no public switch for "this seed, and the database too": its
``@seed`` decorator and ``--hypothesis-seed`` (``core.global_force_seed``) both turn
the database off. So each collected Hypothesis test gets the session seed the way
``@seed`` stores it (``_hypothesis_internal_use_seed``) but keeps its settings,
database included, and ``global_force_seed`` is left unset. A test that asks for
``derandomize`` itself keeps it. tests/test_hypothesis_seed.py runs pytest on a tiny
failing property to show that this still works with the installed Hypothesis.
Used by tests/conftest.py; ``-p tests.hypothesis_plugin`` loads it on its own.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import pytest

SEED_ENV = "HYPOTHESIS_SEED"
_STATE: dict[str, Any] = {"seed": None, "ci": False, "db": None}


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _given_seed(config: pytest.Config) -> int | None:
    raw = config.getoption("--hypothesis-seed", default=None) or os.environ.get(SEED_ENV)
    return None if raw in (None, "") else int(raw)


def show_failing_examples() -> None:
    """Undo schemathesis' swap of Hypothesis' printer.

    Importing schemathesis (its pytest plugin does, in every run) replaces
    ``hypothesis.core.RepresentationPrinter`` with one that prints nothing, so every
    failing example of the suite read ``n=,``. Hypothesis uses the printer only to
    report a failing or verbose example, so the original costs nothing otherwise.
    schemathesis patches once (it keeps a flag), so it is applied here first and undone.
    """
    from hypothesis import core
    from hypothesis.vendor import pretty
    from schemathesis.generation.hypothesis import setup

    setup()
    core.RepresentationPrinter = pretty.RepresentationPrinter  # type: ignore[misc]


def configure(config: pytest.Config) -> None:
    """Load the profile before any test module is imported, so the tests' own
    ``settings(...)`` inherit it."""
    from hypothesis import settings
    from hypothesis.database import DirectoryBasedExampleDatabase

    show_failing_examples()

    ci = on_ci()
    seed = _given_seed(config)
    if seed is None and not ci:
        seed = secrets.randbelow(10**9)
    db = None if ci else Path(config.rootpath) / ".hypothesis" / "examples"
    _STATE.update(seed=seed, ci=ci, db=db)
    settings.register_profile("ci", database=None, derandomize=seed is None, print_blob=True)
    settings.register_profile("dev", database=DirectoryBasedExampleDatabase(db) if db else None,
                              print_blob=True)
    settings.load_profile("ci" if ci else "dev")


def seed_items(items: list[pytest.Item]) -> None:
    """Give every collected Hypothesis test the session seed (database kept)."""
    from hypothesis import core, is_hypothesis_test

    core.global_force_seed = None  # --hypothesis-seed set it: it would turn the database off
    seed = _STATE["seed"]
    if seed is None:
        return
    for item in items:
        test = getattr(item, "obj", None)
        if test is None or not is_hypothesis_test(test):
            continue
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if own is not None and own.derandomize and not _STATE["ci"]:
            continue  # the test asked for fixed examples itself
        if getattr(test, "_hypothesis_internal_use_seed", None) is None:
            test._hypothesis_internal_use_seed = seed


def header_line() -> str:
    seed, db = _STATE["seed"], _STATE["db"]
    if _STATE["ci"]:
        how = "derandomized" if seed is None else f"seed {seed}"
        return f"hypothesis: CI, {how} (the same examples every run), no example database"
    return (f"hypothesis seed {seed} for this session (rerun with --hypothesis-seed={seed}); "
            f"example database {db}, kept between runs, its failures replayed first")


def summary_line(failed: bool) -> str:
    """Printed after every run (``-q`` hides the header), with the rerun hint on failure."""
    seed = _STATE["seed"]
    if seed is None:
        return "hypothesis: CI, derandomized: a rerun draws the same examples"
    if failed:
        return f"hypothesis seed {seed} for this session: rerun with --hypothesis-seed={seed}"
    return f"hypothesis seed {seed} for this session"


def write_summary(terminalreporter: Any) -> None:
    failed = bool(terminalreporter.stats.get("failed") or terminalreporter.stats.get("error"))
    terminalreporter.write_line(summary_line(failed))  # shown with -q too


# --- hooks, for ``-p tests.hypothesis_plugin`` (tests/conftest.py calls the functions) --

def pytest_configure(config: pytest.Config) -> None:
    configure(config)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    seed_items(items)


def pytest_report_header() -> str:
    return header_line()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    write_summary(terminalreporter)
