"""Last line of defence: no 個人番号 reaches paper, even inside free text.

The rows have no field for a 個人番号, but free text (a remark, a name typed
wrongly at the source) could still hold one. Every number the product's one
detector finds (``kokuho_pc.domain.leakscan``: either width, grouped with spaces
or hyphens, embedded in text, valid check digit) is replaced by a mask before it
is laid out.
"""

from __future__ import annotations

from kokuho_pc.domain.leakscan import mask_my_numbers

__all__ = ["mask_my_numbers"]
