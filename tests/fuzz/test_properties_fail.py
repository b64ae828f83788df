"""Each fuzz property can fail: run against a checker that is wrong, it does.

The properties of tests/fuzz/test_interface_files.py and
tests/formats/test_check_fuzz.py take the checker (or the reader) as an argument.
Here each runs against checkers that are wrong in the ways a hollow property would
not notice — one that accepts everything, one that refuses every file as a whole,
one that reports every problem one record too far, one that reports no item, one
whose messages quote the record (個人番号 and all) — and readers that accept
everything, refuse everything or quote the file, and must fail (an AssertionError
from the property). Derandomized, no database,
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
from kokuho_pc.formats.issues import MESSAGES, CheckIssue
from kokuho_pc.formats.reader import FormatError, ParsedFile, parse_csv, parse_fixed
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


def reject_everything(files: Mapping[str, bytes], today: dt.date | None = None) -> CheckReport:
    """Every file refused as a whole: no record, no item."""
    return CheckReport(files=sorted(files), errors=[
        CheckIssue(name, None, None, "empty_file", MESSAGES["empty_file"]) for name in files])


def echo_record(files: Mapping[str, bytes], today: dt.date | None = None) -> CheckReport:
    """The real problems, each message quoting its record (個人番号 and all)."""
    report = check_file_set(files, today=today)

    def quoted(e: CheckIssue) -> str:
        lines = files[e.file].split(b"\n")
        line = lines[min((e.record or 1), len(lines)) - 1]
        return f"{e.message}（{line.decode('cp932', errors='replace').strip()}）"

    return CheckReport(files=report.files,
                       errors=[dataclasses.replace(e, message=quoted(e)) for e in report.errors])


def read_anything(name: str, data: bytes) -> Any:
    """A reader that never refuses."""
    return ParsedFile(if_id=name[:5], municipality_code=name[6:12],
                      created=dt.datetime(2026, 11, 26), records=[])


def read_nothing(name: str, data: bytes) -> Any:
    """A reader that refuses everything."""
    raise FormatError()


def read_echoing(name: str, data: bytes) -> Any:
    """The real reader, but its refusal quotes the file's second record."""
    try:
        return parse_csv(name, data) if name.endswith(".csv") else parse_fixed(name, data)
    except FormatError:
        second = [*data.split(b"\n"), b"", b""][1].decode("cp932", errors="replace")
        raise FormatError(f"読めません: {second}") from None


# Where a wrong implementation is right for a property, it is left out: rejecting
# arbitrary bytes is what that property wants; the mutated-files properties locate
# records, not items; the CSV reader property does not look at messages (it has none
# of the file's values to show).
CASES: list[tuple[str, Callable[..., None], dict[str, Any], Callable[..., Any]]] = []
for name, (prop, args) in PROPERTIES.items():
    wrongs = [accept_everything, wrong_record, reject_everything, echo_record]
    if name != "mutated_files":
        wrongs.append(no_item)
    CASES += [(f"{name}-{w.__name__}", prop, args, w) for w in wrongs]
for name, (prop, args) in CHECKER_PROPERTIES.items():
    wrongs = [accept_everything] + ([wrong_record, reject_everything, echo_record]
                                    if name == "mutated_files" else [])
    CASES += [(f"{name}-{w.__name__}", prop, args, w) for w in wrongs]
for name, (prop, args) in READER_PROPERTIES.items():
    wrongs = [read_anything, read_nothing] + ([read_echoing] if name == "fixed_reader" else [])
    CASES += [(f"{name}-{w.__name__}", prop, args, w) for w in wrongs]


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
