"""Reusable helpers to run the real simulator (shuyaku_sim) in tests.

Everything here is real: a PKI made with ``shuyaku_sim.pki``, the server started as
a subprocess (``python -m shuyaku_sim.cli serve``) on 127.0.0.1 with a free port,
and ``requests`` sessions over mutual TLS with a terminal's certificate.

Typical use (the fixtures in ``tests/sim/conftest.py`` do exactly this)::

    sim_pki = make_pki(tmp_path / "pki")                 # 082201 and 082015 terminals
    with SimServer(tmp_path / "data", sim_pki) as server: # started, port discovered
        with server.session("082201") as http:            # X-Staff-Id: staff01
            http.get(server.url("/api/v1/status")).json()

``SimServer.kill()`` / ``restart()`` simulate crashes; ``stop()`` sends SIGTERM.
Server output goes to ``<data>/../server-<n>.log`` so no pipe can fill up.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import requests

from shuyaku_sim import pki

DEFAULT_MUNICIPALITIES = ("082201", "082015")
DEFAULT_STAFF = "staff01"
# Staff IDs the simulator tests, the fuzzing and the seeding helpers name in X-Staff-Id.
# The consolidation system refuses a staff ID its registry does not hold, even for a
# municipality whose PC never forwarded an account record (x1), so SimServer registers
# these for every municipality of its PKI before the first start, as a PC's forwarded
# account.create records would. ``SimServer(..., staff=())`` registers nobody.
# Also tests/transfer/harness.py's STAFF and ADMIN (the e2e tests seed a municipality that
# has no PC with them) and the benchmarks' "seed" and "reader01".
TEST_STAFF = (DEFAULT_STAFF, "fuzz", "tsukuba01", "tsukuba02", "mito01", "tanaka01",
              "suzuki.hanako", "sato.kanri", "seed", "reader01")
ROOT = Path(__file__).resolve().parent.parent
_DIRECT_SERVE = (
    "import sys; from pathlib import Path; from shuyaku_sim.server import serve; "
    "a = dict(zip(sys.argv[1::2], sys.argv[2::2])); "
    "sys.exit(serve(Path(a['--data']), Path(a['--pki']), a['--host'], int(a['--port'])))"
)


@dataclass(frozen=True)
class SimPki:
    """A PKI directory made by ``shuyaku_sim.pki.init_pki``."""

    directory: Path
    pin: str
    municipalities: tuple[str, ...]

    @property
    def ca(self) -> Path:
        """The CA certificate every client must trust."""
        return self.directory / pki.CA_CERT

    def terminal(self, code: str | None) -> tuple[Path, Path]:
        """(certificate, key) of a municipality's terminal; None → the federation admin."""
        stem = pki.FEDERATION_NAME if code is None else f"terminal-{code}"
        return self.directory / f"{stem}.pem", self.directory / f"{stem}-key.pem"


def make_pki(directory: Path, municipalities: Sequence[str] = DEFAULT_MUNICIPALITIES) -> SimPki:
    """Create a PKI with terminals for ``municipalities`` (and the federation admin)."""
    info = pki.init_pki(directory, municipalities)
    return SimPki(directory, info.pin, tuple(municipalities))


def make_session(
    sim_pki: SimPki,
    code: str | None = DEFAULT_MUNICIPALITIES[0],
    staff: str | None = DEFAULT_STAFF,
    cert: tuple[Path, Path] | None = None,
) -> requests.Session:
    """A ``requests.Session`` trusting the simulator's CA, presenting a terminal's certificate.

    ``code`` None uses the federation administrator's terminal; ``cert`` overrides the
    certificate; ``staff`` None sends no ``X-Staff-Id``. Close it (or use ``with``).
    """
    session = requests.Session()
    # Never let REQUESTS_CA_BUNDLE / proxy variables override the pinned CA and loopback.
    session.trust_env = False
    session.verify = str(sim_pki.ca)
    chosen = cert or sim_pki.terminal(code)
    session.cert = (str(chosen[0]), str(chosen[1]))
    if staff is not None:
        session.headers["X-Staff-Id"] = staff
    return session


