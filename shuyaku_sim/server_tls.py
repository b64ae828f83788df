"""TLS for the simulator's service: the server context and the terminal registry.

Mutual TLS, TLS 1.2 or later. The handshake accepts only certificates that chain to
the simulator's CA; :class:`TerminalRegistry` then admits only certificates listed in
``terminals.json`` (serial and SHA-256 fingerprint must both match). The registry is
re-read when the file changes, so terminals can be added without a restart.
"""

from __future__ import annotations

import hashlib
import json
import ssl
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from shuyaku_sim.pki import (
    CA_CERT,
    REGISTRY,
    ROLE_FEDERATION,
    ROLE_MUNICIPALITY,
    SERVER_CERT,
    SERVER_KEY,
    serial_hex,
)


@dataclass(frozen=True)
class Terminal:
    """A registered terminal, identified by its client certificate."""

    terminal_id: str
    municipality: str | None
    role: str
    serial: str

    @property
    def is_federation(self) -> bool:
        """True for the federation administrator's terminal."""
        return self.role == ROLE_FEDERATION


def make_server_context(pki_dir: Path) -> ssl.SSLContext:
    """The server's SSL context: TLS 1.2+, client certificate required from our CA."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_cert_chain(pki_dir / SERVER_CERT, pki_dir / SERVER_KEY)
    ctx.load_verify_locations(cafile=str(pki_dir / CA_CERT))
    ctx.options |= ssl.OP_NO_COMPRESSION | ssl.OP_NO_RENEGOTIATION
    return ctx


def make_client_context(pki_dir: Path, cert: Path | None, key: Path | None) -> ssl.SSLContext:
    """A client context trusting the simulator's CA (for tests and tools)."""
    ctx = ssl.create_default_context(cafile=str(pki_dir / CA_CERT))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if cert is not None:
        ctx.load_cert_chain(cert, key)
    return ctx


def _parse_registry(text: str) -> dict[str, tuple[Terminal, str]]:
    """Serial → (terminal, certificate SHA-256) of every usable registry entry."""
    table: dict[str, tuple[Terminal, str]] = {}
    for entry in json.loads(text).get("terminals", []):
        role = str(entry.get("role", ROLE_MUNICIPALITY))
        if role not in (ROLE_MUNICIPALITY, ROLE_FEDERATION) or entry.get("revoked"):
            continue
        municipality = entry.get("municipality")
        if role == ROLE_MUNICIPALITY and not municipality:
            continue
        serial = str(entry["serial"]).lower()
        terminal = Terminal(str(entry["terminal_id"]), municipality, role, serial)
        table[serial] = (terminal, str(entry.get("sha256", "")).lower())
    return table


def peer_serial(cert_der: bytes | None) -> str | None:
    """The serial (registry spelling) of a DER certificate, or None."""
    if not cert_der:
        return None
    try:
        return serial_hex(x509.load_der_x509_certificate(cert_der).serial_number)
    except ValueError:
        return None


class TerminalRegistry:
    """The registered terminals of a PKI directory, keyed by certificate serial."""

    def __init__(self, pki_dir: Path) -> None:
        self._path = pki_dir / REGISTRY
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._by_serial: dict[str, tuple[Terminal, str]] = {}
        self._reload_if_changed()

    def _reload_if_changed(self) -> None:
        try:
            st = self._path.stat()
        except FileNotFoundError:
            self._by_serial, self._stamp = {}, None
            return
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if stamp == self._stamp:
            return
        try:
            table = _parse_registry(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            # Keep the last good registry (a broken file must not open or close the door).
            print("shuyaku-sim: 端末登録ファイルを読めません。前回の内容を使います。",
                  file=sys.stderr)
            return
        self._by_serial, self._stamp = table, stamp

    def lookup(self, cert_der: bytes | None) -> Terminal | None:
        """The registered terminal presenting ``cert_der``, or None if unknown."""
        if not cert_der:
            return None
        cert = x509.load_der_x509_certificate(cert_der)
        with self._lock:
            self._reload_if_changed()
            found = self._by_serial.get(serial_hex(cert.serial_number))
        if found is None:
            return None
        terminal, fingerprint = found
        if fingerprint != hashlib.sha256(cert_der).hexdigest():
            return None
        return terminal
