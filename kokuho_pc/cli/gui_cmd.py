"""Start the desktop application (or its smoke test) from the command line."""

from __future__ import annotations

import argparse
import sys


def run_gui(args: argparse.Namespace) -> int:
    """Start the desktop application."""
    try:
        from kokuho_pc.ui.app import run_application
    except ImportError:
        sys.stderr.write("デスクトップアプリケーションはまだ利用できません。\n")
        return 2
    code: int = run_application(args)
    return code


def smoke_test(args: argparse.Namespace) -> int:
    """Open and close the login window offscreen; exit 0."""
    from kokuho_pc.ui.app import smoke_test as ui_smoke_test

    code: int = ui_smoke_test(args)
    return code
