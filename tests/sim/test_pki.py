"""The simulator's PKI (``shuyaku-sim init-pki``): files, modes, subjects, pin, registry."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import PolicyBuilder, Store

from shuyaku_sim import pki

CODES = ["082201", "082015"]


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_pki_creates_every_file_with_private_keys_0600(tmp_path: Path) -> None:
    info = pki.init_pki(tmp_path / "pki", CODES)
    d = info.directory
    expected = ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem", "terminals.json",
                "federation-admin.pem", "federation-admin-key.pem"]
    for code in CODES:
        expected += [f"terminal-{code}.pem", f"terminal-{code}-key.pem"]
    assert sorted(p.name for p in d.iterdir()) == sorted(expected)
    for name in expected:
        assert _mode(d / name) == (0o600 if name.endswith("-key.pem") else 0o644), name
    for name in ("ca-key.pem", "server-key.pem", f"terminal-{CODES[0]}-key.pem"):
        key = serialization.load_pem_private_key((d / name).read_bytes(), password=None)
        assert key.key_size == 256  # ECDSA P-256


def test_server_certificate_verifies_for_localhost_and_loopback(tmp_path: Path) -> None:
    d = pki.init_pki(tmp_path, CODES).directory
    ca, server = _cert(d / "ca.pem"), _cert(d / "server.pem")
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    eku = server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    now = dt.datetime.now(dt.UTC)
    builder = PolicyBuilder().store(Store([ca])).time(now)
    for subject in (x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))):
        chain = builder.build_server_verifier(subject).verify(server, [])
        assert chain[-1] == ca


def test_terminal_certificates_carry_municipality_and_terminal_id(tmp_path: Path) -> None:
    d = pki.init_pki(tmp_path, CODES).directory
    ca = _cert(d / "ca.pem")
    registry = {t["serial"]: t for t in pki.read_registry(d)}
    for code in CODES:
        cert = _cert(d / f"terminal-{code}.pem")
        org = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
        cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
        assert (org, cn) == (code, f"terminal-{code}-01")
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
        cert.verify_directly_issued_by(ca)
        entry = registry[format(cert.serial_number, "x")]
        assert entry["municipality"] == code
        assert entry["terminal_id"] == cn
        assert entry["role"] == "municipality"
        assert entry["sha256"] == hashlib.sha256(
            cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    admin = [t for t in registry.values() if t["role"] == "federation"]
    assert len(admin) == 1 and admin[0]["municipality"] is None


def test_pin_is_base64_sha256_of_the_server_spki_and_printed_last(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert pki.run_init_pki(tmp_path / "p", CODES) == 0
    out = capsys.readouterr().out.splitlines()
    server = _cert(tmp_path / "p" / "server.pem")
    spki = server.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    expected = base64.b64encode(hashlib.sha256(spki).digest()).decode()
    assert out[-1] == expected
    assert pki.certificate_pin(tmp_path / "p" / "server.pem") == expected


def test_rerun_keeps_the_ca_and_pin_and_adds_missing_terminals(tmp_path: Path) -> None:
    first = pki.init_pki(tmp_path, CODES[:1])
    ca_before = (tmp_path / "ca.pem").read_bytes()
    term_before = (tmp_path / f"terminal-{CODES[0]}.pem").read_bytes()
    second = pki.init_pki(tmp_path, CODES)
    assert second.pin == first.pin
    assert (tmp_path / "ca.pem").read_bytes() == ca_before
    assert (tmp_path / f"terminal-{CODES[0]}.pem").read_bytes() == term_before
    assert [p.name for p in second.created] == [
        f"terminal-{CODES[1]}.pem", f"terminal-{CODES[1]}-key.pem"]
    municipalities = sorted(str(t["municipality"]) for t in pki.read_registry(tmp_path)
                            if t["role"] == "municipality")
    assert municipalities == sorted(CODES)


def test_unregistered_terminal_is_issued_but_not_in_the_registry(tmp_path: Path) -> None:
    pki.init_pki(tmp_path, CODES)
    before = json.loads((tmp_path / "terminals.json").read_text())
    issued = pki.issue_terminal(tmp_path, CODES[0], terminal_id="terminal-082201-99",
                                file_stem="rogue", register=False)
    assert issued.cert_path.exists() and _mode(issued.key_path) == 0o600
    assert json.loads((tmp_path / "terminals.json").read_text()) == before


def test_invalid_municipality_code_is_refused_in_japanese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert pki.run_init_pki(tmp_path / "p", ["082202"]) == 1
    err = capsys.readouterr().err
    assert "市町村コード" in err
    assert not (tmp_path / "p").exists()


def test_command_line_prints_the_pin_last(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-m", "shuyaku_sim.cli", "init-pki", str(tmp_path / "p"),
         "--municipality", "082201", "--municipality", "082015"],
        capture_output=True, text=True, check=True, cwd=root, timeout=60)
    assert out.stdout.splitlines()[-1] == pki.certificate_pin(tmp_path / "p" / "server.pem")
    assert (tmp_path / "p" / "terminal-082015.pem").exists()
    bad = subprocess.run(
        [sys.executable, "-m", "shuyaku_sim.cli", "init-pki", str(tmp_path / "q"),
         "--municipality", "999999"], capture_output=True, text=True, cwd=root, timeout=60)
    assert bad.returncode == 1 and "市町村コード" in bad.stderr
