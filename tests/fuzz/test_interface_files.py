"""The large fuzz campaign over interface files (beside tests/formats/test_check_fuzz.py).

Inputs: the spec's example set and both media of the end-to-end scenario (with
their sentinel 個人番号). Three generators, sharing the campaign's budget
(``--fuzz-examples N`` / ``FUZZ_EXAMPLES``, default 10,000 in total):

- field surgery that is invalid by construction (a letter in an N/C/D field, a
  full-width character in an X field, half-width in a K field, bytes that are
  not CP932, a wrong check digit, an impossible date, a record one byte short or
  long): the set is rejected and a problem is reported at exactly that record
  and, for a field, at exactly that item;
- one digit of a 個人番号 changed (so that its check digit no longer fits):
  rejected at that record and at the item 個人番号;
- random byte-level mutations (the formats engineer's ``mutation`` strategy)
  of the scenario files: whatever is reported is located, and a mutation that
  inserts or deletes bytes (a fixed-length record can no longer be whole) is
  rejected at the record where it happened;
- KSK12 CSV rows with one cell invalid by construction for its column (or one
  cell too many): rejected at that row and item; random cells: located.

Each property takes the checker as an argument; tests/fuzz/test_properties_fail.py
runs every one against an accept-everything checker and a checker that reports
the wrong record or item, and expects each to fail.

Always: the checker never raises, every problem has a known code, a record for
anything but a whole-file problem, a known item name, and its message holds no
field value and no 12-digit number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kokuho_pc.domain.leakscan import find_my_numbers
from kokuho_pc.domain.mynumber import is_valid_my_number
from kokuho_pc.formats.checker import CheckReport, check_file_set
from kokuho_pc.formats.issues import MESSAGES
from kokuho_pc.formats.layouts import Field, get_layout
from tests.e2e.scenario import MITO, TSUKUBA, medium_files
from tests.formats.test_check_fuzz import (
    FILE_LEVEL,
    ITEM_NAMES,
    ORIGINAL_VALUES,
    _apply,
    _structural,
    _values,
    assert_located_at,
    mutation,
)
from tests.formats.util import TODAY, examples, join, lines_of
from tests.fuzz.budget import share

SETS: dict[str, dict[str, bytes]] = {
    "spec": examples(), "mito": medium_files(MITO), "tsukuba": medium_files(TSUKUBA)}
KNOWN_VALUES = ORIGINAL_VALUES.union(*(_values(d) for s in SETS.values() for d in s.values()))
Checker = Callable[..., CheckReport]  # check_file_set(files, today=...)


def fast(examples: int) -> settings:
    """Settings of the campaign: no deadline (loaded CI machines); the seed and the
    example database come from the profile (tests/conftest.py)."""
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _check(checker: Checker, files: Mapping[str, bytes], today: dt.date) -> CheckReport:
    return checker(dict(files), today=today)
KSK12_NAME = "KSK12_082201_20261106090000.csv"
KSK12_ROW = "082201,P000000010,0800000001,1,20261106"


def assert_well_formed(report: CheckReport, files: dict[str, bytes], changed: bytes) -> None:
    """Every problem: known code, located, known item, no value, no 12-digit number.

    ``changed`` is the mutated file (the values of the others are known already).
    """
    values: set[str] | None = None
    for e in report.errors:
        assert e.code in MESSAGES, e.code
        if e.record is None:
            assert e.code in FILE_LEVEL, (e.code, e.file)
        else:
            assert 1 <= e.record <= files[e.file].count(b"\n") + 1, (e.code, e.record)
        assert e.item is None or e.item in ITEM_NAMES, e.item
        assert find_my_numbers(e.message) == [], e.code
        if values is None:
            values = KNOWN_VALUES | _values(changed)
        assert [v for v in values if v in e.message] == [], (e.code, e.message)


def _fields(if_id: str, record: bytes) -> tuple[Field, ...]:
    layout = get_layout(if_id)
    part = {b"1": layout.header, b"2": layout.data, b"3": layout.trailer}.get(record[:1], ())
    return tuple(f for f in part if f.key != "filler")


def _corrupt(field: Field, raw: bytes, kind: str, pos: int) -> bytes | None:
    """Invalid bytes of the field's length for ``kind``; None if not applicable."""
    n = field.length or 0
    if kind == "letter" and field.type in ("N", "C", "D"):
        i = pos % n
        return raw[:i] + b"A" + raw[i + 1:]
    if kind == "fullwidth" and field.type == "X" and n >= 2:
        i = pos % (n - 1)
        return raw[:i] + "Ａ".encode("cp932") + raw[i + 2:]
    if kind == "halfwidth" and field.type == "K":
        i = 2 * (pos % (n // 2))
        return raw[:i] + b"AB" + raw[i + 2:]
    if kind == "not_cp932" and field.type in ("K", "X") and n >= 2:
        i = 2 * (pos % (n // 2)) if field.type == "K" else pos % (n - 1)
        return raw[:i] + b"\x85\x40" + raw[i + 2:]
    if kind == "check_digit" and field.key in ("my_number", "nominal_head_my_number"):
        body = f"{pos % 10**11:011d}"
        from kokuho_pc.domain.mynumber import my_number_check_digit

        return (body + str((my_number_check_digit(body) + 1) % 10)).encode("ascii")
    if kind == "check_digit" and field.type == "N" and n == 6 and "municipal" in field.key:
        from kokuho_pc.domain.municipality import municipality_check_digit

        body = f"08{pos % 1000:03d}"
        return (body + str((municipality_check_digit(body) + 1) % 10)).encode("ascii")
    if kind == "bad_date" and field.type == "D":
        return b"2026" + (b"1341" if pos % 2 else b"0230")
    return None


KINDS = ("letter", "fullwidth", "halfwidth", "not_cp932", "check_digit", "bad_date",
         "short", "long")


invalid_field_args = dict(
    data=st.data(), set_name=st.sampled_from(sorted(SETS)), kind=st.sampled_from(KINDS),
    pos=st.integers(0, 10**12))


def invalid_field_is_rejected_at_its_record(
    checker: Checker, data: st.DataObject, set_name: str, kind: str, pos: int
) -> None:
    """Property: a field made invalid is rejected at its record and item."""
    files = dict(SETS[set_name])
    name = data.draw(st.sampled_from(sorted(files)))
    lines = lines_of(files[name])
    recno = data.draw(st.integers(1, len(lines)))
    record = lines[recno - 1]
    item: str | None = None
    if kind in ("short", "long"):
        i = pos % len(record)
        lines[recno - 1] = record[:i] + record[i + 1:] if kind == "short" else (
            record[:i] + b" " + record[i:])
    else:
        fields = [f for f in _fields(name[:5], record)
                  if _corrupt(f, record[f.offset:f.end], kind, pos) is not None]
        if not fields:
            kind = "short"
            lines[recno - 1] = record[:-1]
        else:
            f = data.draw(st.sampled_from(fields))
            bad = _corrupt(f, record[f.offset:f.end], kind, pos)
            assert bad is not None and len(bad) == f.length
            lines[recno - 1] = record[:f.offset] + bad + record[f.end:]
            item = f.name
    files[name] = join(lines)
    report = _check(checker, files, TODAY)
    assert not report.valid
    at_record = [e for e in report.errors_of(name) if e.record == recno]
    assert at_record, (kind, name, recno)
    if item is not None:
        assert item in {e.item for e in at_record}, (kind, name, recno, item)
    assert_well_formed(report, files, files[name])


@fast(share(0.5))
@given(**invalid_field_args)
def test_invalid_field_is_rejected_at_its_record(
    data: st.DataObject, set_name: str, kind: str, pos: int
) -> None:
    invalid_field_is_rejected_at_its_record(check_file_set, data, set_name, kind, pos)


MY_NUMBER_KEYS = ("my_number", "nominal_head_my_number")
my_number_args = dict(data=st.data(), set_name=st.sampled_from(sorted(SETS)),
                      digit=st.integers(0, 11), shift=st.integers(1, 9))


def mutated_my_number_is_rejected(
    checker: Checker, data: st.DataObject, set_name: str, digit: int, shift: int
) -> None:
    """Property: one digit of a 個人番号 changed (check digit no longer fits) is rejected there."""
    files = dict(SETS[set_name])
    places = [(name, recno, f) for name in sorted(files)
              for recno, record in enumerate(lines_of(files[name]), 1)
              for f in _fields(name[:5], record)
              if f.key in MY_NUMBER_KEYS and record[f.offset:f.end].strip()]
    name, recno, f = data.draw(st.sampled_from(places))
    lines = lines_of(files[name])
    record = lines[recno - 1]
    number = record[f.offset:f.end].decode("ascii")
    mutated = number
    for step in range(9):  # the first shifted digit whose check digit no longer fits
        d = (int(number[digit]) + (shift + step - 1) % 9 + 1) % 10
        mutated = number[:digit] + str(d) + number[digit + 1:]
        if not is_valid_my_number(mutated):
            break
    assert mutated != number and not is_valid_my_number(mutated)
    lines[recno - 1] = record[:f.offset] + mutated.encode("ascii") + record[f.end:]
    files[name] = join(lines)
    report = _check(checker, files, TODAY)
    assert not report.valid
    assert f.name in {e.item for e in report.errors_of(name) if e.record == recno}, (
        name, recno)
    assert_well_formed(report, files, files[name])


@fast(share(0.1))
@given(**my_number_args)
def test_mutated_my_number_is_rejected(
    data: st.DataObject, set_name: str, digit: int, shift: int
) -> None:
    mutated_my_number_is_rejected(check_file_set, data, set_name, digit, shift)


mutated_files_args = dict(set_name=st.sampled_from(["mito", "tsukuba"]),
                          target=st.integers(0, 4), ops=st.lists(mutation, min_size=1,
                                                                  max_size=6))


def mutated_scenario_files_are_reported_located(
    checker: Checker, set_name: str, target: int, ops: list[tuple[str, int, object]]
) -> None:
    """Property: problems are located; an insertion or deletion is rejected where it happened."""
    files = dict(SETS[set_name])
    name = sorted(files)[target]
    original = data = files[name]
    for op in ops:
        data = _apply(data, op)
    files[name] = data
    report = _check(checker, files, TODAY)
    recno = _structural(original, ops)
    if recno is not None:
        # a fixed-length record cannot stay whole: rejected where it happened
        assert not report.valid, (ops, name)
        if data:
            assert_located_at(report, name, ops, recno)
    assert_well_formed(report, files, data)


@fast(share(0.25))
@given(**mutated_files_args)
def test_mutated_scenario_files_are_reported_located(
    set_name: str, target: int, ops: list[tuple[str, int, object]]
) -> None:
    mutated_scenario_files_are_reported_located(check_file_set, set_name, target, ops)


csv_cell = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", "082201", "08220X", "20261399", "2026-11-06", "9", "\"", ",", "\u3000", "ｱ"]))
KSK12_ITEMS = [c.name for c in get_layout("KSK12").columns]
# Cells invalid by construction, per column (index 5: a sixth cell, one too many).
INVALID_CELLS: dict[int, list[str]] = {
    0: ["08220X", "08220", "0822011", "", "082200", " 082201"],
    1: ["", "X" * 16, "Ａ"],
    2: ["08000000X1", "080000000", "", "08000000011"],
    3: ["", "X", "9", "11"],
    4: ["20261399", "2026-11-06", "", "20260230", "2026110"],
    5: ["x", ""],
}
csv_args = dict(rows=st.integers(1, 5), bad_row=st.integers(0, 4), column=st.integers(0, 5),
                pick=st.integers(0, 100), cell=csv_cell, invalid=st.booleans(),
                drop_crlf=st.booleans())


def malformed_csv_rows_are_rejected_at_their_row(
    checker: Checker, rows: int, bad_row: int, column: int, pick: int, cell: str,
    invalid: bool, drop_crlf: bool
) -> None:
    """Property: an invalid cell is rejected at its row and item; any cell: located."""
    lines = [KSK12_ROW.replace("P000000010", f"P00000001{i}") for i in range(rows)]
    target = bad_row % rows
    cells = lines[target].split(",")
    if invalid:
        cell = INVALID_CELLS[column][pick % len(INVALID_CELLS[column])]
    if column < len(cells):
        cells[column] = cell
    else:
        cells.append(cell)
    lines[target] = ",".join(cells)
    try:
        content = "".join(line + "\r\n" for line in lines).encode("cp932")
    except UnicodeEncodeError:
        content = "".join(line + "\r\n" for line in lines).encode("utf-8")
    if drop_crlf and not invalid:  # a file without its final CR LF is refused as a whole
        content = content[:-2]
    files = {KSK12_NAME: content}
    report = _check(checker, files, dt.date(2026, 11, 26))
    assert_well_formed(report, files, content)
    if invalid:
        assert not report.valid, (column, cell)
        at_row = {e.item for e in report.errors if e.record == target + 1}
        expected = KSK12_ITEMS[column] if column < len(KSK12_ITEMS) else None
        assert expected in at_row, (column, cell, at_row)
    if not report.valid:
        assert all(e.record is not None or e.code in FILE_LEVEL for e in report.errors)


def test_the_csv_rows_are_valid_untouched() -> None:
    good = check_file_set({KSK12_NAME: (KSK12_ROW + "\r\n").encode("cp932")},
                          today=dt.date(2026, 11, 26))
    assert good.valid, good.errors


@fast(share(0.15))
@given(**csv_args)
def test_malformed_csv_rows_are_rejected_at_their_row(
    rows: int, bad_row: int, column: int, pick: int, cell: str, invalid: bool,
    drop_crlf: bool
) -> None:
    malformed_csv_rows_are_rejected_at_their_row(
        check_file_set, rows, bad_row, column, pick, cell, invalid, drop_crlf)


# The properties and their strategies, for tests/fuzz/test_properties_fail.py.
PROPERTIES: dict[str, tuple[Callable[..., None], dict[str, st.SearchStrategy[object]]]] = {
    "invalid_field": (invalid_field_is_rejected_at_its_record, invalid_field_args),
    "my_number": (mutated_my_number_is_rejected, my_number_args),
    "mutated_files": (mutated_scenario_files_are_reported_located, mutated_files_args),
    "csv_rows": (malformed_csv_rows_are_rejected_at_their_row, csv_args),
}
