"""The simulator's small PKI: a CA, the server certificate and terminal certificates.

``init_pki`` creates (or completes) a PKI directory:

- ``ca.pem`` / ``ca-key.pem``: the simulator's CA (key 0600);
- ``server.pem`` / ``server-key.pem``: the server, for ``localhost`` and ``127.0.0.1``;
- ``terminal-<CODE>.pem`` / ``terminal-<CODE>-key.pem``: one consolidation-PC terminal per
  municipality (subject ``O=<CODE>, CN=terminal-<CODE>-01``, EKU clientAuth);
- ``federation-admin.pem`` / ``federation-admin-key.pem``: the federation administrator's
  terminal, which may read every municipality's forwarded operation log;
- ``terminals.json``: the registry of issued terminal certificates
  (serial → municipality, terminal ID, role), which the server loads. Only certificates
  listed there are accepted.

Running it again on an existing directory keeps what is there and issues only what is
missing, so the demo can call it on every start. All keys are ECDSA P-256.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kokuho_pc.domain.municipality import InvalidMunicipalityCode, MunicipalityCode

CA_CERT = "ca.pem"
CA_KEY = "ca-key.pem"
SERVER_CERT = "server.pem"
SERVER_KEY = "server-key.pem"
REGISTRY = "terminals.json"
FEDERATION_NAME = "federation-admin"
ROLE_MUNICIPALITY = "municipality"
ROLE_FEDERATION = "federation"

_CA_DAYS = 3650
_LEAF_DAYS = 825


@dataclass(frozen=True)
class PkiInfo:
    """What ``init_pki`` produced: the directory, the server key's pin, new files."""

    directory: Path
    pin: str
    created: tuple[Path, ...]


@dataclass(frozen=True)
class IssuedTerminal:
    """A terminal certificate with its key file and registry data."""

    cert_path: Path
    key_path: Path
    serial: str
    municipality: str | None
    terminal_id: str
    role: str


def terminal_cert_name(code: str) -> str:
    """File name of a municipality's terminal certificate."""
    return f"terminal-{code}.pem"


def terminal_key_name(code: str) -> str:
    """File name of a municipality's terminal key."""
    return f"terminal-{code}-key.pem"


def spki_pin(cert: x509.Certificate) -> str:
    """Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo DER."""
    der = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(der).digest()).decode("ascii")


def certificate_pin(path: Path) -> str:
    """The SPKI pin of a PEM certificate file (e.g. ``server.pem``)."""
    return spki_pin(x509.load_pem_x509_certificate(path.read_bytes()))


def serial_hex(serial: int) -> str:
    """The registry's spelling of a certificate serial number (lower-case hex)."""
    return format(serial, "x")


