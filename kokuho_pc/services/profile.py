"""Open or create a profile: the encrypted store, its policy and its operation log.

``open_profile(path)`` is what the desktop application and the command line
call first; every other service takes the returned :class:`Profile`.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

from kokuho_pc.audit.actions import AuditAction, AuditResult
from kokuho_pc.audit.log import AuditLog
from kokuho_pc.audit.rollback import RollbackFinding, compare, compare_acknowledged
from kokuho_pc.auth.fido import Authenticator, FidoCeremonies, PlatformAuthenticator
from kokuho_pc.auth.passwords import PasswordHasher
from kokuho_pc.domain.errors import InvalidSetting
from kokuho_pc.domain.municipality import is_valid_municipality_code
from kokuho_pc.store.anchor import anchor_for
from kokuho_pc.store.clock import Clock, system_clock
from kokuho_pc.store.database import Database
from kokuho_pc.store.keys import seal_terminal_key, terminal_key_password
from kokuho_pc.store.policy import Policy, PolicyStore
from kokuho_pc.store.profile_dir import (
    ProfileInfo,
    ProfileKind,
    create_profile_dir,
    open_profile_dir,
    reset_store,
)

__all__ = [
    "SYSTEM_ACTOR",
    "Profile",
    "ProfileKind",
    "apply_log_retention",
    "create_profile",
    "default_profile_dir",
    "open_profile",
    "reset_profile_store",
    "resolve_profile_dir",
]

ENV_PROFILE = "KOKUHO_PC_PROFILE"
SYSTEM_ACTOR = "-"  # staff ID of records made before anyone logged in


def default_profile_dir() -> Path:
    """The platform's per-machine application data directory for the profile."""
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData"))
        return base / "kokuho-pc"
    if sys.platform == "darwin":
        return Path("/Library/Application Support/kokuho-pc")
    return Path("/var/lib/kokuho-pc")


