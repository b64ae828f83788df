"""The profile directory: ``profile.json`` (kind, id, municipality), ``store.db`` and, for
demo profiles only, ``store.key``.

Creating, opening and (explicitly) resetting a profile's store. A missing or
wrong key is always an administrator error; nothing here ever falls back to
an unencrypted file or silently makes a new store.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path

from kokuho_pc.domain.errors import ProfileError, StoreKeyMismatch, StoreKeyMissing
from kokuho_pc.store import keys
from kokuho_pc.store.database import Database

PROFILE_FILE = "profile.json"
STORE_FILE = "store.db"
FORMAT = 1


class ProfileKind(Enum):
    """Production keeps its key in the OS keyring; demo in a file (and shows DEMO)."""

    PRODUCTION = "production"
    DEMO = "demo"


@dataclass(frozen=True)
class ProfileInfo:
    """What ``profile.json`` holds (nothing secret)."""

    path: Path
    kind: ProfileKind
    profile_id: str
    municipality_code: str
    created_at: str

    @property
    def is_demo(self) -> bool:
        """True for a demo profile (key in a file, DEMO shown everywhere)."""
        return self.kind is ProfileKind.DEMO

    @property
    def store_path(self) -> Path:
        """Where the encrypted database lives."""
        return self.path / STORE_FILE


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_profile_info(path: Path) -> ProfileInfo:
    """Read ``profile.json``; a missing or damaged file is a :class:`ProfileError`."""
    try:
        data = json.loads((path / PROFILE_FILE).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ProfileError("プロファイルの形式が対応していません。")
        return ProfileInfo(
            path=path,
            kind=ProfileKind(data["kind"]),
            profile_id=str(data["profile_id"]),
            municipality_code=str(data["municipality_code"]),
            created_at=str(data["created_at"]),
        )
    except FileNotFoundError as exc:
        raise ProfileError(
            "プロファイルが見つかりません。",
            "情報システム管理者が kokuho-pc init でプロファイルを作成してください。",
        ) from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ProfileError("プロファイルの内容が壊れています。") from exc


def create_profile_dir(
    path: Path, kind: ProfileKind, municipality_code: str, now: datetime
) -> tuple[ProfileInfo, Database]:
    """Create a new profile and its empty encrypted store; refuse an existing one."""
    if (path / PROFILE_FILE).exists() or (path / STORE_FILE).exists():
        raise ProfileError(
            "プロファイルは既に存在します。",
            "別の場所を指定するか、既存のプロファイルを使用してください。",
        )
    if kind is ProfileKind.PRODUCTION:
        keys.require_secure_keyring()  # refuse before anything is written
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = ProfileInfo(path, kind, uuid.uuid4().hex, municipality_code, now.isoformat())
    db = _new_store(info)
    _write_atomic(
        path / PROFILE_FILE,
        json.dumps(
            {
                "format": FORMAT,
                "kind": kind.value,
                "profile_id": info.profile_id,
                "municipality_code": municipality_code,
                "created_at": info.created_at,
            },
            ensure_ascii=False,
            indent=2,
        ),
    )
    return info, db


def _new_store(info: ProfileInfo) -> Database:
    key = keys.new_key()
    if info.is_demo:
        keys.write_demo_key(info.path, key)
    else:
        keys.store_key_in_keyring(info.profile_id, key)
    return Database.create(info.store_path, key)


def load_key(info: ProfileInfo) -> bytes:
    """The store key of a profile (keyring or demo file); missing → administrator error."""
    if info.is_demo:
        return keys.read_demo_key(info.path)
    return keys.load_key_from_keyring(info.profile_id)


def open_profile_dir(path: Path) -> tuple[ProfileInfo, Database]:
    """Open an existing profile's store with its key."""
    info = read_profile_info(path)
    key = load_key(info)
    return info, Database.open(info.store_path, key)


def reset_store(path: Path, now: datetime) -> tuple[ProfileInfo, Database]:
    """Explicit administrator action: set the unreadable store aside and make a new empty one.

    Refused while the current key still opens the store (so the operation log
    cannot be wiped this way).

    The old file is kept (renamed) in case its key turns up; accounts and the
    operation log of the old store are not carried over.
    """
    info = read_profile_info(path)
    if info.store_path.exists():
        try:
            Database.open(info.store_path, load_key(info)).close()
        except (StoreKeyMissing, StoreKeyMismatch):
            pass  # the case this action exists for
        else:
            raise ProfileError(
                "端末のデータベースは現在の暗号鍵で開けるため、作り直しは行いません。",
                "アカウントと操作ログを保護するため、鍵を失った場合にのみ実行できます。",
            )
        stamp = now.strftime("%Y%m%d%H%M%S")
        info.store_path.rename(path / f"{STORE_FILE}.abandoned-{stamp}")
    if info.is_demo:
        old_key = path / keys.DEMO_KEY_FILE
        if old_key.exists():
            old_key.unlink()
    else:
        keys.delete_key_from_keyring(info.profile_id)
    return info, _new_store(info)
