"""Personal information never appears whole in logs (个人信息保护法第五十一条)."""

from __future__ import annotations

import logging

from hypothesis import given
from hypothesis import strategies as st

from core.masking import MaskPersonalDataFilter, mask_id_number, mask_phone, mask_text

mobiles = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text("0123456789", min_size=9, max_size=9),
)
id_numbers = st.builds(
    lambda body, check: body + check,
    st.text("0123456789", min_size=17, max_size=17),
    st.sampled_from("0123456789X"),
)
prose = st.text(alphabet=st.characters(categories=["Lo", "Zs", "Po"]), max_size=20)


@given(prose, mobiles, prose)
def test_mobile_numbers_in_text_are_masked(before: str, phone: str, after: str) -> None:
    masked = mask_text(f"{before}{phone}{after}")
    assert phone not in masked
    assert phone[:3] + "****" + phone[-4:] in masked


@given(prose, id_numbers, prose)
def test_id_numbers_in_text_are_masked(before: str, id_number: str, after: str) -> None:
    masked = mask_text(f"{before}{id_number}{after}")
    assert id_number not in masked
    assert masked.count("*") >= 8


@given(mobiles)
def test_mask_phone_keeps_only_the_ends(phone: str) -> None:
    masked = mask_phone(phone)
    assert masked == f"{phone[:3]}****{phone[-4:]}"


@given(id_numbers)
def test_mask_id_number_hides_the_birth_date(id_number: str) -> None:
    masked = mask_id_number(id_number)
    assert masked == id_number[:6] + "*" * 8 + id_number[-4:]


def test_the_log_filter_masks_arguments_before_they_are_written() -> None:
    record = logging.LogRecord(
        "complaints",
        logging.INFO,
        __file__,
        1,
        "caller %s with ID %s",
        ("13812345678", "430102199001011234"),
        None,
    )
    assert MaskPersonalDataFilter().filter(record)
    line = record.getMessage()
    assert "13812345678" not in line and "138****5678" in line
    assert "430102199001011234" not in line
