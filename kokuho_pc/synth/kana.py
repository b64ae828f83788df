"""Full-width katakana readings → the half-width kana of the 氏名カナ fields.

The table is derived from Unicode itself (NFKC maps every half-width katakana,
alone or with ``ﾞ``/``ﾟ``, to its full-width form), so no hand-kept mapping
can drift out of step.
"""

from __future__ import annotations

import unicodedata

_VOICING_MARKS = ("\uff9e", "\uff9f")  # ﾞ ﾟ


def _build_table() -> dict[str, str]:
    table: dict[str, str] = {"\u3000": " ", " ": " "}
    singles = [chr(cp) for cp in range(0xFF66, 0xFFA0)]
    for half in singles:
        full = unicodedata.normalize("NFKC", half)
        if len(full) == 1:
            table.setdefault(full, half)
    for half in singles:
        for mark in _VOICING_MARKS:
            full = unicodedata.normalize("NFKC", half + mark)
            if len(full) == 1:
                table.setdefault(full, half + mark)
    return table


_TABLE = _build_table()


class NotKatakana(ValueError):
    """Raised when a reading contains a character with no half-width kana form."""


def to_half_width_kana(reading: str) -> str:
    """Convert a full-width katakana reading (spaces allowed) to half-width kana."""
    out: list[str] = []
    for ch in reading:
        half = _TABLE.get(ch)
        if half is None:
            raise NotKatakana("半角カナに変換できない文字があります")
        out.append(half)
    return "".join(out)
