"""One API operation: method, path template, handler and who may call it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# municipality: a municipality's terminal; federation: the federation administrator's
# terminal; anyone: any registered terminal.
Who = Literal["municipality", "federation", "anyone"]


@dataclass(frozen=True)
class Operation:
    """An entry of the API (also the row ``openapi.json`` must document)."""

    method: str
    path: str
    handler: Handler
    who: Who = "municipality"
    staff_required: bool = True
    # The named staff member must be in the municipality's registry (fed by the chained
    # account records the PCs forward); False for the operations that feed or anchor it.
    staff_registry: bool = True
