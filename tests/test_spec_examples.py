"""The committed copy of the spec's example files equals ../shared/spec/examples."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES_DIR, SPEC_DIR


def test_fixture_copy_matches_the_spec_examples() -> None:
    spec_examples = SPEC_DIR / "examples"
    if not spec_examples.is_dir():
        pytest.skip("../shared/spec/examples is not beside this checkout")
    spec = {p.name: p.read_bytes() for p in spec_examples.iterdir() if p.is_file()}
    ours = {p.name: p.read_bytes() for p in EXAMPLES_DIR.iterdir() if p.is_file()}
    assert ours == spec


def test_fixture_copy_holds_the_three_example_files() -> None:
    names = sorted(p.name for p in EXAMPLES_DIR.glob("*.dat"))
    assert names == [
        "KKG01_082015_20261110081500.dat",
        "KSK01_082015_20261110081500.dat",
        "KSK02_082015_20261110081500.dat",
    ]
