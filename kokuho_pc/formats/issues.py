"""Check results: located problems with stable codes and Japanese messages.

A message is built only from fixed text, item names, record numbers and
layout lengths: never from a field value, a name or a 個人番号.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

# Code → Japanese message. Placeholders take only layout facts and record numbers.
MESSAGES: dict[str, str] = {
    "file_unreadable": "ファイルを読み込めません。",
    "no_interface_files": "インタフェースファイルがありません。",
    "file_name":
        "ファイル名が命名規則(ファイル識別_市町村コード_作成日時.拡張子)に従っていません。",
    "file_name_case":
        "ファイル名の大文字・小文字が命名規則と違います(ファイル識別は大文字、拡張子は小文字)。"
        "このファイルは送信しません。ファイル名を直してください。",
    "file_name_extra":
        "ファイル名に命名規則にない文字が付いています(コピーしたファイルなど)。"
        "このファイルは送信しません。不要なら削除し、必要ならファイル名を直してください。",
    "file_name_date": "ファイル名の作成日時が暦にない日付または時刻です。",
    "file_name_check_digit": "ファイル名の市町村コードの検査数字が一致しません。",
    "file_name_ext": "ファイル名の拡張子がファイルの形式と一致しません(固定長はdat、CSVはcsv)。",
    "file_name_kind": "ファイル名のファイル識別が不明です。",
    "file_name_encoding":
        "ファイル名にUTF-8として読めない文字があります。ファイル名を付け直してください。",
    "file_kind_unknown": "ファイルの種類を判別できません。",
    "empty_file": "ファイルが空です。",
    "bom": "先頭にBOMがあります。BOMを付けずにCP932(Shift_JIS)で保存してください。",
    "utf8": "ファイルがUTF-8で保存されています。CP932(Shift_JIS)で作成し直してください"
            "(市町村システムの出力設定を確認してください)。",
    "utf16": "ファイルがUTF-16(Unicode)で保存されています。CP932(Shift_JIS)で作成し直してください"
             "(市町村システムの出力設定を確認してください)。",
    "lf_only": "改行がLFのみです。改行はCR LFにしてください"
               "(市町村システムの出力設定を確認してください)。",
    "cr_only": "改行がCRのみです。改行はCR LFにしてください"
               "(市町村システムの出力設定を確認してください)。",
    "no_line_end": "ファイルに改行がありません。レコードごとにCR LFで改行してください"
                   "(市町村システムの出力設定を確認してください)。",
    "eof_byte": "末尾にEOF文字(0x1A)があります。EOF文字を付けずに出力してください"
                "(市町村システムの出力設定を確認してください)。",
    "empty_line": "空の行があります。空の行を削除してください。",
    "line_too_long": "改行がないか、レコードが長すぎます。",
    "line_end": "レコードの終わりが改行(CR LF)ではありません。",
    "record_length": "レコード長が正しくありません({expected}バイトのところ{actual}バイト)。",
    "record_type": "レコード区分が正しくありません。",
    "header_missing": "先頭レコードがヘッダレコードではありません。",
    "header_duplicate": "ヘッダレコードが先頭以外にあります。",
    "trailer_missing": "最終レコードがトレーラレコードではありません。",
    "trailer_duplicate": "トレーラレコードが2件以上あります。",
    "after_trailer": "トレーラレコードの後にレコードがあります。",
    "record_count": "データ件数がデータレコードの件数({actual}件)と一致しません。",
    "encoding": "CP932の文字ではありません(CP932として正しくないバイト列があります)。",
    "gaiji": "外字(利用者定義文字)は使えません。",
    "fixed_value": "決められた値ではありません。",
    "required": "必須項目が空白です。",
    "required_when": "{ref}が{value}のときは必須です。",
    "blank_when": "{ref}が{value}のときは空白にしてください。",
    "required_when_set": "{ref}があるときは必須です。",
    "blank_unless_set": "{ref}がないときは空白にしてください。",
    "not_digits": "半角数字(右詰め・ゼロ埋め)で記入してください。",
    "not_half_width": "半角英数字・半角カナ以外の文字があります。",
    "not_kana": "半角カナ・空白・濁点・半濁点以外の文字があります。",
    "not_full_width": "全角文字以外の文字があります。",
    "half_width_padding": "半角空白があります。全角項目の空白は全角空白で埋めてください。",
    "alignment": "左詰めで記入してください。",
    "filler_not_blank": "予備は空白にしてください。",
    "too_long": "長さが{expected}バイトを超えています。",
    "wrong_length": "長さが{expected}桁ではありません。",
    "invalid_date": "日付(YYYYMMDD)として正しくありません。",
    "invalid_time": "時刻(hhmmss)として正しくありません。",
    "invalid_month": "年月(YYYYMM)として正しくありません。",
    "month_too_early": "平成30年4月(201804)より前の年月です。",
    "future_date": "未来の日付です。",
    "after_created": "ファイルの作成日より後の日付です。",
    "date_order": "{ref}より前の日付です。",
    "code_table": "コード表にない値です。",
    "check_digit": "検査数字が一致しません。",
    "prefecture_code": "先頭2桁が都道府県コード(01〜47)ではありません。",
    "zero_code": "0だけの市町村コードは使えません。前住所地がないときは空白にしてください。",
    "twelve_digits": "12桁の数字があります(個人番号以外の項目に12桁の数字は書けません)。",
    "previous_other_prefecture": "前住所地が同じ都道府県の市町村ではありません。",
    "previous_is_self": "前住所地が自市町村です。",
    "municipality_mismatch": "ヘッダの市町村コードと一致しません。",
    "file_id_mismatch": "ファイル識別がファイル名と一致しません。",
    "name_municipality": "ファイル名の市町村コードと一致しません。",
    "name_timestamp": "ファイル名の作成日時と一致しません。",
    "name_date": "ファイル名の作成日と一致しません。",
    "duplicate": "ファイル内で重複しています({first}行目と同じ値)。",
    "duplicate_with": "同じ{ref}の中で重複しています({first}行目と同じ値)。",
    "pair_missing": "{other}ファイル(同じ出力処理で作成したもの)がありません。",
    "pair_duplicate": "同じ市町村の{if_id}ファイルが複数あります。",
    "pair_timestamp": "{other}ファイルと作成日時が一致しません。",
    "household_unknown": "KSK01ファイルにない世帯番号です。",
    "head_not_member": "KSK02ファイルのこの世帯の構成員にいません。",
    "head_relation_missing": "KSK02ファイルにこの世帯の続柄01(世帯主)がいません。",
    "head_relation_duplicate": "同じ世帯に続柄01(世帯主)が複数います。",
    "head_relation_other": "続柄01(世帯主)がKSK01ファイルの世帯主市町村被保険者IDと一致しません。",
    "column_count": "列の数が正しくありません({expected}列のところ{actual}列)。",
    "csv_quoting": "引用符(\")の使い方が正しくありません。",
    "too_many_issues": "誤りが多いため、{limit}件を超える報告は省略しました。",
}


@dataclass(frozen=True, slots=True)
class CheckIssue:
    """One located problem: file name, record (1-based, header counts), item, code, message."""

    file: str
    record: int | None
    item: str | None
    code: str
    message: str

    def to_json_dict(self) -> dict[str, object]:
        """The object of docs/cli.md's ``errors`` array."""
        return {"file": self.file, "record": self.record, "item": self.item,
                "code": self.code, "message": self.message}

    def human_line(self) -> str:
        """``<file name>:<record>: <item>: <message>`` (``-`` for a missing part)."""
        record = "-" if self.record is None else str(self.record)
        item = "-" if self.item is None else self.item
        return f"{self.file}:{record}: {item}: {self.message}"