def resolve_profile_dir(explicit: str | os.PathLike[str] | None) -> Path:
    """``--profile DIR``, else $KOKUHO_PC_PROFILE, else the platform default."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_PROFILE)
    if env:
        return Path(env)
    return default_profile_dir()


class Profile:
    """An open profile. Close it with :meth:`close` (or use it as a context manager)."""

    def __init__(
        self,
        info: ProfileInfo,
        db: Database,
        *,
        clock: Clock = system_clock,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self.info = info
        self.db = db
        self.clock = clock
        self.hasher = hasher or PasswordHasher()
        self.policy_store = PolicyStore(db)
        terminal = str(self.policy_store.get("terminal_name")) or platform.node() or "terminal"
        self.audit = AuditLog(db, terminal=terminal[:64], clock=clock,
                              anchor=anchor_for(info.path, info.profile_id, info.is_demo))
        # A detected rollback of the operation log (services.trust); None when none is known.
        self.rollback: RollbackFinding | None = None
        # FIDO2 (issue 21): pending ceremonies live in memory for this process only; the
        # authenticator is the platform's (fido2's client) unless one is injected
        # (tests, the demo's software authenticator).
        self.fido = FidoCeremonies(clock)
        self.authenticator: Authenticator | None = None

    def authenticator_client(self) -> Authenticator:
        """The injected authenticator, else Windows Hello / the first USB key."""
        return self.authenticator if self.authenticator is not None else PlatformAuthenticator()

    def terminal_key_password(self) -> bytes | None:
        """The password of the terminal key sealed in the OS keyring (production profiles
        made with a terminal key); None for demo profiles, which keep a plain key file."""
        if self.is_demo:
            return None
        return terminal_key_password(self.info.profile_id)

    def check_rollback_locally(self) -> RollbackFinding | None:
        """At start: compare the log with the tips kept outside the store (no network)."""
        anchor = self.audit.anchor
        if anchor is None:
            return None
        state = anchor.state(reload=True)
        finding = None
        if state.server is not None:
            finding = compare(self.audit, state.server, "server") or compare_acknowledged(
                self.audit, state.server, state.ack_base, "local")
        self.rollback = finding or compare(self.audit, state.local, "local")
        return self.rollback

    @property
    def path(self) -> Path:
        """The profile directory."""
        return self.info.path

    @property
    def is_demo(self) -> bool:
        """True for a demo profile: the UI shows DEMO on every window."""
        return self.info.is_demo

    @property
    def municipality_code(self) -> str:
        """The municipality this PC serves."""
        return self.info.municipality_code

    @property
    def staging_dir(self) -> Path:
        """Where the transfer part stages encrypted temporary files."""
        return self.info.path / "staging"

    def policy(self) -> Policy:
        """The current machine policy (typed snapshot)."""
        return self.policy_store.snapshot()

    def close(self) -> None:
        """Close the store."""
        self.db.close()

    def __enter__(self) -> Profile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_profile(
    path: str | os.PathLike[str] | None = None,
    *,
    clock: Clock = system_clock,
    hasher: PasswordHasher | None = None,
) -> Profile:
    """Open an existing profile (``path`` None: see :func:`resolve_profile_dir`)."""
    info, db = open_profile_dir(resolve_profile_dir(path))
    profile = Profile(info, db, clock=clock, hasher=hasher)
    try:
        profile.check_rollback_locally()
        apply_log_retention(profile)
    except BaseException:
        profile.close()
        raise
    return profile


def apply_log_retention(profile: Profile) -> int:
    """Delete operation-log records the consolidation system acknowledged and whose
    retention period has passed (never unacknowledged ones); the deletion is logged."""
    retention = profile.policy().audit_retention_days
    with profile.db.transaction():
        before = profile.audit.records(limit=1)
        removed = profile.audit.prune(retention)
        if removed:
            profile.audit.record(
                AuditAction.AUDIT_PRUNE, SYSTEM_ACTOR,
                {"count": removed, "up_to_seq": before[0].seq + removed - 1 if before else 0},
            )
    return removed


def create_profile(
    path: str | os.PathLike[str] | None,
    *,
    kind: ProfileKind,
    municipality_code: str,
    settings: dict[str, object] | None = None,
    clock: Clock = system_clock,
    hasher: PasswordHasher | None = None,
) -> Profile:
    """Create a profile with an empty encrypted store and its initial policy.

    ``settings`` are initial policy values (server URL, CA file, pins, terminal
    certificate paths). A demo profile allows emulated media by default.
    """
    if not is_valid_municipality_code(municipality_code):
        raise InvalidSetting("地方公共団体コードが正しくありません(6桁、検査数字付き)。")
    target = resolve_profile_dir(path)
    now = clock()
    info, db = create_profile_dir(target, kind, municipality_code, now)
    profile = Profile(info, db, clock=clock, hasher=hasher)
    initial: dict[str, object] = {"municipality_code": municipality_code}
    if kind is ProfileKind.DEMO:
        initial["emulated_media_allowed"] = True
    initial.update(settings or {})
    key_file = initial.get("client_key_file")
    if kind is ProfileKind.PRODUCTION and isinstance(key_file, str) and key_file:
        # the terminal key is kept encrypted under a password held by the OS keyring
        sealed = seal_terminal_key(info.path, info.profile_id, Path(key_file).read_bytes())
        initial["client_key_file"] = str(sealed)
    with db.transaction():
        for name, value in initial.items():
            profile.policy_store.set(name, value, by=None, now=now)
        profile.audit.record(
            AuditAction.STORE_INIT,
            SYSTEM_ACTOR,
            {"municipality": municipality_code, "setting": kind.value},
        )
    return profile


def reset_profile_store(
    path: str | os.PathLike[str] | None,
    *,
    clock: Clock = system_clock,
    hasher: PasswordHasher | None = None,
) -> Profile:
    """Explicit administrator action after a lost key: a new, empty store.

    Accounts and the operation log of the old store are gone (the old file is
    kept aside); the first administrator must be created again.
    """
    now = clock()
    info, db = reset_store(resolve_profile_dir(path), now)
    profile = Profile(info, db, clock=clock, hasher=hasher)
    with db.transaction():
        profile.policy_store.set("municipality_code", info.municipality_code, by=None, now=now)
        if info.is_demo:
            profile.policy_store.set("emulated_media_allowed", True, by=None, now=now)
        profile.audit.record(
            AuditAction.STORE_RESET, SYSTEM_ACTOR, {"municipality": info.municipality_code},
            AuditResult.SUCCESS,
        )
    return profile
