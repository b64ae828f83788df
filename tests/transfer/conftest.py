"""Fixtures of the transfer tests: a real encrypted store and its real operation log."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from kokuho_pc.audit.log import AuditLog
from kokuho_pc.services.profile import Profile
from kokuho_pc.store.clock import ManualClock
from kokuho_pc.store.database import Database
from kokuho_pc.transfer.records import TransferRecords
from tests.leak_sweep import leak_sweep, pytest_runtest_makereport
from tests.leaks import Sweep

__all__ = ["leak_sweep", "pytest_runtest_makereport"]  # used by test_faults.py


@pytest.fixture
def store_db(tmp_path: Path) -> Iterator[Database]:
    db = Database.create(tmp_path / "store.db", secrets.token_bytes(32))
    yield db
    db.close()


JST = timezone(timedelta(hours=9))


def clock_on(day: date, at: time = time(10, 0)) -> ManualClock:
    """A ManualClock at ``at`` (JST) on ``day``: the transfer parts never read the machine's."""
    return ManualClock(datetime.combine(day, at, tzinfo=JST))


@pytest.fixture
def clock() -> ManualClock:
    """The clock of the ``records`` fixture (26 November 2026, 10:00 JST)."""
    return clock_on(date(2026, 11, 26))


@pytest.fixture
def records(store_db: Database, clock: ManualClock) -> TransferRecords:
    return TransferRecords(store_db, clock)


@pytest.fixture
def oplog(store_db: Database) -> AuditLog:
    return AuditLog(store_db, terminal="TEST-PC")


def log_entries(log: AuditLog) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(action, staff, result, targets) of every record, oldest first."""
    return [(r.action, r.staff_id, r.result, dict(r.targets)) for r in log.records(limit=10000)]


@pytest.fixture
def swept_sim(leak_sweep: Sweep, tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    """(SimServer, SimPki): a simulator per test inside the leak sweep's tree.

    Started after ``leak_sweep`` set the per-test HOME and TMPDIR (the process
    inherits them) and stopped before the sweep, which then covers its database,
    WAL, access log, server log, PKI, HOME and TMPDIR (all under ``tmp_path``).
    """
    from tests.simhelpers import SimServer, make_pki

    pki = make_pki(tmp_path / "sim" / "pki")
    with SimServer(tmp_path / "sim" / "data", pki) as server:
        yield server, pki


@pytest.fixture(scope="module")
def sim_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    """(SimServer, SimPki): one real simulator for a test module (not leak-swept)."""
    from tests.simhelpers import SimServer, make_pki

    base = tmp_path_factory.mktemp("sim")
    pki = make_pki(base / "pki")
    server = SimServer(base / "data", pki).start()
    try:
        yield server, pki
    finally:
        server.stop()


@pytest.fixture(params=["demo", "production"])
def kinds_env(request: pytest.FixtureRequest, tmp_path: Path,
              sim_env: tuple[Any, Any]) -> tuple[Path, Any]:
    """(profile directory, in-memory keyring or None): a demo profile (tips kept in
    ``oplog-tip.json``) or a production one (tips kept in the OS keyring: the in-memory
    backend) on the module's simulator."""
    from kokuho_pc.services.profile import ProfileKind
    from tests.transfer.harness import make_profile

    sim, pki = sim_env
    keyring = None
    kind = ProfileKind.DEMO
    if request.param == "production":
        keyring = request.getfixturevalue("memory_keyring")
        kind = ProfileKind.PRODUCTION
    make_profile(tmp_path / "profile", sim, pki, kind=kind).close()
    return tmp_path / "profile", keyring


@pytest.fixture
def profile(tmp_path: Path, sim_env: tuple[Any, Any]) -> Iterator[Profile]:
    """A profile connected to the module's simulator (admin and staff accounts)."""
    from tests.transfer.harness import make_profile

    sim, pki = sim_env
    p = make_profile(tmp_path / "profile", sim, pki)
    yield p
    p.close()
