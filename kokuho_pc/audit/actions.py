"""What the operation log can record: typed actions, results and target identifiers."""

from __future__ import annotations

import re
from enum import Enum
from typing import overload


class AuditAction(Enum):
    """Every kind of operation-log event (value = stable English code)."""

    LOGIN_SUCCESS = "login.success"
    LOGIN_FAILURE = "login.failure"
    LOCKOUT = "account.lockout"
    LOGOUT = "logout"
    SESSION_LOCK = "session.lock"
    SESSION_UNLOCK = "session.unlock"
    SESSION_UNLOCK_FAILURE = "session.unlock_failure"
    SESSION_EXPIRED = "session.expired"
    PASSWORD_CHANGE = "password.change"  # noqa: S105 (an event name)
    TOTP_ENROL = "totp.enrol"
    FIDO_ENROL = "fido.enrol"  # a FIDO2 authenticator enrolled (administrator present)
    FIDO_REVOKE = "fido.revoke"
    ACCOUNT_CREATE = "account.create"
    ACCOUNT_REVOKE = "account.revoke"
    ACCOUNT_UNLOCK = "account.unlock"
    ACCOUNT_REGRANT = "account.regrant"
    ACCOUNT_PASSWORD_RESET = "account.password_reset"  # noqa: S105 (an event name)
    ACCOUNT_CHANGE = "account.change"  # role or validity period changed
    POLICY_CHANGE = "policy.change"
    SETTINGS_CHANGE = "settings.change"
    STORE_INIT = "store.init"
    STORE_RESET = "store.reset"
    MEDIA_REGISTER = "media.register"
    # Before this existed, a revocation was logged as media.register with reason "revoke";
    # such records stay valid (the chain covers the text) and are labelled as revocations.
    MEDIA_REVOKE = "media.revoke"
    MEDIA_CONNECT = "media.connect"
    MEDIA_DENY = "media.deny"
    MEDIA_READ = "media.read"
    MEDIA_WRITE = "media.write"
    FILE_CHECK = "file.check"
    SEND = "send"
    RECEIVE = "receive"
    EXPORT = "export"
    CANDIDATE_LIST_VIEW = "candidate.list_view"
    RESULTS_VIEW = "candidate.results_view"  # 確定結果 opened (issue 17: was list_view)
    DECISION = "candidate.decision"
    CONFIRMATION = "candidate.confirmation"
    PRINT = "print"
    TEMP_SWEEP = "temp.sweep"
    AUDIT_VERIFY = "audit.verify"
    AUDIT_REVIEW = "audit.review"
    AUDIT_FORWARD = "audit.forward"
    AUDIT_PRUNE = "audit.prune"
    AUDIT_EXPORT = "audit.export"  # the filtered log written as CSV to an approved medium

    @property
    def label(self) -> str:
        """Japanese label for the administrator's log review screen."""
        return _LABELS.get(self, self.value)


class AuditResult(Enum):
    """How the operation ended."""

    SUCCESS = "success"
    FAILURE = "failure"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        """Japanese label."""
        return {"success": "成功", "failure": "失敗", "refused": "拒否"}[self.value]


# Keys a record's targets may use: identifiers and counts only, never a name,
# a 個人番号 or a field value of an interface file.
TARGET_KEYS: frozenset[str] = frozenset({
    "account",        # a staff user ID acted upon
    "credential",     # a FIDO2 credential's short name (8 hex digits of its hash)
    "role",
    "valid_from", "valid_to", "fiscal_year",
    "setting", "value",  # policy setting name and new value (never personal data)
    "file", "files",  # interface file name(s)
    "sha256", "size",
    "medium",         # medium ID
    "delivery",       # delivery ID of the consolidation system
    "candidate", "candidates",  # candidate number(s)
    "decision",       # continue / discontinue
    "count", "records", "errors", "swept",
    "report",         # report kind
    "pages",          # pages printed
    "printer",        # the printer's name as the OS lists it
    "reason",         # an English reason code (e.g. "wrong_password"), never free text
    "first_bad_seq", "up_to_seq",
    "municipality",
    "as_of",          # the time of an earlier candidate list reprinted (ISO, to the second)
    "receipt",        # 受付番号 the consolidation system gave a send (issue 17: searchable)
})

