"""地方公共団体コード (municipality code) with its check digit (docs/business-rules.md §7.2)."""

from __future__ import annotations

from dataclasses import dataclass

PREFECTURE_NAMES: dict[str, str] = {
    "01": "北海道", "02": "青森県", "03": "岩手県", "04": "宮城県", "05": "秋田県",
    "06": "山形県", "07": "福島県", "08": "茨城県", "09": "栃木県", "10": "群馬県",
    "11": "埼玉県", "12": "千葉県", "13": "東京都", "14": "神奈川県", "15": "新潟県",
    "16": "富山県", "17": "石川県", "18": "福井県", "19": "山梨県", "20": "長野県",
    "21": "岐阜県", "22": "静岡県", "23": "愛知県", "24": "三重県", "25": "滋賀県",
    "26": "京都府", "27": "大阪府", "28": "兵庫県", "29": "奈良県", "30": "和歌山県",
    "31": "鳥取県", "32": "島根県", "33": "岡山県", "34": "広島県", "35": "山口県",
    "36": "徳島県", "37": "香川県", "38": "愛媛県", "39": "高知県", "40": "福岡県",
    "41": "佐賀県", "42": "長崎県", "43": "熊本県", "44": "大分県", "45": "宮崎県",
    "46": "鹿児島県", "47": "沖縄県",
}

# Names of the municipalities the demo prefecture uses (茨城県).
MUNICIPALITY_NAMES: dict[str, str] = {
    "082015": "水戸市",
    "082031": "土浦市",
    "082198": "牛久市",
    "082201": "つくば市",
    "082350": "つくばみらい市",
}

# Readings (hiragana, Hepburn romaji) for the password policy's context words: a
# password must not hold the PC's municipality or prefecture in any script.
MUNICIPALITY_READINGS: dict[str, tuple[str, str]] = {
    "082015": ("みと", "mito"),
    "082031": ("つちうら", "tsuchiura"),
    "082198": ("うしく", "ushiku"),
    "082201": ("つくば", "tsukuba"),
    "082350": ("つくばみらい", "tsukubamirai"),
}
PREFECTURE_READINGS: dict[str, tuple[str, str]] = {
    "01": ("ほっかいどう", "hokkaido"), "02": ("あおもり", "aomori"), "03": ("いわて", "iwate"),
    "04": ("みやぎ", "miyagi"), "05": ("あきた", "akita"), "06": ("やまがた", "yamagata"),
    "07": ("ふくしま", "fukushima"), "08": ("いばらき", "ibaraki"), "09": ("とちぎ", "tochigi"),
    "10": ("ぐんま", "gunma"), "11": ("さいたま", "saitama"), "12": ("ちば", "chiba"),
    "13": ("とうきょう", "tokyo"), "14": ("かながわ", "kanagawa"), "15": ("にいがた", "niigata"),
    "16": ("とやま", "toyama"), "17": ("いしかわ", "ishikawa"), "18": ("ふくい", "fukui"),
    "19": ("やまなし", "yamanashi"), "20": ("ながの", "nagano"), "21": ("ぎふ", "gifu"),
    "22": ("しずおか", "shizuoka"), "23": ("あいち", "aichi"), "24": ("みえ", "mie"),
    "25": ("しが", "shiga"), "26": ("きょうと", "kyoto"), "27": ("おおさか", "osaka"),
    "28": ("ひょうご", "hyogo"), "29": ("なら", "nara"), "30": ("わかやま", "wakayama"),
    "31": ("とっとり", "tottori"), "32": ("しまね", "shimane"), "33": ("おかやま", "okayama"),
    "34": ("ひろしま", "hiroshima"), "35": ("やまぐち", "yamaguchi"),
    "36": ("とくしま", "tokushima"), "37": ("かがわ", "kagawa"), "38": ("えひめ", "ehime"),
    "39": ("こうち", "kochi"), "40": ("ふくおか", "fukuoka"), "41": ("さが", "saga"),
    "42": ("ながさき", "nagasaki"), "43": ("くまもと", "kumamoto"), "44": ("おおいた", "oita"),
    "45": ("みやざき", "miyazaki"), "46": ("かごしま", "kagoshima"), "47": ("おきなわ", "okinawa"),
}


def municipality_check_digit(first_five: str) -> int:
    """Return the check digit of a 地方公共団体コード for its first 5 digits."""
    if len(first_five) != 5 or not first_five.isascii() or not first_five.isdigit():
        raise ValueError("5 half-width digits expected")
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    r = total % 11
    return (11 - r) % 10


def is_valid_municipality_code(code: str) -> bool:
    """True when ``code`` is 6 digits with a valid check digit and a known prefecture."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return False
    if code[:2] not in PREFECTURE_NAMES:
        return False
    return municipality_check_digit(code[:5]) == int(code[5])


class InvalidMunicipalityCode(ValueError):
    """Raised for a value that is not a valid 市町村コード."""


@dataclass(frozen=True, slots=True)
class MunicipalityCode:
    """A validated 6-digit 市町村コード."""

    code: str

    def __post_init__(self) -> None:
        if not is_valid_municipality_code(self.code):
            raise InvalidMunicipalityCode("市町村コードの形式または検査数字が正しくありません")

    @property
    def prefecture(self) -> str:
        """The 2-digit prefecture code."""
        return self.code[:2]

    @property
    def prefecture_name(self) -> str:
        """The prefecture's Japanese name."""
        return PREFECTURE_NAMES[self.prefecture]

    @property
    def name(self) -> str:
        """The municipality's Japanese name where known, else the code."""
        return MUNICIPALITY_NAMES.get(self.code, self.code)

    def same_prefecture(self, other: MunicipalityCode) -> bool:
        """True when both codes belong to the same prefecture."""
        return self.prefecture == other.prefecture

    def __str__(self) -> str:
        return self.code
