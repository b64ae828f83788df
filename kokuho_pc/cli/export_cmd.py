"""``kokuho-pc export --as STAFF --medium DIR``: write deliveries to an approved medium."""

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
from kokuho_pc.services.exporting import ExportingService
from kokuho_pc.services.media_admin import sweep_staging


def register(subparsers: Any) -> None:
    """Add the ``export`` command."""
    parser = subparsers.add_parser("export", help="配信ファイルを媒体に書き出し、受領を通知する")
    add_as_argument(parser, "STAFF", "職員のユーザID(パスワードは標準入力の1行目)")
    parser.add_argument("--medium", metavar="DIR", required=True, help="使用許可された媒体")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Export every delivery not yet exported."""
    return run_command(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    with open_cli_profile(args) as profile:
        sweep_staging(profile)
        with session_as(profile, args.as_user) as (session, _):
            result = ExportingService(profile).export(session, Path(args.medium))
        refused = forwarding_refused(profile)
    for entry in result.exported:
        say(f"書き出しました: {entry.name}({entry.size} バイト)")
    if not result.exported:
        say("書き出す配信ファイルはありませんでした。")
    return EXIT_REFUSED if refused else EXIT_OK
