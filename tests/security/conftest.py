"""Fixtures of the security-core tests: a manual clock, cheap Argon2 (tests only), profiles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kokuho_pc.auth.passwords import Argon2Params, PasswordHasher
from kokuho_pc.services.accounts import AccountService, Role
from kokuho_pc.services.login import LoginService, Session
from kokuho_pc.services.profile import Profile, ProfileKind, create_profile
from kokuho_pc.store.clock import ManualClock

JST = timezone(timedelta(hours=9))
MUNICIPALITY = "082015"
ADMIN_ID = "yamada.taro"
ADMIN_NAME = "山田 太郎"
ADMIN_PW = "kawa-no-nagare-wa-taezu-shite"
STAFF_ID = "sato.hanako"
STAFF_NAME = "佐藤 花子"
STAFF_PW = "hajimete-no-ichigyou-me"


class Sleeps(list[float]):
    """Records requested delays instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def clock() -> ManualClock:
    """Local (JST) time under the test's control."""
    return ManualClock(datetime(2026, 11, 26, 10, 0, 0, tzinfo=JST))


@pytest.fixture
def fast_hasher() -> PasswordHasher:
    """Argon2id with tiny parameters: tests only (the product refuses them)."""
    return PasswordHasher(Argon2Params(memory_kib=256, iterations=1), weak_params_for_tests=True)


@pytest.fixture
def sleeps() -> Sleeps:
    """The delays the login service asked for."""
    return Sleeps()


@pytest.fixture
def profile(tmp_path: Path, clock: ManualClock, fast_hasher: PasswordHasher) -> Iterator[Profile]:
    """A fresh demo profile."""
    opened = create_profile(
        tmp_path / "prof", kind=ProfileKind.DEMO, municipality_code=MUNICIPALITY,
        clock=clock, hasher=fast_hasher,
    )
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def login(profile: Profile, sleeps: Sleeps) -> LoginService:
    """The login service of the profile, without real sleeping."""
    return LoginService(profile, sleep=sleeps)


@pytest.fixture
def admin(profile: Profile, login: LoginService) -> Session:
    """The first administrator's session."""
    AccountService(profile).create_first_admin(ADMIN_ID, ADMIN_NAME, ADMIN_PW)
    return login.login(ADMIN_ID, ADMIN_PW)


@pytest.fixture
def staff(profile: Profile, login: LoginService, admin: Session) -> Session:
    """A staff member's session (initial password already changed)."""
    accounts = AccountService(profile)
    accounts.add_user(admin, STAFF_ID, STAFF_NAME, Role.STAFF, "shoki-pasuwado-desu-yo")
    session = login.login(STAFF_ID, "shoki-pasuwado-desu-yo")
    accounts.change_password(session, "shoki-pasuwado-desu-yo", STAFF_PW)
    return session
