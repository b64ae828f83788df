"""Interface-file layouts loaded from ``resources/layouts/*.json`` and validated.

A layout is data: one JSON file per IF-ID describes the header, data and
trailer records of a fixed-length file (or the columns of a CSV file). The
codec and the checker read nothing else, so the real national layouts can
replace the provisional P1 ones without code changes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kokuho_pc.domain import codes
from kokuho_pc.domain.errors import ValidationError
from kokuho_pc.formats.resources import resource_path

FIELD_TYPES = frozenset({"N", "X", "K", "D", "C"})
PRESENCES = frozenset({"required", "optional", "conditional"})
KNOWN_CHECKS = frozenset({
    "municipality_code", "hhmmss", "my_number", "kana",
    "same_prefecture_other_municipality", "yyyymm_from_201804", "prefecture_prefix",
})
IF_IDS: tuple[str, ...] = ("KSK01", "KSK02", "KKG01", "KSK11", "KSK12", "KKG11")


class LayoutError(ValidationError):
    """A layout definition is malformed (a defect of the shipped resources)."""

    code = "layout"
    default_message = "インタフェースファイルのレイアウト定義が正しくありません。"
    default_hint = "情報システム管理者に連絡してください。"


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a record (fixed length) or one column (CSV).

    ``offset`` and ``length`` are in bytes (CP932) for fixed-length layouts;
    for CSV columns ``length`` is the exact length if given, ``max_length`` the limit.
    """

    key: str
    name: str
    type: str
    presence: str
    length: int | None = None
    offset: int = 0
    max_length: int | None = None
    fixed: str | None = None
    check: str | None = None
    table: str | None = None
    unique: bool = False
    unique_with: str | None = None
    blank: bool = False
    equals_header: str | None = None
    required_when: Mapping[str, str] = field(default_factory=dict)
    blank_when: Mapping[str, str] = field(default_factory=dict)
    required_when_set: str | None = None
    blank_unless_set: str | None = None
    not_before: str | None = None
    not_before_month: str | None = None
    not_future: bool = False

    @property
    def end(self) -> int:
        """Byte offset just past the field (fixed length only)."""
        return self.offset + (self.length or 0)

    @property
    def is_my_number(self) -> bool:
        """True for a field that carries a 個人番号."""
        return self.check == "my_number"


@dataclass(frozen=True, slots=True)
class Layout:
    """One interface file's layout (version P1 unless the JSON says otherwise)."""

    if_id: str
    name: str
    direction: str
    format: str
    ext: str
    encoding: str
    version: str
    record_length: int = 0
    header: tuple[Field, ...] = ()
    data: tuple[Field, ...] = ()
    trailer: tuple[Field, ...] = ()
    columns: tuple[Field, ...] = ()
    name_municipality_column: str | None = None
    name_date_column: str | None = None

    @property
    def is_fixed(self) -> bool:
        """True for a fixed-length layout, False for CSV."""
        return self.format == "fixed"

    def data_field(self, key: str) -> Field:
        """The data field (or CSV column) with ``key``."""
        for f in self.data or self.columns:
            if f.key == key:
                return f
        raise KeyError(key)


def _field(raw: Mapping[str, Any], offset: int) -> Field:
    return Field(
        key=str(raw["key"]),
        name=str(raw["name"]),
        type=str(raw["type"]),
        presence=str(raw.get("presence", "optional")),
        length=int(raw["length"]) if "length" in raw else None,
        offset=offset,
        max_length=int(raw["max_length"]) if "max_length" in raw else None,
        fixed=raw.get("fixed"),
        check=raw.get("check"),
        table=raw.get("table"),
        unique=bool(raw.get("unique", False)),
        unique_with=raw.get("unique_with"),
        blank=bool(raw.get("blank", False)),
        equals_header=raw.get("equals_header"),
        required_when=dict(raw.get("required_when", {})),
        blank_when=dict(raw.get("blank_when", {})),
        required_when_set=raw.get("required_when_set"),
        blank_unless_set=raw.get("blank_unless_set"),
        not_before=raw.get("not_before"),
        not_before_month=raw.get("not_before_month"),
        not_future=bool(raw.get("not_future", False)),
    )


def _record(raw: list[Mapping[str, Any]], fixed: bool) -> tuple[Field, ...]:
    fields: list[Field] = []
    offset = 0
    for item in raw:
        f = _field(item, offset)
        if fixed:
            if f.length is None or f.length <= 0:
                raise LayoutError(f"項目の長さがありません: {f.key}")
            offset += f.length
        fields.append(f)
    return tuple(fields)


