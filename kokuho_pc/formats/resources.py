"""Locate the shipped ``resources/`` directory (source tree or PyInstaller bundle)."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """Return the directory holding layouts, fonts, icons, help and default config."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Return the path of one shipped resource, e.g. ``resource_path("fonts", "ipaexg.ttf")``."""
    return resources_dir().joinpath(*parts)
