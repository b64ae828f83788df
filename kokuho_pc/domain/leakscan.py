"""Find 12-digit runs that are valid 個人番号 in text or bytes.

Used by tests and by the application's own self-checks (e.g. before an
operation-log record is written) to prove that no My Number leaks.
"""

from __future__ import annotations

import re
import unicodedata

from kokuho_pc.domain.mynumber import is_valid_my_number

_TEXT_RUN = re.compile(r"(?<!\d)\d{12}(?!\d)")
_BYTES_RUN = re.compile(rb"(?<![0-9])[0-9]{12}(?![0-9])")


def find_my_numbers(text: str) -> list[str]:
    """Return every valid-check-digit 12-digit run in ``text`` (NFKC-normalised)."""
    normalised = unicodedata.normalize("NFKC", text)
    return [m for m in _TEXT_RUN.findall(normalised) if is_valid_my_number(m)]


def find_my_numbers_in_bytes(data: bytes) -> list[str]:
    """Return every valid-check-digit 12-ASCII-digit run in ``data``."""
    found = []
    for m in _BYTES_RUN.findall(data):
        s = m.decode("ascii")
        if is_valid_my_number(s):
            found.append(s)
    return found


def contains_my_number(text: str) -> bool:
    """True when ``text`` holds any valid-check-digit 12-digit number."""
    return bool(find_my_numbers(text))
