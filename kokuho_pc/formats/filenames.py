"""Interface file names: ``<IF-ID>_<市町村コード>_<YYYYMMDDhhmmss>.<ext>``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kokuho_pc.domain.errors import ValidationError
from kokuho_pc.domain.municipality import MunicipalityCode, is_valid_municipality_code
from kokuho_pc.formats.layouts import IF_IDS, get_layout

_NAME = re.compile(r"^([A-Z]{3}[0-9]{2})_([0-9]{6})_([0-9]{14})\.([a-z]{3})$")
TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"


class InvalidFileName(ValidationError):
    """A name that does not follow the interface-file naming rule."""

    code = "file_name"
    default_message = "ファイル名がインタフェースファイルの命名規則に従っていません。"
    default_hint = "ファイル名は <ファイル識別>_<市町村コード>_<作成日時>.<拡張子> です。"


@dataclass(frozen=True, slots=True)
class FileName:
    """The parts of an interface file name."""

    if_id: str
    municipality_code: str
    created: dt.datetime
    ext: str

    @property
    def name(self) -> str:
        """The file name these parts make."""
        return make_file_name(self.if_id, self.municipality_code, self.created)


def base_name(name: str) -> str:
    """The last path component of ``name`` (``/`` or ``\\`` separated)."""
    return re.split(r"[/\\]", name)[-1]


def parse_file_name(name: str) -> FileName:
    """Parse an interface file name (a path is reduced to its last component).

    Raises :class:`InvalidFileName` (with a Japanese message that does not
    quote the name) for an unknown IF-ID, a bad 市町村コード, an impossible
    timestamp or an extension that does not match the file's format.
    """
    m = _NAME.match(base_name(name))
    if m is None:
        raise InvalidFileName()
    if_id, code, stamp, ext = m.groups()
    if if_id not in IF_IDS:
        raise InvalidFileName("ファイル名のファイル識別が不明です。")
    if ext != get_layout(if_id).ext:
        raise InvalidFileName("ファイル名の拡張子がファイルの形式と一致しません。")
    if not is_valid_municipality_code(code):
        raise InvalidFileName("ファイル名の市町村コードが正しくありません。")
    try:
        created = parse_timestamp(stamp)
    except ValueError as exc:
        raise InvalidFileName("ファイル名の作成日時が正しくありません。") from exc
    return FileName(if_id, code, created, ext)


def parse_timestamp(stamp: str) -> dt.datetime:
    """Parse ``YYYYMMDDhhmmss`` strictly (14 digits, a real date and time)."""
    if len(stamp) != 14 or not stamp.isascii() or not stamp.isdigit():
        raise ValueError("YYYYMMDDhhmmss expected")
    return dt.datetime(
        int(stamp[0:4]), int(stamp[4:6]), int(stamp[6:8]),
        int(stamp[8:10]), int(stamp[10:12]), int(stamp[12:14]),
    )


def make_file_name(
    if_id: str, municipality_code: str | MunicipalityCode, created: dt.datetime
) -> str:
    """Build the file name of ``if_id`` for a municipality and creation time."""
    layout = get_layout(if_id)
    code = str(municipality_code)
    return f"{if_id}_{code}_{created.strftime(TIMESTAMP_FORMAT)}.{layout.ext}"


def is_interface_file_name(name: str) -> bool:
    """True when ``name`` looks like an interface file (IF-ID prefix and extension).

    Used to pick the interface files of a directory; a file that passes this
    but fails :func:`parse_file_name` is still checked (and reported).
    """
    base = base_name(name)
    return any(
        base.startswith(f"{if_id}_") and base.endswith(f".{get_layout(if_id).ext}")
        for if_id in IF_IDS
    )
