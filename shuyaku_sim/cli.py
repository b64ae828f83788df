"""The ``shuyaku-sim`` command line (docs/cli.md): init-pki, serve, seed, judge, review,
terminal re-enrol."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are Japanese and exit with 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: コマンドの指定が正しくありません（{message}）。\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand."""
    parser = _Parser(prog="shuyaku-sim", description="国保情報集約システム シミュレータ")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("init-pki", help="CA・サーバ・端末の証明書を作成する")
    p.add_argument("dir", type=Path)
    p.add_argument("--municipality", action="append", default=[], metavar="CODE")
    p = sub.add_parser("serve", help="サービスを起動する")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--pki", type=Path, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p = sub.add_parser("seed", help="インタフェースファイルを送信されたものとして読み込む")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    p = sub.add_parser("judge", help="ディレクトリのファイルを処理し判定結果をJSONで出力する")
    p.add_argument("dir", type=Path)
    p.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--confirm", action="store_true")
    p = sub.add_parser("review", help="連合会の管理者による操作ログの点検(警告があれば終了コード1)")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--json", action="store_true")
    p.add_argument("--silent-days", type=int, default=7, metavar="N")
    p.add_argument("--pdf", type=Path, default=None, metavar="FILE",
                   help="月次点検用の印刷できる報告書(PDF)も書き出す")
    p = sub.add_parser("terminal", help="端末の管理")
    tsub = p.add_subparsers(dest="terminal_command", required=True, parser_class=_Parser)
    p = tsub.add_parser("re-enrol", help="操作ログが最初から始まる端末の再登録を承認する")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--terminal", required=True, metavar="ID")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit code (0 ok, 1 refused/invalid, 2 usage or I/O)."""
    args = build_parser().parse_args(argv)
    if args.command == "init-pki":
        from shuyaku_sim.pki import run_init_pki

        return run_init_pki(args.dir, args.municipality)
    if args.command == "serve":
        from shuyaku_sim.server import serve

        return serve(args.data, args.pki, args.host, args.port)
    if args.command == "seed":
        from shuyaku_sim.seed import seed

        return seed(args.data, args.paths)
    if args.command == "review":
        from shuyaku_sim.review import run_review
        from shuyaku_sim.review_pdf import write_review_pdf

        pdf = args.pdf
        return run_review(args.data, args.json, args.silent_days,
                          None if pdf is None else lambda r: write_review_pdf(r, pdf))
    if args.command == "terminal":
        from shuyaku_sim.review import run_re_enrol

        return run_re_enrol(args.data, args.terminal)
    from shuyaku_sim.judge import run_judge

    return run_judge(args.dir, args.setting, args.confirm)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
