"""Shipped resources (fonts, help, icons) for the UI, which may not reach ``formats``."""

from __future__ import annotations

from kokuho_pc.formats.resources import resource_path, resources_dir

__all__ = ["resource_path", "resources_dir"]
