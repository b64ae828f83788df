"""The 個人番号 (My Number) value type.

A ``MyNumber`` never reveals its digits by accident: ``str``, ``repr`` and
``format`` are masked, pickling and JSON encoding are refused. The digits are
returned only by :meth:`MyNumber.reveal_digits_for_transfer`, which only the
codec and the transfer client call.
"""

from __future__ import annotations

from typing import Any, NoReturn

MASK = "************"


def my_number_check_digit(first_eleven: str) -> int:
    """Return the check digit of docs/business-rules.md §7.1 for 11 digits."""
    if len(first_eleven) != 11 or not first_eleven.isascii() or not first_eleven.isdigit():
        raise ValueError("11 half-width digits expected")
    total = 0
    for n in range(1, 12):
        p = int(first_eleven[11 - n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    r = total % 11
    return 0 if r <= 1 else 11 - r


def is_valid_my_number(digits: str) -> bool:
    """True when ``digits`` is 12 half-width digits with a correct check digit."""
    if len(digits) != 12 or not digits.isascii() or not digits.isdigit():
        return False
    return my_number_check_digit(digits[:11]) == int(digits[11])


class InvalidMyNumber(ValueError):
    """Raised for a value that is not a valid 個人番号 (the value is never quoted)."""


class MyNumber:
    """A validated 個人番号 whose digits never show by accident."""

    __slots__ = ("_digits",)
    _digits: str

    def __init__(self, digits: str) -> None:
        if not is_valid_my_number(digits):
            raise InvalidMyNumber("個人番号の形式または検査数字が正しくありません")
        object.__setattr__(self, "_digits", digits)

    def reveal_digits_for_transfer(self) -> str:
        """Return the 12 digits. Only the codec and the transfer client may call this."""
        return self._digits

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("MyNumber is immutable")

    def __str__(self) -> str:
        return MASK

    def __repr__(self) -> str:
        return f"MyNumber({MASK})"

    def __format__(self, spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MyNumber):
            return NotImplemented
        return self._digits == other._digits

    def __hash__(self) -> int:
        return hash(("MyNumber", self._digits))

    def __reduce__(self) -> NoReturn:
        raise TypeError("MyNumber は保存・直列化できません")

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("MyNumber は保存・直列化できません")

    def __getstate__(self) -> NoReturn:
        raise TypeError("MyNumber は保存・直列化できません")

    def __copy__(self) -> MyNumber:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> MyNumber:
        return self
