"""``kokuho-pc audit verify [--as ADMIN]``: verify the operation log's hash chain.

Exit 0 when intact; exit 1 with the first bad sequence number on standard
output (and a Japanese message on standard error) when it was altered. It also
compares the log with the tip the consolidation system acknowledged (or, when it
cannot be reached, the last tip kept outside the store): a log behind or diverging
from it is a rollback: exit 1 with 「操作ログが巻き戻されています」 (reported to the
consolidation system when reachable).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kokuho_pc.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    StdinSecrets,
    add_as_argument,
    command,
    login_as,
    open_cli_profile,
    say,
)
from kokuho_pc.domain.errors import ROLLBACK_HINT, ROLLBACK_MESSAGE, AuditError
from kokuho_pc.services.audit_review import AuditReviewService
from kokuho_pc.services.profile import SYSTEM_ACTOR
from kokuho_pc.services.trust import TrustService


def register(subparsers: Any) -> None:
    """Add the ``audit`` command group."""
    parser = subparsers.add_parser("audit", help="操作ログ")
    sub = parser.add_subparsers(dest="audit_command", parser_class=type(parser))
    sub.required = True
    p = sub.add_parser("verify", help="操作ログの改ざん・欠落を検査する")
    add_as_argument(
        p, "ADMIN", "管理者として実行し、検査を操作ログに記録する(パスワードは標準入力)",
        required=False,
    )
    p.set_defaults(func=command(_verify))


def _verify(args: argparse.Namespace) -> int:
    with open_cli_profile(args) as profile:
        service = AuditReviewService(profile)
        session = None
        if args.as_user:
            try:
                session, _ = login_as(profile, args.as_user, StdinSecrets())
            except AuditError:
                # The log itself is damaged so the login cannot be recorded: still verify.
                say("操作ログに記録できないため、記録せずに検査します。")
        try:
            report = service.verify(session)
            rollback = TrustService(profile).check(
                session.user_id if session is not None else SYSTEM_ACTOR)
        finally:
            if session is not None:
                try:
                    session.logout(reason="command_end")
                except AuditError:
                    pass
    if not report.ok:
        sys.stdout.write(f"{report.first_bad_seq}\n")
        say(f"操作ログの改ざんまたは欠落を検出しました(最初の異常: 通番 {report.first_bad_seq})。")
    if rollback is not None:
        where = ("国保情報集約システムが受領した記録" if rollback.reference == "server"
                 else "端末外に保管した記録")
        say(f"{ROLLBACK_MESSAGE}(この端末の記録: 通番 {rollback.local.seq} まで、"
            f"{where}: 通番 {rollback.expected.seq})\n{ROLLBACK_HINT}")
    if report.ok and rollback is None:
        say(f"操作ログに改ざん・欠落はありません({report.count}件)。")
        return EXIT_OK
    return EXIT_REFUSED
