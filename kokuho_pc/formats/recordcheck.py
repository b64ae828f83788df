"""Check one fixed-length record against its layout part (header, data or trailer).

Fast path: one precompiled regex decides the shape of the whole record
(types, alignment, required fields, code tables). Only when it fails are
the fields judged one by one to locate the problems. The remaining rules
(real dates, check digits, conditional fields, date order, uniqueness,
agreement with the header) run on precomputed byte slices.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from kokuho_pc.formats import fieldrules as fr
from kokuho_pc.formats.issues import IssueSink
from kokuho_pc.formats.layouts import Field, get_layout

_BLANK8 = b" " * 8


@cache
def _record_regex(if_id: str, part: str) -> re.Pattern[bytes]:
    fields = _fields(if_id, part)
    return re.compile(b"".join(fr.field_pattern(f) for f in fields), re.DOTALL)


def _fields(if_id: str, part: str) -> tuple[Field, ...]:
    layout = get_layout(if_id)
    fields: tuple[Field, ...] = getattr(layout, part)
    return fields


class RecordChecker:
    """Checks records of one layout part of one file, reporting into ``sink``.

    ``header_values`` (key → raw bytes) is set once the header is read so data
    records can be compared with it; ``today`` is ``YYYYMMDD`` as bytes.
    """

    def __init__(self, if_id: str, part: str, sink: IssueSink, today: bytes) -> None:
        self.fields = _fields(if_id, part)
        self.regex = _record_regex(if_id, part)
        self.sink = sink
        self.today = today
        self.header_values: dict[str, bytes] = {}
        self.seen: dict[int, dict[bytes | int, int]] = {}
        index = {f.key: i for i, f in enumerate(self.fields)}
        enum = list(enumerate(self.fields))
        self._k = [(i, f, f.offset, f.end) for i, f in enum if f.type == "K"]
        self._dates = [(i, f, f.offset, f.end) for i, f in enum if f.type == "D"]
        self._checks = [(i, f, f.offset, f.end, _CHECKS[f.check]) for i, f in enum
                        if f.check in _CHECKS]
        self._twelve = [(i, f.offset, f.end, f.name, (f.length or 0) <= 23) for i, f in enum
                        if f.type == "X" and not f.blank and f.check != "kana"
                        and (f.length or 0) >= 12]
        self._future = [(i, f, f.offset, f.end) for i, f in enum
                        if f.type == "D" and f.not_future]
        self.date_limit = today  # the earlier of today and the file's creation date
        self._twelve_k = [(i, f.offset, f.end, f.name) for i, f in enum
                          if f.type == "K" and (f.length or 0) >= 24]
        self._equals = [(i, f, f.offset, f.end, f.equals_header) for i, f in enum
                        if f.equals_header]
        self._unique = [(i, f, f.offset, f.end) for i, f in enum if f.unique]
        self._unique_with = [(i, f, index[f.unique_with], self.fields[index[f.unique_with]])
                             for i, f in enum if f.unique_with]
        self._rules: list[tuple[int, Field, int, int, str, Field, int, int, int, bytes]] = []
        for i, f in enum:
            for kind, ref_key, value in _conditions(f):
                j = index[ref_key]
                ref = self.fields[j]
                self._rules.append((i, f, f.offset, f.end, kind, ref, j, ref.offset, ref.end,
                                    value.encode("ascii")))
        self._order = [(i, f, self.fields[index[f.not_before]], index[f.not_before])
                       for i, f in enum if f.not_before]
        self._month = [(i, f, self.fields[index[f.not_before_month]],
                        index[f.not_before_month]) for i, f in enum if f.not_before_month]

    def use_header(self, values: dict[str, bytes]) -> None:
        """Compare data records with the header's raw values (市町村コード, 作成年月日)."""
        self.header_values = values
        created = values.get("created_date")
        self.date_limit = min(self.today, created) if created else self.today

    def check(self, rec: bytes, recno: int) -> set[int]:
        """Check one record of the right length; return the indexes of fields found bad."""
        add = self.sink.add
        bad: set[int] = set()
        if self.regex.fullmatch(rec) is None:
            for i, f in enumerate(self.fields):
                problem = fr.syntax_problem(f, rec[f.offset:f.end])
                if problem is not None:
                    bad.add(i)
                    add(recno, f.name, problem, i)
        else:
            for i, f, s, e in self._k:
                problem = fr.syntax_problem(f, rec[s:e])
                if problem is not None:
                    bad.add(i)
                    add(recno, f.name, problem, i)
            for i, f, s, e in self._dates:
                raw = rec[s:e]
                if raw != _BLANK8 and not fr.valid_date(raw):
                    bad.add(i)
                    add(recno, f.name, "invalid_date", i)
        limit = self.date_limit
        for i, f, s, e in self._future:
            if i not in bad:
                raw = rec[s:e]
                if raw > limit:
                    bad.add(i)
                    code = "future_date" if raw > self.today else "after_created"
                    add(recno, f.name, code, i)
        for i, f, s, e, func in self._checks:
            raw = rec[s:e]
            if i not in bad and raw.strip(b" "):
                problem = func(self, raw)
                if problem is not None:
                    bad.add(i)
                    add(recno, f.name, problem, i)
        for i, s, e, name, short in self._twelve:
            if short and _no_twelve_digits_here(rec, s, e):
                continue
            if fr.TWELVE_DIGITS.search(rec[s:e]) is not None:
                add(recno, name, "twelve_digits", i)
        for i, s, e, name in self._twelve_k:
            # full-width digits are 0x824F-0x8258: no 0x82 byte, no digit (memchr, no slice)
            if rec.find(b"\x82", s, e) >= 0 and fr.k_has_twelve_digits(rec[s:e]):
                add(recno, name, "twelve_digits", i)
        for i, f, s, e, key in self._equals:
            expected = self.header_values.get(key or "")
            if expected is not None and i not in bad and rec[s:e] != expected:
                add(recno, f.name, "municipality_mismatch", i)
        if self._rules:
            self._check_conditions(rec, recno, bad)
        if self._order or self._month:
            self._check_order(rec, recno, bad)
        for i, f, s, e in self._unique:
            raw = rec[s:e]
            if i in bad or not raw.strip(b" "):
                continue
            seen = self.seen.setdefault(i, {})
            first = seen.setdefault(int(raw) if f.is_my_number else raw, recno)
            if first != recno:
                add(recno, f.name, "duplicate", i, first=first)
        for i, f, j, ref in self._unique_with:
            raw, ref_raw = rec[f.offset:f.end], rec[ref.offset:ref.end]
            if i in bad or j in bad or not raw.strip(b" ") or not ref_raw.strip(b" "):
                continue
            seen = self.seen.setdefault(i, {})
            first = seen.setdefault(ref_raw + b"\0" + raw, recno)
            if first != recno:
                add(recno, f.name, "duplicate_with", i, ref=ref.name, first=first)
        return bad

    def _check_conditions(self, rec: bytes, recno: int, bad: set[int]) -> None:
        add = self.sink.add
        for i, f, s, e, kind, ref, j, rs, re_, value in self._rules:
            if j in bad:
                continue
            ref_raw = rec[rs:re_].strip(b" ")
            blank = not rec[s:e].strip(b" ")
            if kind == "required_when" and ref_raw == value and blank:
                add(recno, f.name, kind, i, ref=ref.name, value=value.decode())
            elif kind == "blank_when" and ref_raw == value and not blank:
                add(recno, f.name, kind, i, ref=ref.name, value=value.decode())
            elif kind == "required_when_set" and ref_raw and blank:
                add(recno, f.name, kind, i, ref=ref.name)
            elif kind == "blank_unless_set" and not ref_raw and not blank and i not in bad:
                add(recno, f.name, kind, i, ref=ref.name)

    def _check_order(self, rec: bytes, recno: int, bad: set[int]) -> None:
        add = self.sink.add
        for i, f, ref, j in self._order:
            if i in bad or j in bad:
                continue
            raw, ref_raw = rec[f.offset:f.end], rec[ref.offset:ref.end]
            if raw != _BLANK8 and ref_raw != _BLANK8 and raw < ref_raw:
                add(recno, f.name, "date_order", i, ref=ref.name)
        for i, f, ref, j in self._month:
            if i in bad or j in bad:
                continue
            raw, ref_raw = rec[f.offset:f.end], rec[ref.offset:ref.end]
            if raw.strip(b" ") and ref_raw.strip(b" ") and raw[:6] < ref_raw:
                add(recno, f.name, "date_order", i, ref=ref.name)


