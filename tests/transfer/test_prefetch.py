"""The export downloads the next delivery while the current one is written and acknowledged."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kokuho_pc.domain.errors import Cancelled
from kokuho_pc.services.exporting import ExportingService
from kokuho_pc.services.login import Session
from kokuho_pc.services.profile import Profile
from kokuho_pc.services.sending import SendingService, default_client_factory
from kokuho_pc.transfer.client import ConsolidationClient
from kokuho_pc.transfer.errors import ConnectionFailed
from kokuho_pc.transfer.staging import StagingArea
from tests.simfiles import household_pair
from tests.transfer.harness import STAFF, approved_medium, login, write_files

Events = list[tuple[str, str, str]]  # (event, delivery name, thread name)


def _recording(events: Events, fail_download_of: int | None = None
               ) -> Callable[[Profile, str], Callable[[], ConsolidationClient]]:
    """A client factory maker whose clients record downloads and acknowledgements."""
    lock = threading.Lock()
    downloads: list[str] = []

    def note(event: str, name: str) -> None:
        with lock:
            events.append((event, name, threading.current_thread().name))

    def maker(profile: Profile, staff_id: str) -> Callable[[], ConsolidationClient]:
        real = default_client_factory(profile, staff_id)

        def make() -> ConsolidationClient:
            client = real()
            download, acknowledge = client.download_delivery, client.acknowledge

            def recorded_download(name: str) -> Any:
                note("download", name)
                downloads.append(name)
                if fail_download_of is not None and len(downloads) == fail_download_of:
                    raise ConnectionFailed()
                time.sleep(0.05)  # a slow line: the overlap is then unmistakable
                return download(name)

            def recorded_ack(name: str, key: str) -> Any:
                answer = acknowledge(name, key)
                note("ack", name)
                return answer

            client.download_delivery = recorded_download  # type: ignore[method-assign]
            client.acknowledge = recorded_ack  # type: ignore[method-assign]
            return client

        return make

    return maker


def _deliveries_waiting(profile: Profile, tmp_path: Path, first: int) -> list[str]:
    medium = approved_medium(profile, tmp_path / "usb")
    created = dt.datetime(2026, 10, 7, 10, 0, first % 60)
    write_files(medium, household_pair("082201", created, 4, moved_in_from="082015",
                                       first=first))
    staff = login(profile, STAFF)
    SendingService(profile).send(staff, medium)
    names = [d["name"] for d in ExportingService(profile).list_deliveries(staff)]
    staff.logout()
    assert len(names) >= 2
    return names


def _download_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("export-download")]


def _nothing_left_behind(profile: Profile) -> None:
    """No staged file and no download thread outlive an export, however it ended."""
    assert StagingArea(profile.staging_dir).leftover_files() == []
    assert _download_threads() == []


def _still_waiting(profile: Profile, staff: Session) -> list[str]:
    return [d["name"] for d in ExportingService(profile).list_deliveries(staff)]


def test_the_next_delivery_downloads_before_the_current_one_is_acknowledged(
    profile: Profile, tmp_path: Path
) -> None:
    names = _deliveries_waiting(profile, tmp_path, first=7100)
    events: Events = []
    staff = login(profile, STAFF)
    out = approved_medium(profile, tmp_path / "out")
    result = ExportingService(profile, client_factory=_recording(events)).export(staff, out)
    assert [e.name for e in result.exported] == names
    downloads = [(n, t) for e, n, t in events if e == "download"]
    assert [n for n, _ in downloads] == names
    assert all(t.startswith("export-download") for _, t in downloads)
    first_ack = events.index(("ack", names[0], threading.current_thread().name))
    second_download = events.index(("download", names[1], downloads[1][1]))
    assert second_download < first_ack  # already on its way while the first was finished
    for name in names:
        assert (out / name).is_file()
    _nothing_left_behind(profile)
    staff.logout()


def test_a_failed_download_ahead_stops_at_its_delivery_and_keeps_the_rest(
    profile: Profile, tmp_path: Path
) -> None:
    names = _deliveries_waiting(profile, tmp_path, first=7200)
    events: Events = []
    staff = login(profile, STAFF)
    out = approved_medium(profile, tmp_path / "out")
    service = ExportingService(profile, client_factory=_recording(events, fail_download_of=2))
    with pytest.raises(ConnectionFailed):
        service.export(staff, out)
    assert (out / names[0]).is_file()  # the first was exported and acknowledged
    assert ("ack", names[0], threading.current_thread().name) in events
    assert not (out / names[1]).exists()
    assert not [p for p in out.iterdir() if p.name.endswith(".kokuho-tmp")]
    assert _still_waiting(profile, staff) == names[1:]
    _nothing_left_behind(profile)
    staff.logout()


def test_cancel_while_the_next_download_runs_leaves_nothing_behind(
    profile: Profile, tmp_path: Path
) -> None:
    names = _deliveries_waiting(profile, tmp_path, first=7300)
    events: Events = []
    staff = login(profile, STAFF)
    out = approved_medium(profile, tmp_path / "out")

    def cancelled() -> bool:  # asked once the first delivery is acknowledged
        return any(e == "ack" for e, _, _ in events)

    with pytest.raises(Cancelled):
        ExportingService(profile, client_factory=_recording(events)).export(
            staff, out, is_cancelled=cancelled)
    assert (out / names[0]).is_file() and not (out / names[1]).exists()
    assert ("download", names[1]) in [(e, n) for e, n, _ in events]  # it had been started
    assert _still_waiting(profile, staff) == names[1:]
    _nothing_left_behind(profile)
    staff.logout()


def test_cancel_during_a_download_stops_it_at_the_next_chunk(
    profile: Profile, tmp_path: Path
) -> None:
    """The user's cancel reaches a download in progress (not only the steps between
    deliveries): nothing is written, staged or acknowledged, and no thread is left."""
    names = _deliveries_waiting(profile, tmp_path, first=7400)
    flag = threading.Event()

    def maker(profile: Profile, staff_id: str) -> Callable[[], ConsolidationClient]:
        real = default_client_factory(profile, staff_id)

        def make() -> ConsolidationClient:
            client = real()
            download = client.download_delivery

            def cancelled_mid_way(name: str) -> Any:
                chunks, server_hash, close = download(name)

                def first_then_cancel() -> Iterator[bytes]:
                    for chunk in chunks:
                        flag.set()  # the user presses 中止 while the bytes arrive
                        yield chunk

                return first_then_cancel(), server_hash, close

            client.download_delivery = cancelled_mid_way  # type: ignore[method-assign]
            return client

        return make

    staff = login(profile, STAFF)
    out = approved_medium(profile, tmp_path / "out")
    with pytest.raises(Cancelled):
        ExportingService(profile, client_factory=maker).export(
            staff, out, is_cancelled=flag.is_set)
    assert not [p for p in out.iterdir() if not p.name.startswith(".kokuho-medium")]
    received = [r for r in profile.audit.records(limit=100_000)
                if r.action == "receive" and r.targets.get("file") in names]
    assert received == []  # stopped during the download, before the check and the write
    assert _still_waiting(profile, staff) == names
    _nothing_left_behind(profile)
    staff.logout()
