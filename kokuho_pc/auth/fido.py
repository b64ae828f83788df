"""FIDO2 authenticators (Windows Hello, security keys): enrolment and assertions (issue 21).

The terminal is its own relying party: a fixed RP ID (:data:`RP_ID`) and origin,
verification by Yubico's ``fido2`` server API (:class:`fido2.server.Fido2Server`)
with user verification REQUIRED. The ceremony state (the challenge) is kept in
memory only, in :class:`FidoCeremonies`, and consumed by the first answer: every
ceremony has a fresh 32-byte challenge, so a recorded answer replayed later
names a challenge nobody is waiting for and is refused.

Checks on an assertion, each refusing with :class:`AuthenticatorRefused` and a
reason code for the operation log:

- ``unknown_challenge``: not a challenge issued by this process and still pending
  (a replay, or an answer to another ceremony), or issued for another user;
- ``not_this_user``: the credential is not one of this account's (another user's);
- ``revoked``: the credential was revoked;
- ``no_user_verification``: the UV flag is clear (the fingerprint/face/PIN step was
  not performed) — ``Fido2Server`` checks it, and so do we;
- ``counter``: the signature counter did not increase while either value is
  non-zero (a cloned authenticator); it is advanced by compare-and-set;
- ``invalid``: anything else the server API refuses (signature, RP ID hash, origin).

The store keeps per credential: ID, COSE public key, signature counter, AAGUID,
created/revoked (no personal data). The user handle given to the authenticator
is a keyed hash of the user ID, not the ID or the name.

:class:`Authenticator` is the one interface the product talks to; its
production implementation, :class:`PlatformAuthenticator`, is ``fido2``'s own
client: ``WindowsClient`` (Windows Hello and keys through the Windows WebAuthn
API) on Windows when available, else ``Fido2Client`` over the first
``CtapHidDevice`` (USB keys). Tests and the demo inject a software CTAP2-level
authenticator instead (``kokuho_pc.demo.soft_authenticator``).
"""

from __future__ import annotations

