"""The password rules (NIST SP 800-63B, MHLW guideline): length, common and context words.

At least 13 characters when the password is the only factor, 8 with a second
factor; up to 1,024 accepted (never truncated); any Unicode, NFKC-normalised;
no composition rules and no forced periodic change. Refused:

- the 30,000 most common passwords of zxcvbn's frequency list, also with digits
  or symbols around them;
- words from the context — the user ID and name split on spaces AND punctuation
  (``sato.hanako`` → ``sato``, ``hanako``), the municipality (code, name, its kana
  in hiragana and katakana, its romaji) and its prefecture, the product's names;
- repetitions of any period (``passwordpassword``, ``abcabc…``), ascending or
  descending runs with at most two other characters (``123456789012X``) and
  keyboard walks (``qwertyuiopasdf``, ``1qaz2wsx…``);
- all of the above also after undoing common substitutions (``@``→a, ``0``→o,
  ``1``→l/i, ``$``/``5``→s, ``3``→e, ``4``→a, ``7``→t, ``!``→i …);
- whatever zxcvbn, given the same context words as ``user_inputs``, scores below
  :data:`MIN_SCORE` (3: about 10^8 guesses or more).

Long passphrases (``kawa-no-nagare-wa-taezu-shite``) stay welcome.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import pairwise

from kokuho_pc.auth.passwords import normalise_password
from kokuho_pc.domain.errors import WeakPassword
from kokuho_pc.domain.municipality import (
    MUNICIPALITY_NAMES,
    MUNICIPALITY_READINGS,
    PREFECTURE_NAMES,
    PREFECTURE_READINGS,
)

MIN_LENGTH_PASSWORD_ONLY = 13
MIN_LENGTH_WITH_SECOND_FACTOR = 8
MAX_LENGTH = 1024
MIN_SCORE = 3
SERVICE_WORDS = ("kokuho", "kokuhopc", "shuyaku", "国保", "国保総合", "国保連", "集約",
                 "こくほ", "コクホ")
_TRAILING = re.compile(r"[\d\W_]+$")
_LEADING = re.compile(r"^[\d\W_]+")
_SEPARATORS = re.compile(r"[\s\u3000\W_]+")
_NOT_LETTERS = re.compile(r"[\W\d_]+")

# Common substitutions, undone before the checks. "1" stands for l or i, so both
# readings are tried.
_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "$": "s", "5": "s", "3": "e", "7": "t",
                       "+": "t", "!": "i", "|": "l", "8": "b", "9": "g", "6": "g", "2": "z"})
_KEY_ROWS = ("1234567890-=", "qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./")
_WALK_SHARE = 0.75

_WEAK_COMMON = "よく使われるパスワードに該当するため使用できません。"
_WEAK_TRIVIAL = "同じ文字列の繰り返しや連続した文字列は使用できません。"
_WEAK_WALK = "キーボードの並びをなぞった文字列は使用できません。"
_WEAK_CONTEXT = ("ユーザID、氏名、市町村名(かな・ローマ字を含む)、システム名など推測されやすい"
                 "語句を含むパスワードは使用できません。")
_WEAK_SCORE = ("推測されやすいパスワードです。関係のない言葉をいくつか並べた長い文"
               "(パスフレーズ)にしてください。")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The most common passwords (zxcvbn's ranked list, lower-case)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def min_length(second_factor: bool) -> int:
    """The minimum number of characters under the current factor setting."""
    return MIN_LENGTH_WITH_SECOND_FACTOR if second_factor else MIN_LENGTH_PASSWORD_ONLY


def _katakana(hiragana: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in hiragana)


def municipality_words(code: str) -> list[str]:
    """The municipality's and its prefecture's names: kanji, kana (both scripts), romaji."""
    words: list[str] = []
    name = MUNICIPALITY_NAMES.get(code)
    if name:
        words += [name, name.rstrip("市町村")]
    reading = MUNICIPALITY_READINGS.get(code)
    if reading:
        words += [reading[0], _katakana(reading[0]), reading[1]]
    prefecture = code[:2]
    if prefecture in PREFECTURE_NAMES:
        words += [PREFECTURE_NAMES[prefecture], PREFECTURE_NAMES[prefecture].rstrip("都道府県")]
    if prefecture in PREFECTURE_READINGS:
        kana, romaji = PREFECTURE_READINGS[prefecture]
        words += [kana, _katakana(kana), romaji]
    return [w for w in words if w]


def _context_words(words: Iterable[str]) -> list[str]:
    found: list[str] = []
    for word in words:
        folded = normalise_password(word).casefold()
        for token in _SEPARATORS.split(folded):
            if (token.isascii() and len(token) >= 3) or (not token.isascii() and len(token) >= 2):
                found.append(token)
        joined = _SEPARATORS.sub("", folded)
        if len(joined) >= 3:
            found.append(joined)
        if not folded.isascii():
            katakana = _katakana(joined)
            if katakana != joined and len(katakana) >= 2:
                found.append(katakana)
    return found


def _readings(lowered: str) -> Iterator[str]:
    """The password as typed (case-folded) and with common substitutions undone."""
    yield lowered
    undone = lowered.translate(_LEET)
    yield undone.replace("1", "l")
    yield undone.replace("1", "i")


def _step(a: str, b: str) -> int:
    if a.isdigit() and b.isdigit() and a.isascii() and b.isascii():
        d = (int(b) - int(a)) % 10  # 9 -> 0 continues a sequence
        return {1: 1, 9: -1}.get(d, d)
    return ord(b) - ord(a)


def _repeats(text: str) -> bool:
    """``text`` is a unit of any period repeated (the last copy may be cut short)."""
    n = len(text)
    return any(text == (text[:period] * (n // period + 1))[:n] for period in range(1, n // 2 + 1))


def _longest_run(text: str) -> int:
    """Length of the longest ascending or descending run (step ±1)."""
    best = run = 1
    direction = 0
    for a, b in pairwise(text):
        step = _step(a, b)
        if step in (1, -1) and (run == 1 or step == direction):
            run, direction = run + 1, step
        elif step in (1, -1):
            run, direction = 2, step
        else:
            run, direction = 1, 0
        best = max(best, run)
    return best if text else 0


def _is_trivial(text: str) -> bool:
    """Few distinct characters, a repeated unit of any period, or a run with at most two
    other characters."""
    if len(set(text)) <= 3 or _repeats(text):
        return True
    return len(text) - _longest_run(text) <= 2


@lru_cache(maxsize=1)
def _key_positions() -> dict[str, tuple[int, int]]:
    return {ch: (row, col) for row, keys in enumerate(_KEY_ROWS) for col, ch in enumerate(keys)}


def _adjacent(a: str, b: str) -> bool:
    pos = _key_positions()
    if a not in pos or b not in pos:
        return False
    (r1, c1), (r2, c2) = pos[a], pos[b]
    # Same row: neighbours. Next row: the key below-left and below-right (staggered rows).
    return (r1 == r2 and abs(c1 - c2) == 1) or (abs(r1 - r2) == 1 and c2 - c1 in (-1, 0, 1))


def _is_keyboard_walk(text: str) -> bool:
    if len(text) < 8:
        return False
    pairs = list(pairwise(text))
    return sum(_adjacent(a, b) for a, b in pairs) >= _WALK_SHARE * len(pairs)


def _zxcvbn_score(text: str, context: list[str]) -> int:
    from zxcvbn import zxcvbn

    # zxcvbn refuses more than 72 characters (its matching is quadratic): judge the first 72.
    return int(zxcvbn(text[:72], user_inputs=context[:50])["score"])


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
    words = [w for w in (*_context_words(context), *SERVICE_WORDS) if w]
    for reading in _readings(lowered):
        stripped = _LEADING.sub("", _TRAILING.sub("", reading))
        letters = _NOT_LETTERS.sub("", reading)
        if reading in common or (len(stripped) >= 4 and stripped in common) or (
                len(letters) >= 6 and letters in common):
            raise WeakPassword(_WEAK_COMMON)
        if _is_trivial(reading):
            raise WeakPassword(_WEAK_TRIVIAL)
        if any(word in reading or word in letters for word in words):
            raise WeakPassword(_WEAK_CONTEXT)
    if _is_keyboard_walk(lowered):
        raise WeakPassword(_WEAK_WALK)
    if _zxcvbn_score(text, [w for w in words if w.isascii()] + list(context)) < MIN_SCORE:
        raise WeakPassword(_WEAK_SCORE)
    return text
