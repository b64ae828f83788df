"""Staff accounts: one per person, roles, validity period, fiscal-year grant, lockout state.

An account is usable only when it is not revoked, not locked, today lies in
its validity period, and its access was granted for the current fiscal year
(every grant lapses on April 1, 00:00 local time unless re-granted).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from kokuho_pc.domain.errors import InvalidAccountData
from kokuho_pc.domain.leakscan import contains_my_number
from kokuho_pc.store.clock import fiscal_year
from kokuho_pc.store.database import Database

# Generic or shared names that identify no person (also refused with digits
# or separators added, and in combinations such as "test_user").
GENERIC_IDS: frozenset[str] = frozenset({
    "admin", "administrator", "admins", "adm", "guest", "test", "tester", "testing", "user",
    "users", "kokuho", "kokuhopc", "common", "shared", "share", "root", "system", "sys",
    "sysadmin", "superuser", "super", "su", "operator", "oper", "op", "staff", "tanto",
    "tantou", "tantosha", "kanri", "kanrisha", "kanrisya", "demo", "sample", "public",
    "default", "temp", "tmp", "office", "info", "support", "manager", "everyone", "all",
    "anonymous", "anon", "service", "master", "owner", "work", "worker", "kyoyo", "kyouyou",
    "shokuin", "syokuin", "madoguchi", "kakari", "ka", "team", "group", "dummy", "nobody",
    "local", "pc", "terminal", "shuyaku", "hoken", "nenkin", "shimin", "city", "town",
    "village", "mura", "machi", "shi", "secretary", "reception", "front", "desk",
})

_ID_CHARS = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")


class Role(Enum):
    """Account roles."""

    STAFF = "staff"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """Japanese name of the role."""
        return "情報システム管理者" if self is Role.ADMIN else "事務取扱担当者"


class AccountState(Enum):
    """Why an account can or cannot log in now."""

    ACTIVE = "active"
    LOCKED = "locked"
    REVOKED = "revoked"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    NOT_GRANTED = "not_granted"

    @property
    def label(self) -> str:
        """Japanese label for lists."""
        return {
            "active": "有効", "locked": "ロック中", "revoked": "失効",
            "not_yet_valid": "利用開始前", "expired": "利用期間終了",
            "not_granted": "今年度未付与",
        }[self.value]


def canonical_user_id(user_id: str) -> str:
    """The comparison form of a user ID (NFKC, lower-case, trimmed)."""
    return unicodedata.normalize("NFKC", user_id).strip().lower()


def is_generic_id(user_id: str) -> bool:
    """True for IDs naming no person (admin, test01, kokuho-user, ...)."""
    canonical = canonical_user_id(user_id)
    stem = re.sub(r"[\d._-]+$", "", canonical)
    if stem in GENERIC_IDS or canonical in GENERIC_IDS or not stem:
        return True
    tokens = [t for t in re.split(r"[\d._-]+", canonical) if t]
    if tokens and all(t in GENERIC_IDS for t in tokens):
        return True
    return any(
        stem == a + b for a in GENERIC_IDS for b in GENERIC_IDS if len(a) > 2 and len(b) > 1
    )


def validate_user_id(user_id: str) -> str:
    """Return the canonical user ID or raise :class:`InvalidAccountData`."""
    canonical = canonical_user_id(user_id)
    if not _ID_CHARS.match(canonical):
        raise InvalidAccountData(
            "ユーザIDは英小文字・数字・「.」「_」「-」の3〜32文字で指定してください。"
        )
    if is_generic_id(canonical):
        raise InvalidAccountData(
            "共用IDや個人を特定できないユーザIDは使用できません。",
            "職員一人ひとりを識別できるユーザIDを指定してください(例: yamada.taro)。",
        )
    return canonical


def validate_name(name: str) -> str:
    """Return the normalised staff name or raise :class:`InvalidAccountData`."""
    text = unicodedata.normalize("NFKC", name).strip()
    if not 1 <= len(text) <= 64 or any(unicodedata.category(c).startswith("C") for c in text):
        raise InvalidAccountData("氏名は1〜64文字で指定してください。")
    if contains_my_number(name) or contains_my_number(text):
        raise InvalidAccountData("氏名に個人番号を含めることはできません。")
    return text


@dataclass(frozen=True)
class Account:
    """One stored account (the password hash never leaves the auth layer's services)."""

    user_id: str
    display_id: str
    name: str
    role: Role
    valid_from: date
    valid_to: date | None
    granted_fy: int
    password_hash: str
    must_change_password: bool
    failed_count: int
    locked_at: str | None
    revoked_at: str | None
    totp_secret: bytes | None
    totp_last_step: int | None

    def state(self, now: datetime) -> AccountState:
        """The account's state at ``now`` (local time)."""
        today = now.date()
        if self.revoked_at is not None:
            return AccountState.REVOKED
        if self.locked_at is not None:
            return AccountState.LOCKED
        if today < self.valid_from:
            return AccountState.NOT_YET_VALID
        if self.valid_to is not None and today > self.valid_to:
            return AccountState.EXPIRED
        if fiscal_year(now) > self.granted_fy:
            return AccountState.NOT_GRANTED
        return AccountState.ACTIVE


_COLUMNS = (
    "user_id, display_id, name, role, valid_from, valid_to, granted_fy, password_hash, "
    "must_change_password, failed_count, locked_at, revoked_at, totp_secret, totp_last_step"
)


def _from_row(row: tuple[Any, ...]) -> Account:
    return Account(
        user_id=row[0], display_id=row[1], name=row[2], role=Role(row[3]),
        valid_from=date.fromisoformat(row[4]),
        valid_to=date.fromisoformat(row[5]) if row[5] else None,
        granted_fy=int(row[6]), password_hash=row[7], must_change_password=bool(row[8]),
        failed_count=int(row[9]), locked_at=row[10], revoked_at=row[11],
        totp_secret=bytes(row[12]) if row[12] is not None else None, totp_last_step=row[13],
    )


class AccountRepository:
    """Rows of the ``accounts`` table. No permission checks: services do them."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, user_id: str) -> Account | None:
        """The account with this (canonicalised) ID, or None."""
        row = self._db.query_one(
            f"SELECT {_COLUMNS} FROM accounts WHERE user_id = ?",  # noqa: S608 (fixed columns)
            (canonical_user_id(user_id),),
        )
        return _from_row(row) if row else None

    def all(self) -> list[Account]:
        """Every account, by user ID."""
        rows = self._db.query(f"SELECT {_COLUMNS} FROM accounts ORDER BY user_id")  # noqa: S608
        return [_from_row(r) for r in rows]

    def count_admins(self) -> int:
        """How many administrator accounts exist (in any state)."""
        row = self._db.query_one("SELECT count(*) FROM accounts WHERE role = 'admin'")
        return int(row[0]) if row else 0

    def insert(self, account: Account, *, created_by: str | None, now: datetime) -> None:
        """Add a new account; a duplicate ID is refused."""
        if self.get(account.user_id) is not None:
            raise InvalidAccountData("このユーザIDは既に登録されています。")
        stamp = now.isoformat(timespec="seconds")
        self._db.execute(
            f"INSERT INTO accounts ({_COLUMNS}, created_at, created_by, updated_at) "  # noqa: S608
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                account.user_id, account.display_id, account.name, account.role.value,
                account.valid_from.isoformat(),
                account.valid_to.isoformat() if account.valid_to else None,
                account.granted_fy, account.password_hash, int(account.must_change_password),
                account.failed_count, account.locked_at, account.revoked_at,
                account.totp_secret, account.totp_last_step, stamp, created_by, stamp,
            ),
        )

    def update(self, user_id: str, now: datetime, **fields: Any) -> None:
        """Change some columns of one account."""
        allowed = {
            "password_hash", "must_change_password", "failed_count", "locked_at",
            "revoked_at", "granted_fy", "totp_secret", "totp_last_step", "valid_to",
            "valid_from", "role",
        }
        if not fields or not set(fields) <= allowed:
            raise ValueError("unknown account column")
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self._db.execute(
            f"UPDATE accounts SET {assignments}, updated_at = ? WHERE user_id = ?",  # noqa: S608
            (*fields.values(), now.isoformat(timespec="seconds"), canonical_user_id(user_id)),
        )
