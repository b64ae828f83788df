"""``kokuho-pc`` entry point: global options and sub-command dispatch.

Each sub-command lives in its own module exposing ``register(subparsers)``;
the module sets ``func`` on its parser, called with the parsed arguments and
returning the exit code (0 success, 1 refused/invalid, 2 usage or I/O error).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Sub-command modules, in the order they appear in ``--help``.
COMMAND_MODULES: tuple[str, ...] = (
    "kokuho_pc.cli.check_cmd",
    "kokuho_pc.cli.synth_cmd",
    "kokuho_pc.cli.init_cmd",
    "kokuho_pc.cli.admin_cmd",
    "kokuho_pc.cli.passwd_cmd",
    "kokuho_pc.cli.audit_cmd",
    "kokuho_pc.cli.media_cmd",
    "kokuho_pc.cli.send_cmd",
    "kokuho_pc.cli.export_cmd",
    "kokuho_pc.cli.demo_cmd",
)
# The sub-commands the bundle leaves out (build.spec: the demo runs from a source checkout),
# with the package whose absence makes them unavailable.
OPTIONAL_COMMAND_MODULES: dict[str, str] = {"kokuho_pc.cli.demo_cmd": "kokuho_pc.demo"}

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2


class JapaneseArgumentParser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors exit with code 2 and a Japanese message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: 引数が正しくありません: {message}\n")
        raise SystemExit(EXIT_USAGE)


def _global_parser(add_help: bool = True) -> argparse.ArgumentParser:
    parser = JapaneseArgumentParser(prog="kokuho-pc", description="国保総合PC",
                                    add_help=add_help)
    parser.add_argument("--profile", metavar="DIR", help="プロファイルのディレクトリ")
    parser.add_argument(
        "--smoke-test", action="store_true", help="ログイン画面を開いて閉じ、終了する"
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    """Build the full parser with every registered sub-command."""
    parser = _global_parser()
    subparsers = parser.add_subparsers(dest="command", parser_class=JapaneseArgumentParser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if not _left_out_of_build(name, exc):
                raise
            continue
        module.register(subparsers)
    return parser


def _left_out_of_build(name: str, exc: ModuleNotFoundError) -> bool:
    """True when ``name`` is an optional sub-command whose package this build leaves out."""
    package = OPTIONAL_COMMAND_MODULES.get(name)
    missing = exc.name or ""
    return package is not None and (
        missing in (name, package) or missing.startswith(package + ".")
    )


def _gui_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """The global options when ``argv`` is only ``--profile DIR`` / ``--profile=DIR`` and
    ``--smoke-test`` (desktop start or smoke test), else None. Starting the desktop then
    skips importing every sub-command module and what they import (checker, generator,
    transfer). Read by hand: building a parser loads gettext and locale, milliseconds
    before the login window; anything else (a sub-command, ``--help``, an abbreviation,
    a mistake) goes to the full parser, which decides exactly as before."""
    profile: str | None = None
    smoke_test = False
    items = list(argv)
    index = 0
    while index < len(items):
        item = items[index]
        if item == "--smoke-test":
            smoke_test = True
        elif (item == "--profile" and index + 1 < len(items)
              and not items[index + 1].startswith("-")):
            index += 1
            profile = items[index]
        elif item.startswith("--profile=") and item != "--profile=":
            profile = item[len("--profile="):]
        else:
            return None
        index += 1
    return argparse.Namespace(profile=profile, smoke_test=smoke_test, command=None)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; without a command, start the desktop application."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = _gui_arguments(arguments)
    if args is None:
        args = build_parser().parse_args(arguments)
    if args.smoke_test:
        from kokuho_pc.cli.gui_cmd import smoke_test

        return smoke_test(args)
    if args.command is None:
        from kokuho_pc.cli.gui_cmd import run_gui

        return run_gui(args)
    from kokuho_pc.cli.common import quiet_service_logs

    quiet_service_logs()
    code: int = args.func(args)
    return code
