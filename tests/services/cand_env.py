"""A real simulator seeded with the synthetic prefecture and a real demo profile of つくば市.

The synthetic prefecture (``kokuho_pc.synth``, seed 3, 600 persons) is
generated and seeded (``shuyaku-sim seed``) once per test session into a
template data directory; every test that needs the simulator gets a copy of it
and its own server process, so decisions and confirmations never leak between
tests. The profile is a real demo profile (SQLCipher store, accounts) whose
machine policy points at that server with the terminal certificate of 082201.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kokuho_pc.auth.session import Session
from kokuho_pc.services.profile import Profile
from kokuho_pc.synth import generate_prefecture
from tests.simhelpers import ROOT, SimPki, SimServer, make_pki
from tests.transfer.harness import STAFF, login, make_profile

CODE = "082201"
SYNTH_SEED = 3
SYNTH_PERSONS = 600


@dataclass
class CandidateEnv:
    """The running simulator, its PKI, the profile and a logged-in staff session."""

    sim: SimServer
    pki: SimPki
    profile: Profile
    session: Session


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SimPki]:
    """(template data directory with every synthetic file seeded, PKI)."""
    base = tmp_path_factory.mktemp("cand_sim")
    files = base / "files"
    generate_prefecture(files, SYNTH_SEED, SYNTH_PERSONS)
    data = base / "template"
    paths = sorted(str(p) for p in files.glob("*.dat"))
    done = subprocess.run(
        [sys.executable, "-m", "shuyaku_sim.cli", "seed", "--data", str(data), *paths],
        cwd=ROOT, capture_output=True, check=False, timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return data, make_pki(base / "pki", (CODE, "082015"))


@pytest.fixture
def cand_env(tmp_path: Path, seeded_template: tuple[Path, SimPki]) -> Iterator[CandidateEnv]:
    """A fresh copy of the seeded simulator, running, and a demo profile logged in as staff."""
    template, pki = seeded_template
    data = tmp_path / "sim" / "data"
    shutil.copytree(template, data)
    sim = SimServer(data, pki).start()
    profile = None
    try:
        profile = make_profile(tmp_path / "profile", sim, pki)
        session = login(profile, STAFF)
        yield CandidateEnv(sim, pki, profile, session)
        session.logout()
    finally:
        if profile is not None:
            profile.close()
        sim.stop()


def sim_candidates(env: CandidateEnv) -> list[dict[str, object]]:
    """The candidate list straight from the simulator (a raw terminal session)."""
    with env.sim.session(CODE, staff=STAFF) as http:
        rows: list[dict[str, object]] = http.get(env.sim.url("/api/v1/candidates")).json()[
            "candidates"]
    return rows
