"""TLS for the consolidation-system client: trust one CA, TLS 1.2+, mutual TLS, key pinning.

:func:`make_client_context` trusts only the configured CA file (never the
system store or certifi), requires TLS 1.2 or later, checks the host name and
presents the terminal certificate. :class:`PinningAdapter` is a ``requests``
adapter whose urllib3 connections check the server's public key against the
pins (SHA-256 of the SubjectPublicKeyInfo, base64; the current and the next
key) right after the handshake, in ``connect()``, before any request byte is
written. The adapter ignores ``verify``/``cert`` of the session so nothing
can widen the trust.
"""

from __future__ import annotations

import base64
import hashlib
import ssl
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from requests import PreparedRequest
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager


class PinMismatchError(ssl.SSLError):
    """The server's public key is not one of the pinned keys."""


def spki_pin_of_der(cert_der: bytes) -> str:
    """Base64 SHA-256 of the SubjectPublicKeyInfo of a DER certificate."""
    cert = x509.load_der_x509_certificate(cert_der)
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


def _file_stamp(path: Path | None) -> tuple[str, int, int] | None:
    if path is None:
        return None
    try:
        st = path.stat()
    except OSError:
        return (str(path), -1, -1)  # let loading report the missing file
    return (str(path), st.st_mtime_ns, st.st_size)


def make_client_context(
    ca_file: Path, client_cert: Path | None = None, client_key: Path | None = None,
    key_password: bytes | None = None,
) -> ssl.SSLContext:
    """An SSL context trusting only ``ca_file``, TLS 1.2+, host names checked, client cert.

    Contexts are shared (they are thread-safe) while the three files are unchanged:
    every transfer makes one or two clients, and loading the CA and the terminal
    certificate each time cost ~3 ms. A replaced certificate or key (new mtime or
    size) gets a new context.
    """
    return _cached_context(_file_stamp(ca_file), _file_stamp(client_cert),
                           _file_stamp(client_key), key_password)


@lru_cache(maxsize=8)
def _cached_context(
    ca: tuple[str, int, int] | None, cert: tuple[str, int, int] | None,
    key: tuple[str, int, int] | None, key_password: bytes | None = None,
) -> ssl.SSLContext:
    assert ca is not None
    return _new_client_context(Path(ca[0]), Path(cert[0]) if cert else None,
                               Path(key[0]) if key else None, key_password)


def _new_client_context(
    ca_file: Path, client_cert: Path | None, client_key: Path | None,
    key_password: bytes | None = None,
) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.check_hostname = True
    ctx.load_verify_locations(cafile=str(ca_file))
    ctx.options |= ssl.OP_NO_COMPRESSION
    if client_cert is not None:
        # An encrypted key (production) is decrypted by OpenSSL in memory: the password
        # callback hands it the password from the OS keyring; no plaintext file exists.
        # Without a password the callback gives an empty one: an encrypted key then fails to
        # load instead of OpenSSL prompting on a terminal.
        ctx.load_cert_chain(str(client_cert), str(client_key) if client_key else None,
                            password=lambda: key_password or b"")
    return ctx


class _PinnedHTTPSConnection(HTTPSConnection):
    """An HTTPS connection that refuses unpinned server keys before sending anything."""

    pins: frozenset[str] = frozenset()

    def connect(self) -> None:
        super().connect()
        sock: Any = self.sock
        der = sock.getpeercert(binary_form=True) if sock is not None else None
        if not der or spki_pin_of_der(der) not in self.pins:
            self.close()
            raise PinMismatchError("server public key is not pinned")


def _pinned_pool_class(pins: frozenset[str]) -> type[HTTPSConnectionPool]:
    conn_cls = type("PinnedHTTPSConnection", (_PinnedHTTPSConnection,), {"pins": pins})
    return type("PinnedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": conn_cls})


class PinningAdapter(HTTPAdapter):
    """A ``requests`` adapter: one SSL context, pinned server keys, no fallback trust."""

    def __init__(self, context: ssl.SSLContext, pins: Iterable[str], **kwargs: Any) -> None:
        self._context = context
        self._pins = frozenset(pins)
        if not self._pins:
            raise ValueError("at least one server key pin is required")
        super().__init__(**kwargs)

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        """Create the pool manager with the pinned connection class and our SSL context."""
        self.poolmanager = PoolManager(
            num_pools=connections, maxsize=maxsize, block=block,
            ssl_context=self._context, **pool_kwargs,
        )
        self.poolmanager.pool_classes_by_scheme = {
            "http": HTTPConnectionPool,
            "https": _pinned_pool_class(self._pins),
        }

    def build_connection_pool_key_attributes(  # type: ignore[override]
        self, request: PreparedRequest, verify: bool | str | None,
        cert: tuple[str, str] | str | None = None,
    ) -> tuple[Any, dict[str, Any]]:
        """Host parameters only: the session's verify/cert never reach the pool."""
        host_params, _ignored = super().build_connection_pool_key_attributes(request, True, None)
        return host_params, {}

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        """Nothing to do: trust and the client certificate live in the SSL context."""

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        """Proxies are never used for the consolidation system."""
        raise ValueError("proxies are not allowed")


def pins_from(values: Iterable[str] | Mapping[str, str]) -> frozenset[str]:
    """Normalise a pin list (strip blanks)."""
    items = values.values() if isinstance(values, Mapping) else values
    return frozenset(v.strip() for v in items if v and v.strip())
