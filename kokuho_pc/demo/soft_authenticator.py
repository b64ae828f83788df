"""A software FIDO2 authenticator at the CTAP2 level, over ``cryptography`` (issue 21).

For tests and the demo only (the demo package is left out of a production
build): it implements :class:`kokuho_pc.auth.fido.Authenticator` the way a
security key does — an ES256 key pair per credential, authenticator data with
the UP/UV flags and a signature counter, attestation ``none`` — and signs the
client data the way ``fido2``'s client would build it (origin
:data:`kokuho_pc.auth.fido.ORIGIN`). Its knobs make the attacks of the issue:
``user_verified=False`` (UV not performed), ``use_credential`` (answer with a
credential the request did not name: another user's), ``clone()`` (a copy with
the same keys and counter), ``counter_step=0`` (a counter that does not move).

``path``: keep the credentials in a JSON file (the demo's profile directory) so
that a later process (the demo window) holds the key enrolled at set-up.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import sha256
from fido2.webauthn import (
    Aaguid,
    AttestationObject,
    AttestedCredentialData,
    AuthenticationResponse,
    AuthenticatorAssertionResponse,
    AuthenticatorAttestationResponse,
    AuthenticatorData,
    CollectedClientData,
    PublicKeyCredentialCreationOptions,
    PublicKeyCredentialRequestOptions,
    RegistrationResponse,
)

from kokuho_pc.auth.fido import ORIGIN
from kokuho_pc.domain.errors import AuthenticatorUnavailable

# A made-up AAGUID naming this software model.
SOFT_AAGUID = bytes.fromhex("6b6f6b75686f2d736f66742d61757468")


@dataclass
class _Credential:
    credential_id: bytes
    rp_id: str
    private_key: ec.EllipticCurvePrivateKey
    counter: int = 0


class SoftAuthenticator:
    """An in-process CTAP2-level authenticator (ES256, attestation none)."""

    def __init__(self, path: Path | None = None) -> None:
        self.user_present = True
        self.user_verified = True
        self.counter_step = 1
        self.use_credential: bytes | None = None
        self.calls = 0
        self.fail_with: Exception | None = None
        self._path = path
        self._credentials: dict[bytes, _Credential] = {}
        if path is not None and path.exists():
            self._load(path)

    # -- persistence (demo) --------------------------------------------------------

    def _load(self, path: Path) -> None:
        for item in json.loads(path.read_text("utf-8")):
            key = serialization.load_pem_private_key(item["key"].encode("ascii"), None)
            assert isinstance(key, ec.EllipticCurvePrivateKey)
            cid = base64.b64decode(item["id"])
            self._credentials[cid] = _Credential(cid, item["rp"], key, int(item["counter"]))

    def _save(self) -> None:
        if self._path is None:
            return
        items = [{
            "id": base64.b64encode(c.credential_id).decode("ascii"), "rp": c.rp_id,
            "counter": c.counter,
            "key": c.private_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()).decode("ascii"),
        } for c in self._credentials.values()]
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps(items), "utf-8")
        os.replace(tmp, self._path)

    # -- knobs ---------------------------------------------------------------------

    @property
    def credential_ids(self) -> list[bytes]:
        """The IDs of the credentials it holds, in creation order."""
        return list(self._credentials)

    def clone(self) -> SoftAuthenticator:
        """A copy holding the same keys and counters (a cloned authenticator)."""
        twin = SoftAuthenticator()
        twin._credentials = {k: copy.copy(v) for k, v in self._credentials.items()}
        return twin

    def _flags(self, *, attested: bool = False) -> AuthenticatorData.FLAG:
        flags = AuthenticatorData.FLAG(0)
        if self.user_present:
            flags |= AuthenticatorData.FLAG.UP
        if self.user_verified:
            flags |= AuthenticatorData.FLAG.UV
        if attested:
            flags |= AuthenticatorData.FLAG.AT
        return flags

    def _begin(self) -> None:
        self.calls += 1
        if self.fail_with is not None:
            raise self.fail_with

    # -- the Authenticator interface -----------------------------------------------------

    def make_credential(self, options: PublicKeyCredentialCreationOptions) -> RegistrationResponse:
        """authenticatorMakeCredential + the client's part (client data, attestation none)."""
        self._begin()
        options = PublicKeyCredentialCreationOptions.from_dict(options)
        rp_id = options.rp.id or ""
        excluded = {d.id for d in options.exclude_credentials or []}
        if excluded & set(self._credentials):
            raise AuthenticatorUnavailable("この認証器は既に登録されています。")
        if not any(p.alg == ES256.ALGORITHM for p in options.pub_key_cred_params):
            raise AuthenticatorUnavailable()
        key = ec.generate_private_key(ec.SECP256R1())
        credential_id = os.urandom(32)
        credential = _Credential(credential_id, rp_id, key, 0)
        client_data = CollectedClientData.create(
            CollectedClientData.TYPE.CREATE, options.challenge, ORIGIN)
        cose = ES256.from_cryptography_key(key.public_key())  # type: ignore[no-untyped-call]
        attested = AttestedCredentialData.create(Aaguid(SOFT_AAGUID), credential_id, cose)
        auth_data = AuthenticatorData.create(
            sha256(rp_id.encode("utf-8")), self._flags(attested=True), credential.counter,
            attested)
        attestation = AttestationObject.create("none", auth_data, {})
        self._credentials[credential_id] = credential
        self._save()
        return RegistrationResponse(
            raw_id=credential_id,
            response=AuthenticatorAttestationResponse(
                client_data=client_data, attestation_object=attestation),
        )

    def get_assertion(self, options: PublicKeyCredentialRequestOptions) -> AuthenticationResponse:
        """authenticatorGetAssertion + the client's part (client data, signature)."""
        self._begin()
        options = PublicKeyCredentialRequestOptions.from_dict(options)
        rp_id = options.rp_id or ""
        if self.use_credential is not None:
            credential = self._credentials.get(self.use_credential)
        else:
            allowed = [d.id for d in options.allow_credentials or []]
            credential = next((self._credentials[c] for c in allowed if c in self._credentials),
                              None)
        if credential is None:
            raise AuthenticatorUnavailable("この認証器には登録がありません。")
        credential.counter += self.counter_step
        self._save()
        client_data = CollectedClientData.create(
            CollectedClientData.TYPE.GET, options.challenge, ORIGIN)
        auth_data = AuthenticatorData.create(
            sha256(rp_id.encode("utf-8")), self._flags(), credential.counter)
        signature = credential.private_key.sign(
            auth_data + client_data.hash, ec.ECDSA(hashes.SHA256()))
        return AuthenticationResponse(
            raw_id=credential.credential_id,
            response=AuthenticatorAssertionResponse(
                client_data=client_data, authenticator_data=auth_data, signature=signature,
                user_handle=None),
        )


def counter_of(response: AuthenticationResponse) -> int:
    """The signature counter in an assertion (for tests)."""
    data = bytes(response.response.authenticator_data)
    return int(struct.unpack(">I", data[33:37])[0])
