"""Second factor: TOTP (RFC 6238) with ``cryptography``, secrets sealed in the store.

The secret is sealed with AES-GCM under a key derived from the store key (so
it is encrypted twice: by the sealing and by SQLCipher). A code is accepted
for the current 30-second step and one step either side, and never twice
(the last accepted step is stored).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import datetime
from urllib.parse import quote

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

TIME_STEP = 30
DIGITS = 6
SECRET_BYTES = 20
_SEAL_TAG = b"kokuho-pc/totp/v1"


def new_secret() -> bytes:
    """A fresh 160-bit TOTP secret."""
    return os.urandom(SECRET_BYTES)


def secret_base32(secret: bytes) -> str:
    """The secret as authenticator apps expect it (base32, no padding)."""
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def provisioning_uri(secret: bytes, account: str, issuer: str = "kokuho-pc") -> str:
    """The ``otpauth://`` URI for a QR code."""
    label = quote(f"{issuer}:{account}")
    return (
        f"otpauth://totp/{label}?secret={secret_base32(secret)}&issuer={quote(issuer)}"
        f"&algorithm=SHA1&digits={DIGITS}&period={TIME_STEP}"
    )


def _totp(secret: bytes) -> TOTP:
    # HMAC-SHA1 is what RFC 6238 authenticator apps implement; HMAC-SHA1 is not broken.
    return TOTP(secret, DIGITS, SHA1(), TIME_STEP, enforce_key_length=True)  # noqa: S303


def code_at(secret: bytes, moment: datetime) -> str:
    """The code valid at ``moment`` (for tests and enrolment confirmation)."""
    return _totp(secret).generate(int(moment.timestamp())).decode("ascii")


def matching_step(secret: bytes, code: str, moment: datetime, last_step: int | None) -> int | None:
    """The time step ``code`` belongs to (±1 step), or None; a reused step is refused."""
    cleaned = code.strip().replace(" ", "")
    if len(cleaned) != DIGITS or not cleaned.isascii() or not cleaned.isdigit():
        return None
    totp = _totp(secret)
    now_step = int(moment.timestamp()) // TIME_STEP
    for step in (now_step - 1, now_step, now_step + 1):
        expected = totp.generate(step * TIME_STEP)
        if hmac.compare_digest(expected, cleaned.encode("ascii")):
            if last_step is not None and step <= last_step:
                return None
            return step
    return None


def _seal_key(store_key: bytes) -> bytes:
    return hmac.new(store_key, _SEAL_TAG, hashlib.sha256).digest()


def seal_secret(store_key: bytes, user_id: str, secret: bytes) -> bytes:
    """AES-GCM seal (nonce || ciphertext), bound to the user ID."""
    nonce = os.urandom(12)
    return nonce + AESGCM(_seal_key(store_key)).encrypt(nonce, secret, user_id.encode("utf-8"))


def open_secret(store_key: bytes, user_id: str, sealed: bytes) -> bytes:
    """Reverse :func:`seal_secret` (raises on tampering)."""
    return AESGCM(_seal_key(store_key)).decrypt(sealed[:12], sealed[12:], user_id.encode("utf-8"))
