"""``kokuho-pc passwd --as ID``: change one's own password (current, then new, on stdin)."""

from __future__ import annotations

import argparse
from typing import Any

from kokuho_pc.cli.common import (
    EXIT_OK,
    StdinSecrets,
    add_as_argument,
    open_cli_profile,
    run_command,
    say,
)
from kokuho_pc.services.accounts import AccountService
from kokuho_pc.services.login import LoginService


def register(subparsers: Any) -> None:
    """Add the ``passwd`` command."""
    parser = subparsers.add_parser("passwd", help="自分のパスワードを変更する")
    add_as_argument(parser, "ID",
                    "ユーザID(現在のパスワードを標準入力の1行目、新しいパスワードを2行目)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Change the password."""
    return run_command(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    secrets = StdinSecrets()
    with open_cli_profile(args) as profile:
        current = secrets.next_line("現在のパスワード")
        new = secrets.next_line("新しいパスワード")
        otp = None
        if profile.policy().second_factor_required:
            otp = secrets.next_line("ワンタイムパスワード")
        session = LoginService(profile).login(args.as_user, current, otp)
        try:
            AccountService(profile).change_password(session, current, new)
        finally:
            session.logout(reason="command_end")
    say("パスワードを変更しました。")
    return EXIT_OK
