"""The throw-away demo environment behind ``kokuho-pc demo``.

Everything lives in one temporary directory that :meth:`DemoEnvironment.close`
removes: a fresh simulator PKI (``shuyaku-sim init-pki``), the simulator's data
seeded with the synthetic prefecture except つくば市's change round
(``shuyaku-sim seed``), the simulator itself (``shuyaku-sim serve`` on
127.0.0.1, a free port), a demo profile of つくば市 pointing at it, three demo
accounts and an approved emulated medium holding つくば市's change round.

The simulator always runs as a child process (kokuho_pc never imports
shuyaku_sim). On Linux it receives SIGTERM when the process that started it
dies (``PR_SET_PDEATHSIG``), on Windows it runs in a job object killed when
the client's process ends, so even a crashed or killed client leaves no
orphan; an ordinary exit stops it in :meth:`DemoEnvironment.close`.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from kokuho_pc.auth.accounts import Role
from kokuho_pc.auth.passwords import PasswordHasher
from kokuho_pc.demo.soft_authenticator import SoftAuthenticator
from kokuho_pc.domain.errors import KokuhoError
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.fido import FidoService
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.media_admin import MediaAdminService
from kokuho_pc.services.profile import Profile, ProfileKind, create_profile, open_profile

DEMO_MUNICIPALITY = "082201"  # つくば市
DEMO_MUNICIPALITY_NAME = "つくば市"
SERVER_START_TIMEOUT_S = 60.0
SERVER_STOP_TIMEOUT_S = 20.0
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105
_PR_SET_PDEATHSIG = 1
# The demo's software FIDO2 authenticator keeps its keys here, in the profile directory
# (demo only: a production build has no software authenticator at all).
AUTHENTICATOR_FILE = "demo-authenticator.json"


def demo_authenticator(profile_dir: Path) -> SoftAuthenticator:
    """The demo's software authenticator (stands in for Windows Hello / a security key)."""
    return SoftAuthenticator(profile_dir / AUTHENTICATOR_FILE)


def open_demo_profile(profile_dir: Path) -> Profile:
    """Open the demo profile with the software authenticator injected (issue 21)."""
    profile = open_profile(profile_dir)
    profile.authenticator = demo_authenticator(profile_dir)
    return profile

# (prefectural file set, medium file names) from the synthetic prefecture generator.
Generator = Callable[[Path], Sequence[str]]
Report = Callable[[str], None]


class DemoSetupFailed(KokuhoError):
    """A step of the demo set-up failed (the message says which, in Japanese)."""

    code = "demo_setup"
    default_hint = ("もう一度 python3 dev.py demo を実行してください。繰り返す場合は、"
                    "表示された内容を開発担当者に伝えてください。")


@dataclass(frozen=True)
class DemoAccount:
    """One demo account and the initial password the demo prints."""

    user_id: str
    name: str
    role: Role
    password: str

    @property
    def must_change(self) -> bool:
        """Staff change their initial password at first login (administrators chose theirs)."""
        return self.role is Role.STAFF


def demo_password() -> str:
    """A random, readable, strong password such as ``Kp7m-x3Rt-Qa9w-L2dz``."""
    groups = ("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def _demo_accounts() -> tuple[DemoAccount, ...]:
    return (
        DemoAccount("yamada.taro", "山田 太郎", Role.ADMIN, demo_password()),
        DemoAccount("sato.hanako", "佐藤 花子", Role.STAFF, demo_password()),
        DemoAccount("tanaka.jiro", "田中 次郎", Role.STAFF, demo_password()),
    )


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask Linux to send SIGTERM to this child when its parent dies."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _kill_with_this_process(proc: subprocess.Popen[bytes]) -> object | None:
    """Windows: put the child in a job object that is killed when this process ends.

    Returns the job handle (keep it open for the lifetime of the demo); None elsewhere
    or when the system refuses (the normal stop still runs at exit).
    """
    if sys.platform != "win32":
        return None
    import ctypes
    from ctypes import wintypes

    class _Limits(ctypes.Structure):
        _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64),
                    ("PerJobUserTimeLimit", ctypes.c_int64),
                    ("LimitFlags", wintypes.DWORD), ("MinimumWorkingSetSize", ctypes.c_size_t),
                    ("MaximumWorkingSetSize", ctypes.c_size_t),
                    ("ActiveProcessLimit", wintypes.DWORD), ("Affinity", ctypes.c_size_t),
                    ("PriorityClass", wintypes.DWORD), ("SchedulingClass", wintypes.DWORD)]

    class _Extended(ctypes.Structure):
        _fields_ = [("BasicLimitInformation", _Limits), ("IoInfo", ctypes.c_uint64 * 6),
                    ("ProcessMemoryLimit", ctypes.c_size_t),
                    ("JobMemoryLimit", ctypes.c_size_t),
                    ("PeakProcessMemoryUsed", ctypes.c_size_t),
                    ("PeakJobMemoryUsed", ctypes.c_size_t)]

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    job = kernel32.CreateJobObjectW(None, None)
    info = _Extended()
    info.BasicLimitInformation.LimitFlags = 0x2000  # JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    extended_limit_information = 9
    if not job or not kernel32.SetInformationJobObject(
            job, extended_limit_information, ctypes.byref(info), ctypes.sizeof(info)):
        return None
    handle = int(getattr(proc, "_handle"))  # noqa: B009 - the Windows process handle
    return job if kernel32.AssignProcessToJobObject(job, handle) else None


