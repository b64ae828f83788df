"""Fast paths of the CSV check: they only ever confirm that rows are clean.

Anything they cannot confirm goes to the per-cell path of
:mod:`kokuho_pc.formats.csvcheck`, which finds and names each problem, so
both paths report the same issues. ``FastFile`` checks a whole seekable file
in blocks of whole rows with one regex pass per block (the file name's
municipality and date are literals of that regex) plus cached semantic checks
of each distinct date and code; ``FastRow`` does the same for one row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import BinaryIO

from kokuho_pc.formats import fieldrules as fr
from kokuho_pc.formats.layouts import Field
from kokuho_pc.formats.rowblocks import RE2_MAX_REPEAT, block_matcher

_BLOCK = 4 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
# The longest line the block reader keeps waiting for a line end (as the row path's cap).
_LINE_CAP = 8192
# Every digit becomes "0" and every other byte a comma, after spaces and hyphens are
# dropped: a run of 12 digits, also one written in groups (interface-files.md §2), is
# then a plain substring search (much faster than a regex with look-arounds over
# megabytes). Dropping every space and hyphen over-approximates; the row path decides.
_DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= b <= 0x39 else 0x2C for b in range(256))
_TWELVE = b"0" * 12
_GROUP_SEPARATORS = b" -"


# Bytes a clean unquoted X cell may hold: printable ASCII except the quote and
# the comma, and half-width katakana (single bytes in CP932).
_X_CELL = rb"[\x20\x21\x23-\x2b\x2d-\x7e\xa1-\xdf]"

# Exactly the YYYYMMDD values :func:`fieldrules.valid_date` accepts (a real Gregorian
# date, year 1800 or later), so dates need no per-value check after the match: any
# month with days 01-28, days 29/30 outside February, day 31 in the long months, and
# 29 February of a leap year (divisible by 4, centuries only when divisible by 400).
_YEAR = rb"(?:1[89][0-9]{2}|[2-9][0-9]{3})"
_MONTH_DAY = (rb"(?:(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-8])"
              rb"|(?:0[13-9]|1[0-2])(?:29|30)|(?:0[13578]|1[02])31)")
_LEAP_DAY = (rb"(?:(?:1[89]|[2-9][0-9])(?:0[48]|[2468][048]|[13579][26])"
             rb"|(?:[2468][048]|[3579][26])00)0229")
DATE = rb"(?:" + _YEAR + _MONTH_DAY + rb"|" + _LEAP_DAY + rb")"


def _cell_body(c: Field, max_repeat: int = 4096) -> bytes:
    """A regex (no group) for a clean, non-empty, unquoted cell of column ``c``.

    A text cell longer than ``max_repeat`` is not matched (the per-cell path
    then checks it): RE2 takes repetition bounds up to 1000 only.
    """
    if c.type == "X":
        return _X_CELL + b"{1,%d}" % min(c.max_length or 4096, max_repeat)
    if c.type == "C" and c.table:
        return b"(?:" + b"|".join(sorted(fr.table_codes(c))) + b")"
    if c.type == "D":
        return DATE
    if c.check == "prefecture_prefix" and c.length is not None:
        return fr.PREFECTURE_PREFIX + rb"[0-9]{%d}" % (c.length - 2)
    if c.length is not None:
        return rb"[0-9]{%d}" % c.length
    return rb"[0-9]+"


def _cell_regex(c: Field, capture: bool = True, max_repeat: int = 4096) -> bytes:
    """The cell's regex, one group when ``capture``; an optional cell may be empty."""
    body = (b"(" if capture else b"(?:") + _cell_body(c, max_repeat) + b")"
    return body + (b"?" if c.presence != "required" else b"")


def _semantic_check(c: Field) -> Callable[[bytes], bool] | None:
    if c.check == "municipality_code":
        return fr.valid_municipality
    if c.check == "yyyymm_from_201804":
        return lambda raw: fr.valid_month(raw) and raw >= b"201804"
    return None


class FastRow:
    """Confirms a clean row with one regex match plus cached semantic checks.

    Only ever says "clean"; anything else goes to the per-cell path, which
    finds and names each problem, so both paths report the same issues.
    """

    def __init__(self, columns: tuple[Field, ...]) -> None:
        self.regex = re.compile(b",".join(_cell_regex(c) for c in columns))
        self.checks = [
            (i, check) for i, c in enumerate(columns) if (check := _semantic_check(c)) is not None
        ]

    def cells(self, content: bytes) -> tuple[bytes, ...] | None:
        """The row's cells when it is certainly clean, else ``None``."""
        m = self.regex.fullmatch(content)
        if m is None or fr.TWELVE_DIGITS.search(content):
            return None
        cells = tuple(g or b"" for g in m.groups(b""))
        for i, check in self.checks:
            raw = cells[i]
            if raw and not check(raw):
                return None
        return cells


def _has_digit_run(block: bytes) -> bool:
    """True when ``block`` holds 12 or more digits in a row (the row path then decides)."""
    return _TWELVE in block.translate(_DIGITS_AS_ZERO, _GROUP_SEPARATORS)


class FastFile:
    """Confirms a whole clean file block by block, or says it cannot."""

    def __init__(self, columns: tuple[Field, ...], muni_i: int, name_muni: bytes | None,
                 date_i: int, name_date: bytes | None) -> None:
        literals = {muni_i: name_muni, date_i: name_date}
        semantic = [(i, check) for i, c in enumerate(columns)
                    if (check := _semantic_check(c)) is not None and literals.get(i) is None]
        captured = {i for i, _ in semantic}

        def part(i: int, c: Field, capture: bool, max_repeat: int) -> bytes:
            literal = literals.get(i)
            if literal is not None:
                return re.escape(literal)
            return _cell_regex(c, capture=capture, max_repeat=max_repeat)

        self._block = block_matcher(
            b",".join(part(i, c, False, RE2_MAX_REPEAT) for i, c in enumerate(columns)) + b"\r\n"
        )
        self._checks = [check for _, check in semantic]
        self._values = (
            re.compile(b",".join(part(i, c, i in captured, 4096) for i, c in enumerate(columns))
                       + b"\r\n")
            if semantic else None
        )

    def _block_is_clean(self, block: bytes) -> bool:
        if not self._block(block) or _has_digit_run(block):
            return False
        if self._values is None:
            return True
        found = self._values.findall(block)
        columns = [found] if len(self._checks) == 1 else list(zip(*found, strict=True))
        return all(
            check(value)
            for check, values in zip(self._checks, columns, strict=True)
            for value in set(values) if value
        )

    def count_rows(self, stream: BinaryIO) -> int | None:
        """The number of rows when every row is certainly clean, else ``None``."""
        rows, pending, first = 0, b"", True
        while chunk := stream.read(_BLOCK):
            data = pending + chunk
            cut = data.rfind(b"\r\n")
            if cut < 0:
                if len(data) > _LINE_CAP:
                    return None
                pending = data
                continue
            block, pending = data[: cut + 2], data[cut + 2 :]
            if first and block.startswith(_BOM):
                return None
            first = False
            if not self._block_is_clean(block):
                return None
            rows += block.count(b"\n")  # clean rows hold no LF but their CR LF: a memchr count
        return rows if rows and not pending else None
