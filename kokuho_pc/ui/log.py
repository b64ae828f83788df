"""One named logger per area of the UI (qutebrowser ``utils/log.py`` style).

The names are areas, not module paths: they stayed when the modules moved into subpackages.

Log lines never hold personal data: no names, numbers, file contents or
exception messages of unexpected errors (see :mod:`kokuho_pc.ui.widgets.error_details`).
Logging to disk is configured by the application start-up, off by default.
"""

from __future__ import annotations

import logging

app = logging.getLogger("kokuho_pc.ui.app")
crash = logging.getLogger("kokuho_pc.ui.crash")
jobs = logging.getLogger("kokuho_pc.ui.jobs")
lock = logging.getLogger("kokuho_pc.ui.lock")
lockdown = logging.getLogger("kokuho_pc.ui.lockdown")
models = logging.getLogger("kokuho_pc.ui.models")
login = logging.getLogger("kokuho_pc.ui.login")
windows = logging.getLogger("kokuho_pc.ui.windows")
