"""The HTTPS client's trust rules against a raw TLS server that records received bytes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kokuho_pc.transfer.client import ClientConfig, ConsolidationClient
from kokuho_pc.transfer.errors import ConnectionFailed
from tests.transfer.tlsutil import RecordingTlsServer, TlsPki


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TlsPki:
    return TlsPki(tmp_path_factory.mktemp("tls"))


def _client(pki: TlsPki, port: int, pins: tuple[str, ...], host: str = "127.0.0.1",
            ca: Path | None = None) -> ConsolidationClient:
    return ConsolidationClient(ClientConfig(
        base_url=f"https://{host}:{port}", ca_file=ca or pki.ca,
        client_cert=pki.terminal[0], client_key=pki.terminal[1], pins=pins,
        staff_id="staff01", connect_timeout=3, read_timeout=5, sleep=lambda s: None))


@pytest.fixture
def server_of(pki: TlsPki) -> Iterator[object]:
    servers: list[RecordingTlsServer] = []

    def start(kind: str, replies: list[bytes] | None = None) -> RecordingTlsServer:
        server = RecordingTlsServer(pki, kind, replies)
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.close()


def test_good_server_is_reached(pki: TlsPki, server_of) -> None:  # type: ignore[no-untyped-def]
    server = server_of("good")
    with _client(pki, server.port, (pki.pins["good"],)) as client:
        assert client.request("GET", "/api/v1/status").json() == {"ok": True}
    assert server.received.startswith(b"GET /api/v1/status HTTP/1.1")
    assert b"X-Staff-Id: staff01" in server.received


def test_next_pin_is_accepted(pki: TlsPki, server_of) -> None:  # type: ignore[no-untyped-def]
    server = server_of("unpinned")
    pins = (pki.pins["good"], pki.pins["unpinned"])  # current and next key
    with _client(pki, server.port, pins) as client:
        assert client.request("GET", "/x").status_code == 200


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("unpinned", "公開鍵"),
        ("other_ca", "信頼できない"),
        ("expired", "有効期限"),
        ("wrong_host", "名前"),
    ],
)
def test_untrusted_servers_are_refused_before_any_byte(
    pki: TlsPki, server_of, kind: str, words: str  # type: ignore[no-untyped-def]
) -> None:
    server = server_of(kind)
    pins = (pki.pins["good"],) if kind == "unpinned" else (pki.pins[kind],)
    with _client(pki, server.port, pins) as client, pytest.raises(ConnectionFailed) as info:
        client.request("POST", "/api/v1/submissions", idempotency_key="k" * 16,
                       json_body={"secret": "payload"})
    assert words in info.value.user_message
    assert server.connections == 1  # refused at once, not retried
    assert bytes(server.received) == b""


def test_localhost_name_is_checked(pki: TlsPki, server_of) -> None:  # type: ignore[no-untyped-def]
    server = server_of("good")
    with _client(pki, server.port, (pki.pins["good"],), host="localhost") as client:
        assert client.request("GET", "/").status_code == 200


def test_server_down_is_a_clear_retryable_error(pki: TlsPki) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    slept: list[float] = []
    config = ClientConfig(
        base_url=f"https://127.0.0.1:{port}", ca_file=pki.ca, client_cert=pki.terminal[0],
        client_key=pki.terminal[1], pins=(pki.pins["good"],), staff_id="s",
        sleep=slept.append)
    with ConsolidationClient(config) as client:
        with pytest.raises(ConnectionFailed) as info:
            client.request("GET", "/api/v1/status")
        assert slept == []  # no Idempotency-Key: no retry
        assert "接続できません" in info.value.user_message
        with pytest.raises(ConnectionFailed):
            client.request("POST", "/api/v1/submissions", idempotency_key="abcdefgh12")
    assert len(slept) == 5  # at most five retries
    assert all(0 <= s <= 30 for s in slept)


BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Type: application/json\r\n"
        b"Content-Length: 2\r\nConnection: close\r\n\r\n{}")


def test_retry_after_is_honoured_for_idempotent_requests(
    pki: TlsPki, server_of  # type: ignore[no-untyped-def]
) -> None:
    server = server_of("good", [BUSY, BUSY])
    slept: list[float] = []
    config = ClientConfig(
        base_url=f"https://127.0.0.1:{server.port}", ca_file=pki.ca,
        client_cert=pki.terminal[0], client_key=pki.terminal[1], pins=(pki.pins["good"],),
        staff_id="s", sleep=slept.append)
    with ConsolidationClient(config) as client:
        response = client.request("POST", "/api/v1/operation-log", idempotency_key="key-12345678",
                                  json_body={"records": []})
        assert response.json() == {"ok": True}
    assert slept == [7.0, 7.0]
    assert server.received.count(b"Idempotency-Key: key-12345678") == 3


def test_busy_server_without_key_is_not_retried(
    pki: TlsPki, server_of  # type: ignore[no-untyped-def]
) -> None:
    from kokuho_pc.transfer.errors import ServerRefused

    server = server_of("good", [BUSY])
    with _client(pki, server.port, (pki.pins["good"],)) as client, \
            pytest.raises(ServerRefused) as info:
        client.request("GET", "/api/v1/deliveries")
    assert "一時的" in info.value.user_message
    assert server.connections == 1


def test_context_requires_tls12(pki: TlsPki) -> None:
    import ssl

    from kokuho_pc.transfer.tls import make_client_context

    ctx = make_client_context(pki.ca, *pki.terminal)
    assert ctx.minimum_version >= ssl.TLSVersion.TLSv1_2
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname


def test_context_is_shared_until_a_file_changes(pki: TlsPki, tmp_path: Path) -> None:
    """One context per unchanged CA/certificate/key; a replaced certificate gets a new one."""
    import os
    import shutil

    from kokuho_pc.transfer.tls import make_client_context

    cert, key = (tmp_path / "terminal.pem", tmp_path / "terminal.key")
    shutil.copyfile(pki.terminal[0], cert)
    shutil.copyfile(pki.terminal[1], key)
    first = make_client_context(pki.ca, cert, key)
    assert make_client_context(pki.ca, cert, key) is first
    stat = cert.stat()
    os.utime(cert, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    renewed = make_client_context(pki.ca, cert, key)
    assert renewed is not first
    assert make_client_context(pki.ca, cert, key) is renewed
