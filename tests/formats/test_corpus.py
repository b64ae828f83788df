"""The real-world corpus (tests/formats/corpus.py) against its expected outcomes.

Every variant of files as cities produce them is checked and compared with the
table kept in tests/fixtures/corpus_expected.json; no message quotes a value.
"""

from __future__ import annotations

import json

import pytest

from kokuho_pc.domain.leakscan import find_my_numbers
from kokuho_pc.formats.checker import check_file_set
from tests.formats.corpus import EXPECTED, VARIANTS, outcome_of
from tests.formats.test_check_fuzz import _values
from tests.formats.util import TODAY

TABLE: dict[str, dict[str, object]] = json.loads(EXPECTED.read_text(encoding="utf-8"))


def test_table_and_generator_name_the_same_variants() -> None:
    assert sorted(TABLE) == sorted(VARIANTS)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_has_its_expected_outcome(name: str) -> None:
    files = VARIANTS[name]()
    report = check_file_set(files, today=TODAY)
    assert outcome_of(report) == TABLE[name]
    values = set().union(*(_values(d) for d in files.values() if len(d) < 100_000))
    for e in report.errors:
        assert find_my_numbers(e.message) == []
        assert not any(v in e.message for v in values), (e.code, e.message)


def test_generator_is_deterministic() -> None:
    for name in ("Windows copy KSK02 - コピー.dat beside the pair",
                 "KSK12 over the 4 MiB block edge, error in the edge row"):
        assert VARIANTS[name]() == VARIANTS[name]()
