"""Shared pieces of the administrator commands: profile, stdin secrets, ``--as``, errors.

Passwords come only from standard input (first line, then the next), never
from arguments or the environment, and are never echoed. Exit codes: 0 ok,
1 refused or invalid, 2 usage or I/O error (profile, store, key, files).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from kokuho_pc.domain.errors import ConnectionFailed, KokuhoError, StoreError
from kokuho_pc.services.login import LoginService, Session
from kokuho_pc.services.messages import describe_error, support_details
from kokuho_pc.services.profile import Profile, open_profile
from kokuho_pc.services.trust import TrustService

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2


class UsageProblem(Exception):
    """A usage error of the command line (exit 2); the message is Japanese."""


class StdinSecrets:
    """Reads secrets line by line from standard input (line endings removed, nothing else).

    When standard input is a terminal, each secret is read with ``getpass`` (a prompt
    naming it, nothing echoed); piped input is read line by line as before."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream if stream is not None else sys.stdin

    def _is_terminal(self) -> bool:
        try:
            return self._stream is sys.stdin and self._stream.isatty()
        except (AttributeError, ValueError, OSError):
            return False

    def next_line(self, what: str) -> str:
        """The next line; a missing line is a usage error naming ``what``."""
        if self._is_terminal():
            try:
                return getpass.getpass(f"{what}: ")
            except EOFError as exc:
                raise UsageProblem(f"{what}を標準入力から読み取れませんでした。") from exc
        line = self._stream.readline()
        if not line:
            raise UsageProblem(f"{what}を標準入力から読み取れませんでした。")
        return line.rstrip("\r\n")


def say(message: str) -> None:
    """A Japanese message on standard error."""
    sys.stderr.write(message.rstrip("\n") + "\n")


def open_cli_profile(args: argparse.Namespace) -> Profile:
    """Open the profile chosen by ``--profile`` / $KOKUHO_PC_PROFILE / the default."""
    return open_profile(getattr(args, "profile", None))


def add_as_argument(
    parser: Any, metavar: str, help: str | None = None, required: bool = True
) -> None:
    """Add ``--as ID`` (stored as ``args.as_user``) to a command's parser."""
    parser.add_argument("--as", dest="as_user", metavar=metavar, required=required, help=help)


def login_as(
    profile: Profile, user_id: str, secrets: StdinSecrets, extra_lines: Sequence[str] = ()
) -> tuple[Session, list[str]]:
    """Log in as ``--as ID``: its password on the next stdin line, then one line per entry of
    ``extra_lines`` (e.g. a password being set), then the one-time password when the policy
    requires a second factor. Returns the session and the extra lines."""
    password = secrets.next_line("パスワード")
    extras = [secrets.next_line(what) for what in extra_lines]
    otp = None
    if profile.policy().second_factor_required:
        otp = secrets.next_line("ワンタイムパスワード")
    return LoginService(profile).login(user_id, password, otp), extras


@contextmanager
def session_as(
    profile: Profile, user_id: str, extra_lines: Sequence[str] = ()
) -> Iterator[tuple[Session, list[str]]]:
    """Log in as ``--as ID`` with the secrets on standard input (see ``login_as``) and log
    out when the block ends, however it ends. Yields the session and the extra lines."""
    global _refusal_said
    _refusal_said = False
    session, extras = login_as(profile, user_id, StdinSecrets(), extra_lines)
    staff_id = session.user_id
    try:
        yield session, extras
    finally:
        session.logout(reason="command_end")
        TrustService(profile).forward_quietly(staff_id)  # forward at logout too
        if not _refusal_said and profile.audit.forward_alarm() is not None:
            # the administrator's alarm, said on the terminal too (once per command)
            say("警告: 国保情報集約システムが操作ログの受け取りを拒否しています。"
                "操作ログが巻き戻されたか書き換えられた可能性があります。"
                "情報システム管理者は国保連合会に連絡してください。")


# Whether this command already said that the forwarded log was refused (see session_as).
_refusal_said = False


def quiet_service_logs() -> None:
    """The command line speaks Japanese on standard error (docs/cli.md). The services' log
    lines (English, for the application's log and support) stay off the terminal: without
    any handler Python's last-resort handler printed them, e.g. a refused log forwarding
    twice in English (x1's red-team run). The command line's own support line for an
    unexpected error still reaches standard error."""
    package = logging.getLogger("kokuho_pc")
    if not any(isinstance(h, logging.NullHandler) for h in package.handlers):
        package.addHandler(logging.NullHandler())
    own = logging.getLogger("kokuho_pc.cli")
    if logging.lastResort is not None and logging.lastResort not in own.handlers:
        own.addHandler(logging.lastResort)  # writes to the current sys.stderr


def command(body: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A parser's ``func`` running ``body(args)`` under ``run_command``."""
    return lambda args: run_command(lambda: body(args))


def run_command(body: Callable[[], int]) -> int:
    """Run a command body, turning errors into a Japanese message and an exit code."""
    try:
        return body()
    except UsageProblem as exc:
        say(f"kokuho-pc: {exc}")
        return EXIT_USAGE
    except KokuhoError as exc:
        message = describe_error(exc)
        say(f"{message.title}: {message.message}\n{message.hint}")
        return EXIT_USAGE if isinstance(exc, StoreError | ConnectionFailed) else EXIT_REFUSED
    except Exception as exc:
        # No traceback reaches the terminal: it could carry data. The type is enough to start.
        logging.getLogger("kokuho_pc.cli").error("unexpected %s", support_details(exc))
        message = describe_error(exc)
        say(f"{message.title}: {message.message}\n{message.hint}")
        return EXIT_USAGE


def forwarding_refused(profile: Profile) -> bool:
    """After a transfer: say so (and return True) when the consolidation system refused the
    forwarded operation log; the command then exits 1 although its transfer succeeded."""
    global _refusal_said
    alarm = profile.audit.forward_alarm()
    if alarm is None:
        return False
    _refusal_said = True
    say("国保情報集約システムが操作ログの受け取りを拒否しています"
        f"({alarm[0]}、{alarm[2]})。\n"
        "データの送受信は完了していますが、操作ログが巻き戻されたか書き換えられた可能性があります。"
        "情報システム管理者は国保連合会に連絡してください。")
    return True
