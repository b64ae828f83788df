"""``kokuho-pc send --as STAFF --medium DIR [FILE]...``: check and send interface files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kokuho_pc.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    add_as_argument,
    forwarding_refused,
    open_cli_profile,
    run_command,
    say,
    session_as,
)
from kokuho_pc.services.media_admin import sweep_staging
from kokuho_pc.services.sending import SendingService


def register(subparsers: Any) -> None:
    """Add the ``send`` command."""
    parser = subparsers.add_parser("send", help="媒体のインタフェースファイルを検査して送信する")
    add_as_argument(parser, "STAFF", "職員のユーザID(パスワードは標準入力の1行目)")
    parser.add_argument("--medium", metavar="DIR", required=True, help="使用許可された媒体")
    parser.add_argument("files", metavar="FILE", nargs="*",
                        help="送信するファイル名(省略時は媒体上のすべて)")
    parser.add_argument("--resend", action="store_true",
                        help="送信済み(処理済み)の内容でも、意図して再送し処理し直す(確認のうえ指定)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check and send."""
    return run_command(lambda: _run(args))


def _print_check_errors(exc: Exception) -> None:
    report = getattr(exc, "report", None)
    for issue in getattr(report, "errors", []):
        record = "" if issue.record is None else issue.record
        say(f"{issue.file}:{record}: {issue.item or ''}: {issue.message}")


def _run(args: argparse.Namespace) -> int:
    names = [Path(f).name for f in args.files]
    with open_cli_profile(args) as profile:
        sweep_staging(profile)
        with session_as(profile, args.as_user) as (session, _):
            try:
                result = SendingService(profile).send(session, Path(args.medium), names or None,
                                                      resend=args.resend)
            except Exception as exc:
                _print_check_errors(exc)
                raise
        refused = forwarding_refused(profile)
    for outcome in result.outcomes:
        files = "、".join(outcome.files)
        if outcome.already_processed:
            say(f"警告: {files}: {outcome.warning}\n"
                "意図して再送する場合は --resend を付けて実行してください。")
        elif outcome.accepted:
            note = "(送信済みの内容のため再送していません)" if outcome.replayed else ""
            again = "(再送)" if args.resend else ""
            say(f"送信しました{again}: {files} 受付番号 {outcome.submission_id}{note}")
        else:
            say(f"国保情報集約システムが受け付けませんでした: {files} "
                f"(誤り {outcome.error_count} 件)")
    for name in result.misnamed_not_sent:
        say(f"ファイル名が命名規則に従っていないため送信していません: {name}")
    return EXIT_OK if result.all_accepted and not refused else EXIT_REFUSED
