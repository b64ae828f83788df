"""Every time the PC stores for a send and an export is the profile's clock.

The profile runs on a ManualClock at the last minute of fiscal year 2026
(2027-03-31 23:59 JST): the medium's approval token, the registry row, the PC's
signing key, the send job and the exported delivery must carry that time (stored
as UTC), whatever the machine's clock says. Before issue 13 these were
``datetime.now(UTC)``, so the assertions below failed on any real day.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kokuho_pc.services.exporting import ExportingService
from kokuho_pc.services.sending import SendingService
from kokuho_pc.store.clock import ManualClock
from kokuho_pc.transfer.media import TOKEN_NAME
from tests.e2e.scenario import MITO, TSUKUBA, moved_in_pair
from tests.simhelpers import SimServer, make_pki
from tests.transfer.harness import STAFF, approved_medium, login, make_profile, write_files

JST = dt.timezone(dt.timedelta(hours=9))
LAST_MINUTE = dt.datetime(2027, 3, 31, 23, 59, tzinfo=JST)
SENT_AT = "2027-03-31T14:59:00+00:00"  # LAST_MINUTE in UTC
EXPORTED_AT = "2027-03-31T14:59:30+00:00"  # 30 seconds later: still fiscal 2026


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimServer]:
    pki = make_pki(tmp_path / "pki", (TSUKUBA, MITO))
    with SimServer(tmp_path / "sim" / "data", pki) as server:
        yield server


def test_send_and_export_are_stamped_by_the_profile_clock(
    sim: SimServer, tmp_path: Path
) -> None:
    clock = ManualClock(LAST_MINUTE)
    # The files were made in the past of both clocks (the simulator checks by its own).
    files = moved_in_pair(dt.datetime(2026, 10, 14, 9, 0))
    with make_profile(tmp_path / "profile", sim, sim.sim_pki, clock=clock) as profile:
        medium = approved_medium(profile, tmp_path / "usb")
        token = json.loads((medium / TOKEN_NAME).read_text("utf-8"))
        assert token["issued_at"] == SENT_AT
        assert token["expires"] == "2027-03-31"  # the JST fiscal year, not the UTC date's
        write_files(medium, files)
        staff = login(profile, STAFF)
        assert SendingService(profile).send(staff, medium).all_accepted
        clock.advance(seconds=30)
        out = approved_medium(profile, tmp_path / "out")
        exported = ExportingService(profile).export(staff, out)
        assert exported.exported
        staff.logout()
        db = profile.db
        assert db.query("SELECT created_at FROM transfer_pc_key") == [(SENT_AT,)]
        assert sorted(r[0] for r in db.query("SELECT registered_at FROM transfer_media")) \
            == [SENT_AT, EXPORTED_AT]
        sends = db.query("SELECT created_at, updated_at FROM transfer_jobs WHERE kind = 'send'")
        assert sends == [(SENT_AT, SENT_AT)]
        acks = db.query("SELECT created_at, updated_at FROM transfer_jobs WHERE kind = 'ack'")
        assert len(acks) == len(exported.exported)
        assert set(acks) == {(EXPORTED_AT, EXPORTED_AT)}
        stamps = {s for row in db.query("SELECT created_at, updated_at FROM transfer_jobs")
                  for s in row}
        assert stamps == {SENT_AT, EXPORTED_AT}  # log forwarding too: no other time
        deliveries = db.query("SELECT updated_at FROM transfer_exports")
        assert len(deliveries) == len(exported.exported)
        assert {row[0] for row in deliveries} == {EXPORTED_AT}
