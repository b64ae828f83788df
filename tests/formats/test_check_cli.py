"""``kokuho-pc check [--json] PATH...`` exactly as docs/cli.md says."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kokuho_pc.cli import check_cmd
from kokuho_pc.cli.main import JapaneseArgumentParser
from kokuho_pc.domain.leakscan import find_my_numbers
from tests.formats.util import K1, K2, examples, set_field

ROOT = Path(__file__).resolve().parents[2]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = JapaneseArgumentParser(prog="kokuho-pc")
    check_cmd.register(parser.add_subparsers(dest="command",
                                             parser_class=JapaneseArgumentParser))
    try:
        args = parser.parse_args(argv)
        code = args.func(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def medium(tmp_path: Path) -> Path:
    for name, data in examples().items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_valid_directory_exit_0(medium: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["check", str(medium)], capsys)
    assert (code, out) == (0, "")
    assert "誤りはありません" in err


def test_json_output_shape(medium: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["check", "--json", str(medium)], capsys)
    assert code == 0
    assert json.loads(out) == {"valid": True, "files": sorted(examples()), "errors": []}


def test_invalid_file_exit_1_with_located_lines(
    medium: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = medium / K2
    path.write_bytes(set_field(path.read_bytes(), 5, "my_number", b"259874717422"))
    code, out, err = _run(["check", str(medium)], capsys)
    assert code == 1
    assert out == f"{K2}:5: 個人番号: 検査数字が一致しません。\n"
    assert find_my_numbers(out + err) == []
    code, out, _ = _run(["check", "--json", str(medium / K1), str(path)], capsys)
    doc = json.loads(out)
    assert code == 1 and doc["valid"] is False
    assert doc["files"] == [K1, K2]
    assert doc["errors"] == [{"file": K2, "record": 5, "item": "個人番号",
                              "code": "check_digit", "message": "検査数字が一致しません。"}]


def test_file_level_problem_line(medium: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["check", str(medium / K1)], capsys)
    assert code == 1
    assert out.startswith(f"{K1}:-: -: ")


def test_missing_path_exit_2(medium: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["check", str(medium / "nothing.dat")], capsys)
    assert code == 2 and out == ""
    assert "見つかりません" in err


def test_no_path_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["check"], capsys)
    assert code == 2
    assert "引数が正しくありません" in err


@pytest.mark.skipif(importlib.util.find_spec("kokuho_pc.cli.synth_cmd") is None,
                    reason="the synth command module is not there yet")
def test_real_entry_point(medium: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "kokuho_pc", "check", "--json", str(medium)],
                          capture_output=True, text=True, cwd=ROOT, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["valid"] is True


def test_directory_with_misnamed_files_lists_them(
    medium: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (medium / K1).rename(medium / K1.lower())
    (medium / "KKG01_082015_20261110081500.dat").rename(
        medium / "KKG01_082015_20261110081500.DAT")
    code, out, err = _run(["check", str(medium)], capsys)
    assert code == 1
    assert f"{K1.lower()}:-: -: ファイル名の大文字・小文字" in out
    assert "KKG01_082015_20261110081500.DAT:-: -: " in out
    assert "3件のファイル" in err


def test_file_name_not_utf8_is_reported_without_traceback(medium: Path) -> None:
    """Issue 18: a name of bytes that are not UTF-8 (Linux) is reported, JSON stays UTF-8."""
    bad = medium / "KSK02_082015_20261110081500 \udcff.dat"
    bad_bytes = bytes(medium) + b"/KSK02_082015_20261110081500 \xff.dat"
    with open(bad_bytes, "wb") as f:
        f.write((medium / K2).read_bytes())
    assert bad.exists()
    proc = subprocess.run([sys.executable, "-m", "kokuho_pc", "check", "--json", str(medium)],
                          capture_output=True, cwd=ROOT, check=False, timeout=120)
    assert proc.returncode == 2
    assert b"Traceback" not in proc.stderr
    doc = json.loads(proc.stdout.decode("utf-8"))
    names = [e["file"] for e in doc["errors"] if e["code"] == "file_name_encoding"]
    assert names == ["KSK02_082015_20261110081500 \ufffd.dat"]
    assert doc["files"].count("KSK02_082015_20261110081500 \ufffd.dat") == 1
    assert not any(e["code"] == "pair_missing" for e in doc["errors"])
    proc = subprocess.run([sys.executable, "-m", "kokuho_pc", "check", str(medium)],
                          capture_output=True, cwd=ROOT, check=False, timeout=120)
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr
    proc.stdout.decode("utf-8")
