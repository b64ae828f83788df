"""Field-level rules on raw CP932 bytes: character classes, dates, check digits.

Everything here works on ``bytes`` slices so the checker never decodes a
field it does not need to. Results that depend only on a short value (dates,
municipality codes) are memoised in bounded caches.
"""

from __future__ import annotations

import datetime as dt
import re

from kokuho_pc.domain.leakscan import contains_my_number
from kokuho_pc.domain.municipality import is_valid_municipality_code
from kokuho_pc.domain.mynumber import is_valid_my_number
from kokuho_pc.formats.layouts import Field, all_tables

ENCODING = "cp932"
FULL_SPACE = "\u3000"
FULL_SPACE_BYTES = FULL_SPACE.encode(ENCODING)

# Byte classes (regex fragments) of the field types.
HALF = rb"[\x20-\x7e\xa1-\xdf]"
HALF_NONSPACE = rb"[\x21-\x7e\xa1-\xdf]"
# Half-width katakana from 0xA6, plus 0xA5 (``･``, the middle dot of foreign names).
KANA = rb"[\x20\xa5-\xdf]"
KANA_NONSPACE = rb"[\xa5-\xdf]"
DOUBLE_BYTE = rb"[\x81-\x9f\xe0-\xfc][\x40-\x7e\x80-\xfc]"

_HALF_ALLOWED = bytes(range(0x20, 0x7F)) + bytes(range(0xA1, 0xE0))
_KANA_ALLOWED = b" " + bytes(range(0xA5, 0xE0))
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
# Python's cp932 codec maps the single bytes 0x80, 0xA0 and 0xFD-0xFF (Microsoft's
# best-fit table) although CP932 has no character there: they are errors.
_NOT_CP932 = re.compile("[\x80\uf8f0-\uf8f3]")
# A 12-digit number (interface-files.md §2): twelve digits, also in groups separated by
# one space or hyphen, not part of a longer digit run. ``TWELVE_DIGITS`` works on
# single-byte fields (half-width only), ``TWELVE_DIGITS_TEXT`` on decoded text of
# either width (full-width digits, U+3000 and the full-width hyphens too).
TWELVE_DIGITS = re.compile(
    rb"(?<![0-9])(?<![0-9][ \-])[0-9](?:[ \-]?[0-9]){11}(?![ \-]?[0-9])")
_D = "0-9\uff10-\uff19"
_S = " \u3000\\-\uff0d\u2010\u2212"
TWELVE_DIGITS_TEXT = re.compile(
    f"(?<![{_D}])(?<![{_D}][{_S}])[{_D}](?:[{_S}]?[{_D}]){{11}}(?![{_S}]?[{_D}])")
# A full-width digit in CP932 bytes (0x824F-0x8258): the cheap test before decoding.
_FULL_WIDTH_DIGIT = re.compile(rb"\x82[\x4f-\x58]")

_CACHE_LIMIT = 200_000
_date_cache: dict[bytes, bool] = {}
_municipality_cache: dict[bytes, bool] = {}


def is_blank(raw: bytes) -> bool:
    """True for a field of spaces only (or full-width spaces only) or an empty CSV cell."""
    return not raw.strip(b" ") or not raw.replace(FULL_SPACE_BYTES, b"")


def is_half_width(raw: bytes) -> bool:
    """True when every byte is half-width ASCII (printable) or half-width katakana."""
    return not raw.translate(None, _HALF_ALLOWED)


def is_kana(raw: bytes) -> bool:
    """True when every byte is half-width katakana, ``ﾞ``, ``ﾟ`` or a space."""
    return not raw.translate(None, _KANA_ALLOWED)


def is_cp932(raw: bytes) -> bool:
    """True when ``raw`` is CP932 text (strictly: no byte the codec only maps best-fit)."""
    try:
        text = raw.decode(ENCODING)
    except UnicodeDecodeError:
        return False
    return _NOT_CP932.search(text) is None


def k_has_twelve_digits(raw: bytes) -> bool:
    """True when a ``K`` field's bytes hold a 12-digit number of full-width digits."""
    if _FULL_WIDTH_DIGIT.search(raw) is None:
        return False
    text = raw.decode(ENCODING, errors="replace")
    # Any 12 digits (§2), and any 個人番号 the product's one detector finds (groups
    # joined by the long-vowel mark, spaced hyphens, other groupings; check digit).
    return TWELVE_DIGITS_TEXT.search(text) is not None or contains_my_number(text)


def valid_date(raw: bytes) -> bool:
    """True for ``YYYYMMDD`` naming a real calendar date (year 1800 or later)."""
    known = _date_cache.get(raw)
    if known is not None:
        return known
    ok = len(raw) == 8 and raw.isdigit()
    if ok:
        try:
            ok = dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:])).year >= 1800
        except ValueError:
            ok = False
    if len(_date_cache) < _CACHE_LIMIT:
        _date_cache[raw] = ok
    return ok


