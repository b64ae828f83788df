"""The operation log's last known tips, kept where a rollback of the store does not reach.

Whoever can replace ``store.db`` (an older copy, a deleted write-ahead log) can
make the log shorter, and the shorter log verifies. So the PC remembers, outside
the store, the highest tip it has written (``local``) and the tip the
consolidation system last acknowledged (``server``), and compares its log with
them at start, at every login and in ``audit verify``
(:mod:`kokuho_pc.audit.rollback`).

Production profiles keep them in the OS keyring, next to the store key (an
entry per profile). Demo profiles keep them in ``oplog-tip.json`` in the profile
directory: outside the store file, so a restored ``store.db`` or a deleted WAL
is still detected, but a copy of the whole profile directory restores it too
(demo only; see docs/security-core.md).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from kokuho_pc.domain.oplog_chain import EMPTY_TIP, Tip

ANCHOR_FILE = "oplog-tip.json"
KEYRING_SERVICE = "kokuho-pc"

_log = logging.getLogger("kokuho_pc.store")


@dataclass(frozen=True)
class AnchorState:
    """What is remembered: the highest local tip, the server's last acknowledged tip and
    the re-enrolment epoch the server last reported."""

    local: Tip = EMPTY_TIP
    server: Tip | None = None
    epoch: int = 0
    ack_base: int = 0  # records acknowledged in earlier epochs (before a re-enrolment)

    def to_text(self) -> str:
        """The JSON text kept outside the store."""
        return json.dumps({
            "local": self.local.to_json(),
            "server": None if self.server is None else self.server.to_json(),
            "epoch": self.epoch, "ack_base": self.ack_base,
        }, separators=(",", ":"))

    @classmethod
    def from_text(cls, text: str | None) -> AnchorState:
        """Parse :meth:`to_text`; nothing (or damage) gives the empty state."""
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except ValueError:
            _log.warning("damaged operation-log anchor ignored")
            return cls()
        if not isinstance(data, dict):
            return cls()
        epoch, base = data.get("epoch"), data.get("ack_base")
        return cls(Tip.from_json(data.get("local")) or EMPTY_TIP,
                   Tip.from_json(data.get("server")),
                   epoch if isinstance(epoch, int) and not isinstance(epoch, bool) else 0,
                   base if isinstance(base, int) and not isinstance(base, bool) else 0)


class AnchorBackend(Protocol):
    """Reads and writes the anchor's text."""

    def read(self) -> str | None: ...
    def write(self, text: str) -> None: ...


class KeyringAnchorBackend:
    """The OS keyring entry ``oplog-tip/<profile id>`` (production)."""

    def __init__(self, profile_id: str) -> None:
        self._user = f"oplog-tip/{profile_id}"

    def read(self) -> str | None:
        """The stored text, or None."""
        from keyring.errors import KeyringError

        from kokuho_pc.store.keys import require_secure_keyring

        try:
            value = require_secure_keyring().get_password(KEYRING_SERVICE, self._user)
        except KeyringError:
            _log.warning("operation-log anchor could not be read from the keyring")
            return None
        return value

    def write(self, text: str) -> None:
        """Store the text (a failure is logged: the check then relies on the server)."""
        from keyring.errors import KeyringError

        from kokuho_pc.store.keys import require_secure_keyring

        try:
            require_secure_keyring().set_password(KEYRING_SERVICE, self._user, text)
        except KeyringError:
            _log.error("operation-log anchor could not be written to the keyring")


class FileAnchorBackend:
    """A small file outside the store (demo profiles)."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def read(self) -> str | None:
        """The file's text, or None."""
        try:
            return self._path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError):
            _log.warning("operation-log anchor file unreadable")
            return None

    def write(self, text: str) -> None:
        """Replace the file atomically."""
        tmp = self._path.with_name(self._path.name + ".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, self._path)
        except OSError:
            _log.error("operation-log anchor file could not be written")


class TipAnchor:
    """The remembered tips of one profile (cached; writes only when something moves)."""

    def __init__(self, backend: AnchorBackend) -> None:
        self._backend = backend
        self._lock = threading.Lock()
        self._state: AnchorState | None = None

    def state(self, *, reload: bool = False) -> AnchorState:
        """The remembered state (read once, then cached; ``reload`` reads again)."""
        with self._lock:
            if self._state is None or reload:
                self._state = AnchorState.from_text(self._backend.read())
            return self._state

    def _save(self, state: AnchorState) -> None:
        self._backend.write(state.to_text())
        self._state = state

    def advance_local(self, tip: Tip) -> None:
        """Remember ``tip`` when it is beyond the highest local tip seen (never moves back)."""
        current = self.state()
        with self._lock:
            if tip.seq > current.local.seq:
                self._save(replace(current, local=tip))

    def set_server(self, tip: Tip, epoch: int) -> None:
        """Remember the tip the consolidation system acknowledged."""
        current = self.state()
        with self._lock:
            if current.server != tip or current.epoch != epoch:
                self._save(replace(current, server=tip, epoch=epoch))

    def restart(self, local: Tip, server: Tip | None, epoch: int, ack_base: int) -> None:
        """After the federation approved a re-enrolment: the present log is the reference
        (``ack_base``: the highest record it already holds as acknowledged)."""
        with self._lock:
            self._save(AnchorState(local, server, epoch, ack_base))


def anchor_for(profile_dir: Path, profile_id: str, demo: bool) -> TipAnchor:
    """The anchor of a profile: a file for demo profiles, the OS keyring otherwise."""
    if demo:
        return TipAnchor(FileAnchorBackend(profile_dir / ANCHOR_FILE))
    return TipAnchor(KeyringAnchorBackend(profile_id))
