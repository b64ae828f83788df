"""Hostile connections and malformed HTTP against the real simulator process.

- Idle TCP connections and stalled TLS handshakes (from the terminal's own address and
  from many others) do not keep a real terminal out: the project's pinned mTLS client
  (``kokuho_pc.transfer.client``) is served within 1 s.
- A handshake that does not finish is closed after the deadline (10 s).
- Connections beyond the per-address cap are answered 503 with ``Retry-After`` and a
  Japanese message, not closed silently.
- Malformed framing sent over raw TLS sockets (odd Content-Length, bad chunking, broken
  header lines, ...) is answered 4xx with a Japanese JSON error, never 5xx, no traceback.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest

from kokuho_pc.transfer.client import ClientConfig, ConsolidationClient
from tests.simfiles import NEW, household_pair, submission_body
from tests.simhelpers import SimPki, SimServer

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# The first bytes of a TLS ClientHello record: a handshake that never goes on.
PARTIAL_HELLO = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"


def _terminal_client(server: SimServer, code: str = "082201") -> ConsolidationClient:
    cert, key = server.sim_pki.terminal(code)
    return ConsolidationClient(ClientConfig(
        base_url=server.base_url, ca_file=server.sim_pki.ca, client_cert=cert,
        client_key=key, pins=(server.sim_pki.pin,), staff_id="staff01",
        connect_timeout=5, read_timeout=5, max_retries=0))


@contextmanager
def _hostile(server: SimServer, idle: int, stalled: int,
             sources: list[str]) -> Iterator[list[socket.socket]]:
    """``idle`` silent TCP connections and ``stalled`` half-sent handshakes, kept open."""
    with ExitStack() as stack:
        opened = []
        for i in range(idle + stalled):
            s = stack.enter_context(socket.socket())
            s.bind((sources[i % len(sources)], 0))
            s.connect((server.host, server.port))
            if i >= idle:
                s.sendall(PARTIAL_HELLO)
            opened.append(s)
        time.sleep(0.3)  # the server has accepted them all
        yield opened


def _served_fast(server: SimServer) -> list[float]:
    """Three status calls of a fresh terminal client, each timed (handshake included)."""
    times = []
    for _ in range(3):
        started = time.monotonic()
        with _terminal_client(server) as client:
            assert client.status()["terminal"]["municipality_code"] == "082201"
        times.append(time.monotonic() - started)
    return times


def test_real_terminal_is_served_within_a_second_beside_idle_and_stalled_connections_from_its_own_address(  # noqa: E501
    sim_server: SimServer,
) -> None:
    with _hostile(sim_server, idle=200, stalled=50, sources=["127.0.0.1"]):
        times = _served_fast(sim_server)
    assert max(times) < 1.0, times


def test_real_terminal_is_served_within_a_second_beside_idle_and_stalled_connections_from_many_addresses(  # noqa: E501
    sim_server: SimServer,
) -> None:
    sources = [f"127.0.{n // 200 + 1}.{n % 200 + 2}" for n in range(250)]  # one each
    with _hostile(sim_server, idle=200, stalled=50, sources=sources):
        times = _served_fast(sim_server)
    assert max(times) < 1.0, times


def test_a_stalled_handshake_is_closed_at_the_deadline(sim_server: SimServer) -> None:
    with socket.create_connection((sim_server.host, sim_server.port)) as s:
        s.sendall(PARTIAL_HELLO)
        s.settimeout(20)
        started = time.monotonic()
        try:
            assert s.recv(1024) == b""
        except ConnectionResetError:
            pass
        waited = time.monotonic() - started
    assert 8.0 <= waited <= 11.0, waited


def _https(server: SimServer, code: str = "082201") -> http.client.HTTPSConnection:
    ctx = ssl.create_default_context(cafile=str(server.sim_pki.ca))
    cert, key = server.sim_pki.terminal(code)
    ctx.load_cert_chain(str(cert), str(key))
    return http.client.HTTPSConnection(server.host, server.port, context=ctx, timeout=10)


def _get(conn: http.client.HTTPSConnection, path: str = "/api/v1/status") -> tuple[
        int, dict[str, str], bytes]:
    conn.request("GET", path, headers={"X-Staff-Id": "staff01"})
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_connections_beyond_the_per_address_cap_are_answered_503(sim_pki: SimPki,
                                                                  tmp_path) -> None:  # type: ignore[no-untyped-def]
    with SimServer(tmp_path / "data", sim_pki, env={"SHUYAKU_SIM_MAX_PER_ADDRESS": "3"}) as sim:
        held = [_https(sim) for _ in range(3)]
        try:
            for conn in held:  # established, kept alive
                assert _get(conn)[0] == 200
            extra = _https(sim)
            status, headers, body = _get(extra)
            extra.close()
            assert status == 503, body
            error = json.loads(body)["error"]
            assert error["code"] == "too_many_connections"
            assert JAPANESE.search(error["message"])
            assert headers["Retry-After"] == "2"
            assert headers["Connection"] == "close"
            assert _get(held[0])[0] == 200  # the connections within the cap still work
            held.pop().close()
            time.sleep(0.2)
            again = _https(sim)
            assert _get(again)[0] == 200  # a place came free
            again.close()
        finally:
            for conn in held:
                conn.close()
    assert "Traceback" not in sim.log_text()


# --- malformed framing over raw TLS ------------------------------------------------------

HEAD = "Host: 127.0.0.1\r\nX-Staff-Id: staff01\r\nConnection: close\r\n"
JSON_POST = "POST /api/v1/operation-log HTTP/1.1\r\n" + HEAD + "Content-Type: application/json\r\n"
FRAMING: dict[str, str | bytes] = {
    # "²" as one Latin-1 byte (what str.isdigit() took for a digit), and as UTF-8.
    "content_length_superscript_two": JSON_POST + "Content-Length: ²\r\n\r\n{}",
    "content_length_superscript_two_utf8": (JSON_POST + "Content-Length: ²\r\n\r\n{}").encode(),
    "content_length_fullwidth_digits": JSON_POST + "Content-Length: １２\r\n\r\n{}",
    "content_length_negative": JSON_POST + "Content-Length: -1\r\n\r\n{}",
    "content_length_exponent": JSON_POST + "Content-Length: 1e3\r\n\r\n{}",
    "content_length_5000_digits": JSON_POST + "Content-Length: " + "9" * 5000 + "\r\n\r\n{}",
    "content_length_huge": JSON_POST + "Content-Length: 99999999999999999999999\r\n\r\n{}",
    "content_length_twice": JSON_POST + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    "content_length_and_chunked": JSON_POST + "Content-Length: 2\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "chunk_size_not_hex": JSON_POST + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    "header_without_colon": "GET /api/v1/status HTTP/1.1\r\n" + HEAD + "Broken header\r\n\r\n",
    "header_name_with_space": "GET /api/v1/status HTTP/1.1\r\n" + HEAD + "Bad Name: x\r\n\r\n",
    "request_line_garbage": "GARBAGE\r\n\r\n",
    "http_version_2": "GET /api/v1/status HTTP/2.0\r\n" + HEAD + "\r\n",
    "http_version_garbage": "GET /api/v1/status HTTP/x.y\r\n" + HEAD + "\r\n",
    "header_too_long": "GET /api/v1/status HTTP/1.1\r\n" + HEAD + "X-Long: " + "a" * 20000
                       + "\r\n\r\n",
    "too_many_headers": "GET /api/v1/status HTTP/1.1\r\n" + HEAD
                        + "".join(f"X-H{i}: v\r\n" for i in range(300)) + "\r\n",
    "url_too_long": "GET /api/v1/" + "a" * 20000 + " HTTP/1.1\r\n" + HEAD + "\r\n",
    "control_character_in_path": "GET /api/v1/st\x01atus HTTP/1.1\r\n" + HEAD + "\r\n",
    "bare_lf_line_endings": ("GET /api/v1/status HTTP/1.1\n" + HEAD + "\r\n").replace(
        "\r\n", "\n"),
    "nul_in_header_value": "GET /api/v1/status HTTP/1.1\r\n" + HEAD + "X-A: a\x00b\r\n\r\n",
}


def _raw(server: SimServer, payload: bytes) -> bytes:
    """Send raw bytes over TLS as 082201's terminal; everything answered until close."""
    ctx = ssl.create_default_context(cafile=str(server.sim_pki.ca))
    cert, key = server.sim_pki.terminal("082201")
    ctx.load_cert_chain(str(cert), str(key))
    with socket.create_connection((server.host, server.port), timeout=10) as raw, \
            ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        tls.sendall(payload)
        data = b""
        try:
            while chunk := tls.recv(65536):
                data += chunk
        except (ConnectionResetError, ssl.SSLError):
            pass
    return data


