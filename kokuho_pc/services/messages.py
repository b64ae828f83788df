"""The one place that turns any exception into what a staff member reads (Japanese).

``describe_error(exc)`` returns a title, a message and a hint. Expected
errors (:class:`KokuhoError`) speak for themselves; anything else becomes a
generic message. ``support_details`` gives the text of the "copy details"
button: error codes and types only, never a message of a foreign exception
(which could hold data) nor any personal data.
"""

from __future__ import annotations

from dataclasses import dataclass

from kokuho_pc.domain import errors as e
from kokuho_pc.domain.leakscan import contains_my_number


@dataclass(frozen=True)
class UserMessage:
    """What a dialog or the command line shows."""

    title: str
    message: str
    hint: str
    code: str


_TITLES: tuple[tuple[type[e.KokuhoError], str], ...] = (
    (e.PermissionDenied, "権限がありません"),
    (e.SessionLocked, "画面ロック"),
    (e.SessionExpired, "再ログインが必要です"),
    (e.AuthError, "認証エラー"),
    (e.WeakPassword, "パスワードを使用できません"),
    (e.ValidationError, "入力内容の誤り"),
    (e.InsecureKeyring, "鍵の保管場所のエラー"),
    (e.StoreError, "データベースのエラー"),
    (e.AuditVerifyFailed, "操作ログの改ざん検出"),
    (e.AuditError, "操作ログのエラー"),
    (e.MediaError, "外部媒体のエラー"),
    (e.ConnectionFailed, "接続エラー"),
    (e.TransferError, "送受信のエラー"),
    (e.Cancelled, "中止"),
    (e.PrintError, "印刷のエラー"),
)

_UNEXPECTED = UserMessage(
    "予期しないエラー",
    "予期しないエラーが発生したため、処理を中止しました。",
    "もう一度操作してください。解決しない場合は「詳細をコピー」して情報システム管理者に"
    "連絡してください。",
    "unexpected",
)


def _safe(text: str, fallback: str) -> str:
    return fallback if contains_my_number(text) else text


def describe_error(exc: BaseException) -> UserMessage:
    """Title, message and hint for any exception (never personal data)."""
    if isinstance(exc, e.KokuhoError):
        title = next((t for cls, t in _TITLES if isinstance(exc, cls)), "エラー")
        return UserMessage(
            title,
            _safe(exc.user_message, type(exc).default_message),
            _safe(exc.hint, type(exc).default_hint),
            exc.code,
        )
    if isinstance(exc, PermissionError):
        return UserMessage("ファイルのエラー", "ファイルにアクセスする権限がありません。",
                           "情報システム管理者に連絡してください。", "os_permission")
    if isinstance(exc, FileNotFoundError):
        return UserMessage("ファイルのエラー", "ファイルが見つかりません。",
                           "場所を確認してもう一度操作してください。", "os_not_found")
    if isinstance(exc, OSError):
        return UserMessage("入出力エラー", "ファイルまたは装置の読み書きに失敗しました。",
                           "装置の接続と空き容量を確認してください。", "os_error")
    if isinstance(exc, MemoryError):
        return UserMessage("メモリ不足", "メモリが不足したため処理を中止しました。",
                           "他のアプリケーションを終了してから再度実行してください。", "memory")
    return _UNEXPECTED


def support_details(exc: BaseException) -> str:
    """Text for "copy details": error code and exception types of the chain only."""
    lines = [f"code={describe_error(exc).code}"]
    current: BaseException | None = exc
    depth = 0
    while current is not None and depth < 8:
        lines.append(f"{type(current).__module__}.{type(current).__qualname__}")
        current = current.__cause__ or current.__context__
        depth += 1
    return "\n".join(lines)
