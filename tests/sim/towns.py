"""Hand-built municipalities for the engine tests: households and persons → KSK01/KSK02/KKG01.

``Town(code)`` collects household and person records and writes them with the
real codec (``kokuho_pc.formats.writer``); persons are identified by a small
serial turned into a valid generated 個人番号 (belonging to nobody).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from kokuho_pc.domain.mynumber import MyNumber, my_number_check_digit
from kokuho_pc.formats.filenames import make_file_name
from kokuho_pc.formats.writer import write_fixed

MITO, TSUKUBA, TSUCHIURA, USHIKU = "082015", "082201", "082031", "082198"
SINCE = dt.date(2020, 4, 1)
KANA = ("ｱｲｻﾞﾜ ｲﾁﾛｳ", "ｱｲｻﾞﾜ ﾊﾅｺ", "ｱｲｻﾞﾜ ｼﾞﾛｳ", "ｱｲｻﾞﾜ ｻﾌﾞﾛｳ", "ｱｲｻﾞﾜ ﾕｷ")
NAMES = ("相沢\u3000一郎", "相沢\u3000花子", "相沢\u3000次郎", "相沢\u3000三郎", "相沢\u3000雪")


def mn(serial: int) -> MyNumber:
    """A valid generated 個人番号 for a serial."""
    first = f"8{serial:010d}"
    return MyNumber(first + str(my_number_check_digit(first)))


def day_before(day: dt.date) -> dt.date:
    """The previous day."""
    return day - dt.timedelta(days=1)


@dataclass
class Town:
    """One municipality's records for one export run."""

    code: str
    households: list[dict[str, object]] = field(default_factory=list)
    persons: list[dict[str, object]] = field(default_factory=list)
    high_cost: list[dict[str, object]] = field(default_factory=list)

    def household(
        self, hno: str, head: str | None = None, *, nominal: int | None = None,
        start: dt.date = SINCE, end: dt.date | None = None, reason: str = "01",
        prev: str = "", change: dt.date | None = None, ptype: str = "1",
    ) -> Town:
        """Add a KSK01 record: insured head ``head`` (insured ID) or nominal head serial."""
        self.households.append({
            "processing_type": ptype, "municipality_code": self.code, "household_no": hno,
            "head_type": "2" if nominal is not None else "1",
            "head_insured_id": head if nominal is None else "",
            "nominal_head_my_number": mn(nominal) if nominal is not None else None,
            "head_name_kana": KANA[0], "head_name": NAMES[0], "coverage_start": start,
            "coverage_end": end, "change_date": change or end or start, "change_reason": reason,
            "previous_municipality": prev,
        })
        return self

    def person(
        self, mid: str, hno: str, serial: int, relation: str = "01", *,
        start: dt.date = SINCE, reason: str = "01", end: dt.date | None = None,
        end_reason: str = "", prev: str = "", birth: dt.date = dt.date(1970, 1, 1),
        acquired: dt.date | None = None, ptype: str = "1",
    ) -> Town:
        """Add a KSK02 record for person ``serial`` (insured ID ``mid``) in household ``hno``."""
        self.persons.append({
            "processing_type": ptype, "municipality_code": self.code,
            "municipal_insured_id": mid, "household_no": hno, "my_number": mn(serial),
            "name_kana": KANA[serial % len(KANA)], "name": NAMES[serial % len(NAMES)],
            "birth_date": birth, "sex": "1" if serial % 2 else "2", "relation": relation,
            "qualification_acquired": acquired or max(birth, SINCE if reason != "04" else birth),
            "qualification_lost": None, "coverage_start": start,
            "coverage_start_reason": reason, "coverage_end": end, "coverage_end_reason": end_reason,
            "previous_municipality": prev, "card_number": "", "branch_number": "",
        })
        return self

    def month(self, hno: str, head: str, month: str, kind: str = "1", income: str = "14") -> Town:
        """Add a KKG01 record (care month ``YYYYMM``)."""
        self.high_cost.append({
            "municipality_code": self.code, "household_no": hno, "head_insured_id": head,
            "care_month": month, "high_cost_kind": kind, "income_category": income,
            "decision_date": dt.date(int(month[:4]), int(month[4:]), 28),
        })
        return self

    def pair(self, created: dt.datetime) -> dict[str, bytes]:
        """The KSK01+KSK02 pair of this run."""
        return {
            make_file_name("KSK01", self.code, created):
                write_fixed("KSK01", self.code, created, self.households),
            make_file_name("KSK02", self.code, created):
                write_fixed("KSK02", self.code, created, self.persons),
        }

    def kkg01(self, created: dt.datetime) -> dict[str, bytes]:
        """The KKG01 file of this run."""
        return {make_file_name("KKG01", self.code, created):
                write_fixed("KKG01", self.code, created, self.high_cost)}


def write_dir(directory: Path, *sets: dict[str, bytes]) -> Path:
    """Write file sets into ``directory`` (for judge/seed)."""
    directory.mkdir(parents=True, exist_ok=True)
    for s in sets:
        for name, data in s.items():
            (directory / name).write_bytes(data)
    return directory


def moved_family(
    old: Town, new: Town, move: dt.date, old_hno: str, new_hno: str,
    members: list[tuple[int, str]], *, stay: list[tuple[int, str]] | None = None,
    new_head: int | None = None, old_head: int | None = None,
) -> None:
    """A household moving from ``old`` to ``new`` on ``move``.

    ``members``: (serial, relation) of those who move; ``stay``: of those who
    stay in the old household. Insured IDs are ``O<serial>`` / ``N<serial>``.
    The old household ends the day before when nobody stays.
    """
    stay = stay or []
    old_head = old_head if old_head is not None else next(
        s for s, r in [*members, *stay] if r == "01")
    end = None if stay else day_before(move)
    old.household(old_hno, f"O{old_head}", end=end, change=move if end else None,
                  reason="12" if end else "01")
    for serial, rel in members:
        old.person(f"O{serial}", old_hno, serial, rel, end=day_before(move), end_reason="12")
    for serial, rel in stay:
        old.person(f"O{serial}", old_hno, serial, rel)
    head = new_head if new_head is not None else next(s for s, r in members if r == "01")
    new.household(new_hno, f"N{head}", start=move, reason="02", prev=old.code)
    for serial, rel in members:
        new_rel = "01" if serial == head else ("02" if rel == "01" else rel)
        new.person(f"N{serial}", new_hno, serial, new_rel, start=move, reason="02", prev=old.code)
