"""Last line of defence: no 個人番号 reaches paper, even inside free text.

The rows have no field for a 個人番号, but free text (a remark, a name typed
wrongly at the source) could still hold one. Any run of 12 digits
(half- or full-width) whose check digit is valid is replaced by a mask
before it is laid out.
"""

from __future__ import annotations

import re
import unicodedata

from kokuho_pc.domain.mynumber import MASK, is_valid_my_number

# ``\d`` matches full-width digits too; each run is NFKC-normalised before checking.
_RUN = re.compile(r"(?<!\d)\d{12}(?!\d)")


def _mask(match: re.Match[str]) -> str:
    digits = unicodedata.normalize("NFKC", match.group(0))
    return MASK if is_valid_my_number(digits) else match.group(0)


def mask_my_numbers(text: str) -> str:
    """``text`` with every valid-check-digit 12-digit run replaced by ``************``."""
    if len(text) < 12:
        return text
    return _RUN.sub(_mask, text)
