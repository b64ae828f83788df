"""Transport security of the simulator: TLS 1.2+, mutual TLS, registered terminals only.

One server is shared by the module (these tests change nothing but the registry,
and they restore it).
"""

from __future__ import annotations

import datetime as dt
import socket
import sqlite3
import ssl
import warnings
from pathlib import Path

import pytest
import requests

from shuyaku_sim import pki
from tests.simhelpers import SimServer, make_pki, make_session

HANDSHAKE_REFUSED = (ssl.SSLError, ConnectionResetError, BrokenPipeError)


def _client_context(server: SimServer, cert: tuple[Path, Path] | None,
                    maximum: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile=str(server.sim_pki.ca))
    if maximum is not None:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")  # let OpenSSL offer old versions at all
        with warnings.catch_warnings():  # the old versions are deprecated: that is the point
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
            ctx.maximum_version = maximum
    if cert is not None:
        ctx.load_cert_chain(str(cert[0]), str(cert[1]))
    return ctx


def _raw_get(server: SimServer, ctx: ssl.SSLContext, path: str = "/openapi.json") -> bytes:
    """One HTTP/1.1 GET over a raw TLS socket; returns the status line."""
    with socket.create_connection((server.host, server.port), timeout=10) as raw, \
            ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        tls.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Staff-Id: s1\r\n"
                    "Connection: close\r\n\r\n".encode())
        data = b""
        while chunk := tls.recv(65536):
            data += chunk
    return data.split(b"\r\n", 1)[0]


def test_registered_terminal_over_tls12_and_tls13_is_served(shared_sim_server: SimServer) -> None:
    cert = shared_sim_server.sim_pki.terminal("082201")
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        ctx = _client_context(shared_sim_server, cert)
        ctx.minimum_version = ctx.maximum_version = version
        assert _raw_get(shared_sim_server, ctx) == b"HTTP/1.1 200 OK"


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1])
def test_tls_older_than_12_is_refused(shared_sim_server: SimServer,
                                      version: ssl.TLSVersion) -> None:
    cert = shared_sim_server.sim_pki.terminal("082201")
    ctx = _client_context(shared_sim_server, cert, maximum=version)
    with pytest.raises(ssl.SSLError) as info:
        _raw_get(shared_sim_server, ctx)
    assert "PROTOCOL" in str(info.value).upper() or "VERSION" in str(info.value).upper()


def _refused(server: SimServer, ctx: ssl.SSLContext) -> None:
    """The handshake is refused, or (TLS 1.3, where the client finishes its side of the
    handshake before the server has checked its certificate) the connection ends before
    any answer: asyncio closes it without sending the TLS alert (python/cpython#98078,
    open)."""
    try:
        status = _raw_get(server, ctx)
    except HANDSHAKE_REFUSED:
        return
    assert status == b"", status


def test_client_without_certificate_is_refused(shared_sim_server: SimServer) -> None:
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        ctx = _client_context(shared_sim_server, None)
        ctx.minimum_version = ctx.maximum_version = version
        if version is ssl.TLSVersion.TLSv1_2:
            with pytest.raises(HANDSHAKE_REFUSED):
                _raw_get(shared_sim_server, ctx)
        else:
            _refused(shared_sim_server, ctx)
    with requests.Session() as http:
        http.trust_env = False
        http.verify = str(shared_sim_server.sim_pki.ca)
        with pytest.raises(requests.exceptions.ConnectionError):
            http.get(shared_sim_server.url("/api/v1/status"), headers={"X-Staff-Id": "s1"},
                     timeout=10)


def test_certificate_of_another_ca_is_refused(shared_sim_server: SimServer,
                                              tmp_path: Path) -> None:
    foreign = make_pki(tmp_path / "foreign", ["082201"])
    ctx = _client_context(shared_sim_server, foreign.terminal("082201"))
    _refused(shared_sim_server, ctx)
    assert "TLS 接続を拒否しました" in shared_sim_server.log_text()


def test_ca_issued_but_unregistered_terminal_is_refused(shared_sim_server: SimServer) -> None:
    d = shared_sim_server.sim_pki.directory
    rogue = pki.issue_terminal(d, "082201", terminal_id="terminal-082201-98",
                               file_stem="rogue", register=False)
    with make_session(shared_sim_server.sim_pki, cert=(rogue.cert_path, rogue.key_path)) as http:
        for path in ("/openapi.json", "/api/v1/status", "/api/v1/candidates"):
            r = http.get(shared_sim_server.url(path), timeout=10)
            assert r.status_code == 403
            assert r.json()["error"]["code"] == "unknown_terminal"
            assert "登録されていない端末" in r.json()["error"]["message"]
    conn = sqlite3.connect(shared_sim_server.data_dir / "access-log.sqlite3")
    try:
        refused = conn.execute("SELECT COUNT(*) FROM access_log WHERE terminal_id = ? AND "
                               "status = 403", (f"unregistered:{rogue.serial}",)).fetchone()[0]
    finally:
        conn.close()
    assert refused == 3


def test_terminal_registered_while_running_is_accepted_without_restart(
    shared_sim_server: SimServer,
) -> None:
    d = shared_sim_server.sim_pki.directory
    issued = pki.issue_terminal(d, "082015", terminal_id="terminal-082015-02",
                                file_stem="terminal-082015-02")
    with make_session(shared_sim_server.sim_pki, cert=(issued.cert_path, issued.key_path)) as http:
        assert http.get(shared_sim_server.url("/openapi.json"), timeout=10).status_code == 200