def _parse(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in
               (line.partition(":") for line in lines[1:])}
    return status, headers, body


@pytest.mark.parametrize("name", sorted(FRAMING))
def test_malformed_framing_is_a_japanese_4xx(shared_sim_server: SimServer, name: str) -> None:
    text = FRAMING[name]
    if isinstance(text, bytes):
        payload = text
    else:
        try:
            payload = text.encode("latin-1")  # one byte per character, as HTTP/1.1 reads it
        except UnicodeEncodeError:
            payload = text.encode("utf-8")
    answer = _raw(shared_sim_server, payload)
    assert answer, "closed without an answer"
    status, headers, body = _parse(answer)
    assert 400 <= status < 500, (status, body[:200])
    assert headers["content-type"].startswith("application/json")
    error = json.loads(body)["error"]
    assert isinstance(error["code"], str) and JAPANESE.search(error["message"])
    assert "Traceback" not in shared_sim_server.log_text()


def test_server_still_serves_after_the_malformed_requests(shared_sim_server: SimServer) -> None:
    with _terminal_client(shared_sim_server) as client:
        assert client.status()["staff_id"] == "staff01"
    assert "Traceback" not in shared_sim_server.log_text()


# --- malformed values: huge numbers, bad JSON, duplicate parameters ----------------------


