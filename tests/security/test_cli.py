"""The administrator command line end to end (in process, real Argon2, real SQLCipher)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from kokuho_pc.cli.main import main
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import open_profile
from tests.conftest import MemoryKeyring
from tests.security.conftest import MUNICIPALITY

ADMIN_PW = "shiroi-kumo-to-aoi-sora"
STAFF_INITIAL = "saisho-no-kotoba-desu"
STAFF_NEW = "midori-no-oka-wo-aruku"


@dataclass
class Result:
    """Exit code and outputs of one command."""

    code: int
    out: str
    err: str


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run ``kokuho-pc --profile <tmp>/cli ARGS`` with the given standard input."""
    profile_dir = tmp_path / "cli"

    def run(*args: str, stdin: str = "") -> Result:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["--profile", str(profile_dir), *args])
        captured = capsys.readouterr()
        for secret in (ADMIN_PW, STAFF_INITIAL, STAFF_NEW):
            assert secret not in captured.out + captured.err
        return Result(code, captured.out, captured.err)

    run.profile_dir = profile_dir  # type: ignore[attr-defined]
    return run


def test_profile_is_created_and_administered_from_the_command_line(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("init", "--kind", "demo", "--municipality", MUNICIPALITY)
    assert r.code == 0 and "デモ用" in r.err
    assert cli("init", "--kind", "demo", "--municipality", MUNICIPALITY).code == 2  # exists
    r = cli("admin", "init", "--user", "admin", "--name", "管理 者", stdin=ADMIN_PW + "\n")
    assert r.code == 1 and "共用ID" in r.err
    assert cli("admin", "init", "--user", "yamada.taro", "--name", "山田 太郎",
               stdin=ADMIN_PW + "\n").code == 0
    r = cli("admin", "init", "--user", "kato.jiro", "--name", "加藤 次郎", stdin=ADMIN_PW + "x\n")
    assert r.code == 1 and "既に存在" in r.err

    # add a staff member (admin password, then the initial password)
    r = cli("admin", "add-user", "--as", "yamada.taro", "--user", "sato.hanako",
            "--name", "佐藤 花子", "--role", "staff", "--valid-to", "2099-03-31",
            stdin=f"{ADMIN_PW}\n{STAFF_INITIAL}\n")
    assert r.code == 0, r.err
    r = cli("admin", "add-user", "--as", "yamada.taro", "--user", "suzuki.ken",
            "--name", "鈴木 健", "--role", "staff", stdin=f"{ADMIN_PW}\npassword1234567\n")
    assert r.code == 1 and "よく使われる" in r.err
    r = cli("admin", "add-user", "--as", "yamada.taro", "--user", "suzuki.ken",
            "--name", "鈴木 健", "--role", "staff", "--valid-from", "2026/04/01",
            stdin=f"{ADMIN_PW}\n{STAFF_INITIAL}\n")
    assert r.code == 2
    r = cli("admin", "add-user", "--as", "yamada.taro", "--user", "suzuki.ken",
            "--name", "鈴木 健", "--role", "staff", stdin=f"{ADMIN_PW}\n")
    assert r.code == 2 and "標準入力" in r.err
    r = cli("admin", "list-users", "--as", "sato.hanako", stdin=STAFF_INITIAL + "\n")
    assert r.code == 1 and "パスワードの変更" in r.err  # initial password must be changed

    # first login: change the password
    r = cli("passwd", "--as", "sato.hanako", stdin=f"{STAFF_INITIAL}\nshort\n")
    assert r.code == 1 and "13文字以上" in r.err
    r = cli("passwd", "--as", "sato.hanako", stdin=f"{STAFF_INITIAL}\n{STAFF_NEW}\n")
    assert r.code == 0, r.err
    r = cli("passwd", "--as", "sato.hanako", stdin=f"{STAFF_INITIAL}\n{STAFF_NEW}x\n")
    assert r.code == 1 and "ログインできませんでした" in r.err
    r = cli("admin", "list-users", "--as", "sato.hanako", stdin=STAFF_NEW + "\n")
    assert r.code == 1 and "権限" in r.err

    r = cli("admin", "list-users", "--as", "yamada.taro", stdin=ADMIN_PW + "\n")
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0].startswith("ユーザID\t")
    sato = next(line for line in lines if line.startswith("sato.hanako\t")).split("\t")
    assert sato[2] == "事務取扱担当者" and sato[4] == "2099-03-31" and sato[6] == "有効"

    # lock the staff account with ten failures, then unlock it
    profile = open_profile(cli.profile_dir)
    try:
        service = LoginService(profile, sleep=lambda _s: None)
        for _ in range(10):
            with pytest.raises(Exception, match="ログインできませんでした"):
                service.login("sato.hanako", "not-the-password-at-all")
    finally:
        profile.close()
    r = cli("passwd", "--as", "sato.hanako", stdin=f"{STAFF_NEW}\nanother-new-kotoba\n")
    assert r.code == 1 and "ロック" in r.err
    r = cli("admin", "list-users", "--as", "yamada.taro", stdin=ADMIN_PW + "\n")
    assert "ロック中" in r.out
    assert cli("admin", "unlock", "--as", "yamada.taro", "--user", "sato.hanako",
               stdin=ADMIN_PW + "\n").code == 0
    r = cli("admin", "list-users", "--as", "sato.hanako", stdin=STAFF_NEW + "\n")
    assert r.code == 1 and "権限" in r.err  # logs in again (then refused as staff)

    # revoke
    assert cli("admin", "revoke", "--as", "yamada.taro", "--user", "sato.hanako",
               stdin=ADMIN_PW + "\n").code == 0
    r = cli("passwd", "--as", "sato.hanako", stdin=f"{STAFF_NEW}\nanother-new-kotoba\n")
    assert r.code == 1 and "ログインできませんでした" in r.err  # revoked: the one message
    r = cli("admin", "revoke", "--as", "yamada.taro", "--user", "nobody.here",
            stdin=ADMIN_PW + "\n")
    assert r.code == 1

    # verify the log, then tamper with it
    r = cli("audit", "verify", "--as", "yamada.taro", stdin=ADMIN_PW + "\n")
    assert r.code == 0 and "改ざん・欠落はありません" in r.err
    assert cli("audit", "verify").code == 0
    profile = open_profile(cli.profile_dir)
    try:
        conn = profile.db.raw_connection()
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET staff_id = 'kato.jiro' WHERE seq = 5")
    finally:
        profile.close()
    r = cli("audit", "verify")
    assert r.code == 1 and r.out.strip() == "5" and "通番 5" in r.err
    r = cli("audit", "verify", "--as", "yamada.taro", stdin=ADMIN_PW + "\n")
    assert r.code == 1 and r.out.strip() == "5"