def valid_time(raw: bytes) -> bool:
    """True for ``hhmmss`` naming a real time of day."""
    return (len(raw) == 6 and raw.isdigit() and int(raw[:2]) < 24 and int(raw[2:4]) < 60
            and int(raw[4:]) < 60)


def valid_month(raw: bytes) -> bool:
    """True for ``YYYYMM`` with month 01–12."""
    return len(raw) == 6 and raw.isdigit() and 1 <= int(raw[4:]) <= 12


def valid_municipality(raw: bytes) -> bool:
    """True for a 6-digit 地方公共団体コード with a valid check digit."""
    known = _municipality_cache.get(raw)
    if known is None:
        known = raw.isdigit() and is_valid_municipality_code(raw.decode("ascii"))
        if len(_municipality_cache) < _CACHE_LIMIT:
            _municipality_cache[raw] = known
    return known


# 01-47: the prefecture code that starts a 都道府県被保険者ID (interface-files.md §7).
PREFECTURE_PREFIX = rb"(?:0[1-9]|[1-3][0-9]|4[0-7])"


def valid_prefecture_prefix(raw: bytes) -> bool:
    """True when ``raw`` starts with a prefecture code 01-47."""
    return raw[:2].isdigit() and 1 <= int(raw[:2]) <= 47


def valid_my_number(raw: bytes) -> bool:
    """True for 12 digits with the 個人番号 check digit."""
    return raw.isdigit() and is_valid_my_number(raw.decode("ascii"))


def table_codes(f: Field) -> frozenset[bytes]:
    """The codes of the field's table as ASCII bytes."""
    return frozenset(code.encode("ascii") for code in all_tables()[f.table or ""])


def field_pattern(f: Field) -> bytes:
    """A regex fragment accepting exactly the well-formed raw bytes of a fixed field.

    Conditional rules, dates, check digits and K-field decoding are checked
    separately; this only decides the shape (and code tables).
    """
    n = f.length or 0
    blank = b" {%d}" % n
    optional = f.presence != "required"
    if f.fixed is not None:
        return re.escape(f.fixed.encode("ascii"))
    if f.blank:
        return blank
    if f.type == "N":
        body = b"[0-9]{%d}" % n
    elif f.type == "D":
        body = b"[0-9]{8}"
    elif f.type == "C":
        body = b"(?:" + b"|".join(re.escape(c) for c in sorted(table_codes(f))) + b")"
    elif f.type == "K":
        return b"(?:%s){%d}" % (DOUBLE_BYTE, n // 2)
    elif f.check == "kana":
        body = KANA_NONSPACE + (b"%s{%d}" % (KANA, n - 1))
    else:
        body = HALF_NONSPACE + (b"%s{%d}" % (HALF, n - 1))
    return b"(?:%s|%s)" % (body, blank) if optional else body


def syntax_problem(f: Field, raw: bytes) -> str | None:
    """The problem code of one field's raw bytes judged on its own, or ``None``.

    Covers fixed values, blank/required, type characters, alignment, code
    tables and calendar validity of dates; not conditional or cross-field rules.
    """
    if f.fixed is not None:
        return None if raw == f.fixed.encode("ascii") else "fixed_value"
    if f.type == "K":
        return _k_problem(f, raw)
    if not raw.strip(b" "):
        return "required" if f.presence == "required" else None
    if f.blank:
        return "filler_not_blank"
    if f.type in ("N", "C", "D"):
        if not raw.isdigit() or (f.length is not None and len(raw) != f.length):
            if f.type == "D":
                return "invalid_date"
            return "not_digits"
        if f.type == "C" and raw not in table_codes(f):
            return "code_table"
        if f.type == "D" and not valid_date(raw):
            return "invalid_date"
        return None
    if f.check == "kana":
        if not is_kana(raw):
            return "not_kana" if is_cp932(raw) else "encoding"
    elif not is_half_width(raw):
        return "not_half_width" if is_cp932(raw) else "encoding"
    if raw[:1] == b" ":
        return "alignment"
    return None


def _k_problem(f: Field, raw: bytes) -> str | None:
    try:
        text = raw.decode(ENCODING)
    except UnicodeDecodeError:
        return "encoding"
    return k_text_problem(f, raw, text)


def k_text_problem(f: Field, raw: bytes, text: str) -> str | None:
    """Problems of a decoded ``K`` field: half-width characters, 外字, alignment, blank."""
    if len(raw) != 2 * len(text):
        if _NOT_CP932.search(text):
            return "encoding"
        spaces = text.count(" ")
        if spaces and len(raw) - spaces == 2 * (len(text) - spaces):
            return "half_width_padding"  # full-width text padded with half-width spaces
        return "not_full_width"
    if _PRIVATE_USE.search(text):
        return "gaiji"
    stripped = text.strip(FULL_SPACE)
    if not stripped:
        return "required" if f.presence == "required" else None
    if text[0] == FULL_SPACE:
        return "alignment"
    return None
