"""Nothing readable is left on disk: a sentinel password appears in no file or log line."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from kokuho_pc.cli.main import main
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import open_profile
from tests.conftest import MemoryKeyring
from tests.security.conftest import MUNICIPALITY

SENTINEL = "Sentinel-Zx7qPw-合言葉-9931"
SENTINEL_2 = "Sentinel2-Kq8vRm-新しい合言葉-4417"


def _encodings(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be"),
            text[:12].encode("utf-8"), "Sentinel".encode("utf-16-le")]


@pytest.mark.parametrize("kind", ["demo", "production"])
def test_sentinel_password_is_nowhere_on_disk(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
    memory_keyring: MemoryKeyring,
) -> None:
    caplog.set_level(logging.DEBUG)
    profile_dir = tmp_path / "profile"

    def run(*args: str, stdin: str = "") -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return main(["--profile", str(profile_dir), *args])

    assert run("init", "--kind", kind, "--municipality", MUNICIPALITY) == 0
    assert run("admin", "init", "--user", "yamada.taro", "--name", "山田 太郎",
               stdin=SENTINEL + "\n") == 0
    # A production profile takes staff only after a second administrator (issue 14).
    assert run("admin", "add-user", "--as", "yamada.taro", "--user", "kimura.jiro",
               "--name", "木村 次郎", "--role", "admin",
               stdin=f"{SENTINEL}\ndai-ni-no-kanrisha-desu\n") == 0
    assert run("admin", "add-user", "--as", "yamada.taro", "--user", "sato.hanako",
               "--name", "佐藤 花子", "--role", "staff", stdin=f"{SENTINEL}\n{SENTINEL_2}\n") == 0
    assert run("passwd", "--as", "sato.hanako", stdin=f"{SENTINEL_2}\n{SENTINEL}x\n") == 0
    # typical slips: the password typed into the user ID field, wrong passwords, unlocks
    profile = open_profile(profile_dir)
    try:
        login = LoginService(profile, sleep=lambda _s: None)
        with pytest.raises(Exception, match="ログインできませんでした"):
            login.login(SENTINEL, SENTINEL)
        with pytest.raises(Exception, match="ログインできませんでした"):
            login.login("sato.hanako", SENTINEL_2)
        session = login.login("sato.hanako", SENTINEL + "x")
        session.lock()
        with pytest.raises(Exception, match="ログインできませんでした"):
            session.unlock(SENTINEL_2)
        session.unlock(SENTINEL + "x")
        with pytest.raises(Exception, match="同じパスワード"):
            AccountService(profile).change_password(session, SENTINEL + "x", SENTINEL + "x")
        session.logout()
        records = repr(profile.audit.records())
    finally:
        profile.close()
    assert run("audit", "verify", "--as", "yamada.taro", stdin=SENTINEL + "\n") == 0

    captured = capsys.readouterr()
    texts = [captured.out, captured.err, records, caplog.text,
             *(repr(r.__dict__) for r in caplog.records)]
    for text in texts:
        assert "Sentinel" not in text
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "store.db" for p in written)
    for path in written:
        raw = path.read_bytes()
        for needle in _encodings(SENTINEL) + _encodings(SENTINEL_2):
            assert needle not in raw, path.name
        if path.name.startswith("store.db"):
            assert not raw.startswith(b"SQLite format 3")
            for plain in (b"yamada.taro", b"argon2id", "佐藤".encode()):
                assert plain not in raw, path.name
    for value in memory_keyring.entries.values():
        assert "Sentinel" not in value
