"""The one 個人番号 detector of the whole product (client, print guard, simulator).

:func:`find_my_number_spans` is what every guard uses — decision remarks and
reasons (client service and simulator engine), names and free text on screen and
on paper (:func:`mask_my_numbers`), operation-log records (client and the
simulator's forwarded log) and error messages. It finds a number written
(``d`` stands for a digit)

- in digits of either width (any Unicode decimal digit: full-width ``４`` counts),
- in groups separated by spaces or hyphens of any width (``dddd-dddd-dddd``,
  ``dddd dddd dddd``, ``ｄｄｄｄ－ｄｄｄｄ－ｄｄｄｄ``, ``dddd - dddd - dddd``, the
  long-vowel mark ``ー`` that Japanese input methods type for a hyphen, tabs and
  line breaks; up to three separator characters between two groups; any grouping,
  not only 4-4-4),
- embedded in longer text (``備考dddd-dddd-ddddです``, ``ID:dddddddddddd``), also as
  the last groups of a longer grouped run (``電話 03 dddd dddd dddd``),
- in exactly three groups of four separated by dots, slashes, underscores or middle
  dots of either width (``dddd.dddd.dddd``, ``dddd／dddd／dddd``,
  ``dddd・dddd・dddd``) — only 4-4-4 for these, because IPv4 addresses
  (``192.168.100.20d``), dates and amounts are written with them in other groupings,

and counts it only when its check digit (business-rules.md §7.1) is valid. A run of
13 or more digits written without separators is not a 12-digit number.

The operation log stores SHA-256 digests as 64 hex characters in groups of 8
(``audit.actions.log_hash``); joined across the hyphens, random hex holds a valid
12-digit run about once per thousand digests. The two scans of log records (the
client's before writing, the simulator's of forwarded records) therefore scan
``hide_logged_hashes(text)``; every other guard scans the text as it is.

:func:`find_my_numbers` / :func:`find_my_numbers_in_bytes` are the strict forms
(plain 12-digit runs) kept for scans of raw artefacts (PDF content streams, SQLite
pages), where space-separated numbers are everywhere and say nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from kokuho_pc.domain.mynumber import MASK, is_valid_my_number

_TEXT_RUN = re.compile(r"(?<!\d)\d{12}(?!\d)")
_BYTES_RUN = re.compile(rb"(?<![0-9])[0-9]{12}(?![0-9])")

# Spaces of any width (Unicode whitespace) and hyphens/dashes of any width, the minus
# signs and the long-vowel marks typed for a hyphen.
_SEP_CHARS = (
    r"\s"
    "\\-\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b"
    "\ufe58\ufe63\uff0d\u30fc\uff70\u2500\u2501"
)
_MAX_SEPARATORS = 3
# Dots, slashes, underscores and middle dots of either width: separators only in the
# 4-4-4 form (see the module text). Not commas: ``[1234, 5678, 9012]`` is how a JSON
# list of numbers reads in a log record.
_FOUR_SEP_CHARS = _SEP_CHARS + "./_\u30fb\uff65\uff0e\uff0f\uff3f"
_FOUR_FOUR_FOUR = re.compile(
    rf"(?<!\d)\d{{4}}[{_FOUR_SEP_CHARS}]{{1,{_MAX_SEPARATORS}}}\d{{4}}"
    rf"[{_FOUR_SEP_CHARS}]{{1,{_MAX_SEPARATORS}}}\d{{4}}(?!\d)")
# A chain: digit groups joined by short separator runs (\d is any Unicode decimal digit).
_CHAIN = re.compile(rf"\d+(?:[{_SEP_CHARS}]{{1,{_MAX_SEPARATORS}}}\d+)*")
_GROUP = re.compile(r"\d+")
_LOGGED_HASH = re.compile(r"(?<![0-9A-Za-z-])[0-9a-f]{8}(?:-[0-9a-f]{8}){7}(?![0-9A-Za-z-])")

NUMBER_DIGITS = 12


def hide_logged_hashes(text: str) -> str:
    """``text`` with every digest in the operation log's form (64 lowercase hex in groups
    of 8) replaced by as many ``x`` — for the scans of log records only."""
    if len(text) < 71:
        return text
    return _LOGGED_HASH.sub(lambda m: "x" * len(m.group(0)), text)


def _ascii_digits(group: str) -> str:
    return "".join(str(unicodedata.decimal(ch)) for ch in group)


def _spans_in_chain(chain: re.Match[str]) -> Iterator[tuple[int, int]]:
    groups = [(m.start() + chain.start(), m.end() + chain.start(), _ascii_digits(m.group(0)))
              for m in _GROUP.finditer(chain.group(0))]
    # Every run of whole consecutive groups holding exactly 12 digits (two pointers).
    first, total = 0, 0
    for last, (_s, _e, digits) in enumerate(groups):
        total += len(digits)
        while total > NUMBER_DIGITS and first <= last:
            total -= len(groups[first][2])
            first += 1
        if total == NUMBER_DIGITS:
            number = "".join(g[2] for g in groups[first:last + 1])
            if is_valid_my_number(number):
                yield groups[first][0], groups[last][1]


def find_my_number_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every 個人番号 in ``text`` (see the module text for the forms)."""
    if sum(ch.isdecimal() for ch in text) < NUMBER_DIGITS:
        return []
    spans: list[tuple[int, int]] = []
    for chain in _CHAIN.finditer(text):
        spans.extend(_spans_in_chain(chain))
    for four in _FOUR_FOUR_FOUR.finditer(text):
        if is_valid_my_number(_ascii_digits("".join(_GROUP.findall(four.group(0))))):
            spans.append(four.span())
    return spans


def contains_my_number(text: str) -> bool:
    """True when ``text`` holds a 個人番号 in any of the detector's forms."""
    return bool(find_my_number_spans(text))


def mask_my_numbers(text: str) -> str:
    """``text`` with every 個人番号 (any form) replaced by ``************``."""
    spans = find_my_number_spans(text)
    if not spans:
        return text
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:  # overlapping finds: one mask
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[str] = []
    position = 0
    for start, end in merged:
        out.append(text[position:start])
        out.append(MASK)
        position = end
    out.append(text[position:])
    return "".join(out)


def find_my_numbers(text: str) -> list[str]:
    """Strict form for raw artefacts: every valid 12-digit run in ``text`` (NFKC-normalised)."""
    normalised = unicodedata.normalize("NFKC", text)
    return [m for m in _TEXT_RUN.findall(normalised) if is_valid_my_number(m)]


def find_my_numbers_in_bytes(data: bytes) -> list[str]:
    """Strict form for raw bytes: every valid-check-digit 12-ASCII-digit run in ``data``."""
    found = []
    for m in _BYTES_RUN.findall(data):
        s = m.decode("ascii")
        if is_valid_my_number(s):
            found.append(s)
    return found
