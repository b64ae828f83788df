"""Certificates for TLS tests (good, other CA, expired, wrong host, unpinned) and a raw
TLS server that records every application byte it receives."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kokuho_pc.transfer.tls import spki_pin_of_der

Key = ec.EllipticCurvePrivateKey


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca(cn: str) -> tuple[x509.Certificate, Key]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def issue(ca: tuple[x509.Certificate, Key], cn: str, *, server: bool = True,
          hosts: tuple[str, ...] = ("127.0.0.1", "localhost"),
          expired: bool = False) -> tuple[x509.Certificate, Key]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    start, end = ((now - dt.timedelta(days=30), now - dt.timedelta(days=1)) if expired
                  else (now - dt.timedelta(days=1), now + dt.timedelta(days=30)))
    sans: list[x509.GeneralName] = []
    for h in hosts:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(h)))
        except ValueError:
            sans.append(x509.DNSName(h))
    builder = (
        x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(ca[0].subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(end)
        .add_extension(x509.ExtendedKeyUsage(
            [ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False)
    )
    if server:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(ca[1], hashes.SHA256()), key


def write_pair(directory: Path, stem: str, pair: tuple[x509.Certificate, Key]) -> tuple[Path, Path]:
    cert_path, key_path = directory / f"{stem}.pem", directory / f"{stem}-key.pem"
    cert_path.write_bytes(pair[0].public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(pair[1].private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def pin_of(cert: x509.Certificate) -> str:
    return spki_pin_of_der(cert.public_bytes(serialization.Encoding.DER))


@dataclass
class TlsPki:
    """One trusted CA with a terminal certificate, plus server certificates of every kind."""

    directory: Path
    ca: Path = field(init=False)
    terminal: tuple[Path, Path] = field(init=False)
    servers: dict[str, tuple[Path, Path]] = field(init=False)
    pins: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        ca = make_ca("test CA")
        other = make_ca("other CA")
        self.ca = self.directory / "ca.pem"
        self.ca.write_bytes(ca[0].public_bytes(serialization.Encoding.PEM))
        self.terminal = write_pair(self.directory, "terminal", issue(ca, "terminal", server=False))
        kinds = {
            "good": issue(ca, "server"),
            "unpinned": issue(ca, "server"),
            "other_ca": issue(other, "server"),
            "expired": issue(ca, "server", expired=True),
            "wrong_host": issue(ca, "server", hosts=("other.example",)),
        }
        self.servers = {k: write_pair(self.directory, f"server-{k}", v) for k, v in kinds.items()}
        self.pins = {k: pin_of(v[0]) for k, v in kinds.items()}


class RecordingTlsServer:
    """A TLS server on 127.0.0.1 that records application bytes and answers one JSON reply."""

    def __init__(self, pki: TlsPki, kind: str, replies: list[bytes] | None = None) -> None:
        self.replies = list(replies or [])
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(*pki.servers[kind])
        ctx.load_verify_locations(cafile=str(pki.ca))
        ctx.verify_mode = ssl.CERT_OPTIONAL
        self._ctx = ctx
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.received = bytearray()
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._stop = False
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                raw, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            raw.settimeout(5)
            self.connections += 1
            try:
                with self._ctx.wrap_socket(raw, server_side=True) as conn:
                    conn.settimeout(2)
                    data = b""
                    while b"\r\n\r\n" not in data:
                        block = conn.recv(65536)
                        if not block:
                            break
                        data += block
                    head, _, rest = data.partition(b"\r\n\r\n")
                    length = 0
                    for line in head.split(b"\r\n"):
                        if line.lower().startswith(b"content-length:"):
                            length = int(line.split(b":")[1])
                    while len(rest) < length:
                        block = conn.recv(65536)
                        if not block:
                            break
                        rest += block
                        data += block
                    self.received += data
                    if data and self.replies:
                        conn.sendall(self.replies.pop(0))
                    elif data:
                        body = b'{"ok":true}'
                        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                     b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                                     % (len(body), body))
            except (OSError, ssl.SSLError):
                raw.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join(5)
        self._listener.close()