def _post_json(server: SimServer, path: str, raw: bytes,
               extra: dict[str, str] | None = None) -> tuple[int, dict[str, object]]:
    with server.session("082201") as http_session:
        r = http_session.post(server.url(path), data=raw, timeout=30, headers={
            "Content-Type": "application/json", **(extra or {})})
    return r.status_code, r.json()


BAD_BODIES = {
    "seq_5000_digits": b'{"records": [{"seq": ' + b"9" * 5000 + b"}]}",
    "seq_beyond_64_bits": b'{"records": [{"seq": ' + str(2**70).encode() + b"}]}",
    "seq_float": b'{"records": [{"seq": 1.5}]}',
    "seq_bool": b'{"records": [{"seq": true}]}',
    "nan": b'{"records": [{"seq": 1, "value": NaN}]}',
    "infinity": b'{"records": [{"seq": 1, "value": -Infinity}]}',
    "lone_surrogate": b'{"records": [{"seq": 1, "value": "\\ud800"}]}',
    "invalid_utf8": b'{"records": [{"seq": 1, "value": "\xff\xfe"}]}',
    "truncated": b'{"records": [{"seq": 1',
    "not_an_object": b"[1, 2, 3]",
    "deeply_nested": b"[" * 100000 + b"]" * 100000,
    "empty": b"",
}


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_bad_json_bodies_are_a_japanese_400(shared_sim_server: SimServer, name: str) -> None:
    status, body = _post_json(shared_sim_server, "/api/v1/operation-log", BAD_BODIES[name])
    assert status == 400, body
    assert JAPANESE.search(body["error"]["message"])  # type: ignore[index]


def test_lone_surrogate_in_a_decision_reason_is_a_400(shared_sim_server: SimServer) -> None:
    with shared_sim_server.session("082201") as http_session:
        r = http_session.put(shared_sim_server.url("/api/v1/candidates/082201-1/decision"),
                             data=b'{"decision": "continue", "reason": "\\udfff"}',
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 400, r.text


QUERIES = {
    "after_id_5000_digits": ("after_id", "9" * 5000),
    "limit_5000_digits": ("limit", "1" + "0" * 4999),
    "limit_fullwidth": ("limit", "１２"),
    "limit_exponent": ("limit", "1e3"),
    "after_id_negative": ("after_id", "-1"),
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_huge_or_odd_numbers_in_the_query_are_a_400(shared_sim_server: SimServer,
                                                    name: str) -> None:
    key, value = QUERIES[name]
    with shared_sim_server.session(None, staff="fedadmin") as http_session:
        r = http_session.get(shared_sim_server.url("/api/v1/operation-log"),
                             params={key: value}, timeout=30)
    assert r.status_code == 400, r.text
    assert JAPANESE.search(r.json()["error"]["message"])


def test_duplicate_query_parameters_are_a_400(shared_sim_server: SimServer) -> None:
    with shared_sim_server.session("082201") as http_session:
        r = http_session.get(shared_sim_server.url(
            "/api/v1/candidates?state=decided&state=undecided"), timeout=30)
    assert r.status_code == 400 and "複数" in r.json()["error"]["message"]


def _request_with(server: SimServer, method: str, path: str, headers: list[tuple[str, str]],
                  body: bytes = b"") -> tuple[int, bytes]:
    lines = "".join(f"{k}: {v}\r\n" for k, v in headers)
    payload = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{lines}"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
    status, _, answer = _parse(_raw(server, payload))
    return status, answer


def test_two_staff_ids_are_a_400(shared_sim_server: SimServer) -> None:
    """Two values of the header naming who acts: never pick one of them."""
    status, body = _request_with(shared_sim_server, "GET", "/api/v1/status",
                                 [("X-Staff-Id", "staff01"), ("X-Staff-Id", "staff02")])
    assert status == 400, body
    assert json.loads(body)["error"]["code"] == "staff_id_required"


def test_two_idempotency_keys_are_a_400(shared_sim_server: SimServer) -> None:
    """Two keys for one submission: which one a retry must repeat is unknowable."""
    files = household_pair(NEW, dt.datetime(2026, 11, 20, 9, 0, 0), 1, first=900)
    body = json.dumps(submission_body(files)).encode()
    status, answer = _request_with(
        shared_sim_server, "POST", "/api/v1/submissions",
        [("X-Staff-Id", "staff01"), ("Content-Type", "application/json"),
         ("Idempotency-Key", "key-0000-0001"), ("Idempotency-Key", "key-0000-0002")], body)
    assert status == 400, answer
    assert json.loads(answer)["error"]["code"] == "idempotency_key_required"
