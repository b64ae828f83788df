"""Group interface files into the sets the consolidation system accepts, and digest them.

A KSK01/KSK02 pair with the same municipality and timestamp travels as one
set; a KKG01 file is a set of its own. The set digest is the one the server
checks: for every file in ascending order of name, the UTF-8 name, LF, the
size in decimal ASCII, LF, then the content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from kokuho_pc.formats.filenames import InvalidFileName, parse_file_name


def group_file_sets(names: Iterable[str]) -> list[list[str]]:
    """Sets of file names in a stable order (pairs together; others one by one)."""
    pairs: dict[tuple[str, object], list[str]] = {}
    singles: list[list[str]] = []
    for name in sorted(names):
        try:
            parsed = parse_file_name(name)
        except InvalidFileName:  # reported by the check; sent nowhere
            singles.append([name])
            continue
        if parsed.if_id in ("KSK01", "KSK02"):
            pairs.setdefault((parsed.municipality_code, parsed.created), []).append(name)
        else:
            singles.append([name])
    return [sorted(v) for _, v in sorted(pairs.items(), key=lambda kv: str(kv[0]))] + singles


def file_set_digest(files: Mapping[str, bytes]) -> str:
    """The SHA-256 (hex) identifying a submitted file set."""
    h = hashlib.sha256()
    for name in sorted(files):
        content = files[name]
        h.update(name.encode("utf-8") + b"\n" + str(len(content)).encode("ascii") + b"\n")
        h.update(content)
    return h.hexdigest()
