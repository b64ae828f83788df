"""Approved media, encrypted staging, the HTTPS client and the send/export pipelines.

Modules: ``media`` (approval tokens and the use check), ``volume`` (volume
identity, mounted media), ``medium_io`` (logged reads, atomic verified writes),
``staging`` (AES-GCM chunked temporary files, sweep), ``tls`` and ``client``
(pinned mutual TLS, idempotent retries), ``records`` (bookkeeping in the
store), ``pipeline`` (what the send and export pipelines share), ``send``,
``export``, ``logforward`` (pipelines), ``wiring`` (from policy). The UI reaches
them only through ``kokuho_pc.services``.
"""
