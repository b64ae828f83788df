"""Table models of the transfer screens, all :class:`LazyTableModel`\\ s fed by ``set_rows``.

Rows are loaded by background jobs (``TransferViewService``, the sending and
exporting services) and handed over in memory; sorting and lookup happen here
without touching the disk or the network. No model has a column for personal
data: file names, kinds, sizes, dates, states and check messages only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from kokuho_pc.domain.wareki import wareki_short
from kokuho_pc.services.media_admin import MediumStatus
from kokuho_pc.services.sending import SetOutcome
from kokuho_pc.services.transfer_views import (
    CheckRow,
    DeliveryView,
    MediumFileView,
    medium_kind_label,
)
from kokuho_pc.ui.widgets.models import (
    CENTER,
    RIGHT,
    AnyIndex,
    Column,
    LazyTableModel,
    Query,
    RowId,
)
from kokuho_pc.ui.widgets.qt import QObject, Qt

T = TypeVar("T")

RESULT_CODES = {"00": "正常", "10": "空白期間あり", "11": "重複期間あり",
                "20": "前住所地に該当者なし", "30": "処理区分不正"}


def short_moment(value: object) -> str:
    """``R8.11.5 09:30`` for a moment, ``R8.11.5`` for a date, '' for none."""
    if isinstance(value, dt.datetime):
        return f"{wareki_short(value.date())} {value.hour:02d}:{value.minute:02d}"
    return wareki_short(value) if isinstance(value, dt.date) else ""


def size_text(value: object) -> str:
    """``1,234バイト`` / ``12.5KB`` / ``3.2MB``."""
    if not isinstance(value, int):
        return ""
    if value < 10_000:
        return f"{value:,}バイト"
    if value < 10_000_000:
        return f"{value / 1024:,.1f}KB"
    return f"{value / 1024 / 1024:,.1f}MB"


def count_text(value: object) -> str:
    """``1,234件``."""
    return f"{value:,}件" if isinstance(value, int) else ""


def result_counts_text(counts: Mapping[str, Any] | None) -> str:
    """``正常 12人、空白期間あり 1人`` from the T4 result counts."""
    if not counts:
        return ""
    return "、".join(f"{RESULT_CODES.get(code, code)} {n}人"
                     for code, n in sorted(counts.items()) if n)


def _sort_value(value: object) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, dt.datetime):
        return (1, value.timestamp())
    if isinstance(value, bool | int | float):
        return (1, value)
    return (2, str(value))


class RowsModel(LazyTableModel, Generic[T]):
    """Items held in memory, one row each, sorted by the raw value of a column."""

    def __init__(self, columns: Sequence[Column], to_row: Callable[[T], Mapping[str, object]],
                 parent: QObject | None = None) -> None:
        super().__init__(columns, self._search, self._fetch, parent)
        self._to_row = to_row
        self._items: list[T] = []
        self._rows: list[Mapping[str, object]] = []

    def set_rows(self, items: Sequence[T]) -> None:
        """Show ``items`` (in the current sort order)."""
        self._items = list(items)
        self._rows = [self._to_row(item) for item in self._items]
        self.refresh()

    def item(self, row: int) -> T:
        """The item shown in ``row``."""
        return self._items[int(str(self.row_id(row)))]

    def items(self) -> list[T]:
        """Every item in display order."""
        return [self.item(i) for i in range(self.total_count())]

    def clear(self) -> None:
        """Forget every item (the idle lock)."""
        self._items, self._rows = [], []
        super().clear()

    clear_for_lock = clear

    def _search(self, query: Query) -> list[RowId]:
        ids = list(range(len(self._rows)))
        if query.sort_key:
            key = query.sort_key
            ids.sort(key=lambda i: _sort_value(self._rows[i].get(key)),
                     reverse=not query.ascending)
        return list[RowId](ids)

    def _fetch(self, ids: Sequence[RowId]) -> Mapping[RowId, Mapping[str, object]]:
        return {i: self._rows[int(str(i))] for i in ids if int(str(i)) < len(self._rows)}


def _medium_row(m: MediumStatus) -> Mapping[str, object]:
    return {"name": m.path.name or str(m.path), "path": str(m.path),
            "kind": medium_kind_label(m), "state": m.message,
            "expires": wareki_short(m.expires) if m.expires else ""}


class MediaTableModel(RowsModel[MediumStatus]):
    """Mounted media; unapproved ones are shown disabled with their reason."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((
            Column("name", "媒体"), Column("kind", "種類", align=CENTER),
            Column("state", "使用許可", tooltip=True),
            Column("expires", "有効期限", align=CENTER), Column("path", "場所", tooltip=True),
        ), _medium_row, parent)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Approved media are selectable; unapproved ones are disabled."""
        if not index.isValid() or index.row() >= self.rowCount():
            return Qt.ItemFlag.NoItemFlags
        if not self.item(index.row()).approved:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled


def _file_row(f: MediumFileView) -> Mapping[str, object]:
    return {"name": f.name, "kind": f.kind, "size": f.size, "created": f.created,
            "state": f.state_label}


class MediumFilesModel(RowsModel[MediumFileView]):
    """The interface files on the chosen medium."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((
            Column("name", "ファイル名"), Column("kind", "種類"),
            Column("size", "サイズ", align=RIGHT, format=size_text),
            Column("created", "作成日時", align=CENTER, format=short_moment),
            Column("state", "状態", align=CENTER),
        ), _file_row, parent)


