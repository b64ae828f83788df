"""``kokuho-pc media register``, ``send`` and ``export`` as docs/cli.md specifies them."""

from __future__ import annotations

import datetime as dt
import io
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kokuho_pc.cli.common import run_command
from kokuho_pc.cli.main import main
from kokuho_pc.domain.errors import ConnectionFailed, ServerRefused, StoreError
from kokuho_pc.services.profile import Profile
from kokuho_pc.transfer.errors import FileSetInvalid, MediaRefused
from kokuho_pc.transfer.media import TOKEN_NAME
from tests.simfiles import household_pair
from tests.transfer.harness import ADMIN, ADMIN_PW, STAFF, STAFF_PW, make_profile, write_files


@pytest.fixture
def profile(tmp_path: Path, sim_env: tuple[Any, Any]) -> Iterator[Profile]:
    sim, pki = sim_env
    p = make_profile(tmp_path / "profile", sim, pki)
    p.close()  # the command line opens it itself
    yield p


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], profile: Profile,
         stdin: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--profile", str(profile.path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _files(first: int) -> dict[str, bytes]:
    created = dt.datetime(2026, 10, 9, 12, 0, first % 60)
    return household_pair("082201", created, 2, moved_in_from="082015", first=first)


def test_register_send_export(monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str], profile: Profile,
                              tmp_path: Path) -> None:
    medium = tmp_path / "usb"
    medium.mkdir()
    code, _, err = _run(monkeypatch, capsys, profile, STAFF_PW + "\n",
                        "media", "register", "--as", STAFF, "--medium", str(medium))
    assert code == 1 and "管理者" in err  # staff may not approve media
    assert not (medium / TOKEN_NAME).exists()
    code, _, err = _run(monkeypatch, capsys, profile, ADMIN_PW + "\n", "media", "register",
                        "--as", ADMIN, "--medium", str(medium), "--allow", STAFF)
    assert code == 0, err
    assert "媒体を使用許可しました" in err and (medium / TOKEN_NAME).exists()
    code, out, err = _run(monkeypatch, capsys, profile, STAFF_PW + "\n", "media", "list",
                          "--as", STAFF, "--medium", str(medium))
    assert code == 0 and "使用許可済み" in out and "疑似媒体" in out
    files = _files(40000)
    write_files(medium, files)
    code, _, err = _run(monkeypatch, capsys, profile, STAFF_PW + "\n",
                        "send", "--as", STAFF, "--medium", str(medium))
    assert code == 0, err
    assert "送信しました" in err
    out_medium = tmp_path / "out"
    out_medium.mkdir()
    code, _, err = _run(monkeypatch, capsys, profile, ADMIN_PW + "\n", "media", "register",
                        "--as", ADMIN, "--medium", str(out_medium), "--allow", STAFF)
    assert code == 0
    code, _, err = _run(monkeypatch, capsys, profile, STAFF_PW + "\n",
                        "export", "--as", STAFF, "--medium", str(out_medium))
    assert code == 0, err
    assert "書き出しました: KSK12_082201_" in err
    assert any(p.name.startswith("KSK12_082201_") for p in out_medium.iterdir())


def test_refusals_exit_1_with_japanese_reasons(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str],
                                               profile: Profile, tmp_path: Path) -> None:
    medium = tmp_path / "stick"
    medium.mkdir()
    files = _files(40100)
    name = sorted(files)[1]
    broken = bytearray(files[name])
    broken[300 + 30] = ord("X")
    files[name] = bytes(broken)
    write_files(medium, files)
    code, _, err = _run(monkeypatch, capsys, profile, STAFF_PW + "\n",
                        "send", "--as", STAFF, "--medium", str(medium))
    assert code == 1 and "未登録" in err
    code, _, err = _run(monkeypatch, capsys, profile, ADMIN_PW + "\n", "media", "register",
                        "--as", ADMIN, "--medium", str(medium), "--allow", STAFF)
    assert code == 0
    code, _, err = _run(monkeypatch, capsys, profile, STAFF_PW + "\n",
                        "send", "--as", STAFF, "--medium", str(medium))
    assert code == 1 and "送信しませんでした" in err
    assert f"{name}:2: " in err  # one line per problem: <file>:<record>: <item>: <message>
    code, _, err = _run(monkeypatch, capsys, profile, "wrong-password\n",
                        "send", "--as", STAFF, "--medium", str(medium))
    assert code == 1 and "パスワード" in err


def test_server_down_is_an_io_error_exit_2(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str],
                                           profile: Profile, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    code, _, err = _run(monkeypatch, capsys, profile, ADMIN_PW + "\n", "admin", "policy",
                        "--as", ADMIN, "--set", f"server_url=https://127.0.0.1:{closed_port}")
    assert code == 0, err
    medium = tmp_path / "usb"
    medium.mkdir()
    code, _, err = _run(monkeypatch, capsys, profile, ADMIN_PW + "\n", "media", "register",
                        "--as", ADMIN, "--medium", str(medium), "--allow", STAFF)
    assert code == 0, err
    code, _, err = _run(monkeypatch, capsys, profile, STAFF_PW + "\n",
                        "export", "--as", STAFF, "--medium", str(medium))
    assert code == 2 and "接続できません" in err
    write_files(medium, _files(40200))
    code, _, err = _run(monkeypatch, capsys, profile, STAFF_PW + "\n",
                        "send", "--as", STAFF, "--medium", str(medium))
    assert code == 2 and "接続できません" in err


@pytest.mark.parametrize(("error", "expected"), [
    (ConnectionFailed(), 2),
    (ServerRefused(), 1),
    (MediaRefused("unregistered", "この媒体は使用許可されていません。"), 1),
    (FileSetInvalid(), 1),
    (StoreError(), 2),
])
def test_exit_codes_of_the_shared_error_handler(capsys: pytest.CaptureFixture[str],
                                                error: Exception, expected: int) -> None:
    def body() -> int:
        raise error

    assert run_command(body) == expected
    assert capsys.readouterr().err.strip()
