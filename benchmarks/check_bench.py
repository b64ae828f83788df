"""Benchmark: checking a KSK01/KSK02 pair vs decoding and slicing it only.

The pair (100,000 persons, ~45,000 households, valid My Numbers) is made in
this process with the codec's writer. The baseline reads the same bytes line
by line, slices every record into its fields by the layout and decodes each
field as CP932: the least any reader must do. The checker does that plus every
rule of docs/interface-files.md. Target: checker ≤ 5× the baseline. A second
baseline, one CP932 decode of each whole file, is the physical floor (no slicing,
no rule). The three alternate (whole-file, per-field, checker), at least 5 runs
each; rows give the median and min–max.

Run: ``.venv/bin/python -m benchmarks.check_bench [--quick]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import random
import time
from collections.abc import Iterator

from benchmarks.common import MIN_RUNS, spread_row
from kokuho_pc.domain.mynumber import MyNumber, my_number_check_digit
from kokuho_pc.formats.checker import check_file_set
from kokuho_pc.formats.filenames import make_file_name
from kokuho_pc.formats.layouts import get_layout
from kokuho_pc.formats.writer import write_fixed

CODE = "082201"
CREATED = dt.datetime(2026, 11, 10, 8, 15)
TODAY = dt.date(2026, 11, 26)
FAMILY = [("ﾀﾅｶ", "田中"), ("ｽｽﾞｷ", "鈴木"), ("ｻﾄｳ", "佐藤"), ("ﾜﾀﾅﾍﾞ", "渡辺"), ("ｲﾄｳ", "伊藤"),
          ("ﾔﾏﾓﾄ", "山本"), ("ﾅｶﾑﾗ", "中村"), ("ｺﾊﾞﾔｼ", "小林"), ("ｶﾄｳ", "加藤"), ("ﾖｼﾀﾞ", "吉田")]
GIVEN = [("ｹﾝ", "健"), ("ﾊﾅｺ", "花子"), ("ﾀﾛｳ", "太郎"), ("ﾕｲ", "結衣"), ("ｿｳﾀ", "蒼太"),
         ("ﾐｻｷ", "美咲"), ("ﾋﾛｼ", "博"), ("ｴﾐ", "恵美"), ("ｼｮｳ", "翔"), ("ｱｵｲ", "葵")]


def _my_number(serial: int) -> MyNumber:
    first = f"{serial:011d}"
    return MyNumber(first + str(my_number_check_digit(first)))


def make_pair(persons: int, seed: int = 1) -> dict[str, bytes]:
    """A valid KSK01/KSK02 pair of about ``persons`` persons, made with the writer."""
    rnd = random.Random(seed)
    households: list[dict[str, object]] = []
    people: list[dict[str, object]] = []
    serial = 10_000_000_000
    hh = 0
    while len(people) < persons:
        hh += 1
        hh_no = f"{hh:010d}"
        size = min(rnd.choice((1, 1, 2, 2, 3, 4)), persons - len(people))
        fam_kana, fam_kanji = rnd.choice(FAMILY)
        start = dt.date(2018, 4, 1) + dt.timedelta(days=rnd.randrange(3000))
        head_id = f"P{len(people) + 1:09d}"
        for k in range(size):
            giv_kana, giv_kanji = rnd.choice(GIVEN)
            birth = dt.date(1940, 1, 1) + dt.timedelta(days=rnd.randrange(20000))
            serial += 7
            people.append({
                "processing_type": "1", "municipality_code": CODE,
                "municipal_insured_id": f"P{len(people) + 1:09d}", "household_no": hh_no,
                "my_number": _my_number(serial), "name_kana": f"{fam_kana} {giv_kana}",
                "name": f"{fam_kanji}\u3000{giv_kanji}", "birth_date": birth,
                "sex": rnd.choice("12"), "relation": "01" if k == 0 else rnd.choice(("02", "03")),
                "qualification_acquired": max(birth, start), "qualification_lost": None,
                "coverage_start": max(birth, start), "coverage_start_reason": "01",
                "coverage_end": None, "coverage_end_reason": "", "previous_municipality": "",
                "card_number": f"{len(people):08d}", "branch_number": "01",
            })
        households.append({
            "processing_type": "1", "municipality_code": CODE, "household_no": hh_no,
            "head_type": "1", "head_insured_id": head_id, "nominal_head_my_number": None,
            "head_name_kana": f"{fam_kana} ｹﾝ", "head_name": f"{fam_kanji}\u3000健",
            "coverage_start": start, "coverage_end": None, "change_date": start,
            "change_reason": "01", "previous_municipality": "",
        })
    return {
        make_file_name("KSK01", CODE, CREATED): write_fixed("KSK01", CODE, CREATED, households),
        make_file_name("KSK02", CODE, CREATED): write_fixed("KSK02", CODE, CREATED, people),
    }


def _lines(data: bytes) -> Iterator[bytes]:
    for line in io.BytesIO(data):
        yield line[:-2]


def baseline(files: dict[str, bytes]) -> int:
    """Decode CP932 and slice every record into its fields by the layout; nothing else."""
    total = 0
    for name, data in files.items():
        layout = get_layout(name[:5])
        parts = {b"1": layout.header, b"2": layout.data, b"3": layout.trailer}
        slices = {k: [(f.offset, f.end) for f in v] for k, v in parts.items()}
        for line in _lines(data):
            fields = [line[s:e].decode("cp932") for s, e in slices[line[:1]]]
            total += len(fields)
    return total


def whole_file_decode(files: dict[str, bytes]) -> int:
    """The physical floor: decode every file as CP932 in one call, nothing else."""
    return sum(len(data.decode("cp932")) for data in files.values())


def run(quick: bool) -> list[dict[str, object]]:
    """The checker against both baselines on the same pair, runs alternating."""
    persons = 3_000 if quick else 100_000
    files = make_pair(persons)
    report = check_file_set(files, today=TODAY)
    if not report.valid:
        raise RuntimeError(f"generated pair is not valid: {report.errors[:3]}")
    runs = MIN_RUNS if quick else 7
    checked: list[float] = []
    per_field: list[float] = []
    whole: list[float] = []
    for _ in range(runs):  # whole-file decode, per-field decode, checker, again ...
        for func, into in ((lambda: whole_file_decode(files), whole),
                           (lambda: baseline(files), per_field),
                           (lambda: check_file_set(files, today=TODAY), checked)):
            gc.collect()
            t0 = time.perf_counter()
            func()
            into.append(time.perf_counter() - t0)
    size = sum(len(d) for d in files.values()) / 1e6
    return [
        spread_row(f"check_file_set KSK01/KSK02 {persons:,} persons vs per-field decode",
                   checked, per_field, "s",
                   "baseline: CP932 decode + slice every field by the layout (target ≤ 5)"),
        spread_row(f"check_file_set KSK01/KSK02 {persons:,} persons vs whole-file decode",
                   checked, whole, "s",
                   f"baseline: one CP932 decode of each whole file ({size:.1f} MB; the "
                   "physical floor: no slicing, no rule)"),
    ]


def main() -> None:
    """Print the result rows."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    for row in run(parser.parse_args().quick):
        print(row, flush=True)


if __name__ == "__main__":
    main()
