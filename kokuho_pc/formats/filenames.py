"""Interface file names: ``<IF-ID>_<市町村コード>_<YYYYMMDDhhmmss>.<ext>``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kokuho_pc.domain.errors import ValidationError
from kokuho_pc.domain.municipality import MunicipalityCode, is_valid_municipality_code
from kokuho_pc.formats.layouts import IF_IDS, get_layout

_NAME = re.compile(r"^([A-Z]{3}[0-9]{2})_([0-9]{6})_([0-9]{14})\.([a-z]{3})$")
_NAME_ANY_CASE = re.compile(_NAME.pattern, re.IGNORECASE)
# A well-formed name inside a longer one: "KSK02_… - コピー.dat", "KSK02_…(1).dat".
_NAME_INSIDE = re.compile(r"[A-Za-z]{3}[0-9]{2}_[0-9]{6}_[0-9]{14}")
_IF_IDS_FOLDED = tuple(i.casefold() for i in IF_IDS)
_EXTENSIONS_FOLDED = (".dat", ".csv")
TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"


class InvalidFileName(ValidationError):
    """A name that does not follow the interface-file naming rule.

    ``reason`` is the check's issue code (``file_name`` or a more precise
    ``file_name_*`` code of :data:`kokuho_pc.formats.issues.MESSAGES`).
    """

    code = "file_name"
    default_message = "ファイル名がインタフェースファイルの命名規則に従っていません。"
    default_hint = "ファイル名は <ファイル識別>_<市町村コード>_<作成日時>.<拡張子> です。"

    def __init__(self, user_message: str | None = None, hint: str | None = None, *,
                 reason: str = "file_name") -> None:
        super().__init__(user_message, hint)
        self.reason = reason


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
    base = base_name(name)
    m = _NAME.match(base)
    if m is None:
        if not is_valid_text(base):
            raise InvalidFileName("ファイル名にUTF-8として読めない文字があります。",
                                  reason="file_name_encoding")
        if _NAME_ANY_CASE.match(base):
            raise InvalidFileName("ファイル名の大文字・小文字が命名規則と違います。",
                                  reason="file_name_case")
        if _NAME_INSIDE.search(base):
            raise InvalidFileName("ファイル名に命名規則にない文字が付いています。",
                                  reason="file_name_extra")
        raise InvalidFileName()
    if_id, code, stamp, ext = m.groups()
    if if_id not in IF_IDS:
        raise InvalidFileName("ファイル名のファイル識別が不明です。", reason="file_name_kind")
    if ext != get_layout(if_id).ext:
        raise InvalidFileName("ファイル名の拡張子がファイルの形式と一致しません。",
                              reason="file_name_ext")
    if not is_valid_municipality_code(code):
        raise InvalidFileName("ファイル名の市町村コードの検査数字が一致しません。",
                              reason="file_name_check_digit")
    try:
        created = parse_timestamp(stamp)
    except ValueError as exc:
        raise InvalidFileName("ファイル名の作成日時が暦にない日付または時刻です。",
                              reason="file_name_date") from exc
    return FileName(if_id, code, created, ext)


def is_valid_text(name: str) -> bool:
    """False for a name holding surrogates (bytes that were not UTF-8, on Linux)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def display_name(name: str) -> str:
    """``name`` safe to print and to put in JSON: undecodable bytes become U+FFFD."""
    if is_valid_text(name):
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


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


def looks_like_interface_file(name: str) -> bool:
    """True when ``name`` may be meant as an interface file (interface-files.md §2).

    Any name holding an IF-ID and ``.dat``/``.csv`` ignoring case, also with
    extra text (a Windows copy ``KSK02_… - コピー.dat``, ``….DAT``, all lower
    case). Such files are never skipped in silence: the check reports the
    ones whose name is not exactly right.
    """
    folded = base_name(name).casefold()
    return (any(i in folded for i in _IF_IDS_FOLDED)
            and any(e in folded for e in _EXTENSIONS_FOLDED))


def guess_if_id(name: str) -> str | None:
    """The IF-ID a (possibly misnamed) file name holds, ignoring case, or ``None``."""
    folded = base_name(name).casefold()
    return next((i for i, f in zip(IF_IDS, _IF_IDS_FOLDED, strict=True) if f in folded), None)


def is_interface_file_name(name: str) -> bool:
    """True when ``name`` looks like an interface file (IF-ID prefix and extension).

    A file that passes this but fails :func:`parse_file_name` is still checked
    (and reported). Directories are listed with :func:`looks_like_interface_file`.
    """
    base = base_name(name)
    return any(
        base.startswith(f"{if_id}_") and base.endswith(f".{get_layout(if_id).ext}")
        for if_id in IF_IDS
    )