@dataclass
class DemoEnvironment:
    """The demo's temporary directory, running simulator, profile, accounts and medium."""

    root: Path
    accounts: tuple[DemoAccount, ...] = field(default_factory=_demo_accounts)
    server_url: str = ""
    medium_files: tuple[str, ...] = ()
    process: subprocess.Popen[bytes] | None = None
    python: str = sys.executable
    _job: object | None = None

    @property
    def profile_dir(self) -> Path:
        """The demo profile (store, policy, staging)."""
        return self.root / "profile"

    @property
    def medium_dir(self) -> Path:
        """The approved emulated medium holding つくば市's change round."""
        return self.root / "medium-tsukuba"

    @property
    def pki_dir(self) -> Path:
        """The simulator's CA, server and terminal certificates."""
        return self.root / "pki"

    @property
    def data_dir(self) -> Path:
        """The simulator's database."""
        return self.root / "sim-data"

    @property
    def server_log(self) -> Path:
        """Everything the simulator printed."""
        return self.root / "simulator.log"

    @property
    def admin(self) -> DemoAccount:
        """The demo administrator."""
        return next(a for a in self.accounts if a.role is Role.ADMIN)

    @property
    def staff(self) -> tuple[DemoAccount, ...]:
        """The demo staff accounts."""
        return tuple(a for a in self.accounts if a.role is Role.STAFF)

    # --- set-up ----------------------------------------------------------------------

    def prepare(
        self, generate: Generator, *, report: Report = lambda _s: None,
        hasher: PasswordHasher | None = None,
    ) -> DemoEnvironment:
        """Run every set-up step; on failure the simulator is stopped and DemoSetupFailed raised."""
        try:
            report("デモ用の県データ(架空の住民)を作成しています…")
            files_dir = self.root / "prefecture"
            medium_names = tuple(generate(files_dir))
            report("シミュレータの証明書(CA・サーバ・つくば市の端末)を作成しています…")
            pin = self._init_pki()
            report("国保情報集約システム(シミュレータ)に他市町村のデータを登録しています…")
            self._seed(files_dir, medium_names)
            report("シミュレータを起動しています…")
            self._serve()
            report("デモ用プロファイルとアカウントを作成しています…")
            self._make_profile(pin, medium_names, files_dir, hasher)
        except BaseException:
            self.stop_server()
            raise
        return self

    def _run_sim(self, *args: str, what: str) -> str:
        try:
            done = subprocess.run(
                [self.python, "-m", "shuyaku_sim", *args], capture_output=True, check=False,
                timeout=600,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DemoSetupFailed(f"{what}に失敗しました。({type(exc).__name__})") from exc
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise DemoSetupFailed(f"{what}に失敗しました。" + " / ".join(detail))
        return done.stdout.decode("utf-8", "replace")

    def _init_pki(self) -> str:
        out = self._run_sim("init-pki", str(self.pki_dir), "--municipality", DEMO_MUNICIPALITY,
                            what="証明書の作成")
        return out.strip().splitlines()[-1].strip()

    def _seed(self, files_dir: Path, medium_names: Sequence[str]) -> None:
        paths = sorted(
            str(p) for p in files_dir.iterdir()
            if p.suffix == ".dat" and p.name not in set(medium_names)
        )
        self._run_sim("seed", "--data", str(self.data_dir), *paths, what="シミュレータへの登録")

    def _serve(self) -> None:
        port_file = self.data_dir / "server.port"
        port_file.unlink(missing_ok=True)
        args = [self.python, "-m", "shuyaku_sim", "serve", "--data", str(self.data_dir),
                "--pki", str(self.pki_dir), "--host", "127.0.0.1", "--port", "0"]
        linux = sys.platform.startswith("linux")
        with self.server_log.open("ab") as out:
            self.process = subprocess.Popen(  # preexec_fn only sets PDEATHSIG (no locks taken)
                args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if linux else None,
            )
        self._job = _kill_with_this_process(self.process)
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not port_file.exists():
            if self.process.poll() is not None:
                self.process = None
                tail = self.server_log.read_text("utf-8", "replace").strip().splitlines()[-3:]
                raise DemoSetupFailed("シミュレータを起動できませんでした。" + " / ".join(tail))
            if time.monotonic() > deadline:
                self.stop_server()
                raise DemoSetupFailed("シミュレータが時間内に起動しませんでした。")
            time.sleep(0.05)
        self.server_url = f"https://127.0.0.1:{int(port_file.read_text().strip())}"

    def _make_profile(
        self, pin: str, medium_names: Sequence[str], files_dir: Path,
        hasher: PasswordHasher | None,
    ) -> None:
        settings: dict[str, object] = {
            "server_url": self.server_url,
            "server_ca_file": str(self.pki_dir / "ca.pem"),
            "server_pins": [pin],
            "client_cert_file": str(self.pki_dir / f"terminal-{DEMO_MUNICIPALITY}.pem"),
            "client_key_file": str(self.pki_dir / f"terminal-{DEMO_MUNICIPALITY}-key.pem"),
            "terminal_name": "DEMO-PC-01",
            "idle_timeout_seconds": 300,
            "emulated_media_allowed": True,
            "emulated_media_dirs": [str(self.medium_dir)],
        }
        self.medium_dir.mkdir(parents=True, exist_ok=True)
        for name in medium_names:
            shutil.copyfile(files_dir / name, self.medium_dir / name)
        self.medium_files = tuple(sorted(medium_names))
        with create_profile(self.profile_dir, kind=ProfileKind.DEMO,
                            municipality_code=DEMO_MUNICIPALITY, settings=settings,
                            hasher=hasher) as profile:
            accounts = AccountService(profile)
            admin = self.admin
            accounts.create_first_admin(admin.user_id, admin.name, admin.password)
            session = LoginService(profile).login(admin.user_id, admin.password)
            try:
                for person in self.staff:
                    accounts.add_user(session, person.user_id, person.name, person.role,
                                      person.password)
                MediaAdminService(profile).register(
                    session, self.medium_dir,
                    [*(a.user_id for a in self.staff), admin.user_id])  # admin: log CSV
                # One account gets a (software) FIDO2 authenticator, enrolled with the
                # administrator present, so quick unlock can be tried at once.
                profile.authenticator = demo_authenticator(self.profile_dir)
                first = self.staff[0]
                FidoService(profile).enrol(session, first.user_id, first.password,
                                           admin.user_id, admin.password)
            finally:
                session.logout(reason="demo_setup")

    # --- tear-down -------------------------------------------------------------------

    def stop_server(self) -> None:
        """Stop the simulator (SIGTERM, then SIGKILL after a grace period)."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(SERVER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def close(self) -> None:
        """Stop the simulator and remove the whole temporary directory."""
        self.stop_server()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> DemoEnvironment:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


DEMO_PREFIX = "kokuho-demo-"
OWNER_MARK = ".kokuho-demo-owner"  # in every demo directory: {"pid", "started"} of its demo


def _process_start(pid: int) -> str:
    """When process ``pid`` started (Linux: its start time in clock ticks), "" if unknown."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    return stat_line.rsplit(")", 1)[-1].split()[19]  # field 22 (starttime)


