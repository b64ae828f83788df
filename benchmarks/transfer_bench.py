"""Benchmark: send a 100,000-person KSK01/KSK02 pair and export its deliveries.

The product path (approved-medium check, reading the medium with logging, the
format check, encrypted staging, upload over pinned mutual TLS with a stored
idempotency key, the server's ingest, operation-log forwarding) is compared
with a plain ``requests`` upload of the same bytes (JSON + base64, the same
endpoint, a fresh simulator of its own so the server does the same work).
Export likewise: product path (download into staging, hash, check, atomic
write + fsync + read-back, acknowledge) against plain GET + write + ack.
Target: ratio ≤ 2×. Also reported: the check and the staging on their own.

Run: ``.venv/bin/python -m benchmarks.transfer_bench [--quick]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
import uuid
from pathlib import Path

from kokuho_pc.formats.checker import check_file_set
from kokuho_pc.services.exporting import ExportingService
from kokuho_pc.services.sending import SendingService
from kokuho_pc.transfer.staging import StagingArea
from tests.simfiles import household_pair, submission_body
from tests.simhelpers import SimServer, make_pki, make_session
from tests.transfer.harness import STAFF, approved_medium, login, make_profile, write_files

CODE = "082201"
CREATED = dt.datetime(2026, 11, 20, 9, 30, 0)


def _row(name: str, value: float, baseline: float, unit: str, note: str) -> dict[str, object]:
    return {"name": name, "value": round(value, 3), "baseline": round(baseline, 3),
            "ratio": round(value / baseline, 2) if baseline else None, "unit": unit,
            "note": note}


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
            baseline_send = _plain_upload(plain, files)
            profile = make_profile(base / "profile", sim, pki)
            try:
                medium = approved_medium(profile, base / "usb")
                write_files(medium, files)
                staff = login(profile, STAFF)
                t0 = time.perf_counter()
                result = SendingService(profile).send(staff, medium)
                send_s = time.perf_counter() - t0
                assert result.all_accepted
                rows.append(_row(f"send {persons} persons ({size_mb:.1f} MB)", send_s,
                                 baseline_send, "s",
                                 "medium+check+encrypted staging+pinned mTLS upload+ingest+log "
                                 "forwarding vs plain requests upload (same bytes, same ingest)"))
                rows.append(_row("send throughput", persons / send_s, persons / baseline_send,
                                 "persons/s", f"{size_mb / send_s:.2f} MB/s vs "
                                 f"{size_mb / baseline_send:.2f} MB/s plain"))
                t0 = time.perf_counter()
                check = check_file_set(files)
                check_s = time.perf_counter() - t0
                assert check.valid
                rows.append(_row("  of which: format check", check_s, send_s, "s",
                                 "check_file_set alone, as a share of the send"))
                t0 = time.perf_counter()
                with StagingArea(base / "stage-bench").session() as session:
                    for data in files.values():
                        assert session.stage_bytes(data).read_all() == data
                stage_s = time.perf_counter() - t0
                rows.append(_row("  of which: encrypted staging", stage_s, send_s, "s",
                                 "AES-GCM write + authenticated read-back, as a share"))
                out, plain_out = base / "out", base / "plain-out"
                approved_medium(profile, out)
                plain_out.mkdir()
                baseline_export, exported_bytes = _plain_export(plain, plain_out)
                staff.logout()
                staff = login(profile, STAFF)  # the idle lock (60 s) may have struck meanwhile
                t0 = time.perf_counter()
                exported = ExportingService(profile).export(staff, out)
                export_s = time.perf_counter() - t0
                assert sum(e.size for e in exported.exported) == exported_bytes
                rows.append(_row(f"export {len(exported.exported)} deliveries "
                                 f"({exported_bytes / 1e6:.1f} MB)", export_s, baseline_export,
                                 "s", "staging+hash+check+atomic write/fsync/read-back+ack vs "
                                 "plain GET+write+fsync+ack"))
                delivered = {e.name: (out / e.name).read_bytes() for e in exported.exported}
                t0 = time.perf_counter()
                assert check_file_set(delivered).valid
                rows.append(_row("  of which: format check of the deliveries",
                                 time.perf_counter() - t0, export_s, "s",
                                 "check_file_set on the delivered CSVs, as a share"))
                staff.logout()
            finally:
                profile.close()
    return rows


def main() -> None:
    """Print the rows."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    for row in run(parser.parse_args().quick):
        print(row, flush=True)


if __name__ == "__main__":
    main()
