"""Fixtures for the simulator: a PKI, a running server subprocess, terminal sessions.

- ``sim_pki``: a fresh PKI (terminals 082201 and 082015, plus the federation admin).
- ``sim_server``: ``shuyaku-sim serve`` on 127.0.0.1 with a free port, on an empty data
  directory; stopped with SIGTERM at the end of the test.
- ``sim_session``: a ``requests.Session`` of 082201's terminal (``X-Staff-Id: staff01``).

``shared_sim_server`` / ``shared_sim_pki`` are the same, shared by a whole module, for
tests that only read or that use their own keys. The implementation lives in
``tests/simhelpers.py`` so tests outside ``tests/sim`` can use it too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.simhelpers import SimPki, SimServer, make_pki


@pytest.fixture
def sim_pki(tmp_path: Path) -> SimPki:
    """A fresh PKI under ``tmp_path/pki``."""
    return make_pki(tmp_path / "pki")


@pytest.fixture
def sim_server(tmp_path: Path, sim_pki: SimPki) -> Iterator[SimServer]:
    """A running simulator with an empty data directory ``tmp_path/data``."""
    server = SimServer(tmp_path / "data", sim_pki).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sim_session(sim_server: SimServer) -> Iterator[requests.Session]:
    """082201's terminal session on ``sim_server``."""
    with sim_server.session("082201") as session:
        yield session


@pytest.fixture(scope="module")
def shared_sim_pki(tmp_path_factory: pytest.TempPathFactory) -> SimPki:
    """One PKI for a whole test module."""
    return make_pki(tmp_path_factory.mktemp("sim") / "pki")


@pytest.fixture(scope="module")
def shared_sim_server(shared_sim_pki: SimPki) -> Iterator[SimServer]:
    """One running simulator for a whole test module."""
    server = SimServer(shared_sim_pki.directory.parent / "data", shared_sim_pki).start()
    try:
        yield server
    finally:
        server.stop()
