"""The end-to-end scenario: two municipalities, households moving both ways, sentinel 個人番号.

水戸市 (082015) households A move to つくば市 (082201) and つくば市 households B
move to 水戸市, all on 2026-10-01. Each municipality's medium holds two KSK01/KSK02
pairs (its households that moved out, the ones that moved in) and a KKG01 with the
high-cost months of the households that left, so confirmed 継続 candidates carry
months over. Every person's 個人番号 is one of :data:`SENTINELS` (valid check
digits, recorded here), so a scan of the artefacts can prove none of them leaked.
The builders reuse ``tests.simfiles.household_pair`` and swap the numbers in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kokuho_pc.domain.mynumber import MyNumber, is_valid_my_number
from kokuho_pc.formats.filenames import make_file_name
from kokuho_pc.formats.reader import parse_fixed
from kokuho_pc.formats.writer import write_fixed
from tests.simfiles import household_pair

MITO, TSUKUBA = "082015", "082201"
HOUSEHOLDS = 2  # per direction, three persons each

# The sentinel 個人番号 of the twelve persons (valid check digits; test data only).
SENTINELS = (  # no digit thrice in a row: their last 8 digits are distinctive substrings
    "515912539598", "529123382529", "519259833839", "549072584815",
    "569308330519", "563280513665", "570413698449", "574169739486",
    "511095560843", "563917495410", "547919574584", "520441581924",
)
assert all(is_valid_my_number(s) for s in SENTINELS)
FIRST_A, FIRST_B = 0, 10  # household serials of the two directions (simfiles numbering)
CARE_MONTHS = ("202607", "202608", "202609")


@dataclass(frozen=True)
class Timing:
    """Creation timestamps of one municipality's files on its medium."""

    moved_out: dt.datetime
    moved_in: dt.datetime
    high_cost: dt.datetime


TIMES = {
    MITO: Timing(dt.datetime(2026, 10, 5, 9, 0), dt.datetime(2026, 10, 5, 9, 30),
                 dt.datetime(2026, 10, 5, 9, 45)),
    TSUKUBA: Timing(dt.datetime(2026, 10, 6, 9, 0), dt.datetime(2026, 10, 6, 9, 30),
                    dt.datetime(2026, 10, 6, 9, 45)),
}


def sentinel_of(serial: int) -> MyNumber:
    """The sentinel of a person serial (simfiles numbering: household * 3 + member)."""
    base = FIRST_A * 3 if serial < FIRST_B * 3 else FIRST_B * 3 - HOUSEHOLDS * 3
    return MyNumber(SENTINELS[serial - base])


def with_sentinels(pair: dict[str, bytes]) -> dict[str, bytes]:
    """The pair with every KSK02 個人番号 replaced by its sentinel."""
    out = dict(pair)
    for name, data in pair.items():
        if not name.startswith("KSK02"):
            continue
        parsed = parse_fixed(name, data)
        records = []
        for record in parsed.records:
            mid = str(record["municipal_insured_id"])  # P<household:08d><member>
            serial = int(mid[1:9]) * 3 + int(mid[9:])
            records.append({**record, "my_number": sentinel_of(serial)})
        out[name] = write_fixed("KSK02", parsed.municipality_code, parsed.created, records)
    return out


def _high_cost(code: str, created: dt.datetime, first: int) -> dict[str, bytes]:
    """KKG01 of the households that leave ``code``: three 該当区分 1 months each."""
    records = [
        {"municipality_code": code, "household_no": f"{h + 1:010d}",
         "head_insured_id": f"P{h:08d}0", "care_month": month, "high_cost_kind": "1",
         "income_category": "04", "decision_date": dt.date(2026, 10, 1)}
        for h in range(first, first + HOUSEHOLDS) for month in CARE_MONTHS
    ]
    return {make_file_name("KKG01", code, created): write_fixed("KKG01", code, created, records)}


def medium_files(code: str) -> dict[str, bytes]:
    """Every file of ``code``'s medium (both pairs and the KKG01)."""
    other = TSUKUBA if code == MITO else MITO
    leaving, arriving = (FIRST_A, FIRST_B) if code == MITO else (FIRST_B, FIRST_A)
    t = TIMES[code]
    files: dict[str, bytes] = {}
    files.update(with_sentinels(household_pair(code, t.moved_out, HOUSEHOLDS, moved_out=True,
                                                first=leaving)))
    files.update(with_sentinels(household_pair(code, t.moved_in, HOUSEHOLDS,
                                                moved_in_from=other, first=arriving)))
    files.update(_high_cost(code, t.high_cost, leaving))
    return files


def moved_in_pair(created: dt.datetime) -> dict[str, bytes]:
    """つくば市's pair of households A moving in, created at ``created`` (sentinel numbers)."""
    return with_sentinels(household_pair(TSUKUBA, created, HOUSEHOLDS, moved_in_from=MITO,
                                         first=FIRST_A))
