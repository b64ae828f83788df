"""Grouping interface files into submissions (a KSK01+KSK02 pair or one KKG01), in time order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kokuho_pc.formats.filenames import (
    InvalidFileName,
    looks_like_interface_file,
    parse_file_name,
)

SUBMITTED_KINDS = ("KSK01", "KSK02", "KKG01")


@dataclass(slots=True)
class FileSet:
    """Files one municipality would submit together."""

    municipality_code: str
    created: dt.datetime
    files: dict[str, bytes] = field(default_factory=dict)


def collect_paths(paths: list[Path]) -> list[Path]:
    """Files named directly plus every interface file in each named directory (sorted).

    A directory's misnamed interface files (other case, a Windows copy, ...) are
    collected too: the check reports them instead of skipping them in silence.
    """
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(c for c in p.iterdir()
                              if c.is_file() and looks_like_interface_file(c.name)))
        else:
            out.append(p)
    return out


def read_files(paths: list[Path]) -> dict[str, bytes]:
    """Name → content of the files to submit.

    Correctly named delivery files (KSK11, KSK12, KKG11) are skipped; every
    other file is kept, misnamed ones included (the check reports them).
    """
    files: dict[str, bytes] = {}
    for p in collect_paths(paths):
        try:
            kind = parse_file_name(p.name).if_id
        except InvalidFileName:
            kind = None
        if kind is None or kind in SUBMITTED_KINDS:
            files[p.name] = p.read_bytes()
    return files


def group_file_sets(files: Mapping[str, bytes]) -> list[FileSet]:
    """Submissions in the order of the file names' timestamps (pairs by municipality + time)."""
    sets: dict[tuple[str, str, dt.datetime], FileSet] = {}
    for name in sorted(files):
        parsed = parse_file_name(name)
        group = "KKG" if parsed.if_id == "KKG01" else "KSK"
        key = (group, parsed.municipality_code, parsed.created)
        sets.setdefault(key, FileSet(parsed.municipality_code, parsed.created)).files[name] = (
            files[name])
    return [sets[k] for k in sorted(sets, key=lambda k: (k[2], k[1], k[0] != "KSK"))]


def well_named(files: Mapping[str, bytes]) -> bool:
    """True when every name parses (the checker reports the others)."""
    try:
        for name in files:
            parse_file_name(name)
    except InvalidFileName:
        return False
    return True
