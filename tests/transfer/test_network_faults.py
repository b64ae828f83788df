"""Network faults against the real simulator: a lost reply, a server that is down, and
servers whose certificate must not be trusted (nothing may reach them)."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from kokuho_pc.domain.errors import ConnectionFailed
from kokuho_pc.services.profile import Profile
from kokuho_pc.services.sending import SendingService
from kokuho_pc.transfer.client import ClientConfig, ConsolidationClient
from kokuho_pc.transfer.filesets import file_set_digest
from kokuho_pc.transfer.records import TransferRecords
from kokuho_pc.transfer.staging import StagingArea
from tests.simfiles import household_pair
from tests.simhelpers import SimPki, SimServer
from tests.transfer.harness import (
    STAFF,
    access_count,
    approved_medium,
    login,
    sim_query,
    write_files,
)
from tests.transfer.relay import DroppingRelay
from tests.transfer.tlsutil import issue, make_ca, write_pair


def _files(first: int) -> dict[str, bytes]:
    created = dt.datetime(2026, 10, 8, 11, 0, first % 60)
    return household_pair("082201", created, 2, moved_in_from="082015", first=first)


def _factory(pki: SimPki, port: int, **kw: Any) -> Callable[[Profile, str], Any]:
    def make(profile: Profile, staff: str) -> Callable[[], ConsolidationClient]:
        policy = profile.policy()  # the profile's own terminal certificate
        config = ClientConfig(base_url=f"https://127.0.0.1:{port}", ca_file=pki.ca,
                              client_cert=Path(policy.client_cert_file),
                              client_key=Path(policy.client_key_file), pins=(pki.pin,),
                              staff_id=STAFF, sleep=lambda s: None, **kw)
        return lambda: ConsolidationClient(config)

    return make


def _count(sim: SimServer, digest: str) -> int:
    return int(sim_query(sim, "SELECT count(*) FROM submissions WHERE sha256 = ?",
                         (digest,))[0][0])


def test_lost_reply_is_retried_with_the_same_key_and_result(
    profile: Profile, tmp_path: Path, sim_env: tuple[Any, Any]
) -> None:
    sim, pki = sim_env
    medium = approved_medium(profile, tmp_path / "usb")
    files = _files(30000)
    write_files(medium, files)
    digest = file_set_digest(files)
    relay = DroppingRelay(sim.port, processed=lambda: _count(sim, digest) > 0)
    try:
        staff = login(profile, STAFF)
        result = SendingService(profile, client_factory=_factory(pki, relay.port)).send(
            staff, medium)
        staff.logout()
    finally:
        relay.close()
    assert relay.dropped == 1 and relay.connections >= 2
    outcome = result.outcomes[0]
    assert outcome.accepted and outcome.replayed  # the server's stored result, not a new one
    assert _count(sim, digest) == 1
    stored = sim_query(sim, "SELECT id FROM submissions WHERE sha256 = ?", (digest,))
    assert outcome.submission_id == stored[0][0]


def test_server_down_gives_a_clear_message_and_the_job_can_be_retried(
    profile: Profile, tmp_path: Path, sim_env: tuple[Any, Any]
) -> None:
    sim, pki = sim_env
    medium = approved_medium(profile, tmp_path / "usb")
    files = _files(30100)
    write_files(medium, files)
    digest = file_set_digest(files)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    staff = login(profile, STAFF)
    with pytest.raises(ConnectionFailed) as info:
        SendingService(profile, client_factory=_factory(pki, closed_port, connect_timeout=1)
                       ).send(staff, medium)
    assert "国保情報集約システムに接続できません" in info.value.user_message
    assert "再度実行" in info.value.hint
    job = TransferRecords(profile.db, profile.clock).find_job("send", digest)
    assert job is not None and job.state == "pending"
    assert StagingArea(profile.staging_dir).leftover_files() == []
    result = SendingService(profile, client_factory=_factory(pki, sim.port)).send(staff, medium)
    staff.logout()
    assert result.all_accepted and _count(sim, digest) == 1
    keys = sim_query(sim, "SELECT idempotency_key FROM submissions WHERE sha256 = ?", (digest,))
    assert keys[0][0] == job.idempotency_key  # the key stored before the first attempt


def _bad_pki(good: SimPki, directory: Path, kind: str) -> SimPki:
    """A copy of the simulator's PKI whose server certificate is bad in one way."""
    shutil.copytree(good.directory, directory)
    ca_cert = x509.load_pem_x509_certificate((directory / "ca.pem").read_bytes())
    ca_key = serialization.load_pem_private_key((directory / "ca-key.pem").read_bytes(), None)
    ca = (ca_cert, ca_key)
    pair = {
        "other_ca": lambda: issue(make_ca("another CA"), "server"),
        "expired": lambda: issue(ca, "server", expired=True),  # type: ignore[arg-type]
        "wrong_host": lambda: issue(ca, "server", hosts=("other.example",)),  # type: ignore[arg-type]
        "unpinned": lambda: issue(ca, "server"),  # type: ignore[arg-type]
    }[kind]()
    cert, key = write_pair(directory, "server", pair)
    cert.rename(directory / "server.pem")
    key.rename(directory / "server-key.pem")
    return SimPki(directory, good.pin, good.municipalities)


@pytest.mark.parametrize(("kind", "words"), [
    ("other_ca", "信頼できない"), ("expired", "有効期限"), ("wrong_host", "名前"),
    ("unpinned", "公開鍵"),
])
def test_untrusted_simulators_receive_nothing(
    profile: Profile, tmp_path: Path, sim_env: tuple[Any, Any], kind: str, words: str
) -> None:
    _, good = sim_env
    bad = _bad_pki(good, tmp_path / "bad-pki", kind)
    medium = approved_medium(profile, tmp_path / "usb")
    write_files(medium, _files(30200))
    with SimServer(tmp_path / "bad-data", bad) as server:
        staff = login(profile, STAFF)
        with pytest.raises(ConnectionFailed) as info:
            SendingService(profile, client_factory=_factory(good, server.port)).send(
                staff, medium)
        staff.logout()
        assert words in info.value.user_message
        assert access_count(server) == 0  # refused before any request reached the server
