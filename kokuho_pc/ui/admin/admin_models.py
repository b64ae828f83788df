"""Table models of the administration tabs, all built on :class:`LazyTableModel`.

Background jobs load the service results (accounts, approved media, log
records) and hand them over with ``set_rows``; the search callback only sorts
what is already in memory. Nothing here holds personal data of insured persons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from kokuho_pc.domain.wareki import era_of, wareki_short
from kokuho_pc.services.accounts import AccountView
from kokuho_pc.services.audit_review import AuditRecord, AuditResult
from kokuho_pc.services.media_admin import MediaRecord
from kokuho_pc.services.profile import SYSTEM_ACTOR
from kokuho_pc.ui.widgets.models import CENTER, RIGHT, Column, LazyTableModel, Query, RowId
from kokuho_pc.ui.widgets.qt import QObject

RowOf = Callable[[object], Mapping[str, object]]


def short_day(value: object) -> str:
    """``R8.11.26`` for a date (empty for none; text passes through)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        clock = f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
        return f"{wareki_short(value.date())} {clock}"
    return wareki_short(value) if isinstance(value, dt.date) else ""


def fiscal_year_text(year: object) -> str:
    """``令和8年度`` for the fiscal year starting in April ``year``."""
    if not isinstance(year, int):
        return ""
    era, era_year = era_of(dt.date(year, 4, 1))
    return f"{era.name}{'元' if era_year == 1 else era_year}年度"


def _sort_value(value: object) -> tuple[int, object]:
    if value is None or value == "":
        return (1, "")
    if isinstance(value, dt.datetime | dt.date):
        return (0, value.isoformat())
    if isinstance(value, int | float):
        return (0, f"{value:020.3f}")
    return (0, str(value))


class MemoryTableModel(LazyTableModel):
    """A lazy model over objects already in memory, keyed by ``key(obj)``."""

    def __init__(
        self,
        columns: Sequence[Column],
        key: Callable[[object], RowId],
        row_of: RowOf,
        parent: QObject | None = None,
        sort_values: Mapping[str, Callable[[object], object]] | None = None,
    ) -> None:
        super().__init__(columns, self._search, self._fetch, parent)
        self._key = key
        self._row_of = row_of
        self._sort_values = dict(sort_values or {})  # column key → cheap sort value of an object
        self._objects: dict[RowId, object] = {}
        self._order: list[RowId] = []
        self._rows: dict[RowId, Mapping[str, object]] = {}  # display rows made so far

    def set_rows(self, objects: Sequence[object]) -> None:
        """Show ``objects`` (in the given order unless the user sorted)."""
        self._objects = {self._key(o): o for o in objects}
        self._order = list(self._objects)
        self._rows = {}
        self.refresh()

    def object_at(self, row: int) -> object:
        """The object shown in ``row``."""
        return self._objects[self.row_id(row)]

    def objects(self) -> list[object]:
        """Every loaded object in display order."""
        return [self._objects[self.row_id(i)] for i in range(self.total_count())]

    def clear(self) -> None:
        """Forget every row (the idle lock)."""
        self._objects = {}
        self._order = []
        self._rows = {}
        super().clear()

    clear_for_lock = clear

    def _row(self, row_id: RowId) -> Mapping[str, object]:
        row = self._rows.get(row_id)
        if row is None:
            row = self._rows[row_id] = self._row_of(self._objects[row_id])
        return row

    def _search(self, query: Query) -> list[RowId]:
        ids = list(self._order)
        key = query.sort_key
        if key is not None:
            cheap = self._sort_values.get(key)
            if cheap is not None:
                ids.sort(key=lambda i: _sort_value(cheap(self._objects[i])),
                         reverse=not query.ascending)
            else:
                ids.sort(key=lambda i: _sort_value(self._row(i).get(key)),
                         reverse=not query.ascending)
        return ids

    def _fetch(self, ids: Sequence[RowId]) -> Mapping[RowId, Mapping[str, object]]:
        return {i: self._row(i) for i in ids if i in self._objects}


ACCOUNT_COLUMNS = (
    Column("user_id", "ユーザID"),
    Column("name", "氏名"),
    Column("role", "権限"),
    Column("valid_from", "利用開始日", align=CENTER, format=short_day),
    Column("valid_to", "利用終了日", align=CENTER, format=short_day),
    Column("granted_fy", "年度付与", align=CENTER, format=fiscal_year_text),
    Column("state", "状態", align=CENTER),
    Column("password", "パスワード", align=CENTER),
    Column("otp", "ワンタイム", align=CENTER),
    Column("failed", "失敗回数", align=RIGHT),
)


def account_row(obj: object) -> Mapping[str, object]:
    """The table row of an :class:`AccountView`."""
    assert isinstance(obj, AccountView)
    return {
        "user_id": obj.user_id, "name": obj.name, "role": obj.role.label,
        "valid_from": obj.valid_from, "valid_to": obj.valid_to or "定めなし",
        "granted_fy": obj.granted_fy, "state": obj.state.label,
        "password": "初期(要変更)" if obj.must_change_password else "設定済",
        "otp": "登録済" if obj.second_factor_enrolled else "未登録",
        "failed": obj.failed_count,
    }


