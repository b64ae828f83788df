"""The simulator's typed errors (one small tree; the HTTP layer maps each to a status).

Every message is Japanese and never contains a 個人番号, a name or any field
value. Suggested HTTP status per class is in ``http_status``.
"""

from __future__ import annotations

from kokuho_pc.domain.errors import KokuhoError


class SimError(KokuhoError):
    """Base of every error the engine raises on purpose."""

    code = "sim_error"
    http_status = 500
    default_message = "国保情報集約システムで処理できませんでした。"


class InvalidRequest(SimError):
    """The request itself is malformed (bad value, missing reason, bad digest ...)."""

    code = "invalid_request"
    http_status = 400
    default_message = "要求の内容が正しくありません。"


class NotFound(SimError):
    """The resource does not exist or belongs to another municipality (never told apart)."""

    code = "not_found"
    http_status = 404
    default_message = "指定されたデータは存在しません。"


class Forbidden(SimError):
    """The caller's municipality may not do this (e.g. submit another municipality's files)."""

    code = "forbidden"
    http_status = 403
    default_message = "この市町村の端末からは行えない操作です。"


class IdempotencyConflict(SimError):
    """The same Idempotency-Key was used before with different content."""

    code = "idempotency_conflict"
    http_status = 409
    default_message = "同じ要求キーで異なる内容が送信されました。"
    default_hint = "新しい要求キーで送信し直してください。"


class StateConflict(SimError):
    """The resource is in a state that forbids the change (e.g. already confirmed)."""

    code = "state_conflict"
    http_status = 409
    default_message = "現在の状態ではこの操作は行えません。"


class FileSetInvalid(SimError):
    """A submitted file set failed its check; nothing of it was taken in.

    ``issues`` holds the checker's issues as JSON dicts (file, record, item,
    code, message) — messages that quote no value.
    """

    code = "file_set_invalid"
    http_status = 422
    default_message = "送信されたファイルに誤りがあるため、受け付けませんでした。"
    default_hint = "ファイルを検査し、誤りを訂正してから送信してください。"

    def __init__(
        self, issues: list[dict[str, object]] | None = None, user_message: str | None = None
    ) -> None:
        super().__init__(user_message)
        self.issues: list[dict[str, object]] = list(issues or [])


class StorageFailure(SimError):
    """The simulator's database cannot be opened, migrated or written."""

    code = "storage"
    http_status = 503
    default_message = "国保情報集約システムのデータベースを利用できません。"


class StorageBusy(SimError):
    """The database stayed locked by another writer longer than it waits."""

    code = "busy"
    http_status = 503
    default_message = ("国保情報集約システムが混み合っています。"
                       "しばらく待ってから再度実行してください。")


class ChainRefused(SimError):
    """A forwarded batch does not extend the terminal's acknowledged chain (refused whole).

    ``alert`` is the review's alert code (``rollback``, ``chain_broken``); ``detail`` its
    Japanese text (numbers and codes only). The engine stores the alert in its own
    transaction, so the refusal is never only logged.
    """

    code = "chain_refused"
    http_status = 409
    default_message = (
        "操作ログが国保情報集約システムの記録と連続していないため、受け付けませんでした。")
    default_hint = "国保連合会に連絡してください。"

    def __init__(self, code: str, alert: str, detail: str, state: str) -> None:
        super().__init__(f"{self.default_message}({detail})")
        self.code = code
        self.alert = alert
        self.detail = detail
        self.state = state


class StaffRefused(Forbidden):
    """The request names a staff member the municipality's registry does not hold as active."""

    code = "unknown_staff"
    default_message = "この職員IDは国保情報集約システムに登録されていないか、無効です。"
    default_hint = "情報システム管理者に連絡してください。"
