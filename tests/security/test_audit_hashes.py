"""SHA-256 digests in the operation log: accepted as hashes, never mistaken for a 個人番号.

A raw hex digest sometimes holds a 12-digit run that passes the 個人番号 check
digit. A value under a hash key (``sha256``) that is exactly 64 lowercase hex
characters is a hash: the log accepts it and stores it in groups of 8, so no
scan of the stored or forwarded record (the consolidation system scans what it
receives) ever sees such a run. Since issue 14 the detector also joins digit groups
across hyphens, so both scans hide the exact grouped form first
(``leakscan.hide_logged_hashes``). Everything else is still scanned and refused.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kokuho_pc.audit.actions import HASH_KEYS, TARGET_KEYS, AuditAction, log_hash
from kokuho_pc.domain.errors import AuditError
from kokuho_pc.domain.leakscan import contains_my_number, hide_logged_hashes
from kokuho_pc.domain.mynumber import my_number_check_digit
from kokuho_pc.services.profile import Profile

_SETTINGS = settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


def _valid(first_eleven: str) -> str:
    return first_eleven + str(my_number_check_digit(first_eleven))


def _digest_with_a_run() -> str:
    """A SHA-256 hex digest whose raw form holds a valid 12-digit run (found by search)."""
    for i in range(200_000):
        digest = hashlib.sha256(str(i).encode()).hexdigest()
        if contains_my_number(digest):
            return digest
    raise AssertionError("no such digest in the first 200,000")


def _stored_targets(profile: Profile, seq: int) -> dict[str, object]:
    return _targets(profile.audit, seq)


def _targets(audit: Any, seq: int) -> dict[str, object]:
    return dict(audit.records(after_seq=seq - 1, limit=1)[0].targets)


def test_a_digest_holding_a_valid_run_is_accepted_as_a_hash(profile: Profile) -> None:
    digest = _digest_with_a_run()
    assert contains_my_number(digest)  # the case that used to be refused
    seq = profile.audit.record(AuditAction.SEND, "sato.hanako",
                               {"file": "KSK01_082015_20261126100000.dat", "sha256": digest})
    targets = _stored_targets(profile, seq)
    assert targets["sha256"] == log_hash(digest)
    assert str(targets["sha256"]).replace("-", "") == digest
    row = profile.db.query_one("SELECT targets FROM audit_log WHERE seq = ?", (seq,))
    assert row is not None and not contains_my_number(hide_logged_hashes(str(row[0])))
    seq = profile.audit.record(AuditAction.EXPORT, "sato.hanako", {"sha256": [digest, digest]})
    assert _stored_targets(profile, seq)["sha256"] == [log_hash(digest)] * 2
    assert profile.audit.verify().ok


def test_the_grouped_form_is_accepted_unchanged(profile: Profile) -> None:
    grouped = log_hash(_digest_with_a_run())
    seq = profile.audit.record(AuditAction.SEND, "sato.hanako", {"sha256": grouped})
    assert _stored_targets(profile, seq)["sha256"] == grouped


@pytest.mark.parametrize("value", [
    "{run}",                      # a bare number under a hash key is not a hash
    "ab{run}cd",                  # not 64 characters
    "{digest_upper}",             # upper case is not the form digests are logged in
    "{digest}0",                  # 65 characters
    "{digest} ",
])
def test_anything_else_under_a_hash_key_is_still_scanned(profile: Profile, value: str) -> None:
    digest = _digest_with_a_run()
    text = value.format(run=_valid("12345678901"), digest=digest, digest_upper=digest.upper())
    assert contains_my_number(text)
    with pytest.raises(AuditError, match="個人番号"):
        profile.audit.record(AuditAction.SEND, "sato.hanako", {"sha256": text})


def test_a_digest_under_another_key_is_still_scanned(profile: Profile) -> None:
    digest = _digest_with_a_run()
    before = profile.audit.verify().count
    for key in sorted(TARGET_KEYS - HASH_KEYS):
        with pytest.raises(AuditError, match="個人番号"):
            profile.audit.record(AuditAction.SEND, "sato.hanako", {key: digest})
    assert profile.audit.verify().count == before


# The two properties take the operation log (``profile.audit``, or a wrong one in
# tests/fuzz/test_more_properties_fail.py): record, records, verify.
digest_args = dict(digest=st.binary(min_size=32, max_size=32).map(bytes.hex))
number_args = dict(key=st.sampled_from(sorted(TARGET_KEYS)),
                   first=st.text(alphabet="0123456789", min_size=11, max_size=11),
                   form=st.sampled_from(["str", "int", "list"]))


def random_digest_is_accepted(audit: Any, digest: str) -> None:
    seq = audit.record(AuditAction.MEDIA_READ, "sato.hanako",
                       {"file": "KKG01_082015_20261126100000.dat", "sha256": digest,
                        "size": 1024})
    stored = _targets(audit, seq)["sha256"]
    assert str(stored).replace("-", "") == digest
    assert not contains_my_number(hide_logged_hashes(str(stored)))


def bare_valid_number_is_refused(audit: Any, key: str, first: str, form: str) -> None:
    number = _valid(first)
    value: object = number
    if form == "int" and number[0] != "0":
        value = int(number)
    elif form == "list":
        value = ["KSK01_082015_20261126100000.dat", number]
    before = audit.verify().count
    with pytest.raises(AuditError, match="個人番号") as refused:
        audit.record(AuditAction.SEND, "sato.hanako", {key: value})
    assert number not in str(refused.value)  # the refusal does not show the number
    assert audit.verify().count == before


@_SETTINGS
@given(**digest_args)
def test_random_digests_are_always_accepted(profile: Profile, digest: str) -> None:
    random_digest_is_accepted(profile.audit, digest)


@_SETTINGS
@given(**number_args)
def test_a_bare_valid_number_is_always_refused(
    profile: Profile, key: str, first: str, form: str
) -> None:
    bare_valid_number_is_refused(profile.audit, key, first, form)
