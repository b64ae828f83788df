"""``kokuho-pc init``: create a profile (or, explicitly, a new empty store after a lost key)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kokuho_pc.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    StdinSecrets,
    UsageProblem,
    run_command,
    say,
)
from kokuho_pc.services.profile import (
    ProfileKind,
    create_profile,
    reset_profile_store,
    resolve_profile_dir,
)

RESET_CONFIRMATION = "RESET"


def register(subparsers: Any) -> None:
    """Add the ``init`` command."""
    parser = subparsers.add_parser("init", help="プロファイルを作成する")
    parser.add_argument("--kind", choices=("production", "demo"), help="本番用またはデモ用")
    parser.add_argument("--municipality", metavar="CODE", help="地方公共団体コード(6桁)")
    parser.add_argument("--server", metavar="URL", help="国保情報集約システムのURL")
    parser.add_argument("--ca", metavar="FILE", help="サーバ証明書を検証する認証局証明書")
    parser.add_argument("--pin", metavar="SHA256", action="append", default=[],
                        help="サーバ公開鍵のピン(複数指定可)")
    parser.add_argument("--client-cert", metavar="FILE", help="端末証明書")
    parser.add_argument("--client-key", metavar="FILE", help="端末証明書の秘密鍵")
    parser.add_argument("--reset-store", action="store_true",
                        help="暗号鍵を失ったとき、空のデータベースを作り直す(標準入力に RESET)")
    parser.set_defaults(func=run)


def _existing_file(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    path = Path(value).resolve()
    if not path.is_file():
        raise UsageProblem(f"{what}のファイルが見つかりません。")
    return str(path)


def run(args: argparse.Namespace) -> int:
    """Create the profile, or reset its store."""
    return run_command(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    target = resolve_profile_dir(args.profile)
    if args.reset_store:
        say(
            "警告: 端末のデータベースを空の状態で作り直します。アカウントと操作ログは"
            "失われます(旧ファイルは残します)。続けるには標準入力に"
            f" {RESET_CONFIRMATION} と入力してください。"
        )
        if StdinSecrets().next_line("確認の入力") != RESET_CONFIRMATION:
            say("確認の入力が一致しないため、中止しました。")
            return EXIT_REFUSED
        with reset_profile_store(target):
            pass
        say(
            "空のデータベースを作成しました。kokuho-pc admin init で最初の管理者を"
            "作成してください。"
        )
        return EXIT_OK
    if args.kind is None or args.municipality is None:
        raise UsageProblem("--kind と --municipality を指定してください。")
    settings: dict[str, object] = {}
    if args.server:
        settings["server_url"] = args.server
    for option, name, what in (
        (args.ca, "server_ca_file", "認証局証明書"),
        (args.client_cert, "client_cert_file", "端末証明書"),
        (args.client_key, "client_key_file", "端末証明書の秘密鍵"),
    ):
        checked = _existing_file(option, what)
        if checked:
            settings[name] = checked
    if args.pin:
        settings["server_pins"] = list(args.pin)
    kind = ProfileKind(args.kind)
    with create_profile(
        target, kind=kind, municipality_code=args.municipality, settings=settings
    ) as profile:
        label = "デモ用(DEMO)" if profile.is_demo else "本番用"
    if kind is ProfileKind.PRODUCTION and args.client_key:
        say("端末証明書の秘密鍵は、OSのキーリングに保管した鍵で暗号化してプロファイルに"
            f"保存しました。元の鍵ファイル({args.client_key})は安全に削除してください。")
    say(
        f"プロファイルを作成しました({label}): {target}\n"
        "次に kokuho-pc admin init で最初の管理者を作成してください。"
    )
    return EXIT_OK
