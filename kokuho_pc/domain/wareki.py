"""和暦 (Japanese era) dates for screens and paper (docs/business-rules.md §8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Era:
    """One Japanese era: its name, short letter and first day."""

    name: str
    letter: str
    start: dt.date


ERAS: tuple[Era, ...] = (
    Era("令和", "R", dt.date(2019, 5, 1)),
    Era("平成", "H", dt.date(1989, 1, 8)),
    Era("昭和", "S", dt.date(1926, 12, 25)),
    Era("大正", "T", dt.date(1912, 7, 30)),
    Era("明治", "M", dt.date(1868, 1, 25)),
)


class DateBeforeMeiji(ValueError):
    """Raised for a date before 明治 (1868-01-25)."""


def era_of(day: dt.date) -> tuple[Era, int]:
    """Return the era of ``day`` and the year number within it (1 = 元年)."""
    for era in ERAS:
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise DateBeforeMeiji("明治より前の日付は和暦で表せません")


def wareki_long(day: dt.date) -> str:
    """``令和8年11月26日``; the first year of an era is written ``元年``."""
    era, year = era_of(day)
    year_text = "元" if year == 1 else str(year)
    return f"{era.name}{year_text}年{day.month}月{day.day}日"


def wareki_short(day: dt.date) -> str:
    """``R8.11.26`` where space is short (``R1`` for the first year)."""
    era, year = era_of(day)
    return f"{era.letter}{year}.{day.month}.{day.day}"


def wareki_month(year: int, month: int) -> str:
    """``令和8年11月`` for a care month (診療年月)."""
    era, era_year = era_of(dt.date(year, month, 1) if month else dt.date(year, 1, 1))
    # A month that starts in one era and ends in the next is named by its 1st day.
    year_text = "元" if era_year == 1 else str(era_year)
    return f"{era.name}{year_text}年{month}月"


def wareki_datetime(moment: dt.datetime) -> str:
    """``令和8年11月26日 14時05分`` for print and log headers."""
    return f"{wareki_long(moment.date())} {moment.hour:02d}時{moment.minute:02d}分"


def parse_yyyymmdd(text: str) -> dt.date:
    """Parse a file date ``YYYYMMDD`` (raises ValueError for an impossible date)."""
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        raise ValueError("YYYYMMDD expected")
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))


def format_yyyymmdd(day: dt.date) -> str:
    """Format a date as ``YYYYMMDD`` for files."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"
