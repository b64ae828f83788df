"""Where the store's 256-bit raw key lives: the OS keyring, or a file for demo profiles.

Production profiles keep the key only in the operating system's credential
store (Windows Credential Manager, macOS Keychain, Secret Service). The fail,
null and plaintext backends (anything from ``keyrings.alt``) and a chainer
with nothing to chain are refused. Demo profiles keep the key in a 0600 file
inside the profile; that is why they show DEMO everywhere.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keyring.backend

from kokuho_pc.domain.errors import InsecureKeyring, StoreKeyMissing

KEY_BYTES = 32
KEYRING_SERVICE = "kokuho-pc"
DEMO_KEY_FILE = "store.key"

_log = logging.getLogger("kokuho_pc.store")


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return secrets.token_bytes(KEY_BYTES)


def _keyring_user(profile_id: str) -> str:
    return f"store-key/{profile_id}"


def insecure_reason(backend: keyring.backend.KeyringBackend) -> str | None:
    """Why ``backend`` may not hold a production key, or None when it may."""
    from keyring.backends import chainer, fail, null

    module = type(backend).__module__
    if module.startswith("keyrings.alt") or module.startswith("keyrings_alt"):
        return "plaintext"
    if isinstance(backend, fail.Keyring):
        return "fail"
    if isinstance(backend, null.Keyring):
        return "null"
    if isinstance(backend, chainer.ChainerBackend):
        chained = list(backend.backends)
        if not chained:
            return "empty chainer"
        for inner in chained:
            reason = insecure_reason(inner)
            if reason is not None:
                return f"chainer with {reason}"
    return None


def require_secure_keyring() -> keyring.backend.KeyringBackend:
    """The current keyring backend, or :class:`InsecureKeyring` when it is unacceptable.

    ``keyring`` is imported here, not with the module: demo profiles never need it,
    and a production start imports it while opening the profile off the GUI thread.
    """
    import keyring

    backend = keyring.get_keyring()
    reason = insecure_reason(backend)
    if reason is not None:
        _log.warning("refused keyring backend (%s)", reason)
        raise InsecureKeyring()
    return backend


def store_key_in_keyring(profile_id: str, key: bytes) -> None:
    """Save a production key in the OS keyring (refusing insecure backends)."""
    from keyring.errors import KeyringError

    backend = require_secure_keyring()
    try:
        backend.set_password(KEYRING_SERVICE, _keyring_user(profile_id), key.hex())
    except KeyringError as exc:
        raise InsecureKeyring("OSのキーリングに暗号鍵を保存できませんでした。") from exc


def load_key_from_keyring(profile_id: str) -> bytes:
    """Read a production key from the OS keyring; a missing key is an administrator error."""
    from keyring.errors import KeyringError

    backend = require_secure_keyring()
    try:
        value = backend.get_password(KEYRING_SERVICE, _keyring_user(profile_id))
    except KeyringError as exc:
        raise InsecureKeyring("OSのキーリングから暗号鍵を読み出せませんでした。") from exc
    return _decode(value)


def delete_key_from_keyring(profile_id: str) -> None:
    """Remove a production key (used only by an explicit administrator reset)."""
    from keyring.errors import KeyringError

    backend = require_secure_keyring()
    try:
        backend.delete_password(KEYRING_SERVICE, _keyring_user(profile_id))
    except KeyringError:
        _log.info("no keyring entry to delete")


def write_demo_key(profile_dir: Path, key: bytes) -> None:
    """Write a demo profile's key file (mode 0600, never overwriting)."""
    path = profile_dir / DEMO_KEY_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex())
        handle.flush()
        os.fsync(handle.fileno())


def read_demo_key(profile_dir: Path) -> bytes:
    """Read a demo profile's key file."""
    path = profile_dir / DEMO_KEY_FILE
    try:
        value = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        value = None
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreKeyMissing() from exc
    return _decode(value)


def _decode(value: str | None) -> bytes:
    if value is None:
        raise StoreKeyMissing()
    try:
        key = bytes.fromhex(value)
    except ValueError as exc:
        raise StoreKeyMissing() from exc
    if len(key) != KEY_BYTES:
        raise StoreKeyMissing()
    return key


# --- the terminal certificate's private key (production) -----------------------------

TERMINAL_KEY_FILE = "terminal-key.pem"


def _terminal_key_user(profile_id: str) -> str:
    return f"terminal-key/{profile_id}"


def seal_terminal_key(profile_dir: Path, profile_id: str, pem: bytes) -> Path:
    """Keep a production terminal key encrypted at rest: a fresh random password in the OS
    keyring, the key as an encrypted PKCS#8 PEM (``terminal-key.pem``, 0600) in the profile.
    The TLS client decrypts it in memory only (``ssl`` password callback); a copy of the
    file is useless without this OS user's keyring."""
    from cryptography.hazmat.primitives import serialization
    from keyring.errors import KeyringError

    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise StoreKeyMissing("端末証明書の秘密鍵を読み込めませんでした。",
                              "暗号化されていないPEM形式の秘密鍵を指定してください。") from exc
    password = secrets.token_hex(32).encode("ascii")
    backend = require_secure_keyring()
    try:
        backend.set_password(KEYRING_SERVICE, _terminal_key_user(profile_id),
                             password.decode("ascii"))
    except KeyringError as exc:
        raise InsecureKeyring("OSのキーリングに端末証明書の鍵を保存できませんでした。") from exc
    sealed = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.BestAvailableEncryption(password))
    path = profile_dir / TERMINAL_KEY_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(sealed)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def terminal_key_password(profile_id: str) -> bytes | None:
    """The password of a sealed terminal key from the OS keyring (None: not sealed)."""
    from keyring.errors import KeyringError

    try:
        value = require_secure_keyring().get_password(KEYRING_SERVICE,
                                                      _terminal_key_user(profile_id))
    except KeyringError as exc:
        raise InsecureKeyring("OSのキーリングから端末証明書の鍵を読み出せませんでした。") from exc
    return None if value is None else value.encode("ascii")
