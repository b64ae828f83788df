"""Scan every artefact of a session for a sentinel 個人番号 or any valid 12-digit number.

The scanning itself is :mod:`tests.leaks` (every form and encoding); this adds
the places only the client knows: the decrypted store, the operation log, the
process environment, and staging residue.

Each scanner returns the *places* where a number was found (never the number),
so an assertion message cannot itself leak one. Used by the end-to-end session
and by the fault tests (staging residue: sentinels, telltale plaintext, entropy).
"""

from __future__ import annotations

import logging
import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from kokuho_pc.services.profile import Profile
from kokuho_pc.transfer.staging import StagingArea
from tests.e2e.scenario import SENTINELS
from tests.leaks import Sweep


class LogCapture(logging.Handler):
    """Every log record of the process, formatted with its arguments (all levels)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a bad format string is still a line worth scanning
            text = f"{record.msg!r} {record.args!r}"
        if record.exc_info and record.exc_info[1] is not None:
            text += f" | {record.exc_info[1]!r}"
        self.lines.append(f"{record.name} {record.levelname} {text}")

    def install(self) -> LogCapture:
        """Attach to the root logger at DEBUG (the previous level is restored by remove)."""
        root = logging.getLogger()
        self._previous = root.level
        root.addHandler(self)
        root.setLevel(logging.DEBUG)
        return self

    def remove(self) -> None:
        """Detach from the root logger."""
        root = logging.getLogger()
        root.removeHandler(self)
        root.setLevel(self._previous)


def text_hits(where: str, texts: Iterable[str]) -> list[str]:
    """Where the texts hold a sentinel (any form) or any valid 12-digit number."""
    return Sweep(SENTINELS).text(where, list(texts))


def bytes_hits(where: str, data: bytes) -> list[str]:
    """Where the bytes hold a sentinel (any form, any encoding) or any valid 12-digit number."""
    return Sweep(SENTINELS).raw(where, data)


def tree_hits(root: Path) -> list[str]:
    """Every file under ``root`` (hidden ones too; SQLite files also queried, PDFs read)."""
    return Sweep(SENTINELS).tree(root)


def pdf_hits(where: str, pdf: bytes) -> list[str]:
    """A PDF: its raw bytes and the text pypdf extracts from every page."""
    return Sweep(SENTINELS).raw(where, pdf)


def pdf_text(pdf: bytes) -> str:
    """The NFKC-normalised text of every page (to check what the list shows)."""
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    return unicodedata.normalize(
        "NFKC", "\n".join(page.extract_text() or "" for page in reader.pages))


_HEX_DIGEST = re.compile(r"[0-9a-f]{40,}")


def _is_hex_digest(cell: object) -> bool:
    """A whole hex digest (letters among the digits): random hex, no 個人番号 by itself."""
    return isinstance(cell, str) and bool(_HEX_DIGEST.fullmatch(cell)) and not cell.isdigit()


def database_hits(profile: Profile) -> list[str]:
    """The store's file bytes (encrypted) and every cell of every table, decrypted.

    Cells that are whole hex digests (the operation log's HMAC chain) get the
    sentinel scan only: random hex holds a check-digit-valid 12-digit run about
    once in a few dozen values, which is chance, not a 個人番号. Every other cell
    (pure digit strings of any length included) gets both scans.
    """
    out: list[str] = []
    for path in sorted(profile.path.rglob("*")):
        if path.is_file() and not path.is_relative_to(profile.staging_dir):
            out += bytes_hits(f"profile file {path.name}", path.read_bytes())
    tables = [str(r[0]) for r in profile.db.query(
        "SELECT name FROM sqlite_master WHERE type = 'table'")]
    sweep = Sweep(SENTINELS)
    for table in tables:
        rows = profile.db.query(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the schema
        cells = [cell for row in rows for cell in tuple(row) if cell is not None]
        for blob in (c for c in cells if isinstance(c, bytes)):
            out += sweep.raw(f"table {table} (blob)", blob)
        texts = [str(c) for c in cells if not isinstance(c, bytes) and not _is_hex_digest(c)]
        out += sweep.text(f"table {table}", texts)
        out += sweep.text(f"table {table} (hex digests)",
                          [str(c) for c in cells if _is_hex_digest(c)], generic=False)
    return out


def store_hits(profile: Profile) -> list[str]:
    """The decrypted store (every table) and the operation log (every record)."""
    return database_hits(profile) + audit_hits(profile)


def audit_hits(profile: Profile) -> list[str]:
    """Every operation-log record (all fields, acknowledged ones included)."""
    records = profile.audit.records(after_seq=0, limit=1_000_000, unacknowledged_only=False)
    return text_hits("operation log", (repr(r) for r in records))


def environment_hits() -> list[str]:
    """The process environment (names and values)."""
    return text_hits("os.environ", (f"{k}={v}" for k, v in os.environ.items()))


def entropy(data: bytes) -> float:
    """Shannon entropy in bits per byte."""
    counts, n = Counter(data), len(data)
    return -sum(c / n * math.log2(c / n) for c in counts.values()) if n else 0.0


def staging_residue(staging: Path, telltales: Iterable[bytes] = ()) -> list[str]:
    """Problems with what a crash left in staging: numbers, plaintext, low entropy."""
    problems: list[str] = []
    marks = list(telltales)
    for path in StagingArea(staging).leftover_files():
        raw = path.read_bytes()
        problems += bytes_hits(f"staging {path.name}", raw)
        problems += [f"staging {path.name}: plaintext" for m in marks if m in raw]
        if len(raw) > 2048 and entropy(raw) < 7.8:
            problems.append(f"staging {path.name}: entropy {entropy(raw):.2f}")
    return problems


def all_files(root: Path) -> Iterator[Path]:
    """Every file under ``root``, hidden ones included."""
    return (p for p in sorted(root.rglob("*")) if p.is_file())
