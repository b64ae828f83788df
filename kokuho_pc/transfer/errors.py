"""Typed errors of the transfer area (media, staging, HTTPS client, pipelines).

Every class derives from the product's one error tree
(:mod:`kokuho_pc.domain.errors`) and carries a Japanese message that never
contains personal data or a field value of a file.
"""

from __future__ import annotations

from kokuho_pc.domain.errors import (
    ConnectionFailed,
    MediaError,
    ServerRefused,
    TransferError,
    ValidationError,
)
from kokuho_pc.formats.issues import CheckReport

__all__ = [
    "ConnectionFailed",
    "ExportFailed",
    "FileSetInvalid",
    "MediaRefused",
    "MediaWriteFailed",
    "ServerRefused",
    "StagingTampered",
    "TransferError",
]


class StagingTampered(TransferError):
    """A staged (encrypted temporary) file failed authentication: the transfer stops."""

    code = "staging_tampered"
    default_message = "一時ファイルの内容が改ざんされているため、転送を中止しました。"
    default_hint = "一時ファイルは削除しました。再度実行してください。"


class MediaRefused(MediaError):
    """Use of a removable medium was refused; ``reason`` is a stable English code."""

    code = "media_refused"

    def __init__(self, reason: str, user_message: str, hint: str | None = None) -> None:
        self.reason = reason
        super().__init__(user_message, hint)


class MediaWriteFailed(MediaError):
    """Writing to a medium failed (removed, full, read back differs); nothing is left under
    the final name (a temporary the medium's removal kept is swept at its next write)."""

    code = "media_write_failed"
    default_message = (
        "外部媒体への書き込みに失敗しました。媒体には書きかけのファイルを残していません。"
    )
    default_hint = (
        "媒体の接続と空き容量を確認し、再度実行してください。配信は未処理のまま残っています。"
    )


class FileSetInvalid(ValidationError):
    """The files chosen for sending did not pass the check; nothing was sent.

    ``report`` is the checker's :class:`~kokuho_pc.formats.issues.CheckReport`
    (its messages name record and item only, never a value).
    """

    code = "file_set_invalid"
    default_message = "インタフェースファイルに誤りがあるため、送信しませんでした。"
    default_hint = "ファイルの検査結果を確認し、市町村システムで作成し直してください。"

    def __init__(self, report: CheckReport | None = None) -> None:
        self.report = report
        super().__init__()


class ExportFailed(TransferError):
    """A delivery could not be exported; it stays unacknowledged."""

    code = "export_failed"
    default_message = "配信ファイルを媒体に書き出せませんでした。"
    default_hint = "配信は未処理のまま残っています。再度実行してください。"
