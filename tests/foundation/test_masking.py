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


# --- Formats people write numbers in -------------------------------------------

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
#: What people put between digits: spaces (also the ideographic one), hyphens
#: and dashes of every width, dots, slashes, brackets.
separators = st.text(alphabet=" -.－‐–—/\u3000\u00a0()", max_size=2)
country_codes = st.sampled_from(
    ["", "+86", "+86 ", "+86-", "0086", "0086 ", "86", "86-", "(+86)", "(+86) ", "＋８６ "]
)
#: Text around a number: Chinese, Latin letters right up against it,
#: punctuation, spaces; never a digit (that would make a longer number).
surroundings = st.text(
    alphabet=st.characters(categories=["Lo", "Lu", "Ll", "Zs", "Po", "Ps", "Pe"]),
    max_size=12,
)


def written(digits: str, gaps: list[str], widths: list[bool]) -> str:
    """The digits as somebody typed them: a separator after any digit and
    some digits full-width."""
    out = []
    for i, digit in enumerate(digits):
        out.append(digit.translate(FULL_WIDTH) if widths[i] else digit)
        if i < len(digits) - 1:
            out.append(gaps[i])
    return "".join(out)


def ascii_digits(text: str) -> str:
    import unicodedata

    return "".join(str(unicodedata.digit(ch)) for ch in text if ch.isdecimal())


@st.composite
def typed_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    """(the national number, the number as written with prefix and separators)"""
    number = draw(mobiles)
    gaps = draw(st.lists(separators, min_size=10, max_size=10))
    widths = draw(st.lists(st.booleans(), min_size=11, max_size=11))
    return number, draw(country_codes) + written(number, gaps, widths)


@st.composite
def typed_id_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """(the ID number, as written): 18 characters, or the 15 digits of the
    first generation, optionally grouped and in full-width digits."""
    region = draw(st.text("0123456789", min_size=6, max_size=6))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    sequence = draw(st.text("0123456789", min_size=3, max_size=3))
    if draw(st.booleans()):
        birth = f"{draw(st.integers(1900, 2025))}{month:02d}{day:02d}"
        tail = sequence + draw(st.sampled_from("0123456789Xx"))
    else:
        birth = f"{draw(st.integers(0, 99)):02d}{month:02d}{day:02d}"
        tail = sequence
    gap = draw(st.sampled_from(["", " ", "-"]))
    full_width = draw(st.booleans())
    groups = [region, birth, tail]
    text = gap.join(g.translate(FULL_WIDTH) if full_width else g for g in groups)
    return region + birth + tail, text


@given(surroundings, typed_mobiles(), surroundings)
def test_mobile_numbers_are_masked_whatever_their_format(
    before: str, phone: tuple[str, str], after: str
) -> None:
    number, text = phone
    masked = mask_text(f"{before}{text}{after}")
    country_code = ascii_digits(text)[: -len(number)]
    # Only the country code, the first three and the last four digits are left.
    assert ascii_digits(masked) == country_code + number[:3] + number[-4:]
    assert f"{number[:3]}****{number[-4:]}" in masked
    assert masked.startswith(before) and masked.endswith(after)


@given(surroundings, typed_id_numbers(), surroundings)
def test_id_numbers_are_masked_in_any_surrounding_text(
    before: str, id_number: tuple[str, str], after: str
) -> None:
    value, text = id_number
    masked = mask_text(f"{before}{text}{after}")
    # The region code and the sequence stay, the birth date does not.
    kept = value[:6] + (value[-4:] if len(value) == 18 else value[-3:])
    assert ascii_digits(masked) == ascii_digits(kept)
    assert value[:6] in masked
    assert masked.startswith(before) and masked.endswith(after)


@given(typed_mobiles(), typed_id_numbers(), surroundings.filter(bool))
def test_a_phone_and_an_id_number_side_by_side_are_both_masked(
    phone: tuple[str, str], id_number: tuple[str, str], between: str
) -> None:
    """Anything but a digit between them tells the two numbers apart (digits
    run together are one long number, neither a phone nor an ID number)."""
    number, value = phone[0], id_number[0]
    masked = mask_text(f"{phone[1]}{between}{id_number[1]}")
    country_code = ascii_digits(phone[1])[: -len(number)]
    kept = value[:6] + (value[-4:] if len(value) == 18 else value[-3:])
    assert ascii_digits(masked) == country_code + number[:3] + number[-4:] + ascii_digits(kept)


