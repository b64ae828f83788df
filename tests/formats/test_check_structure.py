"""Structure, encoding, file names and hostile input (docs/interface-files.md §2, §3)."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from pathlib import Path

import pytest

from kokuho_pc.formats.checker import CheckInputError, check_file_set, check_paths
from kokuho_pc.formats.layouts import get_layout
from tests.formats.util import K1, K2, KG, check, examples, found, join, lines_of, set_field


def _with(name: str, data: bytes) -> dict[str, bytes]:
    files = examples()
    files[name] = data
    return files


def test_last_record_without_crlf() -> None:
    files = _with(KG, examples()[KG][:-2])
    assert found(check(files)) == {(KG, 4, None, "line_end")}


def test_bare_lf_after_a_record() -> None:
    lines = lines_of(examples()[KG])
    data = lines[0] + b"\r\n" + lines[1] + b"\n" + b"".join(x + b"\r\n" for x in lines[2:])
    assert found(check(_with(KG, data))) == {(KG, 2, None, "line_end")}


def test_record_one_byte_short() -> None:
    lines = lines_of(examples()[KG])
    lines[1] = lines[1][:-1]
    report = check(_with(KG, join(lines)))
    assert found(report) == {(KG, 2, None, "record_length")}
    assert "100バイト" in report.errors[0].message


def test_header_missing() -> None:
    lines = lines_of(examples()[KG])[1:]
    assert found(check(_with(KG, join(lines)))) == {(KG, 1, None, "header_missing")}


def test_second_header() -> None:
    lines = lines_of(examples()[KG])
    lines.insert(2, lines[0])
    assert found(check(_with(KG, join(lines)))) == {(KG, 3, "レコード区分", "header_duplicate")}


def test_trailer_missing() -> None:
    lines = lines_of(examples()[KG])[:-1]
    assert found(check(_with(KG, join(lines)))) == {(KG, 3, None, "trailer_missing")}


def test_two_trailers() -> None:
    lines = lines_of(examples()[KG])
    lines.append(lines[-1])
    assert found(check(_with(KG, join(lines)))) == {(KG, 5, "レコード区分", "trailer_duplicate")}


def test_data_after_trailer() -> None:
    lines = lines_of(examples()[KG])
    lines.append(lines[1])
    assert found(check(_with(KG, join(lines)))) == {
        (KG, 5, None, "after_trailer"), (KG, 4, "データ件数", "record_count"),
        (KG, 5, "診療年月", "duplicate_with")}  # the same household and month twice


def test_bom_is_refused() -> None:
    assert found(check(_with(KG, b"\xef\xbb\xbf" + examples()[KG]))) == {(KG, None, None, "bom")}


def test_empty_file() -> None:
    assert found(check(_with(KG, b""))) == {(KG, None, None, "empty_file")}


def test_one_megabyte_without_line_break_gives_one_file_level_error() -> None:
    data = b"A" * (1024 * 1024)
    tracemalloc.start()
    report = check({KG: data})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert found(report) == {(KG, None, None, "no_line_end")}
    assert peak < 4 * 1024 * 1024  # the input itself is 1 MiB; nothing near a copy per line


def test_huge_file_on_disk_without_line_break_streams(tmp_path: Path) -> None:
    path = tmp_path / KG
    with path.open("wb") as out:
        for _ in range(16):
            out.write(b"2" * (1024 * 1024))
    tracemalloc.start()
    report = check_paths([path], today=dt.date(2026, 11, 26))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert found(report) == {(KG, None, None, "no_line_end")}
    assert peak < 2 * 1024 * 1024


def test_binary_junk() -> None:
    junk = bytes(range(256)) * 64
    report = check({KG: junk})
    assert not report.valid
    # CR and LF occur but never as CR LF: said once for the file, the records still read
    assert [e.code for e in report.errors if e.record is None] == ["lf_only"]


def test_utf8_file_is_refused() -> None:
    data = examples()[K2].decode("cp932").encode("utf-8")
    report = check(_with(K2, data))
    assert found(report) == {(K2, None, None, "utf8")}  # once, no per-record lengths


def test_invalid_shift_jis_bytes_are_located() -> None:
    lines = lines_of(examples()[K2])
    f_offset = get_layout("KSK02").data_field("name").offset
    lines[2] = lines[2][:f_offset] + b"\xeb\x40" + lines[2][f_offset + 2:]
    assert found(check(_with(K2, join(lines)))) == {(K2, 3, "氏名", "encoding")}


def test_truncated_last_line() -> None:
    data = examples()[K2][:-50]
    assert found(check(_with(K2, data))) == {(K2, 7, None, "line_end"),
                                             (K2, 7, None, "record_length")}


@pytest.mark.parametrize(("name", "code"), [
    ("ksk01.dat", "file_name"), ("KSK01_082015_2026.dat", "file_name"),
    ("KSK01_082016_20261110081500.dat", "file_name_check_digit")])
def test_bad_file_name_is_reported_and_content_still_checked(name: str, code: str) -> None:
    files = examples()
    files[name] = set_field(files.pop(K1), 3, "head_name_kana", "ｻﾄｳ ﾀﾛｳabc")
    report = check(files)
    # the misnamed file does not pair (issue 18): KSK02 has no correctly named partner
    assert found(report) == {(name, None, None, code), (K2, None, None, "pair_missing"),
                             (name, 3, "世帯主氏名カナ", "not_kana")}


def test_file_of_unknown_kind() -> None:
    report = check({"notes.txt": b"hello\r\n"})
    assert found(report) == {("notes.txt", None, None, "file_name"),
                             ("notes.txt", None, None, "file_kind_unknown")}


def test_name_says_other_kind_than_header() -> None:
    files = examples()
    other = "KKG01_082015_20261110081500.dat"
    files[other] = files.pop(K1)
    del files[K2]
    report = check(files)
    assert (other, 1, None, "record_length") in found(report)


def test_check_paths_directory_and_missing_path(tmp_path: Path) -> None:
    for name, data in examples().items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "README.txt").write_text("not an interface file", encoding="utf-8")
    report = check_paths([tmp_path], today=dt.date(2026, 11, 26))
    assert report.valid
    assert report.files == sorted(examples())
    with pytest.raises(CheckInputError):
        check_paths([tmp_path / "missing"], today=dt.date(2026, 11, 26))


def test_empty_directory_is_reported(tmp_path: Path) -> None:
    report = check_paths([tmp_path], today=dt.date(2026, 11, 26))
    assert [e.code for e in report.errors] == ["no_interface_files"]


def test_issues_come_in_record_order() -> None:
    files = examples()
    lines = lines_of(files[K2])
    lines[4] = lines[4][:-1]
    lines[2] = lines[2][:-1]
    files[K2] = join(lines)
    report = check(files)
    records = [e.record for e in report.errors if e.file == K2]
    assert records == [3, 5]
    assert found(report) == {(K2, 3, None, "record_length"), (K2, 5, None, "record_length")}


def test_future_is_relative_to_today() -> None:
    files = examples()
    assert check_file_set(files, today=dt.date(2026, 11, 26)).valid
    early = check_file_set(files, today=dt.date(2019, 5, 31))
    assert (K2, 6, "生年月日", "future_date") in found(early)


def test_today_is_required() -> None:
    """No silent fallback to the machine's date: every caller passes its clock's day."""
    with pytest.raises(TypeError):
        check_file_set(examples())  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        check_paths([])  # type: ignore[call-arg]
