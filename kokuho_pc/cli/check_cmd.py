"""``kokuho-pc check [--json] PATH...``: check interface files (docs/cli.md).

Exit 0 when every file is valid, 1 when any problem was found, 2 for a usage
or I/O error (e.g. a missing path, or a file whose name on disk is not valid
UTF-8: it is reported like any file, its name shown with U+FFFD). Problems go
to standard output (one JSON object with ``--json``, else one
``<file name>:<record>: <item>: <message>`` line each); a summary or an I/O
error message goes to standard error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from kokuho_pc.formats.checker import CheckInputError, check_paths

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_IO = 2


def register(subparsers: Any) -> None:
    """Add the ``check`` sub-command."""
    parser = subparsers.add_parser(
        "check",
        help="インタフェースファイルを検査する",
        description="インタフェースファイルを検査します。ディレクトリを指定すると、"
        "その中のインタフェースファイルをすべて検査します。",
    )
    parser.add_argument("--json", action="store_true", help="結果をJSONで出力する")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="ファイルまたはディレクトリ")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the paths and print the report; return the exit code."""
    try:
        # No profile is opened by ``check``: the machine's local date is its clock.
        today = dt.datetime.now().astimezone().date()
        report = check_paths(args.paths, today=today)
    except CheckInputError as exc:
        sys.stderr.write(f"エラー: {exc.user_message}\n")
        return EXIT_IO
    if args.json:
        json.dump(report.to_json_dict(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for issue in report.errors:
            sys.stdout.write(issue.human_line() + "\n")
        if report.valid:
            sys.stderr.write(f"{len(report.files)}件のファイルに誤りはありません。\n")
        else:
            sys.stderr.write(
                f"{len(report.files)}件のファイルに{len(report.errors)}件の誤りがあります。\n"
            )
    if any(e.code == "file_name_encoding" for e in report.errors):
        return EXIT_IO
    return EXIT_OK if report.valid else EXIT_INVALID