def test_the_formats_seen_in_the_export_are_masked() -> None:
    for text in (
        "156-1234-9876",
        "156 1234 9876",
        "+86 156 1234 9876",
        "0086-156-1234-9876",
        "１５６１２３４９８７６",
        "电话：１５６－１２３４－９８７６。",
    ):
        masked = mask_text(text)
        assert "15612349876" not in ascii_digits(masked), text
        assert "156****9876" in masked, text
    masked = mask_text("IDno430102199001011234,tel")
    assert masked == "IDno430102********1234,tel"
    assert mask_text("证件号码ID430102900101123") == "证件号码ID430102******123"


def test_other_numbers_stay() -> None:
    """Dates, times, amounts and codes that are no phone or ID number."""
    for text in (
        "2024-01-13 12:34:56,789",
        "订单 2023113012345",
        "价格 1399.00 元",
        "型号 XR-2000 电池 48V 20Ah",
        "12345 热线",
    ):
        assert mask_text(text) == text


@given(typed_mobiles())
def test_a_phone_number_in_an_access_log_query_string_is_masked(phone: tuple[str, str]) -> None:
    from urllib.parse import quote, quote_plus, unquote_plus

    from core.masking import mask_log_text

    number, text = phone
    country_code = ascii_digits(text)[: -len(number)]
    twice = quote_plus(f"/search/?q={quote_plus(text)}")
    line = f'"GET /accounts/login/?next={twice}" 200'
    assert ascii_digits(unquote_plus(unquote_plus(mask_log_text(line)))) == (
        country_code + number[:3] + number[-4:] + "200"
    )
    for encoded in (quote_plus(text), quote(text), quote(text, safe="+ ")):
        line = f'127.0.0.1 - - [01/Jan/2025:10:00:00] "GET /search/?q={encoded}&size=20" 200 5120'
        masked = mask_log_text(line)
        query = unquote_plus(masked.split("?q=", 1)[1].split("&size=20", 1)[0])
        assert ascii_digits(query) == country_code + number[:3] + number[-4:]
        assert masked.startswith("127.0.0.1 - - [01/Jan/2025:10:00:00]")
        assert masked.endswith('&size=20" 200 5120')


def test_log_records_are_masked_when_made_whoever_handles_them() -> None:
    """core.apps installs the record factory: a handler outside LOGGING,
    without the filter, still gets the masked line."""
    import io

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("tests.masking.unconfigured")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("lookup %s / %s", "+86 156 1234 9876", "ID430102199001011234")
        logger.warning("GET /api/v1/search/cases/?q=156%201234%209876")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "1234 9876" not in output and "19900101" not in output
    assert "156%201234%209876" not in output
    assert "156****9876" in output


def test_the_formatter_masks_a_traceback() -> None:
    from core.masking import MaskingFormatter

    try:
        raise ValueError("caller 13812345678 is unknown")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = MaskingFormatter("%(message)s").format(record)
    assert "ValueError" in line and "13812345678" not in line and "138****5678" in line


@given(typed_mobiles(), typed_id_numbers())
def test_mask_value_masks_every_string_of_a_message(
    phone: tuple[str, str], id_number: tuple[str, str]
) -> None:
    from core.masking import mask_value

    message = {"args": [phone[1], 7], "kwargs": {"note": ("x", id_number[1])}, "n": 3}
    masked = mask_value(message)
    assert masked["n"] == 3 and masked["args"][1] == 7
    assert phone[0] not in ascii_digits(str(masked))
    assert id_number[0][6:12] not in ascii_digits(str(masked["kwargs"]))


def test_mail_is_masked_before_it_is_delivered(settings: object) -> None:
    from django.core import mail

    settings.EMAIL_BACKEND = "core.mail.MaskingEmailBackend"  # type: ignore[attr-defined]
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]
    message = mail.EmailMultiAlternatives(
        "回电 156 1234 9876",
        "身份证 ID430102199001011234，电话 +86 156-1234-9876",
        to=["head@example.org"],
    )
    message.attach_alternative("<p>１５６１２３４９８７６</p>", "text/html")
    message.send()
    [sent] = mail.outbox
    whole = sent.message().as_string()
    assert sent.subject == "回电 156****9876"
    assert "19900101" not in sent.body and "1234-9876" not in sent.body
    assert sent.alternatives[0][0] == "<p>156****9876</p>"  # type: ignore[attr-defined]
    assert "9876" in whole
