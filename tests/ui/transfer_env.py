"""A real simulator, a real demo profile of つくば市 pointing at it and approved emulated media.

Reuses the transfer tests' harness (``tests/transfer/harness.py``: profile,
accounts, media approval) and their module-scoped simulator fixture
(``sim_env``). The profile's policy lists the media folders as emulated media,
as the demo does, so the screens find them like mounted media.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kokuho_pc.services.login import Session
from kokuho_pc.services.policy import PolicyService
from kokuho_pc.services.profile import Profile
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.widgets.qt import QApplication
from tests.simfiles import household_pair
from tests.simhelpers import SimPki, SimServer
from tests.transfer.conftest import sim_env
from tests.transfer.harness import ADMIN, STAFF, approved_medium, login, make_profile

__all__ = ["TransferEnv", "shot", "sim_env", "transfer_env", "tsukuba_set"]

SHOTS = Path(os.environ.get("KOKUHO_SHOTS", "/tmp/shots"))
TIMEOUT = 20_000


@dataclass
class TransferEnv:
    """The simulator, its PKI, the profile, a staff session, the context and the media."""

    sim: SimServer
    pki: SimPki
    profile: Profile
    session: Session
    context: AppContext
    usb: Path        # approved for the staff member
    stick: Path      # listed but never approved
    usb_out: Path    # approved, for exports


def tsukuba_set(first: int, n: int = 4, minute: int = 0) -> dict[str, bytes]:
    """A valid KSK01/KSK02 pair of つくば市 (082201): households moving in from 水戸市."""
    created = dt.datetime(2026, 10, 6, 9, minute, first % 60)
    return household_pair("082201", created, n, moved_in_from="082015", first=first)


def shot(widget: object, name: str) -> None:
    """Save a screenshot for a human to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}.png"))  # type: ignore[attr-defined]


@pytest.fixture
def transfer_env(tmp_path: Path, sim_env: tuple[SimServer, SimPki],
                 jobs: JobRunner) -> Iterator[TransferEnv]:
    """A fresh profile on the module's simulator, media listed by the policy, staff logged in."""
    sim, pki = sim_env
    profile = make_profile(tmp_path / "profile", sim, pki)
    media = tmp_path / "media"
    usb = approved_medium(profile, media / "USB-01")
    usb_out = approved_medium(profile, media / "USB-02")
    stick = media / "STICK-99"
    stick.mkdir(parents=True)
    admin = login(profile, ADMIN)
    PolicyService(profile).change(admin, "emulated_media_dirs",
                                  [str(usb), str(stick), str(usb_out)])
    admin.logout()
    session = login(profile, STAFF)
    try:
        yield TransferEnv(sim, pki, profile, session, AppContext(profile, session, jobs),
                          usb, stick, usb_out)
    finally:
        session.logout()
        profile.close()