_DIGIT_OR_HYPHEN = frozenset(b"0123456789-")


def _no_twelve_digits_here(rec: bytes, s: int, e: int) -> bool:
    """True when the field ``rec[s:e]`` (12–23 bytes) certainly holds no 12-digit number.

    Such a number, also in groups, spans at least 12 bytes, so in a field of at most
    23 bytes it covers byte 11: a digit, a hyphen, or a space between two digits.
    Three byte reads instead of a regex search for almost every field.
    """
    c = rec[s + 11]
    if c == 0x20:
        return not (s + 12 < e and 0x30 <= rec[s + 10] <= 0x39 and 0x30 <= rec[s + 12] <= 0x39)
    return c not in _DIGIT_OR_HYPHEN


def _conditions(f: Field) -> list[tuple[str, str, str]]:
    out = [("required_when", k, v) for k, v in f.required_when.items()]
    out += [("blank_when", k, v) for k, v in f.blank_when.items()]
    if f.required_when_set:
        out.append(("required_when_set", f.required_when_set, ""))
    if f.blank_unless_set:
        out.append(("blank_unless_set", f.blank_unless_set, ""))
    return out


def _check_my_number(_: RecordChecker, raw: bytes) -> str | None:
    if not raw.isdigit():
        return "not_digits"
    return None if fr.valid_my_number(raw) else "check_digit"


def _check_municipality(_: RecordChecker, raw: bytes) -> str | None:
    if not raw.isdigit():
        return "not_digits"
    return None if fr.valid_municipality(raw) else "check_digit"


def _check_time(_: RecordChecker, raw: bytes) -> str | None:
    return None if fr.valid_time(raw) else "invalid_time"


def _check_month(_: RecordChecker, raw: bytes) -> str | None:
    if not fr.valid_month(raw):
        return "invalid_month"
    return None if raw >= b"201804" else "month_too_early"


def _check_previous(checker: RecordChecker, raw: bytes) -> str | None:
    if raw == b"000000":
        return "zero_code"  # how many systems write "none": say to leave it blank
    problem = _check_municipality(checker, raw)
    if problem is not None:
        return problem
    own = checker.header_values.get("municipality_code")
    if own is not None and raw[:2] != own[:2]:
        return "previous_other_prefecture"
    if own is not None and raw == own:
        return "previous_is_self"
    return None


_CHECKS: dict[str | None, Callable[[RecordChecker, bytes], str | None]] = {
    "my_number": _check_my_number,
    "municipality_code": _check_municipality,
    "hhmmss": _check_time,
    "yyyymm_from_201804": _check_month,
    "same_prefecture_other_municipality": _check_previous,
}
