"""A shipped table of common Japanese surnames and given names with readings.

Readings are written in full-width katakana the way 氏名カナ fields spell
them (long vowels as ウ, e.g. サトウ) and converted to half-width kana once.
Given names come in three generations (born before 1970, 1970–1994, 1995 on)
so that people get names of their era. All names are in CP932.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from kokuho_pc.synth.kana import to_half_width_kana

_SURNAMES = """
佐藤:サトウ 鈴木:スズキ 高橋:タカハシ 田中:タナカ 伊藤:イトウ 渡辺:ワタナベ 山本:ヤマモト
中村:ナカムラ 小林:コバヤシ 加藤:カトウ 吉田:ヨシダ 山田:ヤマダ 佐々木:ササキ 山口:ヤマグチ
松本:マツモト 井上:イノウエ 木村:キムラ 林:ハヤシ 斎藤:サイトウ 清水:シミズ 山崎:ヤマザキ
森:モリ 池田:イケダ 橋本:ハシモト 阿部:アベ 石川:イシカワ 山下:ヤマシタ 中島:ナカジマ
石井:イシイ 小川:オガワ 前田:マエダ 岡田:オカダ 長谷川:ハセガワ 藤田:フジタ 後藤:ゴトウ
近藤:コンドウ 村上:ムラカミ 遠藤:エンドウ 青木:アオキ 坂本:サカモト 斉藤:サイトウ 福田:フクダ
太田:オオタ 西村:ニシムラ 藤井:フジイ 金子:カネコ 岡本:オカモト 藤原:フジワラ 中野:ナカノ
三浦:ミウラ 原田:ハラダ 中川:ナカガワ 松田:マツダ 竹内:タケウチ 小野:オノ 田村:タムラ
中山:ナカヤマ 和田:ワダ 石田:イシダ 森田:モリタ 上田:ウエダ 原:ハラ 内田:ウチダ 柴田:シバタ
酒井:サカイ 宮崎:ミヤザキ 横山:ヨコヤマ 高木:タカギ 安藤:アンドウ 宮本:ミヤモト 大野:オオノ
小島:コジマ 谷口:タニグチ 今井:イマイ 工藤:クドウ 高田:タカダ 増田:マスダ 丸山:マルヤマ
杉山:スギヤマ 村田:ムラタ 大塚:オオツカ 小山:コヤマ 藤本:フジモト 平野:ヒラノ 新井:アライ
河野:コウノ 上野:ウエノ 武田:タケダ 野口:ノグチ 松井:マツイ 千葉:チバ 岩崎:イワサキ
菅原:スガワラ 木下:キノシタ 久保:クボ 佐野:サノ 野村:ノムラ 松尾:マツオ 市川:イチカワ
菊地:キクチ 飯島:イイジマ 大和田:オオワダ 根本:ネモト 小松崎:コマツザキ 海老原:エビハラ
石塚:イシツカ 沼田:ヌマタ 軍司:グンジ 会沢:アイザワ 磯崎:イソザキ 鬼澤:オニザワ 川又:カワマタ
"""

_MALE_CLASSIC = """
浩:ヒロシ 誠:マコト 隆:タカシ 茂:シゲル 博:ヒロシ 修:オサム 清:キヨシ 勇:イサム 実:ミノル
進:ススム 和夫:カズオ 正男:マサオ 明:アキラ 豊:ユタカ 稔:ミノル 聡:サトシ 健一:ケンイチ
秀樹:ヒデキ 達也:タツヤ 和也:カズヤ 哲也:テツヤ 剛:ツヨシ 健:ケン 太郎:タロウ 一郎:イチロウ
康弘:ヤスヒロ 幸一:コウイチ 信也:シンヤ 雅之:マサユキ 慎一:シンイチ 学:マナブ 徹:トオル
勝:マサル 昭:アキラ 弘:ヒロシ 武:タケシ 三郎:サブロウ 義男:ヨシオ 孝:タカシ 正:タダシ
"""

_MALE_MIDDLE = """
健太:ケンタ 翔太:ショウタ 大輔:ダイスケ 拓也:タクヤ 直樹:ナオキ 亮:リョウ 大介:ダイスケ
翔:ショウ 裕介:ユウスケ 智也:トモヤ 翼:ツバサ 駿:シュン 涼太:リョウタ 隼人:ハヤト 航:ワタル
達也:タツヤ 和也:カズヤ 哲也:テツヤ 剛:ツヨシ 健一:ケンイチ 聡:サトシ 誠:マコト 拓海:タクミ
"""

_MALE_YOUNG = """
蓮:レン 大翔:ヒロト 悠真:ユウマ 湊:ミナト 陽翔:ハルト 蒼:アオイ 悠人:ユウト 颯太:ソウタ
陸:リク 樹:イツキ 大和:ヤマト 優斗:ユウト 海斗:カイト 悠斗:ユウト 陽向:ヒナタ 湊斗:ミナト
"""

_FEMALE_CLASSIC = """
恵子:ケイコ 洋子:ヨウコ 幸子:サチコ 和子:カズコ 裕子:ユウコ 久美子:クミコ 由美:ユミ
真由美:マユミ 智子:トモコ 直子:ナオコ 陽子:ヨウコ 京子:キョウコ 明美:アケミ 純子:ジュンコ
恵美:エミ 優子:ユウコ 美紀:ミキ 花子:ハナコ 早苗:サナエ 典子:ノリコ 弘子:ヒロコ 節子:セツコ
文子:フミコ 照美:テルミ 静香:シズカ 美和:ミワ 里美:サトミ 千春:チハル 薫:カオル 良子:ヨシコ
"""

_FEMALE_MIDDLE = """
美穂:ミホ 香織:カオリ 愛:アイ 彩:アヤ 舞:マイ 麻衣:マイ 沙織:サオリ 瞳:ヒトミ 千尋:チヒロ
美咲:ミサキ 綾香:アヤカ 奈緒:ナオ 理恵:リエ 絵美:エミ 佳奈:カナ 真希:マキ 春香:ハルカ
菜々子:ナナコ 優子:ユウコ 恵:メグミ 由佳:ユカ
"""

_FEMALE_YOUNG = """
陽菜:ヒナ 結衣:ユイ 葵:アオイ さくら:サクラ 凛:リン 芽依:メイ 結菜:ユイナ 杏:アン 紬:ツムギ
澪:ミオ 莉子:リコ 美月:ミツキ 彩花:アヤカ 優奈:ユウナ 陽葵:ヒマリ 咲良:サクラ
"""

# Born in these years or later: the middle and the young generation's lists.
MIDDLE_FROM_YEAR = 1970
YOUNG_FROM_YEAR = 1995


@dataclass(frozen=True, slots=True)
class NamePart:
    """One surname or given name: kanji and half-width kana reading."""

    kanji: str
    kana: str


def _parse(table: str) -> tuple[NamePart, ...]:
    parts: list[NamePart] = []
    for item in table.split():
        kanji, reading = item.split(":")
        parts.append(NamePart(kanji, to_half_width_kana(reading)))
    return tuple(parts)


SURNAMES = _parse(_SURNAMES)
MALE_CLASSIC = _parse(_MALE_CLASSIC)
MALE_MIDDLE = _parse(_MALE_MIDDLE)
MALE_YOUNG = _parse(_MALE_YOUNG)
FEMALE_CLASSIC = _parse(_FEMALE_CLASSIC)
FEMALE_MIDDLE = _parse(_FEMALE_MIDDLE)
FEMALE_YOUNG = _parse(_FEMALE_YOUNG)
_POOLS = {
    ("1", 0): MALE_CLASSIC, ("1", 1): MALE_MIDDLE, ("1", 2): MALE_YOUNG,
    ("2", 0): FEMALE_CLASSIC, ("2", 1): FEMALE_MIDDLE, ("2", 2): FEMALE_YOUNG,
}


def pick_surname(rng: random.Random) -> NamePart:
    """A surname, the most common ones a little more often."""
    index = min(int(rng.paretovariate(1.2)) - 1, len(SURNAMES) - 1)
    if rng.random() < 0.5:
        index = rng.randrange(len(SURNAMES))
    return SURNAMES[index]


def pick_given(rng: random.Random, sex: str, birth_year: int) -> NamePart:
    """A given name fitting the sex (``"1"`` male, ``"2"`` female) and the generation."""
    generation = (birth_year >= MIDDLE_FROM_YEAR) + (birth_year >= YOUNG_FROM_YEAR)
    pool = _POOLS[(sex, generation)]
    return pool[rng.randrange(len(pool))]


def full_name(surname: NamePart, given: NamePart) -> tuple[str, str]:
    """The (氏名, 氏名カナ) pair: ``佐藤　太郎`` and ``ｻﾄｳ ﾀﾛｳ``."""
    return f"{surname.kanji}\u3000{given.kanji}", f"{surname.kana} {given.kana}"
