"""A real profile wired to a real simulator, and helpers to inspect both sides."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Mapping
from pathlib import Path

from kokuho_pc.auth.accounts import Role
from kokuho_pc.auth.passwords import Argon2Params, PasswordHasher
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.login import LoginService, Session
from kokuho_pc.services.media_admin import MediaAdminService
from kokuho_pc.services.profile import Profile, ProfileKind, create_profile
from kokuho_pc.store.clock import Clock, system_clock
from shuyaku_sim.pki import issue_terminal
from tests.leaks import register_input
from tests.simhelpers import SimPki, SimServer

ADMIN, STAFF = "sato.kanri", "suzuki.hanako"
ADMIN2 = "tanaka.kanri"  # the second administrator of a production profile
ADMIN_PW = "Akai-tsuki-no-yoru-2026!"  # holds no part of the user ID (issue 14 policy)
STAFF_PW = "Tantou-sha-pasuwado-2026!"
INITIAL_PW = "Shoki-pasuwado-henkou-2026!"
CODE = "082201"


def profile_settings(sim: SimServer, pki: SimPki, code: str = CODE) -> dict[str, object]:
    """Settings of a new profile, with a terminal certificate of its own: the simulator
    anchors each terminal's operation-log chain, so two profiles (two chains) on one
    certificate are a restarted chain it refuses (issue 15)."""
    token = uuid.uuid4().hex[:8]
    issued = issue_terminal(pki.directory, code, terminal_id=f"terminal-{code}-{token}",
                            file_stem=f"terminal-{code}-{token}")
    cert, key = issued.cert_path, issued.key_path
    return {"server_url": sim.base_url, "server_ca_file": str(pki.ca),
            "server_pins": [pki.pin], "client_cert_file": str(cert),
            "client_key_file": str(key)}


def make_profile(path: Path, sim: SimServer, pki: SimPki, code: str = CODE,
                 clock: Clock = system_clock,
                 kind: ProfileKind = ProfileKind.DEMO) -> Profile:
    """A profile of ``code`` (082201) with admin1 and staff1 (password already changed);
    demo unless ``kind`` says production (then the OS keyring must be installed, e.g. the
    ``memory_keyring`` fixture, and a second administrator, ``ADMIN2``, comes before the
    staff member, as issue 14 requires).

    ``clock`` is the profile's clock from its creation on: a test that moves time
    passes its own clock here, so the accounts and grants are dated by the clock the
    code under test reads (never by the machine's date).
    """
    hasher = PasswordHasher(Argon2Params(memory_kib=256, iterations=1), weak_params_for_tests=True)
    profile = create_profile(path, kind=kind, municipality_code=code,
                             settings=profile_settings(sim, pki, code), clock=clock,
                             hasher=hasher)
    accounts = AccountService(profile)
    accounts.create_first_admin(ADMIN, "管理者", ADMIN_PW)
    admin = LoginService(profile).login(ADMIN, ADMIN_PW)
    if kind is ProfileKind.PRODUCTION:
        accounts.add_user(admin, ADMIN2, "管理者二", Role.ADMIN, INITIAL_PW)
    accounts.add_user(admin, STAFF, "担当者", Role.STAFF, INITIAL_PW)
    staff = LoginService(profile).login(STAFF, INITIAL_PW)
    accounts.change_password(staff, INITIAL_PW, STAFF_PW)
    staff.logout()
    admin.logout()
    return profile


def login(profile: Profile, user: str) -> Session:
    return LoginService(profile).login(user, ADMIN_PW if user == ADMIN else STAFF_PW)


def approved_medium(profile: Profile, path: Path, staff: tuple[str, ...] = (STAFF,)) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    admin = login(profile, ADMIN)
    MediaAdminService(profile).register(admin, path, staff)
    admin.logout()
    return path


def write_files(medium: Path, files: Mapping[str, bytes]) -> None:
    """Put input files on a medium; the leak sweep leaves out exactly these, unchanged."""
    for name, data in files.items():
        (medium / name).write_bytes(data)
        register_input(medium / name)


def tree_hash(path: Path) -> dict[str, str]:
    """Name → SHA-256 of every file under ``path`` (hidden ones included)."""
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def sim_query(
    sim: SimServer, sql: str, params: tuple[object, ...] = ()
) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{sim.data_dir / 'shuyaku.sqlite3'}?mode=ro", uri=True)
    try:
        return list(conn.execute(sql, params).fetchall())
    finally:
        conn.close()


def submissions(sim: SimServer, code: str = CODE) -> int:
    return int(sim_query(sim, "SELECT count(*) FROM submissions WHERE municipality_code = ?",
                         (code,))[0][0])


def access_count(sim: SimServer) -> int:
    conn = sqlite3.connect(f"file:{sim.data_dir / 'access-log.sqlite3'}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM access_log").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()
