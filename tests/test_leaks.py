"""Every form of the leak scanner (tests/leaks.py) fires on a planted sentinel.

Each sentinel form is planted alone in random bytes (at an even and an odd
offset) and must be reported with its own label; the generic valid-check-digit
scan is proven for each way of decoding; the places of a sweep (a tree without
the input media, a SQLite file queried, a PDF's compressed text) each find a
planted sentinel that the others would not.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from pathlib import Path

import pytest

from tests.e2e.scenario import SENTINELS
from tests.leaks import (
    CODECS,
    SEPARATORS,
    WIDTHS,
    SentinelScanner,
    Sweep,
    _grouped,
    generic_bytes,
    generic_text,
    sentinel_forms,
)
from tests.transfer.harness import write_files

SCANNER = SentinelScanner(SENTINELS)
NUMBER = SENTINELS[3]
RNG = random.Random(1313)
NOISE = bytes(RNG.getrandbits(8) for _ in range(4096))
OTHER_VALID = "123456789018"  # valid check digit, not a sentinel


def _plant(data: bytes, offset_parity: int) -> bytes:
    cut = 1001 if offset_parity else 1000
    return NOISE[:cut] + data + NOISE[cut:]


def _forms() -> list[tuple[str, bytes]]:
    return sorted((label, data) for data, label in sentinel_forms(NUMBER).items())


def test_clean_noise_and_a_non_sentinel_number_are_not_sentinel_hits() -> None:
    assert SCANNER.forms(NOISE) == []
    assert SCANNER.forms(_plant(OTHER_VALID.encode(), 0)) == []
    assert SCANNER.forms(NUMBER[:8].encode()) == []  # the first 8 digits are not the tail


def test_every_width_separator_codec_and_escape_is_a_form() -> None:
    forms = sentinel_forms(NUMBER)
    for width in WIDTHS:
        for sep in SEPARATORS:
            text = _grouped(NUMBER[-8:], width, sep)
            for codec in CODECS:
                assert text.encode(codec) in forms
            for fmt in ("\\u{:04x}", "\\u{:04X}"):
                assert "".join(fmt.format(ord(c)) for c in text).encode() in forms
    assert len(forms) > 80


@pytest.mark.parametrize("parity", [0, 1], ids=["even", "odd"])
@pytest.mark.parametrize(("label", "data"), _forms(), ids=[label for label, _ in _forms()])
def test_each_form_fires_on_a_planted_sentinel(label: str, data: bytes, parity: int) -> None:
    found = SCANNER.forms(_plant(data, parity))
    assert found == [f"sentinel #3 {label}"]


def test_every_separator_has_a_code_in_every_codec() -> None:
    """No width/separator/codec combination is impossible, so none is skipped or left out.

    CP932 does encode U+2010 (0x815D) and U+2212 (0x817C, the code of U+FF0D too).
    """
    assert "\u2010".encode("cp932") == b"\x81\x5d"
    assert "\u2212".encode("cp932") == "\uff0d".encode("cp932") == b"\x81\x7c"
    for width in WIDTHS:
        for sep in SEPARATORS:
            for codec in CODECS:
                _grouped(NUMBER, width, sep).encode(codec)  # raises if impossible


WHOLE_NUMBER_CASES = [(width, sep, codec) for codec in CODECS for sep in SEPARATORS
                      for width in WIDTHS]


@pytest.mark.parametrize(("width", "sep", "codec"), WHOLE_NUMBER_CASES,
                         ids=[f"{c}-{SEPARATORS[s]}-{w}" for w, s, c in WHOLE_NUMBER_CASES])
def test_the_whole_number_4_4_4_fires(width: str, sep: str, codec: str) -> None:
    text = _grouped(NUMBER, width, sep)
    data = text.encode(codec)
    assert SCANNER.forms(_plant(data, 1))
    assert SCANNER.text_forms(f"番号: {text} です")


def test_json_dumps_of_a_full_width_number_fires() -> None:
    text = json.dumps({"番号": _grouped(NUMBER, "full-width", "")})  # ensure_ascii escapes
    assert "\\uff" in text
    assert SCANNER.text_forms(text) == ["sentinel #3 full-width plain JSON all-escaped lower"]


# --- the generic valid-check-digit scan ------------------------------------------------------


def test_generic_ascii() -> None:
    assert generic_bytes(_plant(b" " + OTHER_VALID.encode() + b" ", 0)) == ["ascii"]


@pytest.mark.parametrize(("codec", "parity", "expected"), [
    ("cp932", 0, "cp932"), ("utf-8", 0, "utf-8"),
    ("utf-16-le", 0, "utf-16-le@0"), ("utf-16-le", 1, "utf-16-le@1"),
    ("utf-16-be", 0, "utf-16-be@0"), ("utf-16-be", 1, "utf-16-be@1"),
])
def test_generic_full_width_in_each_codec_and_offset(codec: str, parity: int,
                                                     expected: str) -> None:
    text = f"〔{_grouped(OTHER_VALID, 'full-width', '')}〕"
    data = (b"\x00" * 8 if codec.startswith("utf-16") else b"  ") + text.encode(codec) + b"  "
    planted = (b"!" if parity else b"") + data
    assert generic_bytes(planted) in ([expected], [_twin(expected)])


def _twin(view: str) -> str:
    """UTF-16 LE at one offset reads what BE reads at the other (bar the first byte)."""
    if not view.startswith("utf-16"):
        return view
    codec, offset = view.split("@")
    other = "utf-16-be" if codec == "utf-16-le" else "utf-16-le"
    return f"{other}@{1 - int(offset)}"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("parity", [0, 1])
def test_generic_ascii_digits_in_utf16(codec: str, parity: int) -> None:
    planted = b"!" * parity + b"\x00\x00" + f" {OTHER_VALID} ".encode(codec)
    assert generic_bytes(planted) in ([f"{codec}@{parity}"], [_twin(f"{codec}@{parity}")])


def test_generic_json_escapes() -> None:
    escaped = "".join(f"\\u{0xFF10 + int(d):04x}" for d in OTHER_VALID)
    assert generic_text(f'{{"n": "{escaped}"}}')
    assert generic_bytes(f'{{"n": "{escaped}"}}'.encode()) == ["cp932"]


def test_generic_ignores_hex_digests_and_longer_runs() -> None:
    digest = "ab" + OTHER_VALID + "cd" * 20  # an HMAC-like hex string holding a valid run
    assert not generic_text(digest)
    assert generic_bytes(digest.encode()) == []
    assert not generic_text("9" + OTHER_VALID)  # 13 digits: not a 個人番号
    assert not generic_text("123456789012")  # invalid check digit


# --- places ----------------------------------------------------------------------------------


def test_tree_skips_input_media_but_not_copies_in_a_profile(tmp_path: Path) -> None:
    sweep = Sweep(SENTINELS, inputs={})
    medium = tmp_path / "usb"
    medium.mkdir()
    name = "KSK02_082201_20261001090000.dat"
    (medium / name).write_bytes(NUMBER.encode())
    sweep.inputs = {(medium / name).resolve(): hashlib.sha256(NUMBER.encode()).hexdigest()}
    assert sweep.tree(tmp_path) == []
    profile = tmp_path / "profile"
    (profile / "staging").mkdir(parents=True)
    (profile / "store.db").write_bytes(NOISE)
    (profile / "staging" / name).write_bytes(NUMBER.encode())
    home = tmp_path / "home" / ".cache"
    home.mkdir(parents=True)
    (home / "x.log").write_bytes(_grouped(NUMBER, "full-width", "\u3000").encode("utf-16-be"))
    found = sweep.tree(tmp_path)
    assert any(h.startswith("profile/staging/KSK02") for h in found)
    assert any(h.startswith("home/.cache/x.log: sentinel #3 full-width full-width space utf-16-be")
               for h in found)
    assert sweep.hits == found


def test_input_files_are_known_by_path_and_hash_not_by_name(tmp_path: Path) -> None:
    """A copy of an input file anywhere else, or one the run changed, is a leak."""
    medium = tmp_path / "usb"
    medium.mkdir()
    name = "KSK02_082201_20261001090000.dat"
    write_files(medium, {name: NUMBER.encode(), "KKG01_082201_20261001090000.dat": b"0" * 40})
    assert Sweep(SENTINELS).tree(tmp_path) == []  # registered, unchanged: left out
    copies = {"tmp/" + name: NUMBER, "home/.cache/ksk01-copy.txt": NUMBER,
              "out/KKG01_082201_20261001090000.dat": NUMBER}
    for rel, text in copies.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(text.encode())
    found = Sweep(SENTINELS).tree(tmp_path)
    assert {h.split(":")[0] for h in found} == set(copies)
    for rel in copies:
        (tmp_path / rel).unlink()
    (medium / "KKG01_082201_20261001090000.dat").write_bytes(b"0" * 40 + b" " + NUMBER.encode())
    found = Sweep(SENTINELS).tree(tmp_path)  # the run changed an input file: scanned
    assert found == ["usb/KKG01_082201_20261001090000.dat: sentinel #3 ascii plain utf-8",
                     "usb/KKG01_082201_20261001090000.dat: valid 12-digit number (ascii)"]


def _split_over_pages(path: Path) -> bool:
    """Store the number so that an overflow-page boundary cuts it (some filler length does)."""
    for pad in range(0, 1200, 7):
        path.unlink(missing_ok=True)
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA page_size = 512")
        conn.execute("CREATE TABLE oplog (detail TEXT)")
        conn.execute("INSERT INTO oplog VALUES (?)", ("x" * pad + NUMBER + "x" * 2000,))
        conn.commit()
        conn.close()
        raw = path.read_bytes()
        if not SCANNER.forms(raw) and not generic_bytes(raw):
            return True
    return False


def test_sqlite_is_queried_as_well_as_scanned(tmp_path: Path) -> None:
    """A value cut by an overflow-page boundary is invisible to a byte scan; the query sees it."""
    path = tmp_path / "shuyaku.sqlite3"
    assert _split_over_pages(path)
    sweep = Sweep(SENTINELS)
    found = sweep.file(path, "sim db")
    assert found == ["sim db table oplog: sentinel #3 ascii plain utf-8",
                     "sim db table oplog: valid 12-digit number"]


def test_adjacent_sqlite_columns_are_no_number_but_a_cell_is(tmp_path: Path) -> None:
    """Two digit columns side by side in a page are no 個人番号; one in a cell is."""
    path = tmp_path / "shuyaku.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE ids (prefix TEXT, serial TEXT)")
        db.execute("INSERT INTO ids VALUES (?, ?)", (OTHER_VALID[:6], OTHER_VALID[6:]))
    db.close()
    assert OTHER_VALID.encode() in path.read_bytes()  # the page holds the run...
    assert Sweep().file(path, "sim db") == []  # ...which is no number: cells are scanned
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO ids VALUES (?, ?)", (f"x {OTHER_VALID} y", ""))
    db.close()
    assert Sweep().file(path, "sim db") == ["sim db table ids: valid 12-digit number"]
    assert Sweep(SENTINELS).file(path, "sim db") == ["sim db table ids: valid 12-digit number"]


def test_a_short_hex_id_is_masked_but_a_number_beside_text_is_not() -> None:
    hex_id = "ab" + OTHER_VALID + "cd"  # a 64-bit key ID holding a valid run by chance
    assert Sweep().raw("token", f'{{"key_id": "{hex_id}"}}'.encode()) == []
    assert Sweep().raw("note", f"番号 {OTHER_VALID} です".encode()) == [
        "note: valid 12-digit number (ascii)"]


def test_pdf_text_is_extracted(tmp_path: Path) -> None:
    from io import BytesIO

    from reportlab.pdfgen import canvas

    out = BytesIO()
    pdf = canvas.Canvas(out, pageCompression=1)
    pdf.drawString(72, 720, f"No. {NUMBER[:4]} {NUMBER[4:8]} {NUMBER[8:]}")
    pdf.save()
    data = out.getvalue()
    assert SCANNER.forms(data) == []  # compressed: the raw bytes do not show it
    found = Sweep(SENTINELS).raw("spool.pdf", data)
    assert found == ["spool.pdf (pdf text): sentinel #3 ascii space utf-8"]


def test_generic_only_sweep_without_sentinels(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"x {OTHER_VALID} y", "utf-8")
    assert Sweep().tree(tmp_path) == ["a.txt: valid 12-digit number (ascii)"]
