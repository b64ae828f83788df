"""resources/config/policy.example.conf: every declared setting, valid values, applied for real.

The file is applied the way docs/configuration.md says (every line as one
``admin policy --set``) to a real demo profile; an administrator changes the
policy, a staff member can read it but not change it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kokuho_pc.cli.main import main
from kokuho_pc.services.profile import open_profile
from kokuho_pc.services.resources import resource_path
from kokuho_pc.store.policy import SPECS, validate

EXAMPLE = resource_path("config", "policy.example.conf")
ADMIN, ADMIN_PW = "yamada.taro", "Kanri-sha-no-pasuwado-2026"
STAFF, STAFF_PW, STAFF_NEW = "sato.hanako", "Shoki-pasuwado-2026-henkou", "Atarashii-kotoba-2026"


def example_lines() -> list[str]:
    return [line.strip() for line in EXAMPLE.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_example_names_every_declared_setting_once_with_a_valid_value() -> None:
    names = [line.partition("=")[0] for line in example_lines()]
    assert sorted(names) == sorted(spec.name for spec in SPECS)
    for line in example_lines():
        name, _, text = line.partition("=")
        spec = next(s for s in SPECS if s.name == name)
        value: object = text
        if spec.type is bool:
            value = text == "true"
        elif spec.type is int:
            value = int(text)
        elif spec.type is list:
            value = [v for v in text.split(",") if v]
        validate(name, value)
    documented = (Path(__file__).resolve().parent.parent / "docs" / "configuration.md").read_text(
        encoding="utf-8")
    for spec in SPECS:
        assert f"`{spec.name}`" in documented, spec.name


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], profile: Path,
         *args: str, stdin: str = "") -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--profile", str(profile), *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_example_is_applied_by_an_administrator_only(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    run = lambda *a, stdin="": _cli(monkeypatch, capsys, profile, *a, stdin=stdin)  # noqa: E731
    assert run("init", "--kind", "demo", "--municipality", "082201")[0] == 0
    code, text = run("admin", "init", "--user", ADMIN, "--name", "山田 太郎",
                     stdin=ADMIN_PW + "\n")
    assert code == 0, text
    code, text = run("admin", "add-user", "--as", ADMIN, "--user", STAFF, "--name", "佐藤 花子",
                     "--role", "staff", stdin=f"{ADMIN_PW}\n{STAFF_PW}\n")
    assert code == 0, text
    code, text = run("passwd", "--as", STAFF, stdin=f"{STAFF_PW}\n{STAFF_NEW}\n")
    assert code == 0, text
    code, text = run("admin", "policy", "--as", STAFF, stdin=STAFF_NEW + "\n")
    assert code == 0, text  # every account reads the policy
    printed = {row.split("\t")[0] for row in text.splitlines() if "\t" in row}
    assert printed == {spec.name for spec in SPECS}
    sets = [arg for line in example_lines() for arg in ("--set", line)]
    code, text = run("admin", "policy", "--as", STAFF, *sets, stdin=STAFF_NEW + "\n")
    assert code == 1 and "権限" in text
    code, text = run("admin", "policy", "--as", ADMIN, *sets, stdin=ADMIN_PW + "\n")
    assert code == 0, text
    with open_profile(profile) as opened:
        policy = opened.policy()
        assert policy.terminal_name == "TSUKUBA-KOKUHO-01"
        assert policy.second_factor_required and not policy.emulated_media_allowed
        assert policy.server_url == "https://shuyaku.example.lg.jp:8443"
        assert len(policy.server_pins) == 1 and policy.emulated_media_dirs == ()