def accounts_model(parent: QObject | None = None) -> MemoryTableModel:
    """The staff accounts table."""
    return MemoryTableModel(ACCOUNT_COLUMNS, lambda a: getattr(a, "user_id", ""),
                            account_row, parent)


MEDIA_COLUMNS = (
    Column("media_id", "媒体ID"),
    Column("kind", "種類", align=CENTER),
    Column("allowed", "使用を許可した職員", tooltip=True),
    Column("expires", "有効期限", align=CENTER, format=short_day),
    Column("state", "状態", align=CENTER),
    Column("registered_by", "許可した管理者"),
    Column("registered_at", "許可日時", align=CENTER, format=short_day),
)


def medium_state(record: MediaRecord, today: dt.date) -> str:
    """有効 / 取消 / 期限切れ."""
    if record.revoked_at:
        return "取消"
    return "期限切れ" if record.expires < today else "有効"


def _moment(text: str | None, *, to_local: bool = True) -> dt.datetime | None:
    """Parse an ISO time; ``to_local`` converts a UTC stamp to this PC's time zone."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if to_local and moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment


def media_model(today: Callable[[], dt.date], parent: QObject | None = None) -> MemoryTableModel:
    """The approved media table (``today`` decides 期限切れ)."""

    def row(obj: object) -> Mapping[str, object]:
        assert isinstance(obj, MediaRecord)
        return {
            "media_id": obj.media_id,
            "kind": "疑似媒体" if obj.volume_kind == "emulated" else "外部媒体",
            "allowed": "、".join(obj.allowed_staff), "expires": obj.expires,
            "state": medium_state(obj, today()), "registered_by": obj.registered_by,
            "registered_at": _moment(obj.registered_at),
        }

    return MemoryTableModel(MEDIA_COLUMNS, lambda m: getattr(m, "media_id", ""), row, parent)


AUDIT_COLUMNS = (
    Column("seq", "番号", align=RIGHT),
    Column("time", "日時", align=CENTER, format=short_day),
    Column("staff_id", "職員"),
    Column("action", "操作"),
    Column("result", "結果", align=CENTER),
    Column("targets", "対象", tooltip=True),
    Column("forwarded", "送信状態", align=CENTER),
)

TARGET_LABELS: dict[str, str] = {
    "account": "アカウント", "role": "権限", "valid_from": "開始", "valid_to": "終了",
    "fiscal_year": "年度", "setting": "設定", "value": "値", "file": "ファイル",
    "files": "ファイル", "size": "サイズ", "medium": "媒体", "delivery": "配信",
    "candidate": "候補", "candidates": "候補", "decision": "判断", "count": "件数",
    "records": "レコード", "errors": "エラー", "swept": "消去", "report": "帳票",
    "pages": "ページ", "reason": "理由", "first_bad_seq": "最初の異常",
    "up_to_seq": "まで", "municipality": "市町村", "sha256": "SHA-256",
}


def targets_text(targets: Mapping[str, object]) -> str:
    """``アカウント=sato.hanako 権限=staff`` (identifiers and counts only)."""
    parts = []
    for key, value in targets.items():
        if value is None:
            continue
        shown = ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{TARGET_LABELS.get(key, key)}={shown}")
    return " ".join(parts)


def audit_row(obj: object) -> Mapping[str, object]:
    """The table row of an :class:`AuditRecord`."""
    assert isinstance(obj, AuditRecord)
    try:
        result = AuditResult(obj.result).label
    except ValueError:
        result = obj.result
    return {
        # the record time is already the PC's local time with its offset: shown as recorded
        "seq": obj.seq, "time": _moment(obj.time, to_local=False),
        "staff_id": "(システム)" if obj.staff_id == SYSTEM_ACTOR else obj.staff_id,
        "action": obj.action_label, "result": result, "targets": targets_text(obj.targets),
        "forwarded": "送信済" if obj.forwarded_ack else "未送信",
    }


def audit_model(parent: QObject | None = None) -> MemoryTableModel:
    """The operation-log table."""
    def attribute(name: str) -> Callable[[object], object]:
        return lambda record: getattr(record, name)

    cheap = {"seq": attribute("seq"), "time": attribute("seq"),  # time order = sequence order
             "staff_id": attribute("staff_id"), "result": attribute("result"),
             "forwarded": attribute("forwarded_ack")}
    return MemoryTableModel(AUDIT_COLUMNS, lambda r: getattr(r, "seq", 0), audit_row, parent,
                            sort_values=cheap)


__all__ = [
    "MemoryTableModel",
    "accounts_model",
    "audit_model",
    "fiscal_year_text",
    "media_model",
    "short_day",
    "targets_text",
]
