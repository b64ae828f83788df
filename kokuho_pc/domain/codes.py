"""Code tables T1–T4 of docs/interface-files.md §8 as enums with Japanese labels."""

from __future__ import annotations

from enum import Enum, StrEnum


class CodeEnum(StrEnum):
    """A coded value whose ``value`` is the file code and ``label`` its Japanese name."""

    label: str

    def __new__(cls, code: str, label: str) -> CodeEnum:
        obj = str.__new__(cls, code)
        obj._value_ = code
        obj.label = label
        return obj

    @classmethod
    def codes(cls) -> frozenset[str]:
        """All valid codes of the table."""
        return frozenset(m.value for m in cls)


class ChangeReason(CodeEnum):
    """T1 異動事由 / 適用開始事由 / 適用終了事由."""

    MOVE_IN_FROM_OUTSIDE = ("01", "県外転入")
    MOVE_IN_WITHIN_PREFECTURE = ("02", "県内転入")
    LEFT_OTHER_INSURANCE = ("03", "社保離脱")
    BIRTH = ("04", "出生")
    WELFARE_ENDED = ("05", "生活保護廃止")
    HOUSEHOLD_CHANGE_START = ("06", "世帯変更(市町村内)")
    OTHER_START = ("09", "その他の開始")
    MOVE_OUT_OF_PREFECTURE = ("11", "県外転出")
    MOVE_OUT_WITHIN_PREFECTURE = ("12", "県内転出")
    JOINED_OTHER_INSURANCE = ("13", "社保加入")
    DEATH = ("14", "死亡")
    WELFARE_STARTED = ("15", "生活保護開始")
    LATE_ELDERLY = ("16", "後期高齢者医療へ移行")
    HOUSEHOLD_CHANGE_END = ("17", "世帯変更(市町村内)")
    OTHER_END = ("19", "その他の終了")

    @property
    def is_start(self) -> bool:
        """True for the start reasons 01–09."""
        return str(self.value) < "10"


START_REASONS = frozenset(r.value for r in ChangeReason if r.is_start)
END_REASONS = frozenset(r.value for r in ChangeReason if not r.is_start)


class Relation(CodeEnum):
    """T2 続柄."""

    HEAD = ("01", "世帯主")
    SPOUSE = ("02", "配偶者")
    CHILD = ("03", "子")
    PARENT = ("04", "父母")
    GRANDCHILD = ("05", "孫")
    SIBLING = ("06", "兄弟姉妹")
    GRANDPARENT = ("07", "祖父母")
    OTHER = ("09", "その他")


class IncomeCategory(CodeEnum):
    """T3 所得区分."""

    A = ("01", "ア")
    I = ("02", "イ")  # noqa: E741 - the official kana name
    U = ("03", "ウ")
    E = ("04", "エ")
    O = ("05", "オ")  # noqa: E741 - the official kana name
    ACTIVE_III = ("11", "現役並みⅢ")
    ACTIVE_II = ("12", "現役並みⅡ")
    ACTIVE_I = ("13", "現役並みⅠ")
    GENERAL = ("14", "一般")
    LOW_INCOME_II = ("15", "低所得Ⅱ")
    LOW_INCOME_I = ("16", "低所得Ⅰ")

    @property
    def has_tasuu_level(self) -> bool:
        """False for 低所得Ⅱ/Ⅰ (15, 16), which have no 多数回 level."""
        return self.value not in ("15", "16")


class ResultCode(CodeEnum):
    """T4 処理結果コード."""

    OK = ("00", "正常")
    GAP = ("10", "空白期間あり")
    OVERLAP = ("11", "重複期間あり")
    NO_PREVIOUS = ("20", "前住所地に該当者なし")
    BAD_PROCESSING_TYPE = ("30", "処理区分不正")


class ProcessingType(CodeEnum):
    """処理区分 of KSK01/KSK02."""

    NEW = ("1", "新規")
    CHANGE = ("2", "変更")
    DELETE = ("3", "削除")


class HeadType(CodeEnum):
    """世帯主区分 of KSK01."""

    INSURED = ("1", "普通世帯主")
    NOMINAL = ("2", "擬制世帯主")


class Sex(CodeEnum):
    """性別."""

    MALE = ("1", "男")
    FEMALE = ("2", "女")


class HighCostKind(CodeEnum):
    """該当区分 of KKG01."""

    HOUSEHOLD = ("1", "世帯の高額該当")
    OUTPATIENT_70 = ("2", "70歳以上外来のみ")


class LinkType(CodeEnum):
    """処理区分 of KSK12."""

    NEW_ID = ("1", "新規付番")
    CHANGED = ("2", "変更")
    DELETED = ("3", "削除")


class Category(int, Enum):
    """判定候補区分 of docs/business-rules.md §3."""

    label: str

    def __new__(cls, code: int, label: str) -> Category:
        obj = int.__new__(cls, code)
        obj._value_ = code
        obj.label = label
        return obj

    ADDRESS_ONLY = (1, "住所異動のみ")
    HEAD_CHANGE = (2, "世帯内の世帯主変更")
    MEMBERS_ADDED = (3, "構成員の増加")
    MEMBERS_REMOVED = (4, "構成員の減少")
    SPLIT = (5, "世帯分離")
    MERGE = (6, "世帯合併")
    NONE = (9, "該当なし")


class Suggestion(StrEnum):
    """判定候補 (suggestion) of a candidate."""

    label: str

    def __new__(cls, code: str, label: str) -> Suggestion:
        obj = str.__new__(cls, code)
        obj._value_ = code
        obj.label = label
        return obj

    CONTINUE = ("continue", "継続")
    DISCONTINUE = ("discontinue", "非継続")
    REVIEW = ("review", "要確認")


class Decision(StrEnum):
    """Staff decision on a candidate."""

    label: str

    def __new__(cls, code: str, label: str) -> Decision:
        obj = str.__new__(cls, code)
        obj._value_ = code
        obj.label = label
        return obj

    CONTINUE = ("continue", "継続する")
    DISCONTINUE = ("discontinue", "継続しない")