def _check_row(c: CheckRow) -> Mapping[str, object]:
    return {"file": c.file, "record": c.record, "item": c.item, "message": c.message}


class CheckResultModel(RowsModel[CheckRow]):
    """Problems found by a check: file, record (行), item (項目), message (内容)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((
            Column("file", "ファイル"),
            Column("record", "行", align=RIGHT, format=lambda v: "-" if v is None else str(v)),
            Column("item", "項目"), Column("message", "内容", tooltip=True),
        ), _check_row, parent)


def _outcome_row(o: SetOutcome) -> Mapping[str, object]:
    s = o.summary
    if not o.accepted:
        result = f"受付拒否(誤り {o.error_count}件)"
    else:
        result = "受付済(前回の送信結果)" if o.replayed else "受付済"
        detail = result_counts_text(s.get("result_counts"))
        result += f"({detail})" if detail else ""
    return {"files": "、".join(o.files), "submission_id": o.submission_id,
            "persons": s.get("persons"), "households": s.get("households"),
            "result": result}


class SendResultModel(RowsModel[SetOutcome]):
    """One row per sent file set: 受付番号, 件数, 処理結果."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((
            Column("files", "ファイル"),
            Column("submission_id", "受付番号", align=RIGHT),
            Column("persons", "人数", align=RIGHT, format=lambda v: f"{v:,}人"
                   if isinstance(v, int) else ""),
            Column("households", "世帯数", align=RIGHT, format=lambda v: f"{v:,}世帯"
                   if isinstance(v, int) else ""),
            Column("result", "処理結果", tooltip=True),
        ), _outcome_row, parent)


def _delivery_row(d: DeliveryView) -> Mapping[str, object]:
    return {"name": d.name, "kind": d.kind, "rows": d.rows, "size": d.size,
            "created": d.created, "state": d.state_label}


class DeliveriesModel(RowsModel[DeliveryView]):
    """Deliveries of the consolidation system with their export state."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((
            Column("name", "ファイル名"), Column("kind", "種類"),
            Column("rows", "件数", align=RIGHT, format=count_text),
            Column("size", "サイズ", align=RIGHT, format=size_text),
            Column("created", "配信日時", align=CENTER, format=short_moment),
            Column("state", "状態", align=CENTER),
        ), _delivery_row, parent)


ExportRow = tuple[str, int, str]  # name, size, acknowledgement label


class ExportResultModel(RowsModel[ExportRow]):
    """What one export wrote: file, size, verification and acknowledgement."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((
            Column("name", "ファイル名"),
            Column("size", "サイズ", align=RIGHT, format=size_text),
            Column("verified", "書込み確認", align=CENTER),
            Column("ack", "受領確認", align=CENTER),
        ), lambda r: {"name": r[0], "size": r[1], "verified": "照合済", "ack": r[2]}, parent)