def test_every_request_needs_a_staff_id(shared_sim_server: SimServer) -> None:
    staff: str | bytes | None
    for staff in (None, "", "bad id", "x" * 65, "名前".encode()):
        with make_session(shared_sim_server.sim_pki, "082201", staff=None) as http:
            headers = {} if staff is None else {"X-Staff-Id": staff}
            r = http.get(shared_sim_server.url("/api/v1/deliveries"), headers=headers, timeout=10)
            assert r.status_code == 400, staff
            assert r.json()["error"]["code"] == "staff_id_required"


def test_roles_municipality_terminal_cannot_read_the_federation_log_and_vice_versa(
    shared_sim_server: SimServer,
) -> None:
    with shared_sim_server.session("082201") as http:
        r = http.get(shared_sim_server.url("/api/v1/operation-log"), timeout=10)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    with shared_sim_server.session(None, staff="fedadmin") as admin:
        for method, path in (("GET", "/api/v1/candidates"), ("GET", "/api/v1/deliveries"),
                             ("POST", "/api/v1/confirmations")):
            r = admin.request(method, shared_sim_server.url(path), json={}, timeout=10)
            assert r.status_code == 403, path


def test_errors_are_json_in_japanese(shared_sim_server: SimServer) -> None:
    with shared_sim_server.session("082201") as http:
        r = http.get(shared_sim_server.url("/api/v1/nothing-here"), timeout=10)
        assert r.status_code == 404
        assert r.headers["Content-Type"] == "application/json"
        assert r.json()["error"] == {"code": "not_found",
                                     "message": "指定されたデータは存在しません。"}
        r = http.delete(shared_sim_server.url("/api/v1/results"), timeout=10)
        assert r.status_code == 405
        r = http.request("TRACE", shared_sim_server.url("/api/v1/results"), timeout=10)
        assert r.status_code == 501 and r.json()["error"]["code"] == "http_error"
        r = http.post(shared_sim_server.url("/api/v1/confirmations"), data="{",
                      headers={"Content-Type": "application/json"}, timeout=10)
        assert r.status_code == 400 and "JSON" in r.json()["error"]["message"]


def test_requests_are_recorded_with_terminal_and_staff(shared_sim_server: SimServer) -> None:
    with shared_sim_server.session("082015", staff="tanaka01") as http:
        http.get(shared_sim_server.url("/api/v1/deliveries/KSK11_x.csv"), timeout=10)
    with shared_sim_server.session(None, staff="fedadmin") as http:
        http.get(shared_sim_server.url("/api/v1/candidates"), timeout=10)
    db = shared_sim_server.data_dir / "access-log.sqlite3"
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT terminal_id, municipality_code, staff_id, method, route, "
                            "status FROM access_log ORDER BY id DESC LIMIT 2").fetchall()
    conn.close()
    assert rows == [
        ("federation-admin-01", None, "fedadmin", "GET", "/api/v1/candidates", 403),
        ("terminal-082015-01", "082015", "tanaka01", "GET", "/api/v1/deliveries/{name}", 404),
    ]


def test_revoked_terminal_is_refused_without_restart(shared_sim_server: SimServer) -> None:
    d = shared_sim_server.sim_pki.directory
    issued = pki.issue_terminal(d, "082015", terminal_id="terminal-082015-03",
                                file_stem="terminal-082015-03")
    with make_session(shared_sim_server.sim_pki, cert=(issued.cert_path, issued.key_path)) as http:
        assert http.get(shared_sim_server.url("/openapi.json"), timeout=10).status_code == 200
        assert pki.revoke_terminal(d, "terminal-082015-03")
        r = http.get(shared_sim_server.url("/openapi.json"), timeout=10)
        assert r.status_code == 403 and r.json()["error"]["code"] == "unknown_terminal"
    assert not pki.revoke_terminal(d, "terminal-nobody-01")


def test_too_many_idle_connections_do_not_block_a_new_client(
    shared_sim_server: SimServer,
) -> None:
    """Idle TCP connections that never handshake cost a slot each, not the service."""
    idle = [socket.create_connection((shared_sim_server.host, shared_sim_server.port))
            for _ in range(20)]
    try:
        with shared_sim_server.session("082201") as http:
            r = http.get(shared_sim_server.url("/openapi.json"), timeout=10)
            assert r.status_code == 200
    finally:
        for s in idle:
            s.close()


def test_a_broken_registry_file_keeps_the_last_good_one(shared_sim_server: SimServer) -> None:
    registry = shared_sim_server.sim_pki.directory / "terminals.json"
    good = registry.read_bytes()
    try:
        pki.write_private(registry, b"{not json", mode=0o644)
        with shared_sim_server.session("082201") as http:
            assert http.get(shared_sim_server.url("/openapi.json"), timeout=10).status_code == 200
    finally:
        pki.write_private(registry, good, mode=0o644)
    assert "端末登録ファイルを読めません" in shared_sim_server.log_text()


def test_deeply_nested_json_is_a_400(shared_sim_server: SimServer) -> None:
    with shared_sim_server.session("082201") as http:
        r = http.post(shared_sim_server.url("/api/v1/confirmations"), timeout=10,
                      data="[" * 100000 + "]" * 100000,
                      headers={"Content-Type": "application/json"})
        assert r.status_code == 400


def test_expired_or_not_yet_valid_terminal_certificate_is_refused(
    shared_sim_server: SimServer,
) -> None:
    d = shared_sim_server.sim_pki.directory
    now = dt.datetime.now(dt.UTC)
    windows = {"expired": (now - dt.timedelta(days=30), now - dt.timedelta(days=1)),
               "future": (now + dt.timedelta(days=1), now + dt.timedelta(days=30))}
    for name, window in windows.items():
        issued = pki.issue_terminal(d, "082201", terminal_id=f"terminal-082201-{name}",
                                    file_stem=name, validity=window)
        ctx = _client_context(shared_sim_server, (issued.cert_path, issued.key_path))
        _refused(shared_sim_server, ctx)
