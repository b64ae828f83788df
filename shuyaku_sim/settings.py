"""Settings of the consolidation system (the points where prefectures' practice differs)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from shuyaku_sim.errors import InvalidRequest

SETTINGS_FILE = "settings.json"
HEAD_CHANGE_VALUES = ("continue", "review")


@dataclass(frozen=True, slots=True)
class Settings:
    """All settings with their defaults.

    ``head_change_within_household``: the suggestion for category 2
    (世帯内の世帯主変更): ``continue`` (default) or ``review`` (要確認).
    """

    head_change_within_household: str = "continue"

    def __post_init__(self) -> None:
        if self.head_change_within_household not in HEAD_CHANGE_VALUES:
            raise InvalidRequest(
                "設定 head_change_within_household は continue または review です。"
            )

    def with_pairs(self, pairs: Iterable[str]) -> Settings:
        """A copy with ``NAME=VALUE`` pairs applied (unknown names are refused)."""
        result = self
        for pair in pairs:
            name, sep, value = pair.partition("=")
            name = name.strip()
            if not sep or name not in {"head_change_within_household"}:
                raise InvalidRequest(f"不明な設定です: {name}")
            result = replace(result, **{name: value.strip()})
        return result

    def to_json(self) -> dict[str, str]:
        """The settings as a JSON object."""
        return {"head_change_within_household": self.head_change_within_household}

    @classmethod
    def load(cls, data_dir: Path) -> Settings:
        """Settings from ``settings.json`` in the data directory, else the defaults."""
        path = data_dir / SETTINGS_FILE
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls().with_pairs(f"{k}={v}" for k, v in raw.items())
