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

import itertools
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks.common import MIN_RUNS, alternating, command_line, spread_row
from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.auth.passwords import Argon2Params, PasswordHasher
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import ProfileKind, create_profile

PASSWORD = "sakura-no-hana-ga-saku-yo"  # noqa: S105 (a throw-away benchmark account)


def run(quick: bool) -> list[dict[str, object]]:
    """Measure and return the rows."""
    rows: list[dict[str, object]] = []
    repeat = MIN_RUNS if quick else 7
    product = PasswordHasher()
    minimum = PasswordHasher(Argon2Params(memory_kib=19 * 1024, iterations=2))
    rows.append(spread_row("argon2id_hash", *alternating(
        lambda: product.hash(PASSWORD), lambda: minimum.hash(PASSWORD), repeat), "s",
        "product params vs OWASP minimum (19 MiB, t=2)", digits=6))
    jst = timezone(timedelta(hours=9))
    clock_now = [datetime(2026, 11, 26, 10, 0, tzinfo=jst)]
    with tempfile.TemporaryDirectory() as tmp:
        profile = create_profile(Path(tmp) / "p", kind=ProfileKind.DEMO,
                                 municipality_code="082015", clock=lambda: clock_now[0])
        try:
            AccountService(profile).create_first_admin("bench.admin", "性能 測定", PASSWORD)
            login = LoginService(profile, sleep=lambda _s: None)
            phc = product.hash(PASSWORD)
            rows.append(spread_row("login", *alternating(
                lambda: login.login("bench.admin", PASSWORD),
                lambda: product.verify(PASSWORD, phc), repeat), "s",
                "LoginService.login vs one Argon2id verify", digits=6))
            n = 100 if quick else 3000
            audit = profile.audit
            targets = {"file": "KSK01_082015_20261126100000.dat", "sha256": "ab" * 32,
                       "records": 120}
            db = profile.db
            db.execute("CREATE TABLE plain (a, b, c, d, e, f, g, h)")
            chunk = max(1, n // repeat)
            inserted = iter(range(10**9))

            def records() -> None:
                for _ in range(chunk):
                    audit.record(AuditAction.SEND, "bench.admin", targets)

            def inserts() -> None:
                for i in itertools.islice(inserted, chunk):
                    with db.transaction():
                        db.execute("INSERT INTO plain VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                   (i, "2026-11-26T10:00:00.000+09:00", "pc", "bench.admin",
                                    "send", str(targets), "success", "00" * 32))

            ours, plain = alternating(records, inserts, repeat)
            rows.append(spread_row(
                "audit_record", [t / chunk for t in ours], [t / chunk for t in plain], "ms",
                f"AuditLog.record vs plain INSERT+COMMIT ({repeat} runs of {chunk} records, "
                "per record)", scale=1000, digits=6))
            count = audit.verify().count
            rows.append(spread_row("audit_verify", *alternating(
                audit.verify, lambda: db.query("SELECT * FROM audit_log ORDER BY seq"), repeat),
                "ms", f"verify {count} records vs reading them", scale=1000, digits=6))
        finally:
            profile.close()
    return rows


if __name__ == "__main__":
    command_line(run)
