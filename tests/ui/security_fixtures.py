"""A real demo profile with accounts for the UI tests (cheap Argon2id, manual clock)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kokuho_pc.auth.passwords import Argon2Params, PasswordHasher
from kokuho_pc.services.accounts import AccountService, Role
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import Profile, ProfileKind, create_profile
from kokuho_pc.store.clock import ManualClock

JST = timezone(timedelta(hours=9))
MUNICIPALITY = "082015"
ADMIN_ID = "yamada.taro"
ADMIN_PW = "kawa-no-nagare-wa-taezu-shite"
STAFF_ID = "sato.hanako"
STAFF_INITIAL_PW = "shoki-pasuwado-desu-yo"
STAFF_PW = "hajimete-no-ichigyou-me"


@pytest.fixture
def profile(tmp_path: Path) -> Iterator[Profile]:
    """A fresh demo profile with an administrator and a staff member (initial password)."""
    clock = ManualClock(datetime(2026, 11, 26, 10, 0, 0, tzinfo=JST))
    hasher = PasswordHasher(Argon2Params(memory_kib=256, iterations=1), weak_params_for_tests=True)
    opened = create_profile(
        tmp_path / "prof", kind=ProfileKind.DEMO, municipality_code=MUNICIPALITY,
        clock=clock, hasher=hasher,
    )
    accounts = AccountService(opened)
    accounts.create_first_admin(ADMIN_ID, "山田 太郎", ADMIN_PW)
    admin = LoginService(opened, sleep=lambda _s: None).login(ADMIN_ID, ADMIN_PW)
    accounts.add_user(admin, STAFF_ID, "佐藤 花子", Role.STAFF, STAFF_INITIAL_PW)
    admin.logout()
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def login_service(profile: Profile) -> LoginService:
    """The login service without real failure delays."""
    return LoginService(profile, sleep=lambda _s: None)
