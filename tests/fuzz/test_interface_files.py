"""The large fuzz campaign over interface files (beside tests/formats/test_check_fuzz.py).

Inputs: the spec's example set and both media of the end-to-end scenario (with
their sentinel 個人番号). Three generators, sharing the campaign's budget
(``--fuzz-examples N`` / ``FUZZ_EXAMPLES``, default 10,000 in total):

- field surgery that is invalid by construction (a letter in an N/C/D field, a
  full-width character in an X field, half-width in a K field, bytes that are
  not CP932, a wrong check digit, an impossible date, a record one byte short or
  long): the set is rejected and a problem is reported at exactly that record;
- random byte-level mutations (the formats engineer's ``mutation`` strategy)
  of the scenario files: whatever is reported is located;
- mutated KSK12 CSV rows.

Always: the checker never raises, every problem has a known code, a record for
anything but a whole-file problem, a known item name, and its message holds no
field value and no 12-digit number.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kokuho_pc.domain.leakscan import find_my_numbers
from kokuho_pc.formats.checker import CheckReport, check_file_set
from kokuho_pc.formats.issues import MESSAGES
from kokuho_pc.formats.layouts import Field, get_layout
from tests.e2e.scenario import MITO, TSUKUBA, medium_files
from tests.formats.test_check_fuzz import (
    FILE_LEVEL,
    ITEM_NAMES,
    ORIGINAL_VALUES,
    _apply,
    _values,
    mutation,
)
from tests.formats.util import TODAY, examples, join, lines_of
from tests.fuzz.budget import share

SETS: dict[str, dict[str, bytes]] = {
    "spec": examples(), "mito": medium_files(MITO), "tsukuba": medium_files(TSUKUBA)}
KNOWN_VALUES = ORIGINAL_VALUES.union(*(_values(d) for s in SETS.values() for d in s.values()))
def fast(examples: int) -> settings:
    """Settings of the campaign: no deadline (loaded CI machines), no example database."""
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
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


@fast(share(0.6))
@given(data=st.data(), set_name=st.sampled_from(sorted(SETS)), kind=st.sampled_from(KINDS),
       pos=st.integers(0, 10**12))
def test_invalid_field_is_rejected_at_its_record(
    data: st.DataObject, set_name: str, kind: str, pos: int
) -> None:
    files = dict(SETS[set_name])
    name = data.draw(st.sampled_from(sorted(files)))
    lines = lines_of(files[name])
    recno = data.draw(st.integers(1, len(lines)))
    record = lines[recno - 1]
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
    files[name] = join(lines)
    report = check_file_set(files, today=TODAY)
    assert not report.valid
    assert any(e.record == recno for e in report.errors_of(name)), (kind, name, recno)
    assert_well_formed(report, files, files[name])


@fast(share(0.3))
@given(set_name=st.sampled_from(["mito", "tsukuba"]), target=st.integers(0, 4),
       ops=st.lists(mutation, min_size=1, max_size=6))
def test_mutated_scenario_files_are_reported_located(
    set_name: str, target: int, ops: list[tuple[str, int, object]]
) -> None:
    files = dict(SETS[set_name])
    name = sorted(files)[target]
    data = files[name]
    for op in ops:
        data = _apply(data, op)
    files[name] = data
    report = check_file_set(files, today=TODAY)
    if data != SETS[set_name][name]:
        assert report.valid or report.errors
    assert_well_formed(report, files, data)


csv_cell = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", "082201", "08220X", "20261399", "2026-11-06", "9", "\"", ",", "\u3000", "ｱ"]))


@fast(share(0.1))
@given(rows=st.integers(1, 5), bad_row=st.integers(0, 4), column=st.integers(0, 6),
       cell=csv_cell, drop_crlf=st.booleans())
def test_malformed_csv_rows_are_rejected_at_their_row(
    rows: int, bad_row: int, column: int, cell: str, drop_crlf: bool
) -> None:
    good = check_file_set({KSK12_NAME: (KSK12_ROW + "\r\n").encode("cp932")},
                          today=dt.date(2026, 11, 26))
    assert good.valid, good.errors
    lines = [KSK12_ROW.replace("P000000010", f"P00000001{i}") for i in range(rows)]
    target = bad_row % rows
    cells = lines[target].split(",")
    if column < len(cells):
        cells[column] = cell
    else:
        cells.append(cell)
    lines[target] = ",".join(cells)
    try:
        content = "".join(line + "\r\n" for line in lines).encode("cp932")
    except UnicodeEncodeError:
        content = "".join(line + "\r\n" for line in lines).encode("utf-8")
    if drop_crlf:
        content = content[:-2]
    files = {KSK12_NAME: content}
    report = check_file_set(files, today=dt.date(2026, 11, 26))
    assert_well_formed(report, files, content)
    if not report.valid:
        assert all(e.record is not None or e.code in FILE_LEVEL for e in report.errors)
