"""``kokuho-pc demo [--tour DIR]``: the whole system on one machine, thrown away at exit.

Sets up :class:`kokuho_pc.demo.environment.DemoEnvironment` (simulator, seeded
prefecture, demo profile, accounts, approved emulated medium), prints what
the user will see and what to do, then opens the login window. With
``--tour DIR`` it drives every screen offscreen instead and saves PNGs.
The simulator is stopped and the temporary directory removed at exit, also on
Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from kokuho_pc.cli.common import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, run_command
from kokuho_pc.demo.environment import (
    DEMO_MUNICIPALITY_NAME,
    DemoEnvironment,
    new_demo_environment,
    open_demo_profile,
)
from kokuho_pc.synth import generate_prefecture

if TYPE_CHECKING:
    from kokuho_pc.demo.tour_base import Tour

DEMO_SEED = 2026
DEMO_PERSONS = 2000


def register(subparsers: Any) -> None:
    """Add the ``demo`` command."""
    parser = subparsers.add_parser(
        "demo", help="デモを起動する(シミュレータ・デモ用データ・アカウントを一時的に用意)",
        description="使い捨てのデモ環境(国保情報集約システムのシミュレータ、架空の県データ、"
        "デモ用アカウント、使用許可済みの疑似媒体)を用意してログイン画面を開きます。"
        "終了するとすべて削除されます。",
    )
    parser.add_argument("--tour", metavar="DIR", type=Path,
                        help="画面を表示せずに全画面を操作し、各画面のPNGをDIRに保存して終了する")
    parser.add_argument("--persons", type=int, default=DEMO_PERSONS, metavar="N",
                        help=f"架空の県の被保険者数(既定 {DEMO_PERSONS})")
    parser.add_argument("--seed", type=int, default=DEMO_SEED, metavar="N",
                        help="架空データのシード値")
    parser.set_defaults(func=run)


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _generator(seed: int, persons: int) -> Callable[[Path], Sequence[str]]:
    def generate(out_dir: Path) -> Sequence[str]:
        return generate_prefecture(out_dir, seed, persons).demo_medium_set
    return generate


def explain(env: DemoEnvironment) -> str:
    """What the user sees and what to do (printed before the login window opens)."""
    admin = env.admin
    lines = [
        "",
        "=" * 72,
        f" 国保総合PC デモ({DEMO_MUNICIPALITY_NAME}の端末) — 準備ができました",
        "=" * 72,
        f" 国保情報集約システム(シミュレータ): {env.server_url}",
        f" 一時ディレクトリ(終了時に削除): {env.root}",
        "",
        " デモ用アカウント(ユーザID / 初期パスワード):",
        f"   情報システム管理者 {admin.user_id:<12} {admin.password}",
    ]
    for person in env.staff:
        lines.append(f"   事務取扱担当者     {person.user_id:<12} {person.password}"
                     "  (初回ログイン時に変更)")
    lines += [
        "",
        f" 使用許可済みの疑似媒体(フォルダ): {env.medium_dir}",
        "   " + "、".join(env.medium_files),
        "",
        f" 操作の流れ(担当者 {env.staff[0].user_id} でログイン):",
        "   1. 初期パスワードを新しいパスワードに変更する",
        f"   2. 「移入・送信」: 媒体 {env.medium_dir.name} を選び、「検査」して「送信」する",
        "   3. 「継続候補世帯」: 候補を選び、前後の世帯を見比べて「継続する/継続しない」を保存",
        "   4. 「確定指示」で判断を確定する",
        "   5. 「確定結果」: 引継ぎ月・多数回該当を確認し、一覧を印刷(プレビュー)する",
        "   6. 「受信・移出」: 配信ファイル(KSK11/KSK12/KKG11)を同じ媒体へ「移出」する",
        f" 管理画面(アカウント・媒体・設定・操作ログ)は {admin.user_id} でログインすると"
        "表示されます。",
        f" {env.staff[0].user_id} にはソフトウェア認証器(デモ用の生体認証の代わり)を登録済み"
        "です。画面ロック中は「生体認証で解除」で解除できます。",
        " 認証器の登録・失効は、管理画面の「職員アカウント」→「生体認証(認証器)…」で行います。",
        " 操作説明はメニューの「ヘルプ」→「操作説明」で開きます。",
        " ウィンドウを閉じるとデモは終了し、シミュレータも停止します。",
        "=" * 72,
        "",
    ]
    return "\n".join(lines)


@contextmanager
def _exit_on_signals() -> Iterator[None]:
    """SIGTERM/SIGINT end the demo through its ``finally`` (the simulator stops)."""
    def handler(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run(args: argparse.Namespace) -> int:
    """Set up, run the client (or the tour), tear down."""
    if args.persons < 100 or args.persons > 100_000:
        _out("kokuho-pc: --persons は100から100000までの数を指定してください。")
        return EXIT_USAGE
    return run_command(lambda: _run(args))


def _no_display() -> bool:
    """Linux without X11/Wayland and no Qt platform chosen: no window can open."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _run(args: argparse.Namespace) -> int:
    if args.tour is None and _no_display():
        _out("kokuho-pc: 画面(ディスプレイ)がないため、ウィンドウを開けません。\n"
             "  画面のある環境で実行するか、--tour DIR で全画面をPNGに保存してください"
             "(例: python3 dev.py demo --tour /tmp/kokuho-tour)。")
        return EXIT_USAGE
    env = new_demo_environment()
    try:
        with _exit_on_signals():
            try:
                env.prepare(_generator(args.seed, args.persons),
                            report=lambda s: _out(f"[demo] {s}"))
                if args.tour is not None:
                    tour = _run_tour(env, args.tour)
                    _out(f"[demo] {len(tour.saved)} 枚の画面を保存しました: {args.tour}")
                    for problem in tour.problems:
                        _out(f"[demo] 表示できなかった画面があります: {problem}")
                    return EXIT_REFUSED if tour.problems else EXIT_OK
                _out(explain(env))
                return _run_gui(env)
            except KeyboardInterrupt:
                _out("[demo] 中断しました。シミュレータを停止し、一時ファイルを削除します。")
                return EXIT_REFUSED
    finally:
        env.close()


