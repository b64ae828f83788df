"""Benchmark: the security core's costs against what they are built on.

- password hash (product Argon2id) vs the OWASP minimum (19 MiB, t=2): the
  ratio says how much harder than the minimum our hashes are;
- a full login (verify + lockout bookkeeping + operation-log record) vs one
  bare Argon2id verification;
- appending one operation-log record (validation, leak scan, HMAC chain, its
  own transaction) vs a plain INSERT of the same row in its own transaction,
  on the same SQLCipher store;
- verifying the whole log vs only reading its rows.

Run: ``.venv/bin/python -m benchmarks.security_bench [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.auth.passwords import Argon2Params, PasswordHasher
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import ProfileKind, create_profile

PASSWORD = "benchmark-no-aikotoba-desu"  # noqa: S105 (a throw-away benchmark account)


def _median(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _row(name: str, value: float, baseline: float, unit: str, note: str) -> dict[str, object]:
    return {"name": name, "value": round(value, 6), "baseline": round(baseline, 6),
            "ratio": round(value / baseline, 2) if baseline else None, "unit": unit,
            "note": note}


def run(quick: bool) -> list[dict[str, object]]:
    """Measure and return the rows."""
    rows: list[dict[str, object]] = []
    repeat = 1 if quick else 7
    product = PasswordHasher()
    minimum = PasswordHasher(Argon2Params(memory_kib=19 * 1024, iterations=2))
    rows.append(_row("argon2id_hash", _median(lambda: product.hash(PASSWORD), repeat),
                     _median(lambda: minimum.hash(PASSWORD), repeat), "s",
                     "product params vs OWASP minimum (19 MiB, t=2)"))
    jst = timezone(timedelta(hours=9))
    clock_now = [datetime(2026, 11, 26, 10, 0, tzinfo=jst)]
    with tempfile.TemporaryDirectory() as tmp:
        profile = create_profile(Path(tmp) / "p", kind=ProfileKind.DEMO,
                                 municipality_code="082015", clock=lambda: clock_now[0])
        try:
            AccountService(profile).create_first_admin("bench.admin", "性能 測定", PASSWORD)
            login = LoginService(profile, sleep=lambda _s: None)
            phc = product.hash(PASSWORD)
            rows.append(_row(
                "login", _median(lambda: login.login("bench.admin", PASSWORD), repeat),
                _median(lambda: product.verify(PASSWORD, phc), repeat), "s",
                "LoginService.login vs one Argon2id verify"))
            n = 100 if quick else 3000
            audit = profile.audit
            targets = {"file": "KSK01_082015_20261126100000.dat", "sha256": "ab" * 32,
                       "records": 120}
            start = time.perf_counter()
            for _ in range(n):
                audit.record(AuditAction.SEND, "bench.admin", targets)
            per_record = (time.perf_counter() - start) / n
            db = profile.db
            db.execute("CREATE TABLE plain (a, b, c, d, e, f, g, h)")
            start = time.perf_counter()
            for i in range(n):
                with db.transaction():
                    db.execute("INSERT INTO plain VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               (i, "2026-11-26T10:00:00.000+09:00", "pc", "bench.admin",
                                "send", str(targets), "success", "00" * 32))
            per_insert = (time.perf_counter() - start) / n
            rows.append(_row("audit_record", per_record * 1000, per_insert * 1000, "ms",
                             f"AuditLog.record vs plain INSERT+COMMIT ({n} records)"))
            count = audit.verify().count
            verify = _median(audit.verify, repeat)
            read = _median(lambda: db.query("SELECT * FROM audit_log ORDER BY seq"), repeat)
            rows.append(_row("audit_verify", verify * 1000, read * 1000, "ms",
                             f"verify {count} records vs reading them"))
        finally:
            profile.close()
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    for row in run(parser.parse_args().quick):
        print(row)