def write_private(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` atomically: temporary file created with ``mode``, fsync, rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _now() -> dt.datetime:
    # The machine's clock on purpose: TLS (OpenSSL) checks certificate validity
    # against the machine's clock, never against an engine's or profile's clock.
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _make_ca() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _new_key()
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "shuyaku-sim"),
        x509.NameAttribute(NameOID.COMMON_NAME, "shuyaku-sim CA"),
    ])
    now = _now()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=_CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _issue_leaf(
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    subject: x509.Name,
    usage: x509.ObjectIdentifier,
    san: list[x509.GeneralName] | None = None,
    validity: tuple[dt.datetime, dt.datetime] | None = None,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _new_key()
    now = _now()
    start, end = validity or (now - dt.timedelta(minutes=5), now + dt.timedelta(days=_LEAF_DAYS))
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
    )
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    return builder.sign(ca_key, hashes.SHA256()), key


def _load_ca(directory: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert = x509.load_pem_x509_certificate((directory / CA_CERT).read_bytes())
    key = serialization.load_pem_private_key((directory / CA_KEY).read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("CA の鍵の形式が正しくありません")
    return cert, key


def read_registry(directory: Path) -> list[dict[str, object]]:
    """The registered terminals of a PKI directory (empty when there is no registry)."""
    path = directory / REGISTRY
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    terminals = data.get("terminals", [])
    return [t for t in terminals if isinstance(t, dict)]


def _write_registry(directory: Path, terminals: list[dict[str, object]]) -> None:
    body = json.dumps({"version": 1, "terminals": terminals}, ensure_ascii=False, indent=2)
    write_private(directory / REGISTRY, (body + "\n").encode("utf-8"), mode=0o644)


def issue_terminal(
    directory: Path,
    municipality: str | None,
    *,
    terminal_id: str | None = None,
    file_stem: str | None = None,
    register: bool = True,
    validity: tuple[dt.datetime, dt.datetime] | None = None,
) -> IssuedTerminal:
    """Issue a terminal certificate from the directory's CA and (normally) register it.

    ``municipality`` None issues the federation administrator's terminal. With
    ``register=False`` the certificate is valid for the CA but unknown to the server
    (used to prove that such a terminal is refused). ``validity`` (UTC not-before,
    not-after) replaces the default of now … 825 days.
    """
    ca_cert, ca_key = _load_ca(directory)
    if municipality is None:
        role = ROLE_FEDERATION
        terminal_id = terminal_id or f"{FEDERATION_NAME}-01"
        org = "federation"
        stem = file_stem or FEDERATION_NAME
    else:
        code = MunicipalityCode(municipality).code
        role = ROLE_MUNICIPALITY
        terminal_id = terminal_id or f"terminal-{code}-01"
        org = code
        stem = file_stem or f"terminal-{code}"
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COMMON_NAME, terminal_id),
    ])
    cert, key = _issue_leaf(ca_cert, ca_key, subject, ExtendedKeyUsageOID.CLIENT_AUTH,
                            validity=validity)
    key_path = directory / f"{stem}-key.pem"
    cert_path = directory / f"{stem}.pem"
    write_private(key_path, _key_pem(key))
    write_private(cert_path, _cert_pem(cert), mode=0o644)
    serial = serial_hex(cert.serial_number)
    if register:
        terminals = [t for t in read_registry(directory) if t.get("terminal_id") != terminal_id]
        terminals.append({
            "serial": serial,
            "municipality": municipality,
            "terminal_id": terminal_id,
            "role": role,
            "sha256": cert.fingerprint(hashes.SHA256()).hex(),
            "certificate": cert_path.name,
        })
        _write_registry(directory, terminals)
    return IssuedTerminal(cert_path, key_path, serial, municipality, terminal_id, role)


def revoke_terminal(directory: Path, terminal_id: str) -> bool:
    """Mark a terminal revoked in the registry (the server refuses it from then on).

    Returns False when no such terminal is registered.
    """
    terminals = read_registry(directory)
    found = False
    for entry in terminals:
        if entry.get("terminal_id") == terminal_id:
            entry["revoked"] = True
            found = True
    if found:
        _write_registry(directory, terminals)
    return found


def _ensure_ca(directory: Path, created: list[Path]) -> None:
    if (directory / CA_CERT).exists() and (directory / CA_KEY).exists():
        return
    cert, key = _make_ca()
    write_private(directory / CA_KEY, _key_pem(key))
    write_private(directory / CA_CERT, _cert_pem(cert), mode=0o644)
    created += [directory / CA_CERT, directory / CA_KEY]
    # A new CA invalidates everything issued by an old one.
    for stale in (SERVER_CERT, SERVER_KEY, REGISTRY):
        (directory / stale).unlink(missing_ok=True)


def _ensure_server(directory: Path, created: list[Path]) -> None:
    if (directory / SERVER_CERT).exists() and (directory / SERVER_KEY).exists():
        return
    ca_cert, ca_key = _load_ca(directory)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "shuyaku-sim"),
        x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
    ])
    san: list[x509.GeneralName] = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    ]
    cert, key = _issue_leaf(ca_cert, ca_key, subject, ExtendedKeyUsageOID.SERVER_AUTH, san)
    write_private(directory / SERVER_KEY, _key_pem(key))
    write_private(directory / SERVER_CERT, _cert_pem(cert), mode=0o644)
    created += [directory / SERVER_CERT, directory / SERVER_KEY]


def init_pki(directory: Path, municipalities: Sequence[str] = ()) -> PkiInfo:
    """Create or complete the PKI in ``directory``; return the server key's pin.

    Raises ``kokuho_pc.domain.municipality.InvalidMunicipalityCode`` for a bad code.
    """
    codes = [MunicipalityCode(c).code for c in municipalities]
    directory.mkdir(parents=True, exist_ok=True)
    created: list[Path] = []
    _ensure_ca(directory, created)
    _ensure_server(directory, created)
    registered = {str(t.get("terminal_id")) for t in read_registry(directory)}
    wanted: list[tuple[str | None, str]] = [(None, FEDERATION_NAME)]
    wanted += [(code, f"terminal-{code}") for code in dict.fromkeys(codes)]
    for code, stem in wanted:
        terminal_id = f"{stem}-01"
        if terminal_id in registered and (directory / f"{stem}.pem").exists():
            continue
        issued = issue_terminal(directory, code, terminal_id=terminal_id, file_stem=stem)
        created += [issued.cert_path, issued.key_path]
    return PkiInfo(directory, certificate_pin(directory / SERVER_CERT), tuple(created))


def run_init_pki(directory: Path, municipalities: Sequence[str]) -> int:
    """The ``shuyaku-sim init-pki`` command: create the PKI, print the pin last.

    Returns the exit code (0 success, 1 invalid municipality code, 2 I/O error);
    messages go to standard error in Japanese.
    """
    try:
        info = init_pki(directory, municipalities)
    except InvalidMunicipalityCode as exc:
        print(f"shuyaku-sim: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"shuyaku-sim: 証明書ディレクトリに書き込めません: {exc.strerror}", file=sys.stderr)
        return 2
    for path in info.created:
        print(f"作成: {path}")
    print(info.pin)
    return 0
