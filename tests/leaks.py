"""The one leak scanner: sentinel 個人番号 in every form, plus any valid 12-digit number.

Two scans, both reporting *places* (and the name of the form), never a number, so
an assertion message cannot itself leak one:

- **Sentinel forms** (:class:`SentinelScanner`): every sentinel 個人番号 of a test,
  and its last 8 digits, as a *substring* of the raw bytes, in ASCII and in
  full-width digits; with nothing, a hyphen or a space (half- or full-width) between
  the 4-4-4 groups; encoded as UTF-8, CP932, UTF-16 LE and UTF-16 BE (a substring
  search finds them at even and odd offsets alike); and as JSON ``\\uXXXX`` escapes
  (lower- and upper-case hex, every character escaped or only the non-ASCII ones).
  The last-8-digit forms are substrings of the whole-number forms, so every form of
  a sentinel is caught by its last 8 digits; the label says which form matched.
  All forms are one RE2 alternation (Latin-1 bytes): one linear pass per file.
- **Generic** (:func:`generic_bytes`, :func:`generic_text`): any check-digit-valid
  12-digit run (not part of a longer digit run) in the raw ASCII bytes and in the
  text decoded as CP932, UTF-8 and UTF-16 LE/BE at both offsets, NFKC-normalised
  (full-width digits), with JSON ``\\uXXXX`` escapes decoded. Runs of 16 or more hex
  digits (digests, the operation log's HMAC chain, 64-bit key IDs) and UUIDs are masked first:
  random hex holds a valid 12-digit run about once in sixty digests, which is
  chance, not a 個人番号 (a sentinel inside one is still found by the first scan).

:class:`Sweep` walks everything a test run wrote — a whole directory tree except the
input media's files (by path and original SHA-256, see :func:`register_input`), with
per-test ``HOME`` and ``TMPDIR`` inside it — and adds
SQLite files opened and queried read-only (no decryption: the encrypted client
store is bytes only), PDFs (raw bytes and pypdf's text) and any captured text.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import re2

from kokuho_pc.domain.leakscan import find_my_numbers, find_my_numbers_in_bytes

# Separators people and programs put between the 4-4-4 groups.
SEPARATORS = {"": "plain", "-": "hyphen", " ": "space", "\uff0d": "full-width hyphen",
              "\u3000": "full-width space", "\u2010": "hyphen U+2010", "\u2212": "minus"}
WIDTHS = {"ascii": 0x30, "full-width": 0xFF10}
CODECS = ("utf-8", "cp932", "utf-16-le", "utf-16-be")
SQLITE_MAGIC = b"SQLite format 3\x00"
PDF_MAGIC = b"%PDF"
# The input media's files as the test wrote them: path → SHA-256. ``write_files`` of
# tests/transfer/harness.py registers each; the leak_sweep fixture empties it per test.
INPUT_FILES: dict[Path, str] = {}


def _digits(number: str, width: str) -> str:
    base = WIDTHS[width]
    return "".join(chr(base + int(d)) for d in number)


def _grouped(number: str, width: str, sep: str) -> str:
    digits = _digits(number, width)
    return sep.join(digits[i:i + 4] for i in range(0, len(digits), 4))


def _json_escapes(text: str) -> Iterator[tuple[str, str]]:
    """(escaped, label): every character escaped, and only the non-ASCII ones (json.dumps)."""
    for upper in (False, True):
        fmt = "\\u{:04X}" if upper else "\\u{:04x}"
        case = "upper" if upper else "lower"
        yield "".join(fmt.format(ord(c)) for c in text), f"JSON all-escaped {case}"
        partial = "".join(fmt.format(ord(c)) if ord(c) > 0x7F else c for c in text)
        if partial != text:
            yield partial, f"JSON escaped {case}"


def sentinel_forms(number: str) -> dict[bytes, str]:
    """Every byte form of one sentinel's last 8 digits (→ also the whole number), labelled."""
    last8 = number[-8:]
    forms: dict[bytes, str] = {}
    for width in WIDTHS:
        for sep, sep_name in SEPARATORS.items():
            text = _grouped(last8, width, sep)
            for codec in CODECS:  # every separator has a code in each (CP932 too)
                forms.setdefault(text.encode(codec), f"{width} {sep_name} {codec}")
            for escaped, how in _json_escapes(text):
                forms.setdefault(escaped.encode("ascii"), f"{width} {sep_name} {how}")
    return forms


