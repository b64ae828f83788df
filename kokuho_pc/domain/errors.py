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


class StoreDiskFull(StoreError):
    """The disk refused a write of the store (full, a file-size limit, an I/O error)."""

    code = "store_disk_full"
    default_message = ("端末のディスクに書き込めないため、処理を中止しました(空き容量の不足など)。"
                       "書きかけの内容は保存していません。")
    default_hint = ("端末の空き容量を確認してください。"
                    "解決しない場合は情報システム管理者に連絡してください。")


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


# --- security core (store, accounts, sessions, operation log) -------------


class LoginFailed(AuthError):
    """Any refused login: unknown ID, wrong password or one-time password, locked,
    revoked, outside the validity period, not granted — one message for all, so the
    answer tells an attacker nothing (the operation log records the reason)."""

    code = "login_failed"
    default_message = "ログインできませんでした。"
    default_hint = (
        "ユーザID・パスワード・ワンタイムパスワードを確認してください。続けて失敗すると"
        "アカウントがロックされます。ロックの解除や利用期間は情報システム管理者に"
        "確認してください。"
    )


class QuickUnlockRefused(LoginFailed):
    """A refused FIDO2 quick unlock (issue 21): another user's credential, a replay, a
    cloned or revoked authenticator, user verification not performed, a bad signature,
    or the account no longer usable. Counted towards the lockout like a wrong password
    and shown with the same message; the session it tried to unlock is over (sign in
    again). ``reason`` is the English code for the operation log (never shown)."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class AccountLocked(AuthError):
    """Too many failed logins; only an administrator lifts the lock."""

    code = "account_locked"
    default_message = "アカウントがロックされています。"
    default_hint = "情報システム管理者にロックの解除を依頼してください。"


class AccountInactive(AuthError):
    """The account is revoked, outside its validity period or not granted this fiscal year."""

    code = "account_inactive"
    default_message = (
        "このアカウントは現在利用できません(失効、利用期間外または今年度の権限未付与)。"
    )
    default_hint = "所属の長を通じて情報システム管理者に権限の付与を申請してください。"


class PasswordChangeRequired(AuthError):
    """The password was set by an administrator and must be changed first."""

    code = "password_change_required"
    default_message = "初期パスワードのため、パスワードの変更が必要です。"
    default_hint = "新しいパスワードを設定してから操作してください。"


class SecondFactorRequired(AuthError):
    """The policy requires a one-time password (TOTP)."""

    code = "second_factor_required"
    default_message = "ワンタイムパスワードが必要です。"
    default_hint = "認証アプリに表示された6桁の数字を入力してください。"


class SessionLocked(AuthError):
    """The screen is locked after inactivity; the same user must unlock it."""

    code = "session_locked"
    default_message = "一定時間操作がなかったため、画面をロックしました。"
    default_hint = "ログインしている本人がパスワードを入力して解除してください。"


class SessionExpired(AuthError):
    """The session ended (12-hour limit or logout); log in again."""

    code = "session_expired"
    default_message = "ログインの有効時間が過ぎました。"
    default_hint = "もう一度ログインしてください。"


class WeakPassword(ValidationError):
    """The new password does not meet the password policy."""

    code = "weak_password"
    default_message = "このパスワードは使用できません。"
    default_hint = (
        "13文字以上で、推測されにくい語句にしてください(ユーザID、氏名、よく使われる"
        "パスワードは使用できません)。"
    )


class InvalidAccountData(ValidationError):
    """An account field (user ID, name, role, validity period) is not acceptable."""

    code = "invalid_account"
    default_message = "アカウントの内容に誤りがあります。"
    default_hint = "個人ごとのユーザIDと正しい利用期間を指定してください。"


class InvalidSetting(ValidationError):
    """A policy setting name or value is not acceptable."""

    code = "invalid_setting"
    default_message = "設定値に誤りがあります。"
    default_hint = "設定項目の説明を確認して正しい値を指定してください。"


class ProfileError(StoreError):
    """The profile directory is missing, already exists or is damaged."""

    code = "profile"
    default_message = "プロファイルを利用できません。"
    default_hint = "情報システム管理者がプロファイルの場所と内容を確認してください。"


class StoreKeyMissing(StoreError):
    """The store key is not in the OS keyring (or key file): the store cannot be read."""

    code = "store_key_missing"
    default_message = "端末のデータベースの暗号鍵が見つかりません。"
    default_hint = (
        "情報システム管理者に連絡してください。鍵を復元できない場合は、管理者が "
        "kokuho-pc init --reset-store で空のデータベースを作り直します"
        "(アカウントと操作ログは失われます)。"
    )


class StoreKeyMismatch(StoreError):
    """The key does not open the database (wrong key or damaged file)."""

    code = "store_key_mismatch"
    default_message = (
        "端末のデータベースを暗号鍵で開けません(鍵の不一致またはファイルの破損)。"
    )
    default_hint = StoreKeyMissing.default_hint


class InsecureKeyring(StoreError):
    """The OS keyring backend is absent or insecure (fail, null, plaintext)."""

    code = "insecure_keyring"
    default_message = "安全な鍵の保管場所(OSのキーリング)を利用できません。"
    default_hint = (
        "情報システム管理者に連絡してください。OSの資格情報マネージャー"
        "(Windows資格情報マネージャー、macOSキーチェーン、Secret Service)を有効にしてください。"
    )


class AuditVerifyFailed(AuditError):
    """The operation log was altered: ``first_bad_seq`` is the first bad record."""

    code = "audit_verify_failed"
    default_message = "操作ログの改ざんまたは欠落を検出しました。"
    default_hint = "情報システム管理者に報告し、端末の利用を中止してください。"

    def __init__(self, first_bad_seq: int, user_message: str | None = None) -> None:
        self.first_bad_seq = first_bad_seq
        super().__init__(
            user_message or f"操作ログの改ざんまたは欠落を検出しました(通番 {first_bad_seq})。"
        )


ROLLBACK_MESSAGE = "操作ログが巻き戻されています。"
ROLLBACK_HINT = (
    "この端末のデータベースが以前の状態に戻されたか、書き換えられた可能性があります。"
    "端末の利用を中止し、国保連合会(国保情報集約システムの管理者)に連絡してください。"
    "情報システム管理者のみログインできます。"
)


class RollbackDetected(AuthError):
    """The local operation log is behind or diverges from the tip the consolidation system
    acknowledged (or the last tip kept outside the store): only administrators may log in."""

    code = "audit_rollback"
    default_message = ROLLBACK_MESSAGE
    default_hint = ROLLBACK_HINT


class LogForwardRefused(ServerRefused):
    """The consolidation system refused the forwarded operation log (it does not extend the
    tip it acknowledged): an alarm for the administrator, never only logged."""

    code = "log_forward_refused"
    default_message = "国保情報集約システムが操作ログの受け取りを拒否しました。"
    default_hint = (
        "操作ログが巻き戻されたか、書き換えられた可能性があります。"
        "情報システム管理者は国保連合会に連絡してください。"
    )


class AuthenticatorRefused(AuthError):
    """A FIDO2 authenticator's answer was refused (issue 21).

    One message for every refusal (another user's credential, a replayed or
    unknown challenge, a signature counter that did not increase, a revoked
    credential, user verification not performed): the screen tells nothing
    about which check failed; the operation log records the reason code.
    """

    code = "authenticator_refused"
    default_message = "生体認証(認証器)による確認ができませんでした。"
    default_hint = ("登録済みの認証器で、指紋・顔などの本人確認を行ってください。"
                    "解決しない場合は情報システム管理者に連絡してください。")

    def __init__(self, user_message: str | None = None, hint: str | None = None, *,
                 reason: str = "invalid") -> None:
        super().__init__(user_message, hint)
        # English reason code for the operation log (never shown).
        self.reason = reason
        # The presented credential's 8-hex-digit label (``auth.fido.credential_label``,
        # a hash prefix, never the ID) once known; for the operation log.
        self.credential: str | None = None


class AuthenticatorUnavailable(AuthError):
    """No FIDO2 authenticator answered (none connected, cancelled or timed out)."""

    code = "authenticator_unavailable"
    default_message = "認証器(Windows Hello・セキュリティキー)を使用できませんでした。"
    default_hint = ("セキュリティキーが接続されているか確認し、もう一度操作してください。"
                    "画面ロックの解除はパスワードでもできます。")


class AuthenticatorRequired(AuthError):
    """The policy requires a FIDO2 authenticator and the account has none (and no fallback)."""

    code = "authenticator_required"
    default_message = "このアカウントは生体認証(認証器)の登録が必要です。"
    default_hint = "情報システム管理者の立会いのもとで認証器を登録してください。"