# Keys whose values are SHA-256 digests (a string or a list of strings). There a
# value of exactly 64 lowercase hex characters is a hash, not a number: the log
# accepts it even when its digits happen to form a 12-digit run passing the
# 個人番号 check digit, and stores it in the form of :func:`log_hash`.
HASH_KEYS: frozenset[str] = frozenset({"sha256"})

_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def is_hex_digest(value: str) -> bool:
    """True for exactly 64 lowercase hex characters (a SHA-256 as ``hexdigest()`` gives it)."""
    return _HEX_DIGEST.fullmatch(value) is not None


@overload
def log_hash(hex_digest: str) -> str: ...
@overload
def log_hash(hex_digest: None) -> None: ...
def log_hash(hex_digest: str | None) -> str | None:
    """A SHA-256 as the operation log stores it: hex in groups of 8 (``aa4e0686-eec9...``).

    Raw hex can hold a run of 12 digits that passes the 個人番号 check digit by
    chance; groups of 8 never form one, so neither the log's own scan nor the
    consolidation system's scan of forwarded records mistakes a hash for a
    個人番号. :meth:`AuditLog.record` applies this itself to digests under
    :data:`HASH_KEYS`; other values pass through unchanged.
    """
    if hex_digest is None or not is_hex_digest(hex_digest):
        return hex_digest
    return "-".join(hex_digest[i : i + 8] for i in range(0, len(hex_digest), 8))

_LABELS: dict[AuditAction, str] = {
    AuditAction.LOGIN_SUCCESS: "ログイン",
    AuditAction.LOGIN_FAILURE: "ログイン失敗",
    AuditAction.LOCKOUT: "アカウントロック",
    AuditAction.LOGOUT: "ログアウト",
    AuditAction.SESSION_LOCK: "画面ロック",
    AuditAction.SESSION_UNLOCK: "画面ロック解除",
    AuditAction.SESSION_UNLOCK_FAILURE: "画面ロック解除失敗",
    AuditAction.SESSION_EXPIRED: "ログイン有効時間切れ",
    AuditAction.PASSWORD_CHANGE: "パスワード変更",
    AuditAction.TOTP_ENROL: "ワンタイムパスワード登録",
    AuditAction.FIDO_ENROL: "生体認証(認証器)登録",
    AuditAction.FIDO_REVOKE: "生体認証(認証器)失効",
    AuditAction.ACCOUNT_CREATE: "アカウント作成",
    AuditAction.ACCOUNT_REVOKE: "アカウント失効",
    AuditAction.ACCOUNT_UNLOCK: "アカウントロック解除",
    AuditAction.ACCOUNT_REGRANT: "年度権限付与",
    AuditAction.ACCOUNT_PASSWORD_RESET: "初期パスワード再設定",
    AuditAction.ACCOUNT_CHANGE: "アカウント変更",
    AuditAction.POLICY_CHANGE: "ポリシー変更",
    AuditAction.SETTINGS_CHANGE: "設定変更",
    AuditAction.STORE_INIT: "データベース作成",
    AuditAction.STORE_RESET: "データベース再作成",
    AuditAction.MEDIA_REGISTER: "媒体使用許可",
    AuditAction.MEDIA_REVOKE: "媒体使用許可取消",
    AuditAction.MEDIA_CONNECT: "媒体接続",
    AuditAction.MEDIA_DENY: "媒体接続拒否",
    AuditAction.MEDIA_READ: "媒体読込",
    AuditAction.MEDIA_WRITE: "媒体書込",
    AuditAction.FILE_CHECK: "検査",
    AuditAction.SEND: "送信",
    AuditAction.RECEIVE: "受信",
    AuditAction.EXPORT: "移出",
    AuditAction.CANDIDATE_LIST_VIEW: "継続候補世帯リスト表示",
    AuditAction.RESULTS_VIEW: "確定結果表示",
    AuditAction.DECISION: "継続の判断",
    AuditAction.CONFIRMATION: "確定指示",
    AuditAction.PRINT: "印刷",
    AuditAction.TEMP_SWEEP: "一時ファイル消去",
    AuditAction.AUDIT_VERIFY: "操作ログ検証",
    AuditAction.AUDIT_REVIEW: "操作ログ閲覧",
    AuditAction.AUDIT_FORWARD: "操作ログ送信",
    AuditAction.AUDIT_PRUNE: "操作ログ削除(保存期間経過)",
    AuditAction.AUDIT_EXPORT: "操作ログCSV出力",
}