class SentinelScanner:
    """Finds any form of any of ``sentinels`` in bytes or text (one RE2 pass)."""

    def __init__(self, sentinels: Sequence[str]) -> None:
        self.sentinels = tuple(sentinels)
        self.labels: dict[bytes, str] = {}
        for i, number in enumerate(self.sentinels):
            for data, label in sentinel_forms(number).items():
                self.labels.setdefault(data, f"sentinel #{i} {label}")
        options = re2.Options()
        options.encoding = re2.Options.Encoding.LATIN1
        options.max_mem = 64 << 20
        # longest first: the label names the most specific form at a place
        needles = sorted(self.labels, key=len, reverse=True)
        self._pattern = re2.compile(b"|".join(re2.escape(n) for n in needles), options)

    def forms(self, data: bytes) -> list[str]:
        """The labels of the forms found in ``data`` (sorted, each once)."""
        return sorted({self.labels[m.group(0)] for m in self._pattern.finditer(data)})

    def text_forms(self, text: str) -> list[str]:
        """The labels of the forms found in ``text`` (scanned as its UTF-8 bytes)."""
        return self.forms(text.encode("utf-8", "surrogatepass"))


@functools.lru_cache(maxsize=8)
def scanner_for(sentinels: tuple[str, ...]) -> SentinelScanner:
    """One compiled scanner per sentinel set (compiling takes a few milliseconds)."""
    return SentinelScanner(sentinels)


# --- the generic valid-check-digit scan --------------------------------------------------

_HEX_RUN = re.compile(rb"[0-9A-Fa-f]{16,}")
_UUID = re.compile(rb"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_HEX_RUN_TEXT = re.compile(r"[0-9A-Fa-f]{16,}")
_UUID_TEXT = re.compile(_UUID.pattern.decode())
_JSON_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})")
_MASK = b"x"


def _mask_bytes(data: bytes) -> bytes:
    def blank(m: re.Match[bytes]) -> bytes:
        return _MASK * len(m.group(0))
    return _UUID.sub(blank, _HEX_RUN.sub(blank, data))


def _mask_text(text: str) -> str:
    def blank(m: re.Match[str]) -> str:
        return "x" * len(m.group(0))
    return _UUID_TEXT.sub(blank, _HEX_RUN_TEXT.sub(blank, text))


def generic_text(text: str) -> bool:
    """True when ``text`` holds a valid 12-digit run (NFKC; JSON escapes decoded)."""
    masked = _mask_text(unicodedata.normalize("NFKC", text))
    if find_my_numbers(masked):
        return True
    if "\\u" in masked:
        unescaped = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), masked)
        return bool(find_my_numbers(_mask_text(unicodedata.normalize("NFKC", unescaped))))
    return False


def generic_bytes(data: bytes) -> list[str]:
    """How ``data`` holds a valid 12-digit run: ``ascii``, or the codec (and offset)."""
    masked = _mask_bytes(data)
    if find_my_numbers_in_bytes(masked):
        return ["ascii"]
    views = [("cp932", 0), ("utf-8", 0), ("utf-16-le", 0), ("utf-16-le", 1),
             ("utf-16-be", 0), ("utf-16-be", 1)]
    for codec, offset in views:
        if generic_text(masked[offset:].decode(codec, errors="replace")):
            return [f"{codec}@{offset}" if codec.startswith("utf-16") else codec]
    return []


# --- places ------------------------------------------------------------------------------


def register_input(path: Path) -> None:
    """Record a file the test put on an input medium, as written (path and SHA-256).

    Input files carry the sentinels on purpose; the sweep leaves out exactly these
    paths while their bytes are unchanged. A copy anywhere else (TMPDIR, HOME, an
    export medium, a profile), or an input file the run changed, is scanned.
    """
    INPUT_FILES[path.resolve()] = hashlib.sha256(path.read_bytes()).hexdigest()


def is_input_medium_file(path: Path, data: bytes, inputs: Mapping[Path, str]) -> bool:
    """True when ``path`` is a registered input file still holding the bytes written."""
    digest = inputs.get(path.resolve())
    return digest is not None and hashlib.sha256(data).hexdigest() == digest


