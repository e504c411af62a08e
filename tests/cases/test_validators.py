"""Property tests for the check characters of resident ID numbers
(GB 11643, ISO 7064 MOD 11-2) and unified social credit codes (GB 32100-2015),
the phone normaliser and the seller / brand keys. The expected check
characters are computed here independently of core.validators."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from core.validators import (
    brand_key,
    normalize_mainland_phone,
    seller_key,
    validate_credit_code,
    validate_id_number,
)

# --- Independent reference implementations -------------------------------------


def iso7064_mod11_2(digits: str) -> str:
    """ISO 7064 MOD 11-2 by its recursive definition: p = (p + d) * 2 mod 11,
    then the check value makes the whole (with weight 1) ≡ 1 mod 11."""
    p = 0
    for d in digits:
        p = ((p + int(d)) * 2) % 11
    check = (12 - p) % 11
    return "X" if check == 10 else str(check)


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_check(body: str) -> str:
    """GB 32100-2015: weights are 3^i mod 31; C18 = 31 - (Σ mod 31), 31 → 0."""
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    value = 31 - total % 31
    return USCC_ALPHABET[0 if value == 31 else value]


# --- Strategies ----------------------------------------------------------------

birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today())


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.from_regex(r"[1-8][0-9]{5}", fullmatch=True))
    birth = draw(birth_dates)
    serial = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    body = f"{region}{birth:%Y%m%d}{serial}"
    return body + iso7064_mod11_2(body)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(USCC_ALPHABET)) + draw(st.sampled_from(USCC_ALPHABET))
    region = draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    org = "".join(draw(st.lists(st.sampled_from(USCC_ALPHABET), min_size=9, max_size=9)))
    body = head + region + org
    return body + uscc_check(body)


def test_reference_implementations_agree_with_published_examples() -> None:
    # The worked example of GB 11643 and a credit code printed on a business licence.
    assert iso7064_mod11_2("11010519491231002") == "X"
    assert uscc_check("91350100M000100Y4") == "3"


# --- ID numbers ------------------------------------------------------------------


@given(id_numbers())
def test_valid_id_numbers_pass(value: str) -> None:
    validate_id_number(value)
    validate_id_number(value.lower())


@given(id_numbers(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_changing_one_character_of_an_id_number_is_caught(
    value: str, position: int, replacement: str
) -> None:
    assume(value[position] != replacement)
    assume(position == 17 or replacement != "X")
    mutated = value[:position] + replacement + value[position + 1 :]
    with pytest.raises(ValidationError):
        validate_id_number(mutated)


@given(st.text(max_size=25))
def test_arbitrary_text_never_crashes_the_id_validator(value: str) -> None:
    try:
        validate_id_number(value)
    except ValidationError:
        return
    assert iso7064_mod11_2(value.strip()[:17]) == value.strip().upper()[17]


def test_id_number_with_an_impossible_birth_date_is_rejected() -> None:
    body = "43010219900230123"  # 30 February
    with pytest.raises(ValidationError):
        validate_id_number(body + iso7064_mod11_2(body))


# --- Credit codes ------------------------------------------------------------------


@given(credit_codes())
def test_valid_credit_codes_pass(value: str) -> None:
    validate_credit_code(value)


@given(credit_codes(), st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET))
def test_changing_one_character_of_a_credit_code_is_caught(
    value: str, position: int, replacement: str
) -> None:
    assume(value[position] != replacement)
    mutated = value[:position] + replacement + value[position + 1 :]
    with pytest.raises(ValidationError):
        validate_credit_code(mutated)


@given(credit_codes(), st.sampled_from("IOSVZ"), st.integers(min_value=0, max_value=17))
def test_letters_outside_the_alphabet_are_rejected(value: str, letter: str, position: int) -> None:
    with pytest.raises(ValidationError):
        validate_credit_code(value[:position] + letter + value[position + 1 :])


# --- Phones and keys -------------------------------------------------------------


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mobile_numbers_normalise_to_e164_in_any_common_spelling(number: str) -> None:
    try:
        expected = normalize_mainland_phone(number)
    except ValidationError:
        return  # an unallocated prefix
    assert expected == f"+86{number}"
    spaced = f"{number[:3]} {number[3:7]} {number[7:]}"
    for spelling in (
        f"+86{number}",
        f"0086{number}",
        f"+86 {spaced}",
        f"{number[:3]}-{number[3:]}",
    ):
        assert normalize_mainland_phone(spelling) == expected


@pytest.mark.parametrize("raw", ["", "12345", "+14155550123", "1381234567", "abc", "9" * 40])
def test_bad_phone_numbers_are_rejected(raw: str) -> None:
    with pytest.raises(ValidationError):
        normalize_mainland_phone(raw)


def test_landlines_are_accepted() -> None:
    assert normalize_mainland_phone("0731-84567890") == "+8673184567890"


def test_seller_key_prefers_the_credit_code_and_normalises_names() -> None:
    assert seller_key(name="随便", credit_code="91350100m000100y43") == "uscc:91350100M000100Y43"
    assert seller_key(name="长沙·某某（食品）有限公司") == seller_key(name="长沙某某食品")
    assert seller_key(name="ＡＢＣ Trading Co., Ltd.") == seller_key(name="abc trading")
    assert seller_key(name="某某店", platform="淘宝", shop_id="123") != seller_key(
        name="某某店", platform="淘宝", shop_id="456"
    )
    assert brand_key("Nike®") == brand_key("ＮＩＫＥ")


@given(st.text(max_size=400), st.text(max_size=100), st.text(max_size=100))
def test_seller_keys_fit_their_column(name: str, platform: str, shop: str) -> None:
    key = seller_key(name=name, platform=platform, shop_id=shop)
    assert len(key) <= 255
    assert len(brand_key(name)) <= 100
