"""Shared synthetic prefectures for the synth tests (generated once per session)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kokuho_pc.synth import generate_prefecture

SMALL_PERSONS = 600
SMALL_SEED = 3


@pytest.fixture(scope="session")
def small_prefecture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo prefecture (core scenarios, 600 baseline persons)."""
    out = tmp_path_factory.mktemp("synth_small")
    generate_prefecture(out, SMALL_SEED, SMALL_PERSONS)
    return out


@pytest.fixture(scope="session")
def small_expected(small_prefecture: Path) -> dict[str, Any]:
    """The small prefecture's expected.json."""
    data: dict[str, Any] = json.loads((small_prefecture / "expected.json").read_text("utf-8"))
    return data
