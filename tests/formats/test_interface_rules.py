"""Traceability: every rule of interface-files.md §2–§9, each fed a violating file.

``RULES`` maps a rule id (the one docs/interface-rules.md lists) to a file set
that breaks exactly that rule and the exact problems expected, at their record
and item (record ``None`` only for a problem of the whole file). A test keeps
the document and this table in step.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from kokuho_pc.formats.writer import write_csv
from tests.formats.test_check_csv import G11, S11, S12, _kkg11, _ksk11, _valid_set
from tests.formats.util import K1, K2, KG, check, examples, found, join, lines_of, set_field

DOC = Path(__file__).resolve().parents[2] / "docs" / "interface-rules.md"
Files = dict[str, bytes]
Expected = set[tuple[str, int | None, str | None, str]]


def field(name: str, recno: int, key: str, value: bytes | str) -> Callable[[], Files]:
    def make() -> Files:
        files = examples()
        files[name] = set_field(files[name], recno, key, value)
        return files
    return make


def fields(name: str, *changes: tuple[int, str, bytes | str]) -> Callable[[], Files]:
    def make() -> Files:
        files = examples()
        for recno, key, value in changes:
            files[name] = set_field(files[name], recno, key, value)
        return files
    return make


def whole(name: str, change: Callable[[bytes], bytes]) -> Callable[[], Files]:
    def make() -> Files:
        files = examples()
        files[name] = change(files[name])
        return files
    return make


def lines(name: str, change: Callable[[list[bytes]], list[bytes]]) -> Callable[[], Files]:
    return whole(name, lambda d: join(change(lines_of(d))))


def renamed(old: str, new: str, keep: bool = False) -> Callable[[], Files]:
    def make() -> Files:
        files = examples()
        files[new] = files[old] if keep else files.pop(old)
        return files
    return make


def csv(name: str, if_id: str, rows: list[dict[str, object]]) -> Callable[[], Files]:
    def make() -> Files:
        files = _valid_set()
        files[name] = write_csv(if_id, rows)
        return files
    return make


def csv_raw(name: str, change: Callable[[bytes], bytes]) -> Callable[[], Files]:
    def make() -> Files:
        files = _valid_set()
        files[name] = change(files[name])
        return files
    return make


def _insert(at: int, line_of: int) -> Callable[[list[bytes]], list[bytes]]:
    def change(ls: list[bytes]) -> list[bytes]:
        return [*ls[:at], ls[line_of], *ls[at:]]
    return change


def _header_only_pair() -> Files:
    files = examples()
    del files[K2]
    return files


def _other_run() -> Files:
    files = examples()
    files["KSK02_082015_20261110081501.dat"] = set_field(files.pop(K2), 1, "created_time",
                                                         b"081501")
    return files


def _two_errors() -> Files:
    files = examples()
    files[K2] = set_field(files[K2], 2, "sex", b"3")
    files[K2] = set_field(files[K2], 5, "my_number", b"259874717422")
    return files


KSK12_ROW = b"082201,201P100,0800000001,1,20261120"
FW = "\u3000"

# id: (maker, expected (file, record, item, code))
RULES: dict[str, tuple[Callable[[], Files], Expected]] = {
    # §2 common rules
    "2.encoding": (field(K2, 3, "name", b"\x85\x40" * 20), {(K2, 3, "氏名", "encoding")}),
    "2.encoding.best-fit": (field(K2, 3, "name", b"\xa0" + b"\x81\x40" * 19 + b" "),
                            {(K2, 3, "氏名", "encoding")}),
    "2.encoding.gaiji": (field(K2, 3, "name", b"\xf0\x40" + FW.encode("cp932") * 19),
                         {(K2, 3, "氏名", "gaiji")}),
    "2.bom": (whole(KG, lambda d: b"\xef\xbb\xbf" + d), {(KG, None, None, "bom")}),
    "2.crlf.last": (whole(KG, lambda d: d[:-2]), {(KG, 4, None, "line_end")}),
    "2.crlf.one": (whole(KG, lambda d: d.replace(b"\r\n", b"\n", 2).replace(b"\n", b"\r\n", 1)),
                   {(KG, 2, None, "line_end")}),
    "2.name.pattern": (renamed(KG, "KKG01_082015_2026.dat"), {("KKG01_082015_2026.dat", None,
                                                               None, "file_name")}),
    "2.name.ext": (renamed(KG, "KKG01_082015_20261110081500.csv"),
                   {("KKG01_082015_20261110081500.csv", None, None, "file_name_ext")}),
    "2.name.date": (renamed(KG, "KKG01_082015_20261131081500.dat"),
                    {("KKG01_082015_20261131081500.dat", None, None, "file_name_date")}),
    "2.name.check-digit": (renamed(KG, "KKG01_082016_20261110081500.dat"),
                           {("KKG01_082016_20261110081500.dat", None, None,
                             "file_name_check_digit")}),
    "2.name.header-municipality": (field(KG, 1, "municipality_code", b"082031"), {
        (KG, 1, "市町村コード", "name_municipality"),
        (KG, 2, "市町村コード", "municipality_mismatch"),
        (KG, 3, "市町村コード", "municipality_mismatch")}),
    "2.name.header-timestamp": (field(KG, 1, "created_time", b"081501"),
                                {(KG, 1, "作成時刻", "name_timestamp")}),
    "2.name.csv-rows": (csv(S11, "KSK11", [_ksk11(), _ksk11(municipality_code="082015")]),
                        {(S11, 2, "市町村コード", "name_municipality")}),
    "2.name.csv-date": (csv(S11, "KSK11", [_ksk11(created_date=dt.date(2026, 11, 21))]),
                        {(S11, 1, "作成年月日", "name_date")}),
    "2.name.case": (renamed(KG, "KKG01_082015_20261110081500.DAT"),
                    {("KKG01_082015_20261110081500.DAT", None, None, "file_name_case")}),
    "2.name.extra": (renamed(K2, "KSK02_082015_20261110081500 - コピー.dat", keep=True),
                     {("KSK02_082015_20261110081500 - コピー.dat", None, None,
                       "file_name_extra")}),
    "2.type.N": (field(K2, 2, "branch_number", b" 1"), {(K2, 2, "枝番", "not_digits")}),
    "2.type.X": (field(K2, 2, "card_number", "０0001234"),
                 {(K2, 2, "被保険者証番号", "not_half_width")}),
    "2.type.X.align": (field(K2, 2, "card_number", b" 000012345"),
                       {(K2, 2, "被保険者証番号", "alignment")}),
    "2.type.K": (field(K2, 2, "name", "ﾜﾀﾅﾍﾞ"), {(K2, 2, "氏名", "not_full_width")}),
    "2.type.K.padding": (field(K2, 2, "name", "渡辺　健".encode("cp932").ljust(40, b" ")),
                         {(K2, 2, "氏名", "half_width_padding")}),
    "2.type.K.align": (field(K2, 2, "name", FW + "渡辺"), {(K2, 2, "氏名", "alignment")}),
    "2.type.D": (field(K2, 2, "birth_date", b"19580230"), {(K2, 2, "生年月日", "invalid_date")}),
    "2.type.C": (field(K2, 2, "sex", b"3"), {(K2, 2, "性別", "code_table")}),
    "2.required": (field(K2, 2, "name_kana", b" " * 40), {(K2, 2, "氏名カナ", "required")}),
    "2.fixed.header-first": (lines(KG, lambda ls: ls[1:]), {(KG, 1, None, "header_missing")}),
    "2.fixed.header-once": (lines(KG, _insert(2, 0)),
                            {(KG, 3, "レコード区分", "header_duplicate")}),
    "2.fixed.data-type": (field(K2, 6, "record_type", b"9"), {
        (K2, 6, "レコード区分", "record_type"), (K2, 7, "データ件数", "record_count")}),
    "2.fixed.trailer-missing": (lines(KG, lambda ls: ls[:-1]),
                                {(KG, 3, None, "trailer_missing")}),
    "2.fixed.trailer-once": (lines(KG, lambda ls: [*ls, ls[-1]]),
                             {(KG, 5, "レコード区分", "trailer_duplicate")}),
    "2.fixed.after-trailer": (lines(K2, lambda ls: [*ls, ls[2]]), {
        (K2, 8, None, "after_trailer"), (K2, 7, "データ件数", "record_count"),
        (K2, 8, "市町村被保険者ID", "duplicate"), (K2, 8, "個人番号", "duplicate")}),
    "2.fixed.count": (field(KG, 4, "record_count", b"000000003"),
                      {(KG, 4, "データ件数", "record_count")}),
    "2.fixed.length": (lines(KG, lambda ls: [ls[0], ls[1][:-1], *ls[2:]]),
                       {(KG, 2, None, "record_length")}),
    "2.fixed.empty-line": (whole(KG, lambda d: d + b"\r\n"), {(KG, 5, None, "empty_line")}),
    "2.csv.header-row": (csv_raw(S12, lambda d: b"a,b,c,d,e\r\n" + d), {
        (S12, 1, "市町村コード", "not_digits"), (S12, 1, "都道府県被保険者ID", "not_digits"),
        (S12, 1, "処理区分", "not_digits"), (S12, 1, "連携年月日", "invalid_date")}),
    "2.csv.quoting": (csv_raw(S12, lambda d: d + b'082201,"201P100",0800000001,1,20261120\r\n'),
                      {(S12, 2, None, "csv_quoting")}),
    "2.csv.crlf": (csv_raw(S12, lambda d: d + KSK12_ROW + b"\n" + KSK12_ROW + b"\r\n"),
                   {(S12, 2, None, "line_end")}),
    "2.csv.columns": (csv_raw(S12, lambda d: d + KSK12_ROW + b",\r\n"),
                      {(S12, 2, None, "column_count")}),
    "2.csv.empty-line": (csv_raw(S12, lambda d: d + b"\r\n"), {(S12, 2, None, "empty_line")}),
    "2.twelve.half": (field(K2, 3, "municipal_insured_id", b"123456789018   "),
                      {(K2, 3, "市町村被保険者ID", "twelve_digits")}),
    "2.twelve.grouped": (field(K2, 3, "municipal_insured_id", b"1234 5678-9018 "),
                         {(K2, 3, "市町村被保険者ID", "twelve_digits")}),
    "2.twelve.full-width": (field(K2, 3, "name", "１２３４　５６７８　９０１８"),
                            {(K2, 3, "氏名", "twelve_digits")}),
    "2.twelve.delivered": (csv(S12, "KSK12", [{
        "municipality_code": "082201", "municipal_insured_id": "1234-5678-9018",
        "prefectural_insured_id": "0800000001", "link_type": "1",
        "linked_date": dt.date(2026, 11, 20)}]), {(S12, 1, "市町村被保険者ID", "twelve_digits")}),
    # §3 headers and trailers
    "3.header.type": (lines(KG, lambda ls: [b"9" + ls[0][1:], *ls[1:]]),
                      {(KG, 1, None, "header_missing"), (KG, 1, "レコード区分", "record_type")}),
    "3.header.file-id": (field(KG, 1, "file_id", b"KSK01"),
                         {(KG, 1, "ファイル識別", "file_id_mismatch")}),
    "3.header.municipality": (field(K2, 1, "municipality_code", b"082016"),
                              {(K2, 1, "市町村コード", "check_digit")}),
    "3.header.date": (field(KG, 1, "created_date", b"20261131"),
                      {(KG, 1, "作成年月日", "invalid_date")}),
    "3.header.date-required": (field(KG, 1, "created_date", b" " * 8),
                               {(KG, 1, "作成年月日", "required")}),
    "3.header.time": (field(KG, 1, "created_time", b"246000"),
                      {(KG, 1, "作成時刻", "invalid_time")}),
    "3.header.filler": (field(KG, 1, "filler", b"x".ljust(74)),
                        {(KG, 1, "予備", "filler_not_blank")}),
    "3.trailer.count": (field(KG, 4, "record_count", b"00000000x"),
                        {(KG, 4, "データ件数", "not_digits")}),
    "3.trailer.filler": (field(KG, 4, "filler", b"x".ljust(90)),
                         {(KG, 4, "予備", "filler_not_blank")}),
    # §4 KSK01
    "4.processing-type": (field(K1, 2, "processing_type", b"4"),
                          {(K1, 2, "処理区分", "code_table")}),
    "4.municipality": (field(K1, 2, "municipality_code", b"082031"),
                       {(K1, 2, "市町村コード", "municipality_mismatch")}),
    "4.household.unique": (field(K1, 3, "household_no", b"0000012345     "), {
        (K1, 3, "世帯番号", "duplicate"), (K2, 4, "世帯番号", "household_unknown")}),
    "4.household.required": (field(K1, 3, "household_no", b" " * 15), {
        (K1, 3, "世帯番号", "required"), (K2, 4, "世帯番号", "household_unknown")}),
    "4.head-type": (field(K1, 2, "head_type", b"3"), {(K1, 2, "世帯主区分", "code_table")}),
    "4.head-id.required": (field(K1, 2, "head_insured_id", b" " * 15),
                           {(K1, 2, "世帯主市町村被保険者ID", "required_when")}),
    "4.head-id.blank": (field(K1, 3, "head_insured_id", b"015P103".ljust(15)),
                        {(K1, 3, "世帯主市町村被保険者ID", "blank_when")}),
    "4.head-id.member": (field(K1, 2, "head_insured_id", b"015P104".ljust(15)), {
        (K1, 2, "世帯主市町村被保険者ID", "head_not_member"),
        (K2, 2, "続柄", "head_relation_other")}),
    "4.nominal.required": (field(K1, 3, "nominal_head_my_number", b" " * 12),
                           {(K1, 3, "擬制世帯主個人番号", "required_when")}),
    "4.nominal.blank": (field(K1, 2, "nominal_head_my_number", b"123456789018"),
                        {(K1, 2, "擬制世帯主個人番号", "blank_when")}),
    "4.nominal.check-digit": (field(K1, 3, "nominal_head_my_number", b"251239370458"),
                              {(K1, 3, "擬制世帯主個人番号", "check_digit")}),
    "4.kana": (field(K1, 2, "head_name_kana", "ワタナベ"), {(K1, 2, "世帯主氏名カナ", "not_kana")}),
    "4.kana.middle-dot": (field(K1, 2, "head_name_kana", "ｽﾐｽ･ｹﾝ"), set()),
    "4.name.required": (field(K1, 2, "head_name", FW * 20), {(K1, 2, "世帯主氏名", "required")}),
    "4.start.required": (field(K1, 2, "coverage_start", b" " * 8),
                         {(K1, 2, "適用開始年月日", "required")}),
    "4.end.order": (field(K1, 2, "coverage_end", b"20200331"),
                    {(K1, 2, "適用終了年月日", "date_order")}),
    "4.change-date.required": (field(K1, 2, "change_date", b" " * 8),
                               {(K1, 2, "異動年月日", "required")}),
    "4.change-reason": (field(K1, 2, "change_reason", b"10"), {(K1, 2, "異動事由", "code_table")}),
    "4.previous.required": (field(K1, 4, "previous_municipality", b" " * 6),
                            {(K1, 4, "前住所地市町村コード", "required_when")}),
    "4.previous.check-digit": (field(K1, 4, "previous_municipality", b"082200"),
                               {(K1, 4, "前住所地市町村コード", "check_digit")}),
    "4.previous.zeros": (field(K1, 4, "previous_municipality", b"000000"),
                         {(K1, 4, "前住所地市町村コード", "zero_code")}),
    "4.previous.prefecture": (field(K1, 4, "previous_municipality", b"131016"),
                              {(K1, 4, "前住所地市町村コード", "previous_other_prefecture")}),
    "4.previous.self": (field(K1, 4, "previous_municipality", b"082015"),
                        {(K1, 4, "前住所地市町村コード", "previous_is_self")}),
    "4.filler": (field(K1, 2, "filler", b"x".ljust(37)), {(K1, 2, "予備", "filler_not_blank")}),
    # §5 KSK02
    "5.processing-type": (field(K2, 2, "processing_type", b"0"),
                          {(K2, 2, "処理区分", "code_table")}),
    "5.municipality": (field(K2, 2, "municipality_code", b"082031"),
                       {(K2, 2, "市町村コード", "municipality_mismatch")}),
    "5.insured-id.unique": (field(K2, 3, "municipal_insured_id", b"015P100".ljust(15)),
                            {(K2, 3, "市町村被保険者ID", "duplicate")}),
    "5.household.exists": (field(K2, 4, "household_no", b"0000099999".ljust(15)),
                           {(K2, 4, "世帯番号", "household_unknown")}),
    "5.my-number.required": (field(K2, 2, "my_number", b" " * 12),
                             {(K2, 2, "個人番号", "required")}),
    "5.my-number.check-digit": (field(K2, 2, "my_number", b"620966542879"),
                                {(K2, 2, "個人番号", "check_digit")}),
    "5.my-number.unique": (field(K2, 3, "my_number", b"620966542878"),
                           {(K2, 3, "個人番号", "duplicate")}),
    "5.kana": (field(K2, 2, "name_kana", "ﾜﾀﾅﾍﾞ abc"), {(K2, 2, "氏名カナ", "not_kana")}),
    "5.kana.middle-dot": (field(K2, 3, "name_kana", "ｽﾐｽ･ｼﾞｮﾝ"), set()),
    "5.name.required": (field(K2, 2, "name", FW * 20), {(K2, 2, "氏名", "required")}),
    "5.birth.future": (field(K2, 3, "birth_date", b"20261127"),
                       {(K2, 3, "生年月日", "future_date")}),
    "5.birth.after-creation": (field(K2, 6, "birth_date", b"20261111"),
                               {(K2, 6, "生年月日", "after_created")}),
    "5.sex": (field(K2, 2, "sex", b"0"), {(K2, 2, "性別", "code_table")}),
    "5.relation.table": (field(K2, 3, "relation", b"08"), {(K2, 3, "続柄", "code_table")}),
    "5.relation.missing": (field(K2, 2, "relation", b"02"),
                           {(K1, 2, "世帯番号", "head_relation_missing")}),
    "5.relation.twice": (field(K2, 3, "relation", b"01"), {
        (K2, 3, "続柄", "head_relation_duplicate"), (K2, 3, "続柄", "head_relation_other")}),
    "5.acquired.order": (field(K2, 2, "qualification_acquired", b"19580320"),
                         {(K2, 2, "資格取得年月日", "date_order")}),
    "5.lost.order": (field(K2, 2, "qualification_lost", b"20150331"),
                     {(K2, 2, "資格喪失年月日", "date_order")}),
    "5.start.required": (field(K2, 2, "coverage_start", b" " * 8),
                         {(K2, 2, "適用開始年月日", "required")}),
    "5.start-reason": (field(K2, 2, "coverage_start_reason", b"12"),
                       {(K2, 2, "適用開始事由", "code_table")}),
    "5.end.order": (fields(K2, (2, "coverage_end", b"20200331"),
                           (2, "coverage_end_reason", b"12")),
                    {(K2, 2, "適用終了年月日", "date_order")}),
    "5.end-reason.table": (fields(K2, (2, "coverage_end", b"20261031"),
                                  (2, "coverage_end_reason", b"02")),
                           {(K2, 2, "適用終了事由", "code_table")}),
    "5.end-reason.required": (field(K2, 2, "coverage_end", b"20261031"),
                              {(K2, 2, "適用終了事由", "required_when_set")}),
    "5.end-reason.blank": (field(K2, 2, "coverage_end_reason", b"12"),
                           {(K2, 2, "適用終了事由", "blank_unless_set")}),
    "5.previous.required": (field(K2, 5, "previous_municipality", b" " * 6),
                            {(K2, 5, "前住所地市町村コード", "required_when")}),
    "5.previous.zeros": (field(K2, 5, "previous_municipality", b"000000"),
                         {(K2, 5, "前住所地市町村コード", "zero_code")}),
    "5.previous.self": (field(K2, 5, "previous_municipality", b"082015"),
                        {(K2, 5, "前住所地市町村コード", "previous_is_self")}),
    "5.card-number": (field(K2, 2, "card_number", "ＡＢ"),
                      {(K2, 2, "被保険者証番号", "not_half_width")}),
    "5.branch-number": (field(K2, 2, "branch_number", b"0a"), {(K2, 2, "枝番", "not_digits")}),
    "5.filler": (field(K2, 2, "filler", b"x".ljust(105)), {(K2, 2, "予備", "filler_not_blank")}),
    "5.pair.missing": (_header_only_pair, {(K1, None, None, "pair_missing")}),
    "5.pair.timestamp": (_other_run, {
        ("KSK02_082015_20261110081501.dat", 1, "作成時刻", "pair_timestamp")}),
    # §6 KKG01
    "6.municipality": (field(KG, 3, "municipality_code", b"082201"),
                       {(KG, 3, "市町村コード", "municipality_mismatch")}),
    "6.household.required": (field(KG, 2, "household_no", b" " * 15),
                             {(KG, 2, "世帯番号", "required")}),
    "6.head-id.required": (field(KG, 2, "head_insured_id", b" " * 15),
                           {(KG, 2, "世帯主市町村被保険者ID", "required")}),
    "6.month.valid": (field(KG, 2, "care_month", b"202613"),
                      {(KG, 2, "診療年月", "invalid_month")}),
    "6.month.from-201804": (field(KG, 2, "care_month", b"201803"),
                            {(KG, 2, "診療年月", "month_too_early")}),
    "6.kind": (field(KG, 2, "high_cost_kind", b"3"), {(KG, 2, "該当区分", "code_table")}),
    "6.income": (field(KG, 2, "income_category", b"06"), {(KG, 2, "所得区分", "code_table")}),
    "6.decision.order": (field(KG, 2, "decision_date", b"20260630"),
                         {(KG, 2, "支給決定年月日", "date_order")}),
    "6.decision.required": (field(KG, 2, "decision_date", b" " * 8),
                            {(KG, 2, "支給決定年月日", "required")}),
    "6.one-per-month": (fields(KG, (3, "care_month", b"202607"),
                               (3, "decision_date", b"20261020")),
                        {(KG, 3, "診療年月", "duplicate_with")}),
    "6.filler": (field(KG, 2, "filler", b"x".ljust(46)), {(KG, 2, "予備", "filler_not_blank")}),
    # §7 delivered CSV files
    "7.ksk11.municipality": (csv(S11, "KSK11", [_ksk11(municipality_code="082202")]),
                             {(S11, 1, "市町村コード", "check_digit")}),
    "7.ksk11.required": (csv(S11, "KSK11", [_ksk11(qualification_acquired=None)]),
                         {(S11, 1, "資格取得年月日", "required")}),
    "7.ksk11.optional-blank": (csv(S11, "KSK11", [_ksk11(previous_municipality="")]), set()),
    "7.ksk11.date": (csv(S11, "KSK11", [_ksk11(coverage_start="20260931")]),
                     {(S11, 1, "適用開始年月日", "invalid_date")}),
    "7.ksk11.result-code": (csv(S11, "KSK11", [_ksk11(result_code="99")]),
                            {(S11, 1, "処理結果コード", "code_table")}),
    "7.prefectural-id.length": (csv(S11, "KSK11", [_ksk11(prefectural_insured_id="080000001")]),
                                {(S11, 1, "都道府県被保険者ID", "wrong_length")}),
    "7.prefectural-id.digits": (csv(S11, "KSK11", [
        _ksk11(prefectural_insured_id="08000000A1")]),
        {(S11, 1, "都道府県被保険者ID", "not_digits")}),
    "7.prefectural-id.prefecture": (csv(S11, "KSK11", [
        _ksk11(prefectural_insured_id="4800000001")]),
        {(S11, 1, "都道府県被保険者ID", "prefecture_code")}),
    "7.ksk12.link-type": (csv(S12, "KSK12", [{
        "municipality_code": "082201", "municipal_insured_id": "201P100",
        "prefectural_insured_id": "0800000001", "link_type": "4",
        "linked_date": dt.date(2026, 11, 20)}]), {(S12, 1, "処理区分", "code_table")}),
    "7.kkg11.month": (csv(G11, "KKG11", [_kkg11(care_month="201803")]),
                      {(G11, 1, "診療年月", "month_too_early")}),
    "7.kkg11.kind": (csv(G11, "KKG11", [_kkg11(high_cost_kind="3")]),
                     {(G11, 1, "該当区分", "code_table")}),
    "7.kkg11.income": (csv(G11, "KKG11", [_kkg11(income_category="06")]),
                       {(G11, 1, "所得区分", "code_table")}),
    "7.kkg11.too-long": (csv(G11, "KKG11", [_kkg11(candidate_no="C" * 21)]),
                         {(G11, 1, "候補番号", "too_long")}),
    "7.kkg11.municipality": (csv(G11, "KKG11", [_kkg11(before_municipality="082016")]),
                             {(G11, 1, "転出地市町村コード", "check_digit")}),
    # §8 code tables (T1 for KSK01, T1 01-09 / 11-19 for KSK02, T2, T3, T4: above)
    "8.T1.start-only": (field(K2, 2, "coverage_start_reason", b"11"),
                        {(K2, 2, "適用開始事由", "code_table")}),
    "8.T1.any-for-household": (field(K1, 2, "change_reason", b"19"), set()),
    "8.T2": (field(K2, 3, "relation", b"10"), {(K2, 3, "続柄", "code_table")}),
    "8.T3": (field(KG, 2, "income_category", b"17"), {(KG, 2, "所得区分", "code_table")}),
    # §9 what a check reports
    "9.every-problem": (_two_errors, {(K2, 2, "性別", "code_table"),
                                      (K2, 5, "個人番号", "check_digit")}),
    "9.file.lf-only": (whole(K2, lambda d: d.replace(b"\r\n", b"\n")),
                       {(K2, None, None, "lf_only")}),
    "9.file.cr-only": (whole(K2, lambda d: d.replace(b"\r\n", b"\r")),
                       {(K2, None, None, "cr_only")}),
    "9.file.utf8": (whole(K2, lambda d: d.decode("cp932").encode("utf-8")),
                    {(K2, None, None, "utf8")}),
    "9.file.utf8-bom": (whole(K2, lambda d: b"\xef\xbb\xbf" + d.decode("cp932").encode("utf-8")),
                        {(K2, None, None, "utf8")}),
    "9.file.utf16": (whole(K2, lambda d: d.decode("cp932").encode("utf-16")),
                     {(K2, None, None, "utf16")}),
    "9.file.eof-byte": (whole(K2, lambda d: d + b"\x1a"), {(K2, None, None, "eof_byte")}),
    "9.file.no-line-ends": (whole(K2, lambda d: d.replace(b"\r\n", b"")),
                            {(K2, None, None, "no_line_end")}),
    "9.file.empty": (whole(KG, lambda d: b""), {(KG, None, None, "empty_file")}),
    "9.csv.lf-only": (csv_raw(S12, lambda d: d.replace(b"\r\n", b"\n")),
                      {(S12, None, None, "lf_only")}),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_rule(rule: str) -> None:
    make, expected = RULES[rule]
    report = check(make())
    assert found(report) == expected
    assert report.valid == (not expected)
    for e in report.errors:  # located at record and item unless the whole file is wrong
        if e.code in FILE_LEVEL_CODES:
            assert e.record is None and e.item is None
        else:
            assert e.record is not None


FILE_LEVEL_CODES = {"bom", "utf8", "utf16", "lf_only", "cr_only", "no_line_end", "eof_byte",
                    "empty_file",
                    "pair_missing", "file_name", "file_name_case", "file_name_extra",
                    "file_name_date", "file_name_check_digit", "file_name_ext",
                    "file_name_kind", "file_name_encoding", "file_kind_unknown"}


def test_document_lists_every_rule_with_its_test() -> None:
    text = DOC.read_text(encoding="utf-8")
    listed = set(re.findall(r"test_rule\[([^\]]+)\]", text))
    assert listed == set(RULES)