import hashlib
import hmac
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from fido2 import cbor
from fido2.client import ClientError, DefaultClientDataCollector, Fido2Client
from fido2.cose import CoseKey
from fido2.server import Fido2Server
from fido2.webauthn import (
    Aaguid,
    AttestationConveyancePreference,
    AttestedCredentialData,
    AuthenticationResponse,
    AuthenticatorData,
    CollectedClientData,
    PublicKeyCredentialCreationOptions,
    PublicKeyCredentialRequestOptions,
    PublicKeyCredentialRpEntity,
    PublicKeyCredentialUserEntity,
    RegistrationResponse,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from kokuho_pc.domain.errors import AuthenticatorRefused, AuthenticatorUnavailable
from kokuho_pc.store.database import Database

RP_ID = "kokuho-pc.terminal"
ORIGIN = f"https://{RP_ID}"
RP_NAME = "国保情報集約端末"
# How long an issued challenge waits for its answer.
CEREMONY_SECONDS = 120
_USER_HANDLE_TAG = b"kokuho-pc/fido-user-handle/v1"


class Authenticator(Protocol):
    """A WebAuthn client: makes credentials and assertions on an authenticator.

    Both calls may block for as long as the user takes (touch, fingerprint); call
    them off the GUI thread. Raise :class:`AuthenticatorUnavailable` when no
    authenticator answered."""

    def make_credential(self, options: PublicKeyCredentialCreationOptions) -> RegistrationResponse:
        """Create a credential (registration)."""
        ...

    def get_assertion(self, options: PublicKeyCredentialRequestOptions) -> AuthenticationResponse:
        """Sign the challenge with one of ``options.allow_credentials``."""
        ...


class PlatformAuthenticator:
    """The production authenticator: ``fido2``'s Windows client or its CTAP HID client.

    Exercised only by hand (no authenticator on the CI machines): see
    docs/security-core.md, "FIDO2 sign-in and quick unlock".
    """

    def _client(self) -> Any:
        collector = DefaultClientDataCollector(ORIGIN)
        if sys.platform == "win32":  # pragma: no cover - Windows only
            from fido2.client.windows import WindowsClient

            if WindowsClient.is_available():
                return WindowsClient(collector)
        from fido2.hid import CtapHidDevice

        device = next(iter(CtapHidDevice.list_devices()), None)
        if device is None:
            raise AuthenticatorUnavailable()
        return Fido2Client(device, collector)  # pragma: no cover - needs a USB key

    def make_credential(self, options: PublicKeyCredentialCreationOptions) -> RegistrationResponse:
        """Create a credential on Windows Hello or the first USB key."""
        try:
            result: RegistrationResponse = self._client().make_credential(options)
        except ClientError as exc:  # pragma: no cover - needs a real authenticator
            raise AuthenticatorUnavailable() from exc
        return result  # pragma: no cover

    def get_assertion(self, options: PublicKeyCredentialRequestOptions) -> AuthenticationResponse:
        """Get an assertion from Windows Hello or the first USB key."""
        try:  # pragma: no cover - needs a real authenticator
            selection = self._client().get_assertion(options)
            response: AuthenticationResponse = selection.get_response(0)
        except ClientError as exc:  # pragma: no cover
            raise AuthenticatorUnavailable() from exc
        return response  # pragma: no cover


@dataclass(frozen=True)
class FidoCredential:
    """One enrolled authenticator credential of an account."""

    credential_id: bytes
    user_id: str
    public_key: bytes  # COSE_Key, CBOR
    sign_count: int
    aaguid: str
    created_at: str
    created_by: str
    revoked_at: str | None
    revoked_by: str | None

    @property
    def active(self) -> bool:
        """False once revoked."""
        return self.revoked_at is None

    @property
    def short_id(self) -> str:
        """8 hex digits naming the credential in lists and in the log (never 12 digits)."""
        return credential_label(self.credential_id)

    def attested(self) -> AttestedCredentialData:
        """The form ``Fido2Server.authenticate_complete`` takes."""
        decoded = cbor.decode(self.public_key)
        if not isinstance(decoded, Mapping):
            raise AuthenticatorRefused(reason="invalid")
        key = CoseKey.parse(decoded)
        return AttestedCredentialData.create(
            Aaguid(bytes.fromhex(self.aaguid)), self.credential_id, key)


def credential_label(credential_id: bytes) -> str:
    """A short, stable name of a credential (first 8 hex digits of its SHA-256)."""
    return hashlib.sha256(credential_id).hexdigest()[:8]


def user_handle(store_key: bytes, user_id: str) -> bytes:
    """The WebAuthn user handle: a keyed hash of the user ID (no personal data)."""
    key = hmac.new(store_key, _USER_HANDLE_TAG, hashlib.sha256).digest()
    return hmac.new(key, user_id.encode("utf-8"), hashlib.sha256).digest()[:16]


_COLUMNS = ("credential_id, user_id, public_key, sign_count, aaguid, created_at, created_by, "
            "revoked_at, revoked_by")


def _from_row(row: tuple[Any, ...]) -> FidoCredential:
    return FidoCredential(bytes(row[0]), row[1], bytes(row[2]), int(row[3]), row[4], row[5],
                          row[6], row[7], row[8])


class FidoCredentialRepository:
    """Rows of ``fido_credentials``. No permission checks: services do them."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def for_user(self, user_id: str, *, active_only: bool = False) -> list[FidoCredential]:
        """The account's credentials, oldest first."""
        sql = f"SELECT {_COLUMNS} FROM fido_credentials WHERE user_id = ?"  # noqa: S608
        if active_only:
            sql += " AND revoked_at IS NULL"
        rows = self._db.query(sql + " ORDER BY created_at, credential_id", (user_id,))
        return [_from_row(r) for r in rows]

    def get(self, credential_id: bytes) -> FidoCredential | None:
        """One credential by its ID."""
        row = self._db.query_one(
            f"SELECT {_COLUMNS} FROM fido_credentials WHERE credential_id = ?",  # noqa: S608
            (credential_id,))
        return _from_row(row) if row else None

    def by_label(self, user_id: str, label: str) -> FidoCredential | None:
        """The account's credential with this :func:`credential_label`."""
        for credential in self.for_user(user_id):
            if credential.short_id == label:
                return credential
        return None

    def insert(self, user_id: str, data: AttestedCredentialData, sign_count: int, *,
               created_by: str, now: datetime) -> FidoCredential:
        """Store a new credential (an ID already stored is refused)."""
        if self.get(data.credential_id) is not None:
            raise AuthenticatorRefused()
        self._db.execute(
            f"INSERT INTO fido_credentials ({_COLUMNS}) "  # noqa: S608
            "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
            (data.credential_id, user_id, cbor.encode(dict(data.public_key)), sign_count,
             bytes(data.aaguid).hex(), now.isoformat(timespec="seconds"), created_by),
        )
        stored = self.get(data.credential_id)
        assert stored is not None
        return stored

    def revoke(self, credential_id: bytes, *, by: str, now: datetime) -> bool:
        """Revoke at once; False if already revoked or unknown."""
        return self._db.execute(
            "UPDATE fido_credentials SET revoked_at = ?, revoked_by = ? "
            "WHERE credential_id = ? AND revoked_at IS NULL",
            (now.isoformat(timespec="seconds"), by, credential_id),
        ) == 1

    def advance_counter(self, credential_id: bytes, seen: int, new: int) -> bool:
        """Compare-and-set of the signature counter (False: it moved meanwhile)."""
        return self._db.execute(
            "UPDATE fido_credentials SET sign_count = ? WHERE credential_id = ? "
            "AND sign_count = ? AND revoked_at IS NULL",
            (new, credential_id, seen),
        ) == 1


@dataclass(frozen=True)
class _Pending:
    state: Any
    user_id: str
    purpose: str  # "register" or "assert"
    deadline: datetime


@dataclass(frozen=True)
class VerifiedAssertion:
    """A verified assertion: which credential, and the counter it showed."""

    credential: FidoCredential
    sign_count: int


class FidoCeremonies:
    """``Fido2Server`` plus the pending ceremonies (in memory; one per challenge)."""

    def __init__(self, clock: Any) -> None:
        self._clock = clock
        self._server = Fido2Server(
            PublicKeyCredentialRpEntity(name=RP_NAME, id=RP_ID),
            attestation=AttestationConveyancePreference.NONE)
        self._pending: dict[bytes, _Pending] = {}
        self._lock = threading.Lock()

    def _remember(self, challenge: bytes, pending: _Pending) -> None:
        now = self._clock()
        with self._lock:
            for key in [k for k, p in self._pending.items() if p.deadline < now]:
                del self._pending[key]
            self._pending[challenge] = pending

    def _take(self, client_data: CollectedClientData, user_id: str, purpose: str) -> _Pending:
        with self._lock:
            pending = self._pending.pop(bytes(client_data.challenge), None)
        if (pending is None or pending.user_id != user_id or pending.purpose != purpose
                or pending.deadline < self._clock()):
            raise AuthenticatorRefused(reason="unknown_challenge")
        return pending

    def pending_count(self) -> int:
        """Ceremonies waiting for an answer (for tests)."""
        with self._lock:
            return len(self._pending)

    # -- registration ------------------------------------------------------------

    def begin_registration(
        self, user_id: str, handle: bytes, existing: Sequence[FidoCredential],
    ) -> PublicKeyCredentialCreationOptions:
        """Options for the authenticator (UV required; existing credentials excluded)."""
        options, state = self._server.register_begin(
            PublicKeyCredentialUserEntity(name=user_id, id=handle, display_name=user_id),
            [c.attested() for c in existing],
            resident_key_requirement=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.REQUIRED,
        )
        public_key = options.public_key
        self._remember(public_key.challenge, _Pending(
            state, user_id, "register", self._clock() + timedelta(seconds=CEREMONY_SECONDS)))
        return public_key

    def complete_registration(self, user_id: str,
                              response: RegistrationResponse) -> AuthenticatorData:
        """Verify the authenticator's answer; return its authenticator data."""
        registration = RegistrationResponse.from_dict(response)
        pending = self._take(registration.response.client_data, user_id, "register")
        auth_data = registration.response.attestation_object.auth_data
        if not auth_data.is_user_verified():
            raise AuthenticatorRefused(reason="no_user_verification")
        try:
            verified = self._server.register_complete(pending.state, registration)
        except ValueError as exc:
            raise AuthenticatorRefused(reason="invalid") from exc
        if verified.credential_data is None:
            raise AuthenticatorRefused(reason="invalid")
        return verified

    # -- assertion ------------------------------------------------------------------

    def begin_assertion(
        self, user_id: str, credentials: Sequence[FidoCredential],
    ) -> PublicKeyCredentialRequestOptions:
        """Options naming the account's active credentials (UV required)."""
        options, state = self._server.authenticate_begin(
            [c.attested() for c in credentials if c.active],
            user_verification=UserVerificationRequirement.REQUIRED,
        )
        public_key = options.public_key
        self._remember(public_key.challenge, _Pending(
            state, user_id, "assert", self._clock() + timedelta(seconds=CEREMONY_SECONDS)))
        return public_key

    def complete_assertion(self, user_id: str, credentials: Sequence[FidoCredential],
                           response: AuthenticationResponse) -> VerifiedAssertion:
        """Verify an assertion against the account's credentials (see the module doc).

        A refusal carries the presented credential's label (``.credential``) for the log."""
        authentication = AuthenticationResponse.from_dict(response)
        try:
            return self._check_assertion(user_id, credentials, authentication)
        except AuthenticatorRefused as exc:
            exc.credential = credential_label(bytes(authentication.raw_id))
            raise

    def _check_assertion(self, user_id: str, credentials: Sequence[FidoCredential],
                         authentication: AuthenticationResponse) -> VerifiedAssertion:
        pending = self._take(authentication.response.client_data, user_id, "assert")
        credential = next((c for c in credentials
                           if hmac.compare_digest(c.credential_id, authentication.raw_id)), None)
        if credential is None:
            raise AuthenticatorRefused(reason="not_this_user")
        if not credential.active:
            raise AuthenticatorRefused(reason="revoked")
        auth_data = authentication.response.authenticator_data
        if not auth_data.is_user_verified():
            raise AuthenticatorRefused(reason="no_user_verification")
        try:
            self._server.authenticate_complete(pending.state, [credential.attested()],
                                               authentication)
        except ValueError as exc:
            raise AuthenticatorRefused(reason="invalid") from exc
        counter = auth_data.counter
        if (counter or credential.sign_count) and counter <= credential.sign_count:
            raise AuthenticatorRefused(reason="counter")
        return VerifiedAssertion(credential, counter)

