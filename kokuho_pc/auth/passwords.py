"""Password hashing with Argon2id (``cryptography``), parameters stored with each hash.

Hashes are PHC strings (``$argon2id$v=19$m=...,t=...,p=...$salt$hash``), so the
parameters can be raised later: :meth:`PasswordHasher.needs_rehash` tells
when a stored hash is weaker than the current parameters. Passwords are
NFKC-normalised first and never truncated.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

MIN_MEMORY_KIB = 19 * 1024
_PHC = re.compile(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$")


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id cost parameters (memory in KiB)."""

    memory_kib: int = 64 * 1024
    iterations: int = 2
    lanes: int = 1
    salt_bytes: int = 16
    hash_bytes: int = 32


PRODUCT_PARAMS = Argon2Params()

# A hash of a random, forgotten password with PRODUCT_PARAMS: unknown user IDs are
# verified against it, so even the first attempt costs the same as a real one.
_PRODUCT_DUMMY = (
    "$argon2id$v=19$m=65536,t=2,p=1$D6NVia3QrwvzVQ9aTud4KQ$"
    "DLsz+VawTdAM+uCrYrFom1Q7zTCYWmNbH6KJVViIjrs"
)


def normalise_password(password: str) -> str:
    """NFKC normalisation, as NIST SP 800-63B asks (no other change, no truncation)."""
    return unicodedata.normalize("NFKC", password)


class PasswordHasher:
    """Hash and verify passwords. Only tests pass ``weak_params_for_tests=True``."""

    def __init__(
        self, params: Argon2Params = PRODUCT_PARAMS, *, weak_params_for_tests: bool = False
    ) -> None:
        if params.memory_kib < MIN_MEMORY_KIB and not weak_params_for_tests:
            raise ValueError("Argon2id memory below 19 MiB is not allowed")
        self.params = params
        self._dummy: str | None = _PRODUCT_DUMMY if params == PRODUCT_PARAMS else None

    def hash(self, password: str) -> str:
        """A new PHC string for ``password`` with a fresh random salt."""
        p = self.params
        kdf = Argon2id(
            salt=os.urandom(p.salt_bytes),
            length=p.hash_bytes,
            iterations=p.iterations,
            lanes=p.lanes,
            memory_cost=p.memory_kib,
        )
        return kdf.derive_phc_encoded(normalise_password(password).encode("utf-8"))

    def verify(self, password: str, phc: str) -> bool:
        """True when ``password`` matches the stored hash."""
        if not _PHC.match(phc):
            return False
        try:
            Argon2id.verify_phc_encoded(normalise_password(password).encode("utf-8"), phc)
        except InvalidKey:
            return False
        return True

    def verify_dummy(self, password: str) -> None:
        """Spend the same time as :meth:`verify` for an unknown user (result discarded)."""
        if self._dummy is None:
            self._dummy = self.hash(os.urandom(16).hex())
        self.verify(password, self._dummy)

    def needs_rehash(self, phc: str) -> bool:
        """True when the stored hash used weaker parameters than the current ones."""
        match = _PHC.match(phc)
        if not match:
            return True
        memory, iterations, lanes = (int(g) for g in match.groups())
        p = self.params
        return memory < p.memory_kib or iterations < p.iterations or lanes < p.lanes
