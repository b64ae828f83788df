"""The one 個人番号 detector (kokuho_pc.domain.leakscan) and the guards that use it.

Before issue 14, ``4952-3211-1738`` in a decision's remarks was accepted by the
client, the simulator and the print guard (they matched 12 digits in a row only).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from kokuho_pc.audit.actions import AuditAction, log_hash
from kokuho_pc.domain.errors import AuditError, ValidationError
from kokuho_pc.domain.leakscan import (
    contains_my_number,
    hide_logged_hashes,
    mask_my_numbers,
)
from kokuho_pc.domain.mynumber import MASK, my_number_check_digit
from kokuho_pc.print.guard import mask_my_numbers as print_mask
from kokuho_pc.services.candidates import CandidateService
from shuyaku_sim.engine import Engine
from shuyaku_sim.errors import InvalidRequest
from tests.sim.enginehelp import T1, T3, make_engine, only, submit
from tests.sim.towns import MITO, TSUKUBA, Town, day_before


def _valid(first_eleven: str) -> str:
    return first_eleven + str(my_number_check_digit(first_eleven))


NUMBER = _valid("49523211173")  # 4952-3211-1738: the red team's value has a valid check digit
assert NUMBER == "495232111738"
WIDE = "".join(chr(0xFF10 + int(d)) for d in NUMBER)


def _grouped(digits: str, sep: str, sizes: tuple[int, ...] = (4, 4, 4)) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(digits[at:at + size])
        at += size
    return sep.join(parts)


FORMS = {
    "plain": NUMBER,
    "hyphen": _grouped(NUMBER, "-"),
    "space": _grouped(NUMBER, " "),
    "spaced hyphen": _grouped(NUMBER, " - "),
    "full-width": WIDE,
    "full-width hyphen": _grouped(WIDE, "\uff0d"),
    "ideographic space": _grouped(WIDE, "\u3000"),
    "mixed widths": _grouped(NUMBER[:4] + WIDE[4:], "\u2010"),
    "long-vowel mark": _grouped(NUMBER, "ー"),
    "minus sign": _grouped(NUMBER, "\u2212"),
    "line break": _grouped(NUMBER, "\n"),
    "3-3-3-3": _grouped(NUMBER, "-", (3, 3, 3, 3)),
    "6-6": _grouped(NUMBER, " ", (6, 6)),
    "embedded": f"備考{_grouped(NUMBER, '-')}です",
    "after letters": f"ID:{NUMBER}確認",
    "after a phone prefix": f"電話 03 {_grouped(NUMBER, ' ')}",
    "arabic-indic digits": "".join(chr(0x0660 + int(d)) for d in NUMBER),
    # 4-4-4 only (session 4; accepted in remarks before):
    "dots": _grouped(NUMBER, "."),
    "slashes": _grouped(NUMBER, "/"),
    "underscores": _grouped(NUMBER, "_"),
    "middle dots": _grouped(NUMBER, "・"),
    "full-width dots": _grouped(WIDE, "\uff0e"),
    "full-width slashes": _grouped(WIDE, "\uff0f"),
    "dots in text": f"番号は{_grouped(NUMBER, '.')}です",
}
IP_LIKE = next(f"192.168.100.2{d}{c}" for d in range(10) for c in range(10)
               if _valid(f"1921681002{d}") == f"1921681002{d}{c}")


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_form_is_found_and_masked(form: str) -> None:
    text = FORMS[form]
    assert contains_my_number(text), form
    masked = mask_my_numbers(text)
    assert MASK in masked and not contains_my_number(masked)
    assert print_mask(text) == masked  # the print guard is the same detector


@pytest.mark.parametrize("text", [
    _valid("12345678901")[:11] + str((int(_valid("12345678901")[11]) + 1) % 10),  # bad check
    "1" + NUMBER,                    # 13 digits in a row are not a 12-digit number
    _grouped(NUMBER, "-", (4, 4, 3)) + "-" + NUMBER[11] + "9",  # 4-4-3-2: no 12-digit run
    "2026-11-26 10:00 電話 029-123-4567",
    "受付番号 12345 / 2026年11月26日",
    _grouped(NUMBER, "/", (3, 3, 3, 3)),  # slashes, dots, underscores: 4-4-4 only
    _grouped(NUMBER, ".", (6, 6)),
    _grouped(NUMBER, "_", (4, 8)),
    IP_LIKE,                         # an IPv4 address whose 12 digits pass the check
    _grouped(NUMBER, ", "),          # commas: a JSON list of numbers in a log record
    f"[{_grouped(NUMBER, ', ')}]",
])
def test_other_numbers_are_not_taken_for_one(text: str) -> None:
    assert not contains_my_number(text)


def test_hashes_in_the_logs_form_are_skipped_by_the_log_scans_only() -> None:
    """Joined across the hyphens, random grouped hex holds a valid run now and then: the
    log scans hide the exact grouped form (and nothing else) before scanning."""
    rng = random.Random(14)
    joined = 0
    for _ in range(5000):
        grouped = log_hash(hashlib.sha256(rng.randbytes(16)).hexdigest())
        joined += contains_my_number(grouped)
        assert not contains_my_number(hide_logged_hashes(f'{{"sha256":"{grouped}"}}'))
    assert joined  # why the exemption is needed
    hidden = f"{log_hash('ab' * 32)} {FORMS['hyphen']}"
    assert contains_my_number(hide_logged_hashes(hidden))  # the rest is still scanned


def test_remarks_with_a_grouped_number_are_refused_by_the_client(tmp_path: Path) -> None:
    from kokuho_pc.services import candidates

    for form in ("hyphen", "space", "full-width hyphen", "embedded", "dots", "middle dots",
                 "dots in text"):
        with pytest.raises(ValidationError):
            candidates._clean(FORMS[form], 500, "備考")
    assert candidates._clean("電話 029-123-4567 で確認", 500, "備考")
    assert CandidateService  # the service's record_decision calls _clean for both texts


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    e = make_engine(tmp_path / "data")
    yield e
    e.close()


def _candidate(engine: Engine) -> str:
    move = dt.date(2026, 10, 15)
    end = day_before(move)
    old = Town(MITO).household("100", "O1", end=end, reason="12", change=move)
    old.person("O1", "100", 1, "01", end=end, end_reason="12")
    new = Town(TSUKUBA).household("200", "N1", start=move, reason="02", prev=MITO)
    new.person("N1", "200", 1, "01", start=move, reason="02", prev=MITO)
    submit(engine, old.pair(T1))
    submit(engine, new.pair(T3))
    return str(only(engine, TSUKUBA)["candidate_no"])


@pytest.mark.parametrize("form", ["hyphen", "space", "full-width hyphen", "embedded", "dots",
                                  "slashes", "full-width slashes"])
def test_remarks_and_reasons_with_a_grouped_number_are_refused_by_the_simulator(
    engine: Engine, form: str
) -> None:
    no = _candidate(engine)
    with pytest.raises(InvalidRequest):
        engine.record_decision(TSUKUBA, no, "continue", None, FORMS[form], "terminal-01",
                               "staff01")
    with pytest.raises(InvalidRequest):
        engine.record_decision(TSUKUBA, no, "discontinue", FORMS[form], None, "terminal-01",
                               "staff01")
    engine.record_decision(TSUKUBA, no, "continue", None, "電話 029-123-4567 で確認",
                           "terminal-01", "staff01")


def test_operation_log_refuses_a_grouped_number(tmp_path: Path) -> None:
    from kokuho_pc.services.profile import ProfileKind, create_profile

    profile = create_profile(tmp_path / "p", kind=ProfileKind.DEMO, municipality_code="082015")
    try:
        with pytest.raises(AuditError):
            profile.audit.record(AuditAction.PRINT, "sato.hanako",
                                 {"report": FORMS["full-width hyphen"]})
        profile.audit.record(AuditAction.SEND, "sato.hanako",
                             {"sha256": hashlib.sha256(b"x").hexdigest()})
    finally:
        profile.close()


def test_names_and_remarks_from_the_server_are_masked_on_screen_and_paper() -> None:
    from kokuho_pc.services.candidate_views import candidate_from_api

    detail = candidate_from_api({
        "candidate_no": "082201-1", "move_date": "2026-10-15", "before_municipality": "082015",
        "after_municipality": "082201", "category": 1, "suggestion": "continue",
        "state": "decided", "reason": "",
        "before_head": {"name": f"山田{WIDE}", "name_kana": "ﾔﾏﾀﾞ"},
        "after_head": {"name": "山田 太郎", "name_kana": _grouped(NUMBER, " ")},
        "members": [{"name": f"花子{FORMS['hyphen']}", "name_kana": "ﾊﾅｺ", "birth_date":
                     "1990-01-01", "sex": "2", "relation_before": "02",
                     "relation_after": "02", "marker": "unchanged"}],
        "decision_detail": {"staff_id": "sato.hanako", "decided_at": "2026-11-26T10:00:00+09:00",
                            "reason": FORMS["space"], "remarks": FORMS["embedded"]},
    })
    shown = repr(detail)
    assert not contains_my_number(shown) and MASK in detail.candidate.before_head.name
    assert detail.members[0].name.startswith("花子") and MASK in detail.members[0].name
    assert detail.candidate.remarks == f"備考{MASK}です"


@pytest.mark.parametrize("value", [
    "山田" + WIDE,                                   # the red team's finding (full width)
    "山田" + _grouped(WIDE, "ー"),                   # the long-vowel mark typed as a hyphen
    "山田" + _grouped(WIDE, "\u3000\uff0d\u3000"),   # spaced full-width hyphens
    "山田" + _grouped(WIDE, "\u2015", (3, 3, 3, 3)),  # horizontal bar, 3-3-3-3
])
def test_a_my_number_in_a_name_is_refused_by_the_checker(value: str) -> None:
    from tests.formats.util import K2, check, mutated

    report = check(mutated(K2, 3, "name", value))
    assert {(e.record, e.item, e.code) for e in report.errors} == {(3, "氏名", "twelve_digits")}


def test_a_staff_name_holding_a_my_number_is_refused() -> None:
    from kokuho_pc.auth.accounts import validate_name
    from kokuho_pc.domain.errors import InvalidAccountData

    for form in ("full-width hyphen", "embedded", "space"):
        with pytest.raises(InvalidAccountData, match="個人番号"):
            validate_name(f"佐藤 花子{FORMS[form]}")
    assert validate_name("佐藤 花子") == "佐藤 花子"
