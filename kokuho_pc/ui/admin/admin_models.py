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
from kokuho_pc.services.policy import PolicyService
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
    Column("last_login", "最終ログイン", align=CENTER, format=short_day),
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
        "last_login": moment(obj.last_login, to_local=False) if obj.last_login else "なし",
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


def moment(text: str | None, *, to_local: bool = True) -> dt.datetime | None:
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
            "registered_at": moment(obj.registered_at),
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
    "printer": "プリンタ", "state": "状態", "credential": "認証器", "undecided": "未判断",
    "decided": "判断済", "confirmed": "確定", "candidate_nos": "候補番号",
    "municipality_code": "市町村コード", "local": "端末", "kind": "種類",
    "receipt": "受付番号", "receipts": "受付番号", "receipt_no": "受付番号",
}

# Stored codes shown in Japanese (issue 17): the log keeps the codes, the screen, the
# print and the CSV say them in words. A code without an entry is shown as it is (an ID).
VALUE_LABELS: dict[str, dict[str, str]] = {
    "reason": {
        "user": "利用者の操作", "manual": "手動(画面ロック)", "idle": "無操作",
        "exit": "終了", "expired": "ログイン有効時間切れ", "command_end": "コマンド終了",
        "demo_setup": "デモ環境の準備", "account_inactive": "アカウント無効",
        "wrong_password": "パスワード誤り", "unknown_user": "未登録のユーザID",
        "reason_required": "理由の入力が必要", "rollback": "操作ログの巻き戻し",
        "invalid": "不正な値", "revoked": "失効済み", "counter": "認証器の使用回数異常",
        "no_user_verification": "本人確認なし", "unknown_challenge": "不明な認証要求",
        "not_this_user": "別の利用者", "verified": "確認済み", "second_missing": "確認者なし",
        "same_person": "判断者と同じ職員", "reexport": "再移出",
        "reexport_not_admin": "再移出(管理者以外)", "reexport_approved": "再移出(承認済み)",
        "last_admin_lock_expired": "最後の管理者のロック期限切れ", "locked": "ロック中",
        "file_name_kind": "ファイル名の種類", "file_name_extra": "ファイル名の余分な文字",
        "file_name_ext": "ファイル名の拡張子", "file_name_encoding": "ファイル名の文字コード",
        "file_name_date": "ファイル名の日付", "file_name_check_digit": "ファイル名の検査数字",
        "file_name_case": "ファイル名の大文字・小文字",
        "emulated": "疑似媒体", "volume": "外部媒体", "my_number": "個人番号の可能性",
        "fido": "生体認証", "already_processed": "処理済みの内容", "resend": "再送",
        "replayed": "再試行", "copied": "複製された媒体", "expired_medium": "期限切れの媒体",
        "staff_not_allowed": "許可されていない職員", "not_registered": "未登録の媒体",
    },
    "report": {
        "candidate_list": "継続候補世帯リスト", "confirmed_list": "継続世帯確定リスト",
        "carry_over_list": "高額該当回数引継結果", "result_problem_list": "処理結果・エラーリスト",
        "check_list": "検査結果", "results": "確定結果", "audit_log": "操作ログ",
    },
    "role": {"staff": "事務取扱担当者", "admin": "情報システム管理者"},
    "decision": {"continue": "継続する", "discontinue": "継続しない"},
    "kind": {"emulated": "疑似媒体", "volume": "外部媒体"},
}
_BOOLEAN_WORDS = {"True": "はい", "False": "いいえ", "true": "はい", "false": "いいえ"}


SETTING_WORDS = {"demo": "デモ環境", "municipality_code": "市町村コード"}


def _setting_label(code: str) -> str:
    spec = next((s for s in PolicyService.specs() if s.name == code), None)
    if spec is not None:
        return spec.description.split("(")[0]
    return SETTING_WORDS.get(code, code)


def value_text(key: str, value: object) -> str:
    """One stored value of the log's 対象 in words (codes translated, IDs as they are)."""
    if isinstance(value, list):
        return ",".join(value_text(key, v) for v in value)
    text = str(value)
    if key == "setting":
        return _setting_label(text)
    if key == "role" and "," in text:
        return ",".join(value_text(key, v) for v in text.split(","))
    labels = VALUE_LABELS.get(key)
    if labels is not None and text in labels:
        return labels[text]
    return _BOOLEAN_WORDS.get(text, text)


def targets_text(targets: Mapping[str, object]) -> str:
    """``アカウント=sato.hanako 権限=事務取扱担当者`` (identifiers, counts, codes in words)."""
    parts = []
    for key, value in targets.items():
        if value is None:
            continue
        parts.append(f"{TARGET_LABELS.get(key, key)}={value_text(key, value)}")
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
        "seq": obj.seq, "time": moment(obj.time, to_local=False),
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
