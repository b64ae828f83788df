"""Small builders of valid KSK01/KSK02/KKG01 file sets for API tests.

``moving_households(n)`` gives the two file sets of ``n`` households moving from
082015 (水戸市) to 082201 (つくば市) on 2026-10-01; ``submission_body(files)`` gives
the JSON body of ``POST /api/v1/submissions`` (base64 files and the set's SHA-256).
The 個人番号 values are generated (valid check digits, belonging to nobody).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING

from kokuho_pc.domain.mynumber import MyNumber, my_number_check_digit
from kokuho_pc.formats.filenames import make_file_name
from kokuho_pc.formats.writer import write_fixed

if TYPE_CHECKING:
    from tests.simhelpers import SimServer

OLD, NEW = "082015", "082201"
MOVE_DATE = dt.date(2026, 10, 1)
OLD_CREATED = dt.datetime(2026, 10, 5, 9, 0, 0)
NEW_CREATED = dt.datetime(2026, 10, 6, 9, 0, 0)
_MEMBERS = (("01", "1", "ｼﾐｭ ｲﾁﾛｳ", "試湯\u3000一郎", dt.date(1970, 4, 1)),
            ("02", "2", "ｼﾐｭ ﾊﾅｺ", "試湯\u3000花子", dt.date(1972, 6, 2)),
            ("03", "1", "ｼﾐｭ ｼﾞﾛｳ", "試湯\u3000次郎", dt.date(2001, 8, 3)))


def my_number(serial: int) -> MyNumber:
    """A valid generated 個人番号 for a serial (different serials → different numbers)."""
    first = f"9{serial:010d}"
    return MyNumber(first + str(my_number_check_digit(first)))


def household_pair(code: str, created: dt.datetime, n: int, *, moved_in_from: str | None = None,
                   moved_out: bool = False, first: int = 0) -> dict[str, bytes]:
    """A KSK01+KSK02 pair of ``n`` three-person households (serials ``first`` …).

    ``moved_out``: their coverage here ended the day before MOVE_DATE (事由 12).
    ``moved_in_from``: their coverage here began on MOVE_DATE (事由 02) from that code.
    """
    households, persons = [], []
    start = MOVE_DATE if moved_in_from else dt.date(2020, 4, 1)
    end = MOVE_DATE - dt.timedelta(days=1) if moved_out else None
    for h in range(first, first + n):
        hno = f"{h + 1:010d}"
        ids = [f"P{h:08d}{k}" for k in range(len(_MEMBERS))]
        households.append({
            "processing_type": "1", "municipality_code": code,
            "household_no": hno, "head_type": "1", "head_insured_id": ids[0],
            "nominal_head_my_number": None, "head_name_kana": _MEMBERS[0][2],
            "head_name": _MEMBERS[0][3], "coverage_start": start, "coverage_end": end,
            "change_date": end + dt.timedelta(days=1) if end else start,
            "change_reason": "12" if moved_out else ("02" if moved_in_from else "01"),
            "previous_municipality": moved_in_from or "",
        })
        for k, (relation, sex, kana, name, birth) in enumerate(_MEMBERS):
            persons.append({
                "processing_type": "1", "municipality_code": code,
                "municipal_insured_id": ids[k], "household_no": hno,
                "my_number": my_number(h * len(_MEMBERS) + k), "name_kana": kana, "name": name,
                "birth_date": birth, "sex": sex, "relation": relation,
                "qualification_acquired": dt.date(2020, 4, 1), "qualification_lost": None,
                "coverage_start": start, "coverage_start_reason": "02" if moved_in_from else "01",
                "coverage_end": end, "coverage_end_reason": "12" if moved_out else "",
                "previous_municipality": moved_in_from or "", "card_number": "",
                "branch_number": "",
            })
    return {
        make_file_name("KSK01", code, created): write_fixed("KSK01", code, created, households),
        make_file_name("KSK02", code, created): write_fixed("KSK02", code, created, persons),
    }


def moving_households(n: int) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(old municipality's set with the moves out, new municipality's set with the moves in)."""
    return (household_pair(OLD, OLD_CREATED, n, moved_out=True),
            household_pair(NEW, NEW_CREATED, n, moved_in_from=OLD))


def file_set_digest(files: Mapping[str, bytes]) -> str:
    """The set's SHA-256 as the API defines it (independent re-implementation)."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(f"{name}\n{len(files[name])}\n".encode())
        h.update(files[name])
    return h.hexdigest()


def submission_body(files: Mapping[str, bytes]) -> dict[str, object]:
    """The JSON body of ``POST /api/v1/submissions`` for ``files``."""
    return {
        "files": [{"name": name, "content_base64": base64.b64encode(data).decode("ascii"),
                   "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in sorted(files.items())],
        "sha256": file_set_digest(files),
    }


def seed_move(server: SimServer, n: int = 2) -> dict[str, list[str]]:
    """Submit :func:`moving_households` to a running simulator through its API.

    Returns the new municipality's real objects, for requests that must address
    them: ``{"candidate_no": [...], "name": [delivery names]}``.
    """
    old, new = moving_households(n)
    for code, files in ((OLD, old), (NEW, new)):
        with server.session(code) as http:
            r = http.post(server.url("/api/v1/submissions"), json=submission_body(files),
                          headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=60)
            assert r.status_code == 201, r.text
    with server.session(NEW) as http:
        real = {"candidate_no": [c["candidate_no"] for c in http.get(
                    server.url("/api/v1/candidates"), timeout=30).json()["candidates"]],
                "name": [d["name"] for d in http.get(
                    server.url("/api/v1/deliveries"), timeout=30).json()["deliveries"]]}
    assert real["candidate_no"] and real["name"]
    return real