def register_staff(data_dir: Path, municipalities: Sequence[str], staff: Sequence[str]) -> None:
    """Enter ``staff`` into each municipality's staff registry (those not there yet), as
    the account records a PC forwards would; the simulator's data store is created."""
    if not staff:
        return
    from shuyaku_sim.engine import Engine
    from shuyaku_sim.storage.trust import StaffRow

    previous = os.umask(0o077)  # owner-only files, as `shuyaku-sim serve` makes them
    try:
        engine = Engine.open(data_dir)
    finally:
        os.umask(previous)
    try:
        with engine.db.transaction() as tx:
            for code in municipalities:
                for staff_id in staff:
                    if tx.staff(code, staff_id) is None:
                        tx.save_staff(StaffRow(code, staff_id, "staff", None, None, None),
                                      "test-fixture", 0, engine.now_iso())
    finally:
        engine.close()


@dataclass
class SimServer:
    """A ``shuyaku-sim serve`` subprocess on 127.0.0.1 with a free port."""

    data_dir: Path
    sim_pki: SimPki
    host: str = "127.0.0.1"
    process: subprocess.Popen[bytes] | None = None
    port: int = 0
    logs: list[Path] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    staff: Sequence[str] = TEST_STAFF

    @property
    def base_url(self) -> str:
        """``https://127.0.0.1:PORT``."""
        return f"https://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        """Absolute URL of an API path such as ``/api/v1/status``."""
        return self.base_url + path

    def start(self, timeout: float = 30.0) -> SimServer:
        """Start the server and wait until it listens (its port file appears)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.logs:
            register_staff(self.data_dir, self.sim_pki.municipalities, self.staff)
        port_file = self.data_dir / "server.port"
        port_file.unlink(missing_ok=True)
        log = self.data_dir.parent / f"server-{len(self.logs) + 1}.log"
        self.logs.append(log)
        options = ["--data", str(self.data_dir), "--pki", str(self.sim_pki.directory),
                   "--host", self.host, "--port", "0"]
        if importlib.util.find_spec("shuyaku_sim.cli") is not None:
            args = [sys.executable, "-m", "shuyaku_sim.cli", "serve", *options]
        else:  # before the command line exists: the same entry point, called directly
            args = [sys.executable, "-c", _DIRECT_SERVE, *options]
        env = dict(os.environ, PYTHONPATH=str(ROOT), **self.env)
        with log.open("wb") as out:
            self.process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                                            cwd=ROOT, env=env)
        deadline = time.monotonic() + timeout
        while not port_file.exists():
            if self.process.poll() is not None:
                self.process = None
                raise RuntimeError(f"simulator exited early:\n{log.read_text('utf-8', 'replace')}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("simulator did not start in time")
            time.sleep(0.05)
        self.port = int(port_file.read_text().strip())
        return self

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM (graceful shutdown); return the exit code."""
        if self.process is None:
            return 0
        proc, self.process = self.process, None
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process is None:
            return
        proc, self.process = self.process, None
        proc.kill()
        proc.wait()

    def wait_killed(self, timeout: float = 60.0) -> int:
        """Wait for the server to die on its own (a fault point); return its exit code."""
        if self.process is None:
            raise RuntimeError("the simulator is not running")
        proc, self.process = self.process, None
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise

    def restart(self) -> SimServer:
        """Start again on the same data (the port may change)."""
        self.stop()
        return self.start()

    def session(self, code: str | None = DEFAULT_MUNICIPALITIES[0],
                staff: str | None = DEFAULT_STAFF) -> requests.Session:
        """A session of ``code``'s terminal (see :func:`make_session`)."""
        return make_session(self.sim_pki, code, staff)

    def log_text(self) -> str:
        """Everything the server printed (all runs)."""
        return "".join(p.read_text("utf-8", "replace") for p in self.logs if p.exists())

    def __enter__(self) -> SimServer:
        return self.start() if self.process is None else self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
