"""Argon2id hashing and the password policy."""

from __future__ import annotations

import pytest
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from kokuho_pc.auth.password_policy import check_new_password, common_passwords
from kokuho_pc.auth.passwords import (
    MIN_MEMORY_KIB,
    PRODUCT_PARAMS,
    Argon2Params,
    PasswordHasher,
)
from kokuho_pc.domain.errors import WeakPassword


def test_product_parameters_are_realistic() -> None:
    assert PRODUCT_PARAMS.memory_kib >= MIN_MEMORY_KIB == 19 * 1024
    assert PRODUCT_PARAMS.iterations >= 2
    with pytest.raises(ValueError, match="19 MiB"):
        PasswordHasher(Argon2Params(memory_kib=1024))


def test_hash_stores_parameters_and_verifies(fast_hasher: PasswordHasher) -> None:
    phc = fast_hasher.hash("correct horse battery staple")
    assert phc.startswith("$argon2id$v=19$m=256,t=1,p=1$")
    assert fast_hasher.verify("correct horse battery staple", phc)
    assert not fast_hasher.verify("correct horse battery stapler", phc)
    assert fast_hasher.hash("same") != fast_hasher.hash("same")  # salted
    assert not fast_hasher.verify("x", "not a hash")


def test_real_parameters_are_used_by_default() -> None:
    phc = PasswordHasher().hash("x" * 13)
    assert f"m={PRODUCT_PARAMS.memory_kib},t={PRODUCT_PARAMS.iterations}" in phc


def test_needs_rehash_when_parameters_rise(fast_hasher: PasswordHasher) -> None:
    weak = fast_hasher.hash("some passphrase here")
    stronger = PasswordHasher(Argon2Params(memory_kib=512, iterations=1),
                              weak_params_for_tests=True)
    assert stronger.needs_rehash(weak)
    assert not fast_hasher.needs_rehash(weak)
    assert stronger.verify("some passphrase here", weak)  # old parameters still verify


def test_long_passwords_are_never_truncated(fast_hasher: PasswordHasher) -> None:
    long = "長い合言葉" * 40 + "a"
    phc = fast_hasher.hash(long)
    assert fast_hasher.verify(long, phc)
    assert not fast_hasher.verify(long[:-1] + "b", phc)
    assert not fast_hasher.verify(long[:72], phc)
    ninety = "".join(f"{i:02d}-kiri" for i in range(15))
    assert check_new_password(ninety, second_factor=False) == ninety


def test_unicode_is_nfkc_normalised(fast_hasher: PasswordHasher) -> None:
    fullwidth = "ＰＡＳＳフレーズ２０２６ねこやなぎ"
    halfwidth = "PASSフレーズ2026ねこやなぎ"
    phc = fast_hasher.hash(fullwidth)
    assert fast_hasher.verify(halfwidth, phc)
    decomposed = "か\u3099ようひ\u3099のあさのそら"  # が, び as combining sequences
    assert fast_hasher.verify("がようびのあさのそら", fast_hasher.hash(decomposed))


@pytest.mark.parametrize(
    ("password", "second_factor"),
    [("short-pass12", False), ("abc1234", True), ("", False)],
)
def test_minimum_length(password: str, second_factor: bool) -> None:
    with pytest.raises(WeakPassword, match="文字以上"):
        check_new_password(password, second_factor=second_factor)


def test_eight_characters_suffice_with_a_second_factor() -> None:
    assert check_new_password("tsuki&hoshi", second_factor=True) == "tsuki&hoshi"
    with pytest.raises(WeakPassword):
        check_new_password("tsuki&hoshi", second_factor=False)


def test_top_3000_common_passwords_are_refused() -> None:
    top = FREQUENCY_LISTS["passwords"][:3000]
    for word in top:
        with pytest.raises(WeakPassword):
            check_new_password(word, second_factor=True)
    assert len(common_passwords()) >= 3000


@pytest.mark.parametrize(
    "password",
    ["password12345678", "Qwerty123456789!", "iloveyou2026!!!", "aaaaaaaaaaaaaaaa",
     "abcdefghijklmnop", "1234567890123456", "abababababababab", "k9#zk9#zk9#zk9#z"],
)
def test_common_and_trivial_variants_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_new_password(password, second_factor=False)


@pytest.mark.parametrize(
    "password",
    ["yamada.taro-no-himitsu", "山田太郎のひみつのことばです", "kokuho-no-himitsu-desu",
     "082015-no-himitsu-desu"],
)
def test_context_words_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword, match="推測されやすい"):
        check_new_password(
            password, second_factor=False, context=["yamada.taro", "山田 太郎", "082015"]
        )


def test_good_passphrases_pass() -> None:
    for good in ("moegi-iro no yuugure", "しずかな湖に小舟がうかぶ夜", "Tr0mb0ne&Cactus&Kite"):
        assert check_new_password(good, second_factor=False, context=["sato.hanako", "佐藤 花子"])


def test_dummy_hash_matches_the_product_parameters() -> None:
    hasher = PasswordHasher()
    dummy = hasher._dummy
    assert dummy is not None and not hasher.needs_rehash(dummy)
    assert f"m={PRODUCT_PARAMS.memory_kib},t={PRODUCT_PARAMS.iterations}," in dummy
