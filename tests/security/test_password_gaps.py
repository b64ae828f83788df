"""Password policy gaps a red-team run found (issue 14 item 5).

Every password below was ACCEPTED for sato.hanako at つくば市 before the fix.
The account service builds the context itself (user ID, name, the profile's
municipality with its romaji and kana names).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kokuho_pc.auth.password_policy import check_new_password, municipality_words
from kokuho_pc.domain.errors import WeakPassword
from kokuho_pc.services.accounts import AccountService, Role
from kokuho_pc.services.login import LoginService
from kokuho_pc.services.profile import Profile, ProfileKind, create_profile
from kokuho_pc.store.clock import ManualClock
from tests.security.conftest import ADMIN_ID, ADMIN_NAME, ADMIN_PW

TSUKUBA = "082201"
STAFF_ID, STAFF_NAME = "sato.hanako", "佐藤 花子"
CONTEXT = [STAFF_ID, STAFF_NAME, TSUKUBA, *municipality_words(TSUKUBA)]

# The red team's list (issue 14), then variants of the same weaknesses.
RED_TEAM = ["hanako.sato2026", "Satohanako!!!!1", "tsukuba-city-2026", "passwordpassword",
            "P@ssw0rdP@ssw0rd", "qwertyuiopasdf", "123456789012X"]
VARIANTS = [
    "h@n@k0-s@t0-2026!",          # substitutions over the name
    "5ato_hanako_desu",           # 5 -> s, the ID's parts split on punctuation
    "TSUKUBA_shi_no_hito",        # municipality romaji
    "つくばしのしょくいんです",     # municipality kana
    "ツクバのまちがすきです",       # municipality katakana
    "ibaraki-ken-2026-desu",      # the prefecture's romaji
    "abcabcabcabcabc",            # period 3
    "kotoba-kotoba-kotoba",       # period 7 (word repeated)
    "1qaz2wsx3edc4rfv",           # keyboard column walk
    "asdfghjkl;'zxcv",            # keyboard row walk
    "zxcvbnm,./asdfg",
    "0987654321poiuy",
    "Xa1234567890123",            # a digit run with one letter each side
]
GOOD = ["kawa-no-nagare-wa-taezu-shite", "moegi-iro no yuugure", "しずかな湖に小舟がうかぶ夜",
        "Tr0mb0ne&Cactus&Kite", "natsu no umi ni kujira ga oyogu", "correct horse battery staple",
        "ringo to mikan to budou", "朝の光が窓から静かに差し込む", "shiroi-kumo-to-aoi-sora"]


@pytest.mark.parametrize("password", RED_TEAM + VARIANTS)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_new_password(password, second_factor=False, context=CONTEXT)


@pytest.mark.parametrize("password", GOOD)
def test_long_passphrases_are_still_welcome(password: str) -> None:
    assert check_new_password(password, second_factor=False, context=CONTEXT) == password


def test_the_account_service_refuses_them_for_sato_hanako_at_tsukuba(
    tmp_path: Path, clock: ManualClock, fast_hasher: object
) -> None:
    profile: Profile = create_profile(tmp_path / "p", kind=ProfileKind.DEMO,
                                      municipality_code=TSUKUBA, clock=clock,
                                      hasher=fast_hasher)  # type: ignore[arg-type]
    try:
        accounts = AccountService(profile)
        accounts.create_first_admin(ADMIN_ID, ADMIN_NAME, ADMIN_PW)
        admin = LoginService(profile, sleep=lambda _s: None).login(ADMIN_ID, ADMIN_PW)
        for password in RED_TEAM:
            with pytest.raises(WeakPassword):
                accounts.add_user(admin, STAFF_ID, STAFF_NAME, Role.STAFF, password)
        accounts.add_user(admin, STAFF_ID, STAFF_NAME, Role.STAFF, GOOD[0])
    finally:
        profile.close()
