"""The one typed error tree of the product.

Every error a user may see derives from :class:`KokuhoError` and carries a
Japanese ``user_message`` (what happened) and ``hint`` (what to do). Messages
never contain a 個人番号, a password, a name or any field value of a file.
Each area subclasses the branch that fits; ``kokuho_pc.services.messages``
is the one place that turns any exception into what the user reads.
"""

from __future__ import annotations


class KokuhoError(Exception):
    """Base of every expected error. ``code`` is a stable English identifier."""

    code = "error"
    default_message = "処理を完了できませんでした。"
    default_hint = (
        "もう一度操作してください。解決しない場合は情報システム管理者に連絡してください。"
    )

    def __init__(self, user_message: str | None = None, hint: str | None = None) -> None:
        self.user_message = user_message or self.default_message
        self.hint = hint or self.default_hint
        super().__init__(self.user_message)


class ValidationError(KokuhoError):
    """Input data (a file, a form) does not follow the rules."""

    code = "invalid"
    default_message = "入力内容に誤りがあります。"
    default_hint = "内容を確認して訂正してください。"


class AuthError(KokuhoError):
    """Authentication or authorisation refused."""

    code = "auth"
    default_message = "認証に失敗しました。"
    default_hint = "ユーザIDとパスワードを確認してください。"


class PermissionDenied(AuthError):
    """The account may not do this."""

    code = "permission"
    default_message = "この操作を行う権限がありません。"
    default_hint = "情報システム管理者に権限の付与を依頼してください。"


class StoreError(KokuhoError):
    """The encrypted local store cannot be opened or written."""

    code = "store"
    default_message = "端末のデータベースを利用できません。"
    default_hint = "情報システム管理者に連絡してください。"


class AuditError(KokuhoError):
    """The operation log cannot be written or does not verify."""

    code = "audit"
    default_message = "操作ログを記録できないため、操作を中止しました。"
    default_hint = "情報システム管理者に連絡してください。"


class MediaError(KokuhoError):
    """A removable medium is not approved, missing or unusable."""

    code = "media"
    default_message = "外部媒体を利用できません。"
    default_hint = "使用許可された媒体を接続してください。"


class TransferError(KokuhoError):
    """Sending, receiving or exporting failed."""

    code = "transfer"
    default_message = "データの送受信に失敗しました。"
    default_hint = "しばらく待ってから再度実行してください。データは失われていません。"


class ConnectionFailed(TransferError):
    """The consolidation system could not be reached or was not trusted."""

    code = "connection"
    default_message = "国保情報集約システムに接続できません。"
    default_hint = "ネットワークの状態を確認し、しばらく待ってから再度実行してください。"


class ServerRefused(TransferError):
    """The consolidation system refused the request."""

    code = "server_refused"
    default_message = "国保情報集約システムが要求を受け付けませんでした。"


class Cancelled(KokuhoError):
    """The user cancelled a long operation; nothing was changed."""

    code = "cancelled"
    default_message = "処理を中止しました。"
    default_hint = "必要であれば再度実行してください。"


class PrintError(KokuhoError):
    """A list could not be produced or printed."""

    code = "print"
    default_message = "帳票を作成できませんでした。"
