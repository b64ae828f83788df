"""The server process: ready line and port file, graceful SIGTERM, 503 + Retry-After when busy."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tests.simfiles import OLD, household_pair, submission_body
from tests.simhelpers import SimPki, SimServer

CREATED = dt.datetime(2026, 11, 3, 8, 0, 0)


def _start_submission(server: SimServer, households: int) -> http.client.HTTPSConnection:
    """Send a submission of ``households`` households; return with the answer pending."""
    ctx = ssl.create_default_context(cafile=str(server.sim_pki.ca))
    cert, key = server.sim_pki.terminal(OLD)
    ctx.load_cert_chain(str(cert), str(key))
    conn = http.client.HTTPSConnection(server.host, server.port, context=ctx, timeout=120)
    body = json.dumps(submission_body(household_pair(OLD, CREATED, households))).encode()
    conn.request("POST", "/api/v1/submissions", body=body, headers={
        "Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4()),
        "X-Staff-Id": "staff01"})
    return conn


def _wait_until_taken_in(pid: int) -> None:
    """Wait until the server runs an engine call on its pool (Linux: /proc), then a little more."""
    tasks = Path(f"/proc/{pid}/task")
    deadline = time.monotonic() + 10
    while tasks.exists() and len(list(tasks.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)  # the event loop's thread + one thread of the engine's pool
    time.sleep(0.15)  # parse the request line (processing itself lasts ~0.5 s or more)


def test_ready_line_port_file_and_clean_stop(sim_pki: SimPki, tmp_path: Path) -> None:
    server = SimServer(tmp_path / "data", sim_pki).start()
    port_file = server.data_dir / "server.port"
    try:
        assert int(port_file.read_text()) == server.port
        with server.session(OLD) as http_session:
            assert http_session.get(server.url("/api/v1/status"), timeout=10).status_code == 200
        for path in server.data_dir.iterdir():  # names and dates of insured persons
            if path.name != "server.port":
                assert path.stat().st_mode & 0o077 == 0, path.name
    finally:
        assert server.stop() == 0
    assert not port_file.exists()
    log = server.log_text()
    assert f"https://127.0.0.1:{server.port}/ で待ち受けています" in log
    assert "停止しました" in log


def test_sigterm_lets_the_request_in_progress_finish(sim_server: SimServer) -> None:
    conn = _start_submission(sim_server, 300)
    proc = sim_server.process
    assert proc is not None
    _wait_until_taken_in(proc.pid)
    proc.send_signal(signal.SIGTERM)
    try:
        response = conn.getresponse()
        assert response.status == 201
        assert json.loads(response.read())["persons"] == 900
    finally:
        conn.close()
    assert proc.wait(60) == 0
    sim_server.process = None
    sim_server.start()  # and the data is there after the restart
    with sim_server.session(OLD) as http_session:
        status = http_session.get(sim_server.url("/api/v1/status"), timeout=10).json()
        assert status["summary"]["rejected_submissions"] == 0
        deliveries = http_session.get(sim_server.url("/api/v1/deliveries"), timeout=10).json()
        assert deliveries["deliveries"]


def test_busy_engine_answers_503_with_retry_after(sim_pki: SimPki, tmp_path: Path) -> None:
    """A write waiting for the single writer longer than the busy wait: 503 + Retry-After.
    Reads meanwhile are answered at once (WAL snapshots), without waiting for the ingest."""
    server = SimServer(tmp_path / "data", sim_pki, env={"SHUYAKU_SIM_BUSY_WAIT": "0.05"})
    with server:
        conn = _start_submission(server, 400)
        try:
            answers, reads = [], []
            with server.session(OLD) as http_session:
                for _ in range(50):  # while the ingest holds the writer
                    reads.append(http_session.get(server.url("/api/v1/status"), timeout=10))
                    answers.append(http_session.post(
                        server.url("/api/v1/operation-log"), timeout=10,
                        json={"records": [{"seq": len(answers) + 1, "action": "x"}]}))
                    if answers[-1].status_code == 503:
                        break
                    time.sleep(0.02)
            response = conn.getresponse()
            assert response.status == 201
            response.read()
        finally:
            conn.close()
    busy = [r for r in answers if r.status_code == 503]
    assert busy, [r.status_code for r in answers]
    assert busy[0].headers["Retry-After"] == "2"
    assert busy[0].json()["error"]["code"] == "busy"
    assert all(r.status_code == 200 for r in reads), [r.status_code for r in reads]


def _serve(tmp_path: Path, pki_dir: Path, port: int) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[2]
    return subprocess.run(
        [sys.executable, "-m", "shuyaku_sim.cli", "serve", "--data", str(tmp_path / "d"),
         "--pki", str(pki_dir), "--port", str(port)],
        capture_output=True, text=True, cwd=root, timeout=60)


def test_serve_refuses_a_missing_pki_or_a_busy_port(sim_pki: SimPki, tmp_path: Path) -> None:
    out = _serve(tmp_path, tmp_path / "no-pki", 0)
    assert out.returncode == 2 and "ca.pem" in out.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        out = _serve(tmp_path, sim_pki.directory, taken.getsockname()[1])
    assert out.returncode == 2 and "サーバを開始できません" in out.stderr
    assert "Traceback" not in out.stderr
