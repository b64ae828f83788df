"""Machine policy: every setting declared once with its type, default and Japanese description.

The values live in the encrypted store (table ``settings``, JSON values).
Everyone may read them; only administrators change them, through
``kokuho_pc.services.policy.PolicyService``, which also writes the operation
log. User preferences (window sizes, ...) are not policy and live elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kokuho_pc.domain.errors import InvalidSetting
from kokuho_pc.domain.municipality import is_valid_municipality_code
from kokuho_pc.store.database import Database

SettingValue = str | int | bool | list[str]


@dataclass(frozen=True)
class SettingSpec:
    """One policy setting: name, Python type, default and what it means (Japanese)."""

    name: str
    type: type
    default: SettingValue
    description: str
    check: Callable[[Any], bool] = field(default=lambda _value: True)


def _pins_ok(value: list[str]) -> bool:
    return all(isinstance(pin, str) and 40 <= len(pin) <= 64 for pin in value)


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("municipality_code", str, "",
                "この端末を使用する市町村の地方公共団体コード(6桁)",
                lambda v: v == "" or is_valid_municipality_code(v)),
    SettingSpec("terminal_name", str, "",
                "操作ログに記録する端末名(空欄ならコンピュータ名)",
                lambda v: len(v) <= 64),
    SettingSpec("server_url", str, "",
                "国保情報集約システムの接続先URL(https://で始まる)",
                lambda v: v == "" or v.startswith("https://")),
    SettingSpec("server_ca_file", str, "",
                "接続先サーバ証明書を検証する認証局証明書ファイルのパス"),
    SettingSpec("server_pins", list, [],
                "接続先サーバ公開鍵のピン(SubjectPublicKeyInfoのSHA-256、base64)の一覧",
                _pins_ok),
    SettingSpec("client_cert_file", str, "",
                "この端末の端末証明書(クライアント証明書)ファイルのパス"),
    SettingSpec("client_key_file", str, "",
                "端末証明書の秘密鍵ファイルのパス"),
    SettingSpec("idle_timeout_seconds", int, 60,
                "操作がないときに画面をロックするまでの秒数(15〜900)",
                lambda v: 15 <= v <= 900),
    SettingSpec("session_max_hours", int, 12,
                "ログインしてから再ログインを求めるまでの時間(時間、1〜12)",
                lambda v: 1 <= v <= 12),
    SettingSpec("second_factor_required", bool, False,
                "ログイン時にワンタイムパスワード(TOTP)を必須とする"),
    SettingSpec("fido_required_roles", list, [],
                "ログイン時にパスワードに加えて生体認証(FIDO2認証器: Windows Hello・"
                "セキュリティキー)を必須とする役割(staff・admin)の一覧",
                lambda v: all(role in ("staff", "admin") for role in v)),
    SettingSpec("fido_totp_fallback", bool, True,
                "生体認証が必須の役割で認証器を登録していないアカウントは、ワンタイムパスワード"
                "(TOTP)でログインできる(無効にすると、認証器の登録までログインできない)"),
    SettingSpec("emulated_media_allowed", bool, False,
                "フォルダを外部媒体として扱うこと(研修・デモ用)を許可する"),
    SettingSpec("emulated_media_dirs", list, [],
                "外部媒体として一覧に表示するフォルダ(疑似媒体、研修・デモ用)の一覧"),
    SettingSpec("audit_retention_days", int, 1825,
                "集約システムが受領を確認した操作ログを端末に保存する日数(365〜3650)",
                lambda v: 365 <= v <= 3650),
    SettingSpec("admin_lockout_minutes", int, 60,
                "最後の有効な情報システム管理者がロックされたとき、自動で解除するまでの分数"
                "(15〜1440。他に有効な管理者がいれば、その管理者が解除する)",
                lambda v: 15 <= v <= 1440),
    SettingSpec("two_person_confirmation", bool, False,
                "継続世帯の確定指示に、候補を判断した職員以外の2人目の職員のログインを必須とする"),
    SettingSpec("allowed_printers", list, [],
                "印刷を許可するプリンタ名の一覧(空なら印刷不可。PDF・XPS等ファイルに出力する"
                "プリンタは一覧にあっても使用不可)",
                lambda v: all(0 < len(name) <= 128 for name in v)),
)

SPEC_BY_NAME: dict[str, SettingSpec] = {spec.name: spec for spec in SPECS}


@dataclass(frozen=True)
class Policy:
    """A typed snapshot of the machine policy."""

    municipality_code: str
    terminal_name: str
    server_url: str
    server_ca_file: str
    server_pins: tuple[str, ...]
    client_cert_file: str
    client_key_file: str
    idle_timeout_seconds: int
    session_max_hours: int
    second_factor_required: bool
    emulated_media_allowed: bool
    audit_retention_days: int
    emulated_media_dirs: tuple[str, ...] = ()
    admin_lockout_minutes: int = 60
    allowed_printers: tuple[str, ...] = ()
    two_person_confirmation: bool = False
    fido_required_roles: tuple[str, ...] = ()
    fido_totp_fallback: bool = True


def validate(name: str, value: Any) -> SettingValue:
    """Check a value against its declaration; return it normalised."""
    spec = SPEC_BY_NAME.get(name)
    if spec is None:
        raise InvalidSetting("存在しない設定項目です。")
    if spec.type is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise InvalidSetting(f"設定「{spec.description}」には整数を指定してください。")
    if spec.type is bool and not isinstance(value, bool):
        raise InvalidSetting(f"設定「{spec.description}」には真偽値を指定してください。")
    if spec.type is str and not isinstance(value, str):
        raise InvalidSetting(f"設定「{spec.description}」には文字列を指定してください。")
    if spec.type is list:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise InvalidSetting(f"設定「{spec.description}」には文字列の一覧を指定してください。")
        value = list(value)
    if not spec.check(value):
        raise InvalidSetting(f"設定「{spec.description}」の値が範囲外です。")
    result: SettingValue = value
    return result


class PolicyStore:
    """Raw access to the ``settings`` table. No permission check: services do that."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, name: str) -> SettingValue:
        """The stored value, or the declared default."""
        spec = SPEC_BY_NAME[name]
        row = self._db.query_one("SELECT value FROM settings WHERE name = ?", (name,))
        if row is None:
            return spec.default
        value: SettingValue = json.loads(row[0])
        return value

    def set(self, name: str, value: Any, *, by: str | None, now: datetime) -> SettingValue:
        """Validate and store one value; returns the normalised value."""
        checked = validate(name, value)
        self._db.execute(
            "INSERT INTO settings (name, value, updated_at, updated_by) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            (name, json.dumps(checked, ensure_ascii=False), now.isoformat(), by),
        )
        return checked

    def snapshot(self) -> Policy:
        """Every setting, typed."""
        values: dict[str, Any] = {spec.name: self.get(spec.name) for spec in SPECS}
        values["server_pins"] = tuple(values["server_pins"])
        values["emulated_media_dirs"] = tuple(values["emulated_media_dirs"])
        values["allowed_printers"] = tuple(values["allowed_printers"])
        values["fido_required_roles"] = tuple(values["fido_required_roles"])
        return Policy(**values)