def _queryable(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlite3.DatabaseError:  # encrypted (the client store)
        return False
    finally:
        conn.close()


def _plain_sqlite_of(path: Path, data: bytes) -> Path | None:
    """The plain (queryable) SQLite database ``path`` is, or is the journal of; else None."""
    if data.startswith(SQLITE_MAGIC):
        return path if _queryable(path) else None
    for suffix in ("-wal", "-journal"):
        if path.name.endswith(suffix):
            main = path.with_name(path.name[: -len(suffix)])
            if main.is_file() and main.read_bytes()[:16] == SQLITE_MAGIC and _queryable(main):
                return main
    return None


@dataclass
class Sweep:
    """Collects the places where a leak was found; scan texts, bytes, files and trees."""

    sentinels: Sequence[str] = ()
    hits: list[str] = field(default_factory=list)
    scanned: list[str] = field(default_factory=list)  # what was looked at (to prove coverage)
    inputs: Mapping[Path, str] | None = None  # input files (path → SHA-256); None: INPUT_FILES

    def __post_init__(self) -> None:
        self.scanner = scanner_for(tuple(self.sentinels)) if self.sentinels else None

    def text(self, where: str, texts: Iterable[str] | str, *, generic: bool = True) -> list[str]:
        """Scan texts (log lines, captured output, widget texts).

        ``generic=False`` looks for the sentinel forms only (for texts that are
        known random hex, such as HMAC chain values).
        """
        found: list[str] = []
        for text in [texts] if isinstance(texts, str) else texts:
            if self.scanner is not None:
                found += [f"{where}: {f}" for f in self.scanner.text_forms(text)]
            if generic and generic_text(text):
                found.append(f"{where}: valid 12-digit number")
        self.scanned.append(where)
        self.hits += found
        return found

    def raw(self, where: str, data: bytes, *, generic: bool = True) -> list[str]:
        """Scan raw bytes; SQLite files are also queried, PDFs also read as text.

        ``generic=False`` looks for the sentinel forms only: in a plain SQLite
        file (and its write-ahead log) the columns of a record lie side by side,
        so two digit columns ("08" + an 8-digit ID next to a serial) make a
        12-digit run that is no number at all. Those files get the generic scan
        cell by cell (:meth:`sqlite`) instead.
        """
        found: list[str] = []
        if self.scanner is not None:
            found += [f"{where}: {f}" for f in self.scanner.forms(data)]
        if generic:
            found += [f"{where}: valid 12-digit number ({how})" for how in generic_bytes(data)]
        self.scanned.append(where)
        self.hits += found
        if data.startswith(PDF_MAGIC):
            found += self.pdf(where, data)
        return found

    def pdf(self, where: str, pdf: bytes) -> list[str]:
        """A PDF's text as pypdf extracts it from every page (raw bytes: :meth:`raw`)."""
        from io import BytesIO

        from pypdf import PdfReader

        try:
            pages = [page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages]
        except Exception as exc:  # a truncated spool file is still scanned as bytes
            pages = [repr(exc)]
        return self.text(f"{where} (pdf text)", pages)

    def sqlite(self, where: str, path: Path) -> list[str]:
        """Every cell of every table of a plain SQLite file, read-only (nothing decrypted)."""
        found: list[str] = []
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        except sqlite3.Error:
            return found
        try:
            tables = [str(r[0]) for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                rows = conn.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - schema names
                texts: list[str] = []
                for row in rows:
                    for cell in row:
                        if isinstance(cell, bytes):
                            found += self.raw(f"{where} table {table} (blob)", cell)
                        elif cell is not None:
                            texts.append(str(cell))
                found += self.text(f"{where} table {table}", texts)
        except sqlite3.DatabaseError:  # encrypted (the client store): bytes only
            pass
        finally:
            conn.close()
        return found

    def file(self, path: Path, where: str | None = None, data: bytes | None = None) -> list[str]:
        """One file: its bytes, and its tables when it is a plain SQLite database."""
        label = where or str(path)
        data = path.read_bytes() if data is None else data
        database = _plain_sqlite_of(path, data)
        found = self.raw(label, data, generic=database is None)
        if database is not None and database == path:
            found += self.sqlite(label, path)
        return found

    def tree(self, root: Path, *, skip_inputs: bool = True,
             exclude: Sequence[Path] = ()) -> list[str]:
        """Every file under ``root`` (hidden ones too) except the unchanged input files.

        The input files are those registered with :func:`register_input` (or
        ``self.inputs``), matched by path *and* content hash, never by name.
        """
        found: list[str] = []
        if not root.exists():
            return found
        inputs = INPUT_FILES if self.inputs is None else self.inputs
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.is_symlink():
                continue
            if any(path.is_relative_to(e) for e in exclude):
                continue
            data = path.read_bytes()
            if skip_inputs and is_input_medium_file(path, data, inputs):
                continue
            found += self.file(path, str(path.relative_to(root)), data)
        return found
