"""Fictitious list rows for the demo preview, the tests and the benchmark.

Names are common Japanese names combined at random; no real person's data.
One row in every 97 carries an over-long name so that clipping is exercised.
"""

from __future__ import annotations

import datetime as dt
import random

from kokuho_pc.domain.codes import Category, Decision, Suggestion
from kokuho_pc.domain.municipality import MUNICIPALITY_NAMES
from kokuho_pc.print.rows import (
    CandidateRow,
    CarryOverRow,
    ConfirmedRow,
    HouseholdPair,
    ReportHeader,
)

FAMILY = (
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
    ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
    ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
    ("佐々木", "ササキ"), ("松本", "マツモト"), ("井上", "イノウエ"), ("木村", "キムラ"),
    ("長谷川", "ハセガワ"), ("齋藤", "サイトウ"), ("渡邉", "ワタナベ"), ("髙橋", "タカハシ"),
)
GIVEN = (
    ("太郎", "タロウ"), ("花子", "ハナコ"), ("一郎", "イチロウ"), ("美咲", "ミサキ"),
    ("健太", "ケンタ"), ("陽菜", "ヒナ"), ("翔", "ショウ"), ("結衣", "ユイ"),
    ("大輔", "ダイスケ"), ("由美子", "ユミコ"), ("誠", "マコト"), ("愛", "アイ"),
)
LONG_NAME = ("勅使河原左衛門三郎右衛門之助", "テシガワラサエモンサブロウウエモンノスケ")
REASONS = {
    Category.ADDRESS_ONLY: "世帯主・構成員とも転出前と同一です。",
    Category.HEAD_CHANGE: "転出前の構成員が転入後の世帯主になっています。",
    Category.MEMBERS_ADDED: "出生または社保離脱による構成員の増加のみです。",
    Category.MEMBERS_REMOVED: "死亡・社保加入・後期高齢者医療移行による減少のみです。",
    Category.SPLIT: "転出前世帯の構成員が複数の世帯に分かれました。",
    Category.MERGE: "複数の転出前世帯から構成員を受け入れました。",
    Category.NONE: "転出前と転入後で世帯主が異なり、継続の条件に該当しません。",
}
HOME_CODE = "082201"


def demo_header(title: str, printed_at: dt.datetime | None = None) -> ReportHeader:
    """A header for つくば市 printed by operator ``S0001``."""
    when = printed_at or dt.datetime(2026, 11, 26, 14, 5)
    return ReportHeader(title, MUNICIPALITY_NAMES[HOME_CODE], HOME_CODE, when, "S0001")


def _name(rng: random.Random, index: int) -> tuple[str, str]:
    if index % 97 == 96:
        return LONG_NAME
    family, family_kana = rng.choice(FAMILY)
    given, given_kana = rng.choice(GIVEN)
    return f"{family}　{given}", f"{family_kana}　{given_kana}"


def demo_pair(rng: random.Random, index: int) -> HouseholdPair:
    """One before/after pair moving into つくば市."""
    before_code = rng.choice([c for c in MUNICIPALITY_NAMES if c != HOME_CODE])
    before_name, before_kana = _name(rng, index)
    after_name, after_kana = (before_name, before_kana) if rng.random() < 0.8 else _name(rng, 0)
    move = dt.date(2026, 4, 1) + dt.timedelta(days=rng.randrange(0, 200))
    return HouseholdPair(
        move, before_code, MUNICIPALITY_NAMES[before_code], HOME_CODE,
        MUNICIPALITY_NAMES[HOME_CODE], before_name, before_kana, after_name, after_kana,
    )


def candidate_no(index: int) -> str:
    """Demo candidate number ``C0000001``."""
    return f"C{index + 1:07d}"


def demo_candidate_rows(count: int, seed: int = 7) -> list[CandidateRow]:
    """``count`` candidate-list rows; about half already decided."""
    rng = random.Random(seed)  # noqa: S311 - fictitious demo data, not security
    rows = []
    for i in range(count):
        category = rng.choice(list(Category))
        suggestion = Suggestion.DISCONTINUE if category is Category.NONE else Suggestion.CONTINUE
        decided = rng.random() < 0.5
        rows.append(CandidateRow(
            candidate_no=candidate_no(i),
            pair=demo_pair(rng, i),
            before_member_count=rng.randint(1, 5),
            after_member_count=rng.randint(1, 6),
            category_code=int(category),
            category_label=category.label,
            suggestion=suggestion.label,
            reason=REASONS[category],
            decision=(Decision.CONTINUE.label if decided else ""),
            decided_by=("S0002" if decided else ""),
            decided_at=(dt.datetime(2026, 11, 20, 9, 30) if decided else None),
        ))
    return rows


def _months(rng: random.Random, move: dt.date) -> tuple[str, ...]:
    months = []
    year, month = move.year - 1, move.month
    for _ in range(12):
        if rng.random() < 0.3:
            months.append(f"{year:04d}{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return tuple(months)


def demo_confirmed_rows(count: int, seed: int = 11) -> list[ConfirmedRow]:
    """``count`` confirmed-list rows (mostly 継続する)."""
    rng = random.Random(seed)  # noqa: S311 - fictitious demo data, not security
    rows = []
    for i in range(count):
        pair = demo_pair(rng, i)
        keep = rng.random() < 0.85
        category = Category.ADDRESS_ONLY if keep else Category.NONE
        months = _months(rng, pair.move_date) if keep else ()
        hits = min(len(months), 12)
        rows.append(ConfirmedRow(
            candidate_no=candidate_no(i), pair=pair, category_code=int(category),
            category_label=category.label,
            suggestion=(Suggestion.CONTINUE if keep else Suggestion.DISCONTINUE).label,
            decision=(Decision.CONTINUE if keep else Decision.DISCONTINUE).label,
            decided_by="S0002", decided_at=dt.datetime(2026, 11, 20, 9, 30),
            carried_months=months, tasuu_count=hits, next_hit_tasuu=keep and hits >= 3,
            move_month_rule=keep and pair.move_date.day != 1,
            remarks=("判定候補と異なる判定" if i % 13 == 5 else ""),
        ))
    return rows


def demo_carry_over_rows(count: int, seed: int = 13) -> list[CarryOverRow]:
    """``count`` carry-over rows (継続する only, as that list shows)."""
    rng = random.Random(seed)  # noqa: S311 - fictitious demo data, not security
    rows = []
    for i in range(count):
        pair = demo_pair(rng, i)
        months = _months(rng, pair.move_date) or (f"{pair.move_date.year:04d}01",)
        if i % 50 == 7:  # a long history, to exercise wrapping
            months = tuple(f"{y:04d}{m:02d}" for y in range(2018, 2026) for m in (4, 8, 12))
        rows.append(CarryOverRow(
            candidate_no=candidate_no(i), pair=pair, decision=Decision.CONTINUE.label,
            carried_months=months, tasuu_count=min(len(months), 12),
            next_hit_tasuu=len(months) >= 3, move_month_rule=pair.move_date.day != 1,
        ))
    return rows
