"""Benchmark: send a 100,000-person KSK01/KSK02 pair and export its deliveries.

The product path (approved-medium check, reading the medium with logging, the
format check, encrypted staging, upload over pinned mutual TLS with a stored
idempotency key, the server's ingest, operation-log forwarding) is compared
with a plain ``requests`` upload of the same bytes (JSON + base64, the same
endpoint, a fresh simulator of its own so the server does the same work).
Export likewise: product path (download into staging, hash, check, atomic
write + fsync + read-back, acknowledge, log forwarding) against plain GET +
write + fsync + ack, over the same deliveries several times in alternating
order (their acknowledgements reset in the simulators' storage between
rounds), compared by median.
Target: ratio ≤ 2×. Also reported: the check and the staging on their own.

Run: ``.venv/bin/python -m benchmarks.transfer_bench [--quick]``.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks.common import MIN_RUNS, command_line, row, spread_row
from kokuho_pc.formats.checker import check_file_set
from kokuho_pc.services.exporting import ExportingService
from kokuho_pc.services.sending import SendingService
from kokuho_pc.transfer.staging import StagingArea
from shuyaku_sim.storage.db import DB_FILE
from tests.simfiles import household_pair, submission_body
from tests.simhelpers import SimServer, make_pki, make_session
from tests.transfer.harness import STAFF, approved_medium, login, make_profile, write_files

CODE = "082201"
CREATED = dt.datetime(2026, 11, 20, 9, 30, 0)


def _plain_upload(server: SimServer, files: dict[str, bytes]) -> float:
    t0 = time.perf_counter()
    with server.session(CODE, STAFF) as http:
        r = http.post(server.url("/api/v1/submissions"), json=submission_body(files),
                      headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=3600)
        assert r.status_code == 201, r.text
    return time.perf_counter() - t0


def _plain_export(server: SimServer, out: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    total = 0
    with make_session(server.sim_pki, CODE, STAFF) as http:
        rows = http.get(server.url("/api/v1/deliveries"), timeout=600).json()["deliveries"]
        for row in rows:
            data = http.get(server.url(f"/api/v1/deliveries/{row['name']}/content"),
                            timeout=600).content
            with open(out / row["name"], "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            total += len(data)
            http.post(server.url(f"/api/v1/deliveries/{row['name']}/acknowledge"),
                      timeout=600).raise_for_status()
    return time.perf_counter() - t0, total


def _reset_acknowledgements(server: SimServer) -> None:
    """Make every delivery of ``server`` unacknowledged again, so that the same
    deliveries can be exported once per round (the simulator's own test storage)."""
    conn = sqlite3.connect(server.data_dir / DB_FILE, timeout=30)
    try:
        with conn:
            conn.execute("UPDATE deliveries SET acknowledged_at = NULL, "
                         "acknowledged_terminal = NULL, acknowledged_staff = NULL")
    finally:
        conn.close()


def _export_rounds(
    base: Path, profile: Any, plain: SimServer, sim: SimServer, staff: Any, rounds: int,
) -> tuple[list[dict[str, object]], Any]:
    """Export the same deliveries ``rounds`` times each way, alternating which goes
    first, to a fresh medium each time; compare the medians (the machine is shared
    and one export takes a fraction of a second, so single runs are noise)."""
    ours: list[float] = []
    plain_times: list[float] = []
    check_s, exported_bytes, count = 0.0, 0, 0
    for index in range(rounds):
        _reset_acknowledgements(plain)
        _reset_acknowledgements(sim)
        out = approved_medium(profile, base / f"out-{index}")
        plain_out = base / f"plain-out-{index}"
        plain_out.mkdir()
        staff.logout()
        staff = login(profile, STAFF)  # the idle lock (60 s) may have struck meanwhile
        order = ("plain", "ours") if index % 2 == 0 else ("ours", "plain")
        for which in order:
            if which == "plain":
                seconds, total = _plain_export(plain, plain_out)
                plain_times.append(seconds)
                exported_bytes = total
                continue
            t0 = time.perf_counter()
            exported = ExportingService(profile).export(staff, out)
            ours.append(time.perf_counter() - t0)
            count = len(exported.exported)
            delivered = {e.name: (out / e.name).read_bytes() for e in exported.exported}
            t0 = time.perf_counter()
            assert check_file_set(delivered, today=profile.clock().date()).valid
            check_s = time.perf_counter() - t0
        assert sum(p.stat().st_size for p in out.iterdir() if not p.name.startswith(".")) \
            == exported_bytes
    export_s = statistics.median(ours)
    rows = [
        spread_row(f"export {count} deliveries ({exported_bytes / 1e6:.1f} MB)", ours,
                   plain_times, "s", f"{rounds} alternating rounds: staging+hash+check+atomic "
                   "write/fsync/read-back+ack+log forwarding vs plain GET+write+fsync+ack"),
        spread_row("export throughput", [exported_bytes / 1e6 / t for t in ours],
                   [exported_bytes / 1e6 / t for t in plain_times], "MB/s",
                   "per round, ours vs plain (ratio < 1: slower)"),
        row("  of which: format check of the deliveries", check_s, export_s, "s",
            "check_file_set on the delivered CSVs (last round), as a share of the median"),
    ]
    return rows, staff


def run(quick: bool) -> list[dict[str, object]]:
    """Measure; return rows {name, value, baseline, ratio, unit, note}."""
    households = 334 if quick else 33334
    files = household_pair(CODE, CREATED, households)
    persons = households * 3
    size_mb = sum(len(v) for v in files.values()) / 1e6
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        pki = make_pki(base / "pki")
        with SimServer(base / "plain-data", pki) as plain, SimServer(base / "data", pki) as sim:
            profile = make_profile(base / "profile", sim, pki)
            try:
                staff = login(profile, STAFF)
                send_t: list[float] = []
                plain_t: list[float] = []
                for k in range(MIN_RUNS):  # alternating: plain upload, then ours; new sets
                    created = CREATED + dt.timedelta(minutes=k)
                    plain_t.append(_plain_upload(plain, household_pair(CODE, created,
                                                                       households)))
                    medium = approved_medium(profile, base / f"usb{k}")
                    write_files(medium, household_pair(CODE, created, households))
                    staff.logout()
                    staff = login(profile, STAFF)  # the idle lock may strike between runs
                    t0 = time.perf_counter()
                    result = SendingService(profile).send(staff, medium)
                    send_t.append(time.perf_counter() - t0)
                    assert result.all_accepted
                send_s = statistics.median(send_t)
                rows.append(spread_row(
                    f"send {persons} persons ({size_mb:.1f} MB)", send_t, plain_t, "s",
                    f"{MIN_RUNS} alternating runs, a new file set each: medium+check+encrypted "
                    "staging+pinned mTLS upload+ingest+log forwarding vs plain requests upload "
                    "(same bytes, same ingest)"))
                rows.append(spread_row(
                    "send throughput", [persons / t for t in send_t],
                    [persons / t for t in plain_t], "persons/s",
                    f"{size_mb / send_s:.2f} MB/s (median) vs "
                    f"{size_mb / statistics.median(plain_t):.2f} MB/s plain"))
                t0 = time.perf_counter()
                check = check_file_set(files, today=profile.clock().date())
                check_s = time.perf_counter() - t0
                assert check.valid
                rows.append(row("  of which: format check", check_s, send_s, "s",
                                 "check_file_set alone, as a share of the send"))
                t0 = time.perf_counter()
                with StagingArea(base / "stage-bench").session() as session:
                    for data in files.values():
                        assert session.stage_bytes(data).read_all() == data
                stage_s = time.perf_counter() - t0
                rows.append(row("  of which: encrypted staging", stage_s, send_s, "s",
                                 "AES-GCM write + authenticated read-back, as a share"))
                export_rows, staff = _export_rounds(base, profile, plain, sim, staff,
                                                    rounds=MIN_RUNS if quick else 7)
                rows.extend(export_rows)
                staff.logout()
            finally:
                profile.close()
    return rows


def main() -> None:
    """Print the rows."""
    command_line(run, None)


if __name__ == "__main__":
    main()