def parse_layout(raw: Mapping[str, Any]) -> Layout:
    """Build and validate a :class:`Layout` from its JSON object."""
    try:
        fixed = raw["format"] == "fixed"
        layout = Layout(
            if_id=str(raw["if_id"]),
            name=str(raw["name"]),
            direction=str(raw["direction"]),
            format=str(raw["format"]),
            ext=str(raw["ext"]),
            encoding=str(raw.get("encoding", "cp932")),
            version=str(raw.get("layout_version", "P1")),
            record_length=int(raw.get("record_length", 0)),
            header=_record(raw.get("header", []), fixed),
            data=_record(raw.get("data", []), fixed),
            trailer=_record(raw.get("trailer", []), fixed),
            columns=_record(raw.get("columns", []), False),
            name_municipality_column=raw.get("name_municipality_column"),
            name_date_column=raw.get("name_date_column"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LayoutError(f"レイアウト定義の項目が不足しています: {exc}") from exc
    validate_layout(layout)
    return layout


def _validate_fields(layout: Layout, part: str, fields: tuple[Field, ...]) -> None:
    keys = [f.key for f in fields]
    if len(set(keys)) != len(keys):
        raise LayoutError(f"{layout.if_id} {part}: 項目キーが重複しています")
    for f in fields:
        where = f"{layout.if_id} {part} {f.key}"
        if f.type not in FIELD_TYPES:
            raise LayoutError(f"{where}: 型が不正です")
        if f.presence not in PRESENCES:
            raise LayoutError(f"{where}: 必須区分が不正です")
        if f.check is not None and f.check not in KNOWN_CHECKS:
            raise LayoutError(f"{where}: 未知の検査です")
        if f.type == "C" and (f.table is None or f.table not in all_tables()):
            raise LayoutError(f"{where}: コード表がありません")
        if f.type == "D" and f.length not in (None, 8):
            raise LayoutError(f"{where}: 日付の長さは8です")
        refs = [*f.required_when, *f.blank_when, f.required_when_set, f.blank_unless_set,
                f.not_before, f.not_before_month, f.unique_with]
        for ref in refs:
            if ref is not None and ref not in keys:
                raise LayoutError(f"{where}: 参照先の項目がありません")
        if f.equals_header is not None and f.equals_header not in {h.key for h in layout.header}:
            raise LayoutError(f"{where}: ヘッダの参照先がありません")


def validate_layout(layout: Layout) -> None:
    """Raise :class:`LayoutError` unless the layout is consistent."""
    if layout.format not in ("fixed", "csv"):
        raise LayoutError(f"{layout.if_id}: 形式が不正です")
    if layout.is_fixed:
        for part, fields in (("header", layout.header), ("data", layout.data),
                             ("trailer", layout.trailer)):
            if not fields:
                raise LayoutError(f"{layout.if_id} {part}: 項目がありません")
            total = sum(f.length or 0 for f in fields)
            if total != layout.record_length:
                raise LayoutError(f"{layout.if_id} {part}: 長さの合計がレコード長と一致しません")
            if fields[0].key != "record_type" or fields[0].fixed is None:
                raise LayoutError(f"{layout.if_id} {part}: 先頭はレコード区分です")
            _validate_fields(layout, part, fields)
    else:
        if not layout.columns:
            raise LayoutError(f"{layout.if_id}: 列がありません")
        _validate_fields(layout, "columns", layout.columns)
        keys = {c.key for c in layout.columns}
        for ref in (layout.name_municipality_column, layout.name_date_column):
            if ref is None or ref not in keys:
                raise LayoutError(f"{layout.if_id}: ファイル名と照合する列がありません")


@cache
def all_tables() -> Mapping[str, Mapping[str, str]]:
    """Every code table a layout may name: code → Japanese label."""
    raw = json.loads(resource_path("layouts", "tables.json").read_text(encoding="utf-8"))
    tables: dict[str, Mapping[str, str]] = {
        name: {str(k): str(v) for k, v in entries.items()}
        for name, entries in raw["tables"].items()
    }
    tables["T1"] = {m.value: m.label for m in codes.ChangeReason}
    tables["T1_start"] = {m.value: m.label for m in codes.ChangeReason if m.is_start}
    tables["T1_end"] = {m.value: m.label for m in codes.ChangeReason if not m.is_start}
    tables["T2"] = {m.value: m.label for m in codes.Relation}
    tables["T3"] = {m.value: m.label for m in codes.IncomeCategory}
    tables["T4"] = {m.value: m.label for m in codes.ResultCode}
    return tables


def load_layout(path: Path) -> Layout:
    """Load and validate one layout JSON file."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LayoutError("レイアウト定義を読み込めません。") from exc
    return parse_layout(raw)


@cache
def get_layout(if_id: str) -> Layout:
    """The shipped layout of ``if_id`` (KSK01, KSK02, KKG01, KSK11, KSK12, KKG11)."""
    if if_id not in IF_IDS:
        raise KeyError(if_id)
    layout = load_layout(resource_path("layouts", f"{if_id}.json"))
    if layout.if_id != if_id:
        raise LayoutError(f"{if_id}: ファイル識別が一致しません")
    return layout


def all_layouts() -> dict[str, Layout]:
    """Every shipped layout by IF-ID."""
    return {if_id: get_layout(if_id) for if_id in IF_IDS}