def test_production_init_uses_the_keyring(cli, memory_keyring: MemoryKeyring) -> None:  # type: ignore[no-untyped-def]
    r = cli("init", "--kind", "production", "--municipality", MUNICIPALITY,
            "--server", "https://127.0.0.1:8443", "--pin", "A" * 44)
    assert r.code == 0 and "本番用" in r.err
    # the store key, and the operation log's last tip kept outside the store
    assert sorted(user.split("/")[0] for _, user in memory_keyring.entries) == [
        "oplog-tip", "store-key"]
    profile = open_profile(cli.profile_dir)
    try:
        policy = profile.policy()
        assert policy.server_url == "https://127.0.0.1:8443"
        assert policy.server_pins == ("A" * 44,)
        assert not policy.emulated_media_allowed
    finally:
        profile.close()
    memory_keyring.entries.clear()
    r = cli("audit", "verify")
    assert r.code == 2 and "暗号鍵が見つかりません" in r.err
    r = cli("init", "--reset-store", stdin="no\n")
    assert r.code == 1
    r = cli("init", "--reset-store", stdin="RESET\n")
    assert r.code == 0 and "admin init" in r.err
    assert cli("audit", "verify").code == 0


def test_production_init_refuses_insecure_keyring(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        r = cli("init", "--kind", "production", "--municipality", MUNICIPALITY)
    finally:
        keyring.set_keyring(previous)
    assert r.code == 2 and "キーリング" in r.err
    assert not (cli.profile_dir / "store.db").exists()


def test_usage_errors(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", "--kind", "demo").code == 2
    assert cli("init", "--kind", "demo", "--municipality", "123456").code == 1
    r = cli("init", "--kind", "demo", "--municipality", MUNICIPALITY, "--ca",
            str(tmp_path / "missing.pem"))
    assert r.code == 2 and "見つかりません" in r.err
    assert cli("audit", "verify").code == 2  # no profile
    with pytest.raises(SystemExit) as info:
        cli("admin", "revoke", "--user", "x")  # --as is required
    assert info.value.code == 2


def test_policy_from_the_command_line(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", "--kind", "demo", "--municipality", MUNICIPALITY).code == 0
    assert cli("admin", "init", "--user", "yamada.taro", "--name", "山田 太郎",
               stdin=ADMIN_PW + "\n").code == 0
    r = cli("admin", "policy", "--as", "yamada.taro", stdin=ADMIN_PW + "\n")
    assert r.code == 0
    table = {line.split("\t")[0]: line.split("\t")[1] for line in r.out.splitlines()}
    assert table["idle_timeout_seconds"] == "60" and table["emulated_media_allowed"] == "true"
    r = cli("admin", "policy", "--as", "yamada.taro", "--set", "idle_timeout_seconds=120",
            "--set", "server_pins=" + "A" * 44 + "," + "B" * 44, stdin=ADMIN_PW + "\n")
    assert r.code == 0 and "変更しました" in r.err
    assert "idle_timeout_seconds\t120\t" in r.out
    r = cli("admin", "policy", "--as", "yamada.taro", "--set", "idle_timeout_seconds=180",
            "--set", "session_max_hours=99", stdin=ADMIN_PW + "\n")
    assert r.code == 1  # all or nothing: the valid first change is rolled back too
    r = cli("admin", "policy", "--as", "yamada.taro", stdin=ADMIN_PW + "\n")
    assert "idle_timeout_seconds\t120\t" in r.out
    assert cli("admin", "policy", "--as", "yamada.taro", "--set", "nothing=1",
               stdin=ADMIN_PW + "\n").code == 2
    assert cli("admin", "add-user", "--as", "yamada.taro", "--user", "sato.hanako",
               "--name", "佐藤 花子", "--role", "staff",
               stdin=f"{ADMIN_PW}\n{STAFF_INITIAL}\n").code == 0
    assert cli("passwd", "--as", "sato.hanako", stdin=f"{STAFF_INITIAL}\n{STAFF_NEW}\n").code == 0
    r = cli("admin", "policy", "--as", "sato.hanako", stdin=STAFF_NEW + "\n")
    assert r.code == 0  # everyone reads the policy
    r = cli("admin", "policy", "--as", "sato.hanako", "--set", "idle_timeout_seconds=900",
            stdin=STAFF_NEW + "\n")
    assert r.code == 1 and "管理者" in r.err