@dataclass(slots=True)
class CheckReport:
    """The result of checking a set of files: valid only when there is no issue."""

    files: list[str] = field(default_factory=list)
    errors: list[CheckIssue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when no problem was found."""
        return not self.errors

    def to_json_dict(self) -> dict[str, object]:
        """``{"valid", "files", "errors"}`` exactly as docs/cli.md specifies."""
        return {"valid": self.valid, "files": list(self.files),
                "errors": [e.to_json_dict() for e in self.errors]}

    def errors_of(self, file: str) -> list[CheckIssue]:
        """The problems found in one file."""
        return [e for e in self.errors if e.file == file]


def message(code: str, **facts: object) -> str:
    """The Japanese message of ``code``, filled with layout facts only."""
    return MESSAGES[code].format(**facts)


class IssueSink:
    """Collects a file's problems (up to ``limit``), sortable by record and field order."""

    __slots__ = ("_items", "count", "file", "limit")

    def __init__(self, file: str, limit: int = 10_000) -> None:
        self.file = file
        self.limit = limit
        self.count = 0
        self._items: list[tuple[int, int, int, CheckIssue]] = []

    def add(self, record: int | None, item: str | None, code: str, order: int = 0,
            **facts: object) -> None:
        """Record one problem; ``order`` sorts problems of the same record (field index)."""
        self.count += 1
        if self.count > self.limit:
            return
        issue = CheckIssue(self.file, record, item, code, message(code, **facts))
        self._items.append((0 if record is None else record, order, len(self._items), issue))

    def issues(self) -> list[CheckIssue]:
        """All problems sorted by record, then field order, then discovery."""
        out = [t[3] for t in sorted(self._items, key=lambda t: t[:3])]
        if self.count > self.limit:
            out.append(CheckIssue(self.file, None, None, "too_many_issues",
                                  message("too_many_issues", limit=self.limit)))
        return out


def merge(sinks: Iterable[IssueSink]) -> list[CheckIssue]:
    """Every problem of several files, file by file."""
    return [issue for sink in sinks for issue in sink.issues()]
