"""Check sets of interface files: every rule of docs/interface-files.md §2–§9.

``check_paths`` streams files from disk (a directory stands for every
interface file in it); ``check_file_set`` checks contents already in memory.
KSK01/KSK02 files of the same municipality are checked as pairs. Every
problem is collected with its record number and item name; no message
contains a field value.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kokuho_pc.domain.errors import KokuhoError
from kokuho_pc.formats.csvcheck import check_csv
from kokuho_pc.formats.filenames import (
    FileName,
    InvalidFileName,
    display_name,
    guess_if_id,
    is_valid_text,
    looks_like_interface_file,
    parse_file_name,
)
from kokuho_pc.formats.fixedcheck import FixedFileResult, check_fixed
from kokuho_pc.formats.issues import CheckIssue, CheckReport, IssueSink
from kokuho_pc.formats.layouts import IF_IDS, Layout, get_layout
from kokuho_pc.formats.paircheck import HouseholdIndex, MemberIndex, check_heads

__all__ = ["CheckInputError", "CheckIssue", "CheckReport", "check_file_set", "check_paths"]

Opener = Callable[[], AbstractContextManager[BinaryIO]]


class CheckInputError(KokuhoError):
    """A path to check does not exist or cannot be read (an I/O error, not invalid data)."""

    code = "check_input"
    default_message = "検査するファイルを読み込めません。"
    default_hint = "パスを確認してください。"


@dataclass(slots=True)
class _Source:
    name: str
    opener: Opener
    sink: IssueSink
    name_ok: bool = True  # False: the name on disk was not valid UTF-8 (``name`` shows U+FFFD)
    file_name: FileName | None = None
    layout: Layout | None = None
    key: tuple[str, str] | None = None  # (市町村コード, 作成日時) for pairing
    partner: _Source | None = None
    result: FixedFileResult | None = None
    households: HouseholdIndex | None = None
    members: MemberIndex | None = None


def _source(name: str, opener: Opener) -> _Source:
    shown = display_name(name)
    return _Source(shown, opener, IssueSink(shown), name_ok=is_valid_text(name))


def _identify(src: _Source) -> None:
    """Find the layout (from the name, else from the header) and the pairing key.

    Only a correctly named file gets a pairing key: a misnamed one (a copy,
    another case, ...) is reported and checked on its own, and never changes
    how the correctly named files pair up (interface-files.md §2).
    """
    if not src.name_ok:
        src.sink.add(None, None, "file_name_encoding")
    else:
        try:
            src.file_name = parse_file_name(src.name)
        except InvalidFileName as exc:
            src.sink.add(None, None, exc.reason)
    if src.file_name is not None:
        src.layout = get_layout(src.file_name.if_id)
        src.key = (src.file_name.municipality_code,
                   src.file_name.created.strftime("%Y%m%d%H%M%S"))
        return
    with src.opener() as stream:
        head = stream.read(32)
    guess = guess_if_id(src.name)
    sniffed = head[1:6].decode("latin-1")
    if guess is None and sniffed in IF_IDS and get_layout(sniffed).is_fixed:
        guess = sniffed
    if guess is None:
        src.sink.add(None, None, "file_kind_unknown")
        return
    src.layout = get_layout(guess)


def _pair(sources: list[_Source]) -> None:
    """Pair KSK01 with KSK02 by municipality, preferring the same creation time."""
    by_kind: dict[str, list[_Source]] = {"KSK01": [], "KSK02": []}
    for s in sources:
        if s.layout is not None and s.layout.if_id in by_kind:
            by_kind[s.layout.if_id].append(s)
    for ksk01 in by_kind["KSK01"]:
        for exact in (True, False):
            if ksk01.partner is not None:
                break
            for ksk02 in by_kind["KSK02"]:
                if ksk02.partner is not None or ksk01.key is None or ksk02.key is None:
                    continue
                if ksk01.key[0] == ksk02.key[0] and (not exact or ksk01.key == ksk02.key):
                    ksk01.partner, ksk02.partner = ksk02, ksk01
                    break
    for kind, other in (("KSK01", "KSK02"), ("KSK02", "KSK01")):
        for s in by_kind[kind]:
            if s.partner is None and s.key is not None:  # a misnamed file has its own error
                s.sink.add(None, None, "pair_missing", other=other)


def _check_one(src: _Source, today: bytes) -> None:
    layout = src.layout
    if layout is None:
        return
    with src.opener() as stream:
        if not layout.is_fixed:
            check_csv(stream, layout, src.file_name, src.sink)
            return
        hook = None
        if layout.if_id == "KSK01":
            src.households = HouseholdIndex()
            hook = src.households.add
        elif layout.if_id == "KSK02":
            partner = src.partner
            index = partner.households if partner is not None and _sound(partner) else None
            src.members = MemberIndex(src.sink, index)
            hook = src.members.add
        src.result = check_fixed(src.name, stream, layout, src.file_name, src.sink, today, hook)


def _sound(src: _Source | None) -> bool:
    """True when every record of a checked file could be read (cross-checks make sense)."""
    return (src is not None and src.result is not None and src.result.header_ok
            and src.result.broken_records == 0)


def _cross_check(ksk01: _Source, ksk02: _Source) -> None:
    r1, r2 = ksk01.result, ksk02.result
    if r1 is None or r2 is None:
        return
    if r1.created is not None and r2.created is not None and r1.created != r2.created:
        item = "作成年月日" if r1.created.date() != r2.created.date() else "作成時刻"
        ksk02.sink.add(1, item, "pair_timestamp", other="KSK01")
    if (r1.municipality_code is not None and r2.municipality_code is not None
            and r1.municipality_code != r2.municipality_code):
        ksk02.sink.add(1, "市町村コード", "pair_missing", other="KSK01")
        return
    if _sound(ksk01) and _sound(ksk02) and ksk01.households is not None:
        check_heads(ksk01.households, ksk01.sink)


def _check_sources(sources: list[_Source], today: dt.date) -> CheckReport:
    day = today.strftime("%Y%m%d").encode("ascii")
    for src in sources:
        _identify(src)
    _pair(sources)
    order = {"KSK01": 0, "KSK02": 1}
    for src in sorted(sources, key=lambda s: order.get(s.layout.if_id if s.layout else "", 2)):
        _check_one(src, day)
    for src in sources:
        if src.layout is not None and src.layout.if_id == "KSK01" and src.partner is not None:
            _cross_check(src, src.partner)
    report = CheckReport(files=[s.name for s in sources])
    for src in sources:
        report.errors.extend(src.sink.issues())
    return report


def _bytes_opener(data: bytes) -> Opener:
    def opener() -> AbstractContextManager[BinaryIO]:
        return io.BytesIO(data)

    return opener


def _file_opener(path: Path) -> Opener:
    def opener() -> AbstractContextManager[BinaryIO]:
        return open(path, "rb")

    return opener


def check_file_set(
    files: Mapping[str, bytes], *, today: dt.date
) -> CheckReport:
    """Check files given as name → content.

    ``today`` decides what is "the future": the caller's clock (the profile's, the
    engine's), never the machine's date read here."""
    sources = [_source(name, _bytes_opener(data)) for name, data in files.items()]
    return _check_sources(sources, today)


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files named directly, plus every interface file of each named directory.

    A directory's files are every name that looks like an interface file
    ignoring case or with extra text: the check reports the misnamed ones
    rather than skipping them in silence. Raises :class:`CheckInputError` for a
    path that does not exist.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(c for c in p.iterdir()
                              if c.is_file() and looks_like_interface_file(c.name)))
        elif p.is_file():
            out.append(p)
        else:
            raise CheckInputError(f"パスが見つかりません: {display_name(str(p))}")
    return out


def check_paths(
    paths: Iterable[str | os.PathLike[str]], *, today: dt.date
) -> CheckReport:
    """Check files on disk, streaming each one (bounded memory per line).

    ``today`` decides what is "the future" (see :func:`check_file_set`).

    A directory stands for every interface file in it. Raises
    :class:`CheckInputError` when a path is missing or unreadable.
    """
    given = [Path(p) for p in paths]
    files = expand_paths(given)
    empty_dirs = [p for p in given if p.is_dir() and not any(f.parent == p for f in files)]
    names = [f.name for f in files]
    sources = []
    for f in files:
        name = f.name if names.count(f.name) == 1 else str(f)
        sources.append(_source(name, _file_opener(f)))
    try:
        report = _check_sources(sources, today)
    except OSError as exc:
        raise CheckInputError("ファイルを読み込めません。") from exc
    for d in empty_dirs:
        sink = IssueSink(display_name(str(d)))
        sink.add(None, None, "no_interface_files")
        report.errors.extend(sink.issues())
    return report
