"""The password rules (NIST SP 800-63B, MHLW guideline): length, common and context words.

At least 13 characters when the password is the only factor, 8 with a second
factor; up to 1,024 accepted (never truncated); any Unicode, NFKC-normalised;
the 30,000 most common passwords of zxcvbn's frequency list refused, also
with digits or symbols appended; words from the context (user ID, name,
municipality, the product) refused; trivial repetitions and sequences
refused. No composition rules and no forced periodic change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise

from kokuho_pc.auth.passwords import normalise_password
from kokuho_pc.domain.errors import WeakPassword

MIN_LENGTH_PASSWORD_ONLY = 13
MIN_LENGTH_WITH_SECOND_FACTOR = 8
MAX_LENGTH = 1024
SERVICE_WORDS = ("kokuho", "kokuhopc", "shuyaku", "国保", "国保総合", "国保連", "集約")
_TRAILING = re.compile(r"[\d\W_]+$")
_LEADING = re.compile(r"^[\d\W_]+")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The most common passwords (zxcvbn's ranked list, lower-case)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def min_length(second_factor: bool) -> int:
    """The minimum number of characters under the current factor setting."""
    return MIN_LENGTH_WITH_SECOND_FACTOR if second_factor else MIN_LENGTH_PASSWORD_ONLY


def _context_words(words: Iterable[str]) -> list[str]:
    found: list[str] = []
    for word in words:
        for token in re.split(r"[\s\u3000]+", normalise_password(word).casefold()):
            if (token.isascii() and len(token) >= 3) or (not token.isascii() and len(token) >= 2):
                found.append(token)
        joined = re.sub(r"[\s\u3000]+", "", normalise_password(word).casefold())
        if len(joined) >= 3:
            found.append(joined)
    return found


def _step(a: str, b: str) -> int:
    if a.isdigit() and b.isdigit() and a.isascii() and b.isascii():
        d = (int(b) - int(a)) % 10  # 9 -> 0 continues a sequence
        return {1: 1, 9: -1}.get(d, d)
    return ord(b) - ord(a)


def _is_trivial(text: str) -> bool:
    """Few distinct characters, a short unit repeated, or a plain ascending/descending run."""
    if len(set(text)) <= 3:
        return True
    for period in range(1, 5):
        if len(text) >= 2 * period and text == (text[:period] * len(text))[: len(text)]:
            return True
    steps = {_step(a, b) for a, b in pairwise(text)}
    return len(steps) == 1 and steps <= {-1, 1}


def check_new_password(
    password: str,
    *,
    second_factor: bool,
    context: Iterable[str] = (),
) -> str:
    """Return the normalised password, or raise :class:`WeakPassword` saying why."""
    text = normalise_password(password)
    minimum = min_length(second_factor)
    if len(text) < minimum:
        raise WeakPassword(f"パスワードは{minimum}文字以上にしてください。")
    if len(text) > MAX_LENGTH:
        raise WeakPassword(f"パスワードは{MAX_LENGTH}文字以下にしてください。")
    lowered = text.casefold()
    common = common_passwords()
    stripped = _LEADING.sub("", _TRAILING.sub("", lowered))
    if lowered in common or (len(stripped) >= 4 and stripped in common):
        raise WeakPassword("よく使われるパスワードに該当するため使用できません。")
    if _is_trivial(lowered):
        raise WeakPassword("同じ文字の繰り返しや連続した文字列は使用できません。")
    for word in (*_context_words(context), *SERVICE_WORDS):
        if word and word in lowered:
            raise WeakPassword(
                "ユーザID、氏名、市町村名、システム名など推測されやすい語句を含む"
                "パスワードは使用できません。"
            )
    return text