def _alive(pid: int, started: str) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process with that number: leave it alone
    except OSError:  # pragma: no cover - Windows raises OSError for a missing process
        return False
    return not started or _process_start(pid) in ("", started)


def _is_ours_and_abandoned(path: Path) -> bool:
    """A directory this demo made (marked, ours, no link) whose demo process is gone."""
    try:
        info = path.lstat()
        mark = (path / OWNER_MARK).lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or not stat.S_ISREG(mark.st_mode):
        return False
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or mark.st_uid != os.getuid()):
        return False
    try:
        owner = json.loads((path / OWNER_MARK).read_text(encoding="utf-8"))
        pid, started = int(owner["pid"]), str(owner.get("started", ""))
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return pid != os.getpid() and not _alive(pid, started)


def sweep_abandoned_demos(base: Path | None = None) -> list[Path]:
    """Remove the demo directories a killed demo left behind (keys, certificates, a
    profile): only ``kokuho-demo-*`` directories holding our owner mark, owned by this
    user, whose demo process no longer runs. Returns what was removed."""
    directory = Path(base) if base is not None else Path(tempfile.gettempdir())
    removed: list[Path] = []
    try:
        candidates = [p for p in directory.iterdir() if p.name.startswith(DEMO_PREFIX)]
    except OSError:
        return removed
    for path in candidates:
        if _is_ours_and_abandoned(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def new_demo_environment(base: Path | None = None) -> DemoEnvironment:
    """A demo environment in a new temporary directory (under ``base`` when given).

    First sweeps what a killed demo left (SIGKILL skips ``close``), then marks the new
    directory with its owner (this process) for the next sweep."""
    sweep_abandoned_demos(base)
    root = Path(tempfile.mkdtemp(prefix=DEMO_PREFIX, dir=base))
    with contextlib.suppress(OSError):
        os.chmod(root, 0o700)
    mark = {"pid": os.getpid(), "started": _process_start(os.getpid())}
    (root / OWNER_MARK).write_text(json.dumps(mark), encoding="utf-8")
    return DemoEnvironment(root)
