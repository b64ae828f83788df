"""Helpers for the engine tests: an engine on a fixed clock, submitting towns' files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from kokuho_pc.formats.filenames import parse_file_name
from shuyaku_sim import model
from shuyaku_sim.engine import Engine, file_set_digest
from shuyaku_sim.settings import Settings
from shuyaku_sim.storage import Database

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)
T1 = dt.datetime(2026, 11, 1, 9, 0, 0)
T2 = dt.datetime(2026, 11, 2, 9, 0, 0)
T3 = dt.datetime(2026, 11, 3, 9, 0, 0)
T4 = dt.datetime(2026, 11, 4, 9, 0, 0)


def make_engine(data_dir: Path, settings: Settings | None = None) -> Engine:
    """An engine on a fresh store in ``data_dir`` whose clock always reads NOW."""
    return Engine(Database.open(data_dir), settings, clock=lambda: NOW)


def submit(
    engine: Engine, files: Mapping[str, bytes], key: str | None = None,
    staff: str = "staff01", terminal: str = "terminal-01",
) -> model.SubmissionResult:
    """Submit a file set as its own municipality."""
    muni = parse_file_name(next(iter(files))).municipality_code
    digest = file_set_digest(files)
    return engine.submit_file_set(muni, files, key or f"k-{digest}", digest, terminal, staff)


def cands(engine: Engine, muni: str) -> dict[tuple[str, str], model.CandidateSummary]:
    """A municipality's candidates keyed by (before household, after household)."""
    return {(c["before_household"], c["after_household"]): c
            for c in engine.list_candidates(muni)}


def only(engine: Engine, muni: str) -> model.CandidateSummary:
    """The single candidate of a municipality."""
    found = engine.list_candidates(muni)
    assert len(found) == 1, found
    return found[0]
