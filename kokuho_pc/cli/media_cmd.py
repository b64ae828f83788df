"""``kokuho-pc media register|revoke|list``: approve removable media (administrators)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kokuho_pc.cli.common import (
    EXIT_OK,
    add_as_argument,
    open_cli_profile,
    run_command,
    say,
    session_as,
)
from kokuho_pc.services.media_admin import MediaAdminService


def register(subparsers: Any) -> None:
    """Add the ``media`` command and its sub-commands."""
    parser = subparsers.add_parser("media", help="外部媒体の使用許可")
    sub = parser.add_subparsers(dest="media_command", required=True,
                                parser_class=type(parser))
    reg = sub.add_parser("register", help="媒体を使用許可する(署名付きの許可情報を書き込む)")
    add_as_argument(reg, "ADMIN", "情報システム管理者のユーザID(パスワードは標準入力の1行目)")
    reg.add_argument("--medium", metavar="DIR", required=True, help="媒体のディレクトリ")
    reg.add_argument("--allow", metavar="ID", action="append", default=[],
                     help="この媒体を使用できる職員のユーザID(複数指定可)")
    reg.set_defaults(func=run_register)
    rev = sub.add_parser("revoke", help="媒体の使用許可を取り消す")
    add_as_argument(rev, "ADMIN")
    rev.add_argument("--id", dest="media_id", metavar="MEDIA_ID", required=True)
    rev.set_defaults(func=run_revoke)
    lst = sub.add_parser("list", help="接続されている媒体と使用許可の状態を表示する")
    add_as_argument(lst, "ID")
    lst.add_argument("--medium", metavar="DIR", action="append", default=[],
                     help="状態を確認するディレクトリ(複数指定可)")
    lst.set_defaults(func=run_list)


def run_register(args: argparse.Namespace) -> int:
    """Approve a medium."""
    return run_command(lambda: _register(args))


def _register(args: argparse.Namespace) -> int:
    with open_cli_profile(args) as profile:
        with session_as(profile, args.as_user) as (session, _):
            record = MediaAdminService(profile).register(session, Path(args.medium), args.allow)
    allowed = "、".join(record.allowed_staff) or "(なし)"
    say(f"媒体を使用許可しました。媒体ID: {record.media_id} 有効期限: {record.expires} "
        f"使用できる職員: {allowed}")
    return EXIT_OK


def run_revoke(args: argparse.Namespace) -> int:
    """Revoke an approval."""
    return run_command(lambda: _revoke(args))


def _revoke(args: argparse.Namespace) -> int:
    with open_cli_profile(args) as profile:
        with session_as(profile, args.as_user) as (session, _):
            done = MediaAdminService(profile).revoke(session, args.media_id)
    say("媒体の使用許可を取り消しました。" if done else "取り消す使用許可がありませんでした。")
    return EXIT_OK if done else 1


def run_list(args: argparse.Namespace) -> int:
    """Show media with their approval state."""
    return run_command(lambda: _list(args))


def _list(args: argparse.Namespace) -> int:
    with open_cli_profile(args) as profile:
        with session_as(profile, args.as_user) as (session, _):
            policy = profile.policy()
            dirs = [Path(m) for m in args.medium]
            if policy.emulated_media_allowed:
                dirs += [Path(p) for p in policy.emulated_media_dirs if Path(p) not in dirs]
            rows = MediaAdminService(profile).list_media(session, dirs)
    for row in rows:
        kind = "疑似媒体" if row.emulated else "外部媒体"
        print(f"{row.path}\t{kind}\t{row.media_id or '-'}\t{row.message}")
    return EXIT_OK
