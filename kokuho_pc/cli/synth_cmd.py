"""``kokuho-pc synth --out DIR --seed N [--persons N]``: write the demo prefecture.

Writes the KSK01/KSK02/KKG01 files of the synthetic 茨城県 (two rounds) and
``expected.json`` into DIR (see :mod:`kokuho_pc.synth`). Exit 0 on success,
2 for a usage or I/O error (including a DIR that already holds interface
files, which could otherwise mix with the new set).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kokuho_pc.formats.filenames import is_interface_file_name
from kokuho_pc.synth import DEFAULT_PERSONS, generate_prefecture

EXIT_OK = 0
EXIT_USAGE = 2
MAX_PERSONS = 10_000_000


def _persons(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("整数を指定してください") from None
    if not 1 <= value <= MAX_PERSONS:
        raise argparse.ArgumentTypeError(f"1から{MAX_PERSONS}までの数を指定してください")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("整数を指定してください") from None
    if value < 0:
        raise argparse.ArgumentTypeError("0以上の整数を指定してください")
    return value


def register(subparsers: Any) -> None:
    """Add the ``synth`` sub-command."""
    parser = subparsers.add_parser(
        "synth",
        help="デモ用の合成データ(茨城県の5市)を作成する",
        description="デモ用の県(茨城県の5市)の資格情報・高額該当情報ファイルと、"
        "想定結果 expected.json を作成します。同じシード値からは同じファイルができます。",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="出力先ディレクトリ")
    parser.add_argument("--seed", required=True, type=_seed, metavar="N", help="シード値")
    parser.add_argument(
        "--persons", type=_persons, default=DEFAULT_PERSONS, metavar="N",
        help=f"基準時点の被保険者数(既定 {DEFAULT_PERSONS})",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Generate the files; return the exit code."""
    out = Path(args.out)
    try:
        if out.exists() and not out.is_dir():
            sys.stderr.write("エラー: 出力先がディレクトリではありません。\n")
            return EXIT_USAGE
        if out.is_dir() and any(is_interface_file_name(p.name) for p in out.iterdir()):
            sys.stderr.write(
                "エラー: 出力先に既にインタフェースファイルがあります。"
                "空のディレクトリを指定してください。\n"
            )
            return EXIT_USAGE
        summary = generate_prefecture(out, args.seed, args.persons)
    except OSError:
        sys.stderr.write("エラー: 出力先に書き込めません。パスと権限を確認してください。\n")
        return EXIT_USAGE
    sys.stderr.write(
        f"{len(summary.files)}件のファイルを作成しました"
        f"(基準時点の世帯 {summary.households}件・被保険者 {summary.persons}人、"
        f"高額該当 {summary.high_cost_months}件、異動シナリオ {summary.scenarios}件)。\n"
        f"つくば市のデモ用媒体セット: {'、'.join(summary.demo_medium_set)}\n"
    )
    return EXIT_OK
