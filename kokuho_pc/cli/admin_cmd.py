"""``kokuho-pc admin init|add-user|revoke|unlock|list-users|regrant|reset-password|policy``."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from kokuho_pc.cli.common import (
    EXIT_OK,
    StdinSecrets,
    UsageProblem,
    add_as_argument,
    command,
    open_cli_profile,
    say,
    session_as,
)
from kokuho_pc.services.accounts import AccountService, Role
from kokuho_pc.services.policy import PolicyService


def register(subparsers: Any) -> None:
    """Add the ``admin`` command group."""
    parser = subparsers.add_parser("admin", help="アカウントの管理(情報システム管理者)")
    sub = parser.add_subparsers(dest="admin_command", parser_class=type(parser))
    sub.required = True

    p = sub.add_parser("init", help="最初の管理者を作成する(パスワードは標準入力)")
    p.add_argument("--user", required=True, metavar="ID")
    p.add_argument("--name", required=True, metavar="NAME")
    p.set_defaults(func=command(_init))

    p = sub.add_parser("add-user", help="アカウントを作成する")
    _as(p)
    p.add_argument("--user", required=True, metavar="ID")
    p.add_argument("--name", required=True, metavar="NAME")
    p.add_argument("--role", required=True, choices=("staff", "admin"))
    p.add_argument("--valid-from", metavar="YYYY-MM-DD")
    p.add_argument("--valid-to", metavar="YYYY-MM-DD")
    p.set_defaults(func=command(_add_user))

    for name, helptext, handler in (
        ("revoke", "アカウントを直ちに失効させる", _revoke),
        ("unlock", "アカウントのロックを解除する", _unlock),
    ):
        p = sub.add_parser(name, help=helptext)
        _as(p)
        p.add_argument("--user", required=True, metavar="ID")
        p.set_defaults(func=command(handler))

    p = sub.add_parser("regrant", help="今年度(または翌年度)の利用権限を付与する")
    _as(p)
    p.add_argument("--user", required=True, metavar="ID")
    p.add_argument("--fiscal-year", type=int, metavar="YEAR", help="年度(西暦、省略時は今年度)")
    p.set_defaults(func=command(_regrant))

    p = sub.add_parser("reset-password", help="初期パスワードを設定し直す(標準入力の2行目)")
    _as(p)
    p.add_argument("--user", required=True, metavar="ID")
    p.set_defaults(func=command(_reset_password))

    p = sub.add_parser("list-users", help="アカウントの一覧")
    _as(p)
    p.set_defaults(func=command(_list_users))

    p = sub.add_parser("policy", help="端末ポリシーの表示と変更(--set 名前=値)")
    _as(p)
    p.add_argument("--set", dest="assignments", action="append", default=[],
                   metavar="NAME=VALUE", help="変更する設定(複数指定可)")
    p.set_defaults(func=command(_policy))


def _as(parser: argparse.ArgumentParser) -> None:
    add_as_argument(parser, "ADMIN", "管理者のユーザID(パスワードは標準入力の1行目)")


def _date(value: str | None, what: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UsageProblem(f"{what}は YYYY-MM-DD の形式で指定してください。") from exc


def _init(args: argparse.Namespace) -> int:
    secrets = StdinSecrets()
    with open_cli_profile(args) as profile:
        password = secrets.next_line("パスワード")
        AccountService(profile).create_first_admin(args.user, args.name, password)
    say("最初の管理者アカウントを作成しました。")
    return EXIT_OK


def _add_user(args: argparse.Namespace) -> int:
    valid_from = _date(args.valid_from, "--valid-from")
    valid_to = _date(args.valid_to, "--valid-to")
    with open_cli_profile(args) as profile:
        with session_as(
            profile, args.as_user, ["新しいアカウントの初期パスワード"]
        ) as (session, (initial,)):
            AccountService(profile).add_user(
                session, args.user, args.name, Role(args.role), initial, valid_from, valid_to
            )
    say("アカウントを作成しました。初回ログイン時にパスワードの変更が必要です。")
    return EXIT_OK


def _admin_action(args: argparse.Namespace, action: str) -> None:
    with open_cli_profile(args) as profile:
        extra = ["初期パスワード"] if action == "reset-password" else []
        with session_as(profile, args.as_user, extra) as (session, lines):
            service = AccountService(profile)
            if action == "revoke":
                service.revoke(session, args.user)
            elif action == "unlock":
                service.unlock(session, args.user)
            elif action == "regrant":
                service.regrant(session, args.user, args.fiscal_year)
            elif action == "reset-password":
                service.reset_password(session, args.user, lines[0])


def _revoke(args: argparse.Namespace) -> int:
    _admin_action(args, "revoke")
    say("アカウントを失効させました。")
    return EXIT_OK


def _unlock(args: argparse.Namespace) -> int:
    _admin_action(args, "unlock")
    say("アカウントのロックを解除しました。")
    return EXIT_OK


def _regrant(args: argparse.Namespace) -> int:
    _admin_action(args, "regrant")
    say("利用権限を付与しました。")
    return EXIT_OK


def _reset_password(args: argparse.Namespace) -> int:
    _admin_action(args, "reset-password")
    say("初期パスワードを設定しました。初回ログイン時に変更が必要です。")
    return EXIT_OK


def _list_users(args: argparse.Namespace) -> int:
    with open_cli_profile(args) as profile:
        with session_as(profile, args.as_user) as (session, _):
            views = AccountService(profile).list_users(session)
    out = sys.stdout
    out.write("ユーザID\t氏名\t役割\t利用開始\t利用終了\t付与年度\t状態\t初期パスワード\n")
    for v in views:
        out.write(
            f"{v.user_id}\t{v.name}\t{v.role.label}\t{v.valid_from.isoformat()}\t"
            f"{v.valid_to.isoformat() if v.valid_to else '-'}\t{v.granted_fy}\t"
            f"{v.state.label}\t{'要変更' if v.must_change_password else '-'}\n"
        )
    return EXIT_OK


def _parse_setting(assignment: str) -> tuple[str, object]:
    name, sep, text = assignment.partition("=")
    spec = next((s for s in PolicyService.specs() if s.name == name.strip()), None)
    if not sep or spec is None:
        raise UsageProblem(f"設定「{name.strip()}」はありません(名前=値 で指定してください)。")
    text = text.strip()
    if spec.type is bool:
        if text.lower() not in ("true", "false"):
            raise UsageProblem(f"設定「{spec.name}」には true または false を指定してください。")
        return spec.name, text.lower() == "true"
    if spec.type is int:
        if not text.lstrip("-").isdigit():
            raise UsageProblem(f"設定「{spec.name}」には整数を指定してください。")
        return spec.name, int(text)
    if spec.type is list:
        return spec.name, [item.strip() for item in text.split(",") if item.strip()]
    return spec.name, text


def _policy(args: argparse.Namespace) -> int:
    changes = [_parse_setting(a) for a in args.assignments]
    with open_cli_profile(args) as profile:
        with session_as(profile, args.as_user) as (session, _):
            service = PolicyService(profile)
            with profile.db.transaction():  # all or nothing
                for name, value in changes:
                    service.change(session, name, value)
            if not changes:
                session.require()  # everyone may read the policy
            current = service.current()
    out = sys.stdout
    for spec in PolicyService.specs():
        value = getattr(current, spec.name)
        shown = ",".join(value) if isinstance(value, tuple) else value
        if isinstance(shown, bool):
            shown = "true" if shown else "false"
        out.write(f"{spec.name}\t{shown}\t{spec.description}\n")
    if changes:
        say("端末ポリシーを変更しました。")
    return EXIT_OK
