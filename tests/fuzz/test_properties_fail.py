"""Each fuzz property can fail: run against a checker that is wrong, it does.

The properties of tests/fuzz/test_interface_files.py and
tests/formats/test_check_fuzz.py take the checker (or the reader) as an argument.
Here each runs against checkers that are wrong in the ways a hollow property would
not notice — one that accepts everything, one that reports every problem one
record too far, one that reports no item — and readers that accept everything,
and must fail (an AssertionError from the property). Derandomized, no database,
generation only: the first failing example ends the run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from kokuho_pc.formats.checker import CheckReport, check_file_set
from kokuho_pc.formats.reader import ParsedFile
from tests.formats.test_check_fuzz import CHECKER_PROPERTIES, READER_PROPERTIES
from tests.fuzz.test_interface_files import PROPERTIES


def accept_everything(files: Mapping[str, bytes], today: dt.date | None = None) -> CheckReport:
    """The hollowest checker: every set is valid."""
    return CheckReport(files=sorted(files))


def wrong_record(files: Mapping[str, bytes], today: dt.date | None = None) -> CheckReport:
    """The real problems, each placed one record further on."""
    report = check_file_set(files, today=today)
    return CheckReport(files=report.files, errors=[
        dataclasses.replace(e, record=None if e.record is None else e.record + 1)
        for e in report.errors])


def no_item(files: Mapping[str, bytes], today: dt.date | None = None) -> CheckReport:
    """The real problems without the item they concern."""
    report = check_file_set(files, today=today)
    return CheckReport(files=report.files,
                       errors=[dataclasses.replace(e, item=None) for e in report.errors])


def read_anything(name: str, data: bytes) -> Any:
    """A reader that never refuses."""
    return ParsedFile(if_id=name[:5], municipality_code=name[6:12],
                      created=dt.datetime(2026, 11, 26), records=[])


CASES: list[tuple[str, Callable[..., None], dict[str, Any], Callable[..., Any]]] = []
for name, (prop, args) in PROPERTIES.items():
    wrongs = [accept_everything, wrong_record]
    if name != "mutated_files":  # it locates records, not items
        wrongs.append(no_item)
    CASES += [(f"{name}-{w.__name__}", prop, args, w) for w in wrongs]
for name, (prop, args) in CHECKER_PROPERTIES.items():
    wrongs = [accept_everything] + ([wrong_record] if name == "mutated_files" else [])
    CASES += [(f"{name}-{w.__name__}", prop, args, w) for w in wrongs]
for name, (prop, args) in READER_PROPERTIES.items():
    CASES.append((f"{name}-{read_anything.__name__}", prop, args, read_anything))


@pytest.mark.parametrize(("prop", "args", "wrong"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_property_fails_against_a_wrong_checker(
    prop: Callable[..., None], args: dict[str, Any], wrong: Callable[..., Any]
) -> None:
    @settings(max_examples=500, deadline=None, database=None, derandomize=True,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck),
              print_blob=False)
    @given(**args)
    def run(**drawn: Any) -> None:
        prop(wrong, **drawn)

    with pytest.raises(AssertionError):
        run()


def test_every_property_is_proven() -> None:
    proven = {c[1] for c in CASES}
    every = {p for p, _ in [*PROPERTIES.values(), *CHECKER_PROPERTIES.values(),
                            *READER_PROPERTIES.values()]}
    assert proven == every and len(every) == 8
