"""The record-by-record sink writes the writer's bytes; the synth command line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kokuho_pc.cli.main import main
from kokuho_pc.domain.leakscan import find_my_numbers
from kokuho_pc.formats.filenames import parse_file_name
from kokuho_pc.formats.reader import parse_fixed
from kokuho_pc.synth.sink import FixedSink


def test_sink_reproduces_the_spec_examples_byte_for_byte(examples_dir: Path) -> None:
    examples = sorted(examples_dir.glob("*.dat"))
    assert len(examples) == 3
    for path in examples:
        data = path.read_bytes()
        parsed = parse_fixed(path.name, data)
        name = parse_file_name(path.name)
        out = io.BytesIO()
        sink = FixedSink(name.if_id, name.municipality_code, name.created, out.write)
        for record in parsed.records:
            sink.add(record)
        sink.close()
        assert sink.count == len(parsed.records)
        assert out.getvalue() == data


def test_sink_with_no_records_writes_header_and_zero_trailer() -> None:
    out = io.BytesIO()
    name = parse_file_name("KKG01_082201_20261105093500.dat")
    sink = FixedSink("KKG01", "082201", name.created, out.write)
    sink.close()
    lines = out.getvalue().split(b"\r\n")
    assert lines[1].startswith(b"3000000000") and lines[2] == b""


def test_cli_writes_the_prefecture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    assert main(["synth", "--out", str(out), "--seed", "9", "--persons", "300"]) == 0
    err = capsys.readouterr().err
    assert "件のファイルを作成しました" in err
    assert "KSK01_082201_20261105093000.dat" in err
    assert find_my_numbers(err) == []
    assert (out / "expected.json").is_file()
    assert len(list(out.glob("*.dat"))) >= 30


def test_cli_refuses_a_directory_with_interface_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "KSK01_082201_20260101000000.dat").write_bytes(b"old")
    assert main(["synth", "--out", str(tmp_path), "--seed", "1", "--persons", "50"]) == 2
    assert "既にインタフェースファイルがあります" in capsys.readouterr().err
    assert (tmp_path / "KSK01_082201_20260101000000.dat").read_bytes() == b"old"


@pytest.mark.parametrize("bad", [["--persons", "0"], ["--persons", "x"], ["--seed", "-1"]])
def test_cli_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: list[str]
) -> None:
    args = ["synth", "--out", str(tmp_path / "o"), "--seed", "1", *bad]
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    assert "引数が正しくありません" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
