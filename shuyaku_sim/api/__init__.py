"""The simulator's JSON API on aiohttp: the application (``app``), its operations (``routes``).

Layout (imports go downward only, so there is no circle):

- ``app``: builds the aiohttp application from every operation; the middleware that
  identifies the terminal, authorises, maps errors to Japanese JSON and records the request.
- ``routes/<area>.py``: the operations of one area, each module exporting ``OPERATIONS``;
  ``routes/__init__.py`` lists the modules. A new endpoint is a handler plus one
  :class:`~shuyaku_sim.api.operation.Operation` line in its area's module.
- ``operation``, ``context``, ``params``, ``errors``: what the operations use.
"""