def _run_gui(env: DemoEnvironment) -> int:
    """The desktop application on the demo profile; SIGINT/SIGTERM close it cleanly."""
    from kokuho_pc.ui.app import create_application, run_application
    from kokuho_pc.ui.widgets.qt import QTimer

    app = create_application()
    stop: list[int] = []

    def quit_app(signum: int, _frame: FrameType | None) -> None:
        stop.append(signum)
        app.quit()

    # The timer lets Python run its signal handlers while Qt's loop waits, and repeats the
    # quit for a signal that came before the loop started.
    wake = QTimer()
    wake.timeout.connect(lambda: app.quit() if stop else None)
    wake.start(250)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, quit_app)
    _out("[demo] ログイン画面を開きます。")
    try:
        return run_application(argparse.Namespace(profile=str(env.profile_dir)),
                               lambda: open_demo_profile(env.profile_dir))
    finally:
        wake.stop()


def _run_tour(env: DemoEnvironment, out_dir: Path) -> Tour:
    """Every screen offscreen with the demo data, saved as PNG files in ``out_dir``."""
    from kokuho_pc.demo.tour import tour_demo
    from kokuho_pc.demo.tour_base import DemoTourAccounts
    staff = env.staff[0]
    accounts = DemoTourAccounts(
        admin_id=env.admin.user_id, admin_password=env.admin.password,
        staff_id=staff.user_id, staff_password=staff.password,
        medium_dir=env.medium_dir,
    )
    return tour_demo(lambda: open_demo_profile(env.profile_dir), out_dir.resolve(), accounts)
