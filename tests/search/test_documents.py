"""Search documents (issue 5, item 2): denormalised dimensions, no personal
data (个人信息保护法第五十一条), repeat filers down-weighted, and the text-matching
rules the engines share."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.request
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from complaints.services import intake_create
from core.models import Region
from core.roles import Role
from search.backends import get_backend
from search.documents import (
    STOPWORDS,
    case_document,
    case_documents,
    case_queryset,
    repeat_filer_weight,
)
from search.textmatch import (
    phrase_match,
    positioned_tokens,
    query_terms,
    tokens,
    tsquery_literal,
)
from tests.cases.factories import make_intake_data, make_staff, mobile, valid_id_number

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40)


@pytest.fixture
def operator(postgres: None) -> Any:
    return make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")


def test_no_personal_data_in_the_document(operator: Any) -> None:
    """个人信息保护法第五十一条: a hash instead of identity, numbers in text masked."""
    phone, id_number, other_phone = mobile(), valid_id_number(), mobile()
    data = make_intake_data(
        complainant_name="王小明",
        complainant_phone=phone,
        complainant_id_number=id_number,
        description=f"商家电话{other_phone}，我的身份证{id_number}，假冒伪劣。",
    )
    case = intake_create(data=data, actor=operator).cases[0]
    doc = case_document(case)
    dumped = json.dumps(doc, ensure_ascii=False)
    for secret in (phone[-11:], id_number, other_phone, "王小明"):
        assert secret not in dumped
    assert f"{other_phone[:3]}****{other_phone[-4:]}" in doc["text"]
    assert doc["complainant_hash"] and len(doc["complainant_hash"]) == 32


def test_numbers_written_in_any_format_are_masked_in_every_field(operator: Any) -> None:
    """Separators, +86 and full-width digits, in the description, the product
    model, the brand, the business name and the seller key built from it."""
    id_number = valid_id_number()
    data = make_intake_data(
        description="回电 156-1234-9876 或 +86 156 1234 9876，证件ID" + id_number + "。",
        product_model="１５６１２３４９８７６",
        brand="某牌 0086 156 1234 9876",
        business_name="路边店 156 1234 9876",
    )
    case = intake_create(data=data, actor=operator).cases[0]
    assert "15612349876" in case.seller_key
    doc = case_document(case)
    dumped = json.dumps(doc, ensure_ascii=False)
    for secret in ("1234-9876", "1234 9876", "15612349876", "１２３４９８７６", id_number[6:14]):
        assert secret not in dumped
    assert doc["seller_name"] == "路边店 156****9876"
    assert doc["seller_key"] == "name:路边店156****9876"
    assert doc["cell_county_category_seller"].endswith("|name:路边店156****9876")
    assert doc["brand"] == "某牌 0086 156****9876"


def test_a_seller_known_by_its_credit_code_keeps_its_key(operator: Any) -> None:
    from tests.cases.factories import valid_credit_code

    code = valid_credit_code()
    case = intake_create(
        data=make_intake_data(business_name="某某公司", business_credit_code=code),
        actor=operator,
    ).cases[0]
    assert case_document(case)["seller_key"] == f"uscc:{code}"


def test_dimensions_are_denormalised(operator: Any) -> None:
    case = intake_create(
        data=make_intake_data(
            region="430203",
            category="sundries-fireworks",
            problem_type="fake-brand",
            brand="  红双喜 ",
            channel="12345",
            work_order_no="WO-DOC-1",
        ),
        actor=operator,
    ).cases[0]
    doc = case_document(case)
    county = Region.objects.get(pk="430203")
    assert (doc["region_county"], doc["region_city"], doc["region_province"]) == (
        "430203",
        county.parent_id,
        "430000",
    )
    assert doc["category_path"] == ["sundries", "sundries-fireworks"]
    assert doc["source"] == "12345" and doc["counterfeit"] is True
    assert doc["brand_key"] == case.brand_key and doc["seller_key"] == case.seller_key
    assert doc["cell_county_category_brand"] == f"430203|sundries-fireworks|{case.brand_key}"
    assert doc["cell_city_category_seller"] == (
        f"{county.parent_id}|sundries-fireworks|{case.seller_key}"
    )
    assert doc["cell_county_category"] == "430203|sundries-fireworks"
    assert doc["location"] == {"lat": county.latitude, "lon": county.longitude}
    week = dt.date.fromisoformat(doc["week"])
    assert week.weekday() == 0 and 0 <= (case.received_at.date() - week).days <= 7
    assert doc["version"] == case.version
    assert doc["words"] and not set(doc["words"]) & STOPWORDS
    assert all(word in doc["text"].lower() for word in doc["words"])


def test_repeat_filers_are_down_weighted_never_dropped(operator: Any) -> None:
    phone = mobile()
    start = dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC)
    cases = [
        intake_create(
            data=make_intake_data(
                complainant_phone=phone, received_at=start + dt.timedelta(days=i)
            ),
            actor=operator,
        ).cases[0]
        for i in range(4)
    ]
    weights = [case_document(c)["weight"] for c in cases]
    assert weights == [pytest.approx(repeat_filer_weight(n)) for n in range(1, 5)]
    # The batched count (drain, reindex) agrees with the one-case count.
    shuffled = list(case_queryset().filter(pk__in=[c.pk for c in reversed(cases)]))
    assert {d["id"]: d["weight"] for d in case_documents(shuffled)} == {
        c.pk: w for c, w in zip(cases, weights, strict=True)
    }
    assert weights[0] == 1.0 and all(w > 0 for w in weights)
    hashes = {case_document(c)["complainant_hash"] for c in cases}
    assert len(hashes) == 1
    # Identified by ID number: the phone may change between filings.
    id_number = valid_id_number(serial=456)
    by_id = [
        intake_create(
            data=make_intake_data(
                complainant_id_number=id_number.lower() if i % 2 else id_number,
                received_at=start + dt.timedelta(days=i),
            ),
            actor=operator,
        ).cases[0]
        for i in range(3)
    ]
    batched = {d["id"]: d["weight"] for d in case_documents(by_id)}
    assert [batched[c.pk] for c in by_id] == [
        pytest.approx(repeat_filer_weight(n)) for n in range(1, 4)
    ]
    assert [case_document(c)["weight"] for c in by_id] == [batched[c.pk] for c in by_id]
    someone_else = intake_create(data=make_intake_data(), actor=operator).cases[0]
    assert case_document(someone_else)["complainant_hash"] not in hashes


@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_weight_falls_with_filings_and_stays_positive(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert 0 < repeat_filer_weight(high) <= repeat_filer_weight(low) <= 1


@given(st.text(HAN, min_size=2, max_size=30), st.data())
def test_any_piece_of_a_text_matches_it(text: str, data: st.DataObject) -> None:
    """A substring of two or more characters has cjk tokens that are a
    contiguous run of the text's tokens: the phrase rule every engine
    applies (search/textmatch.py). One character alone is a unigram, which
    the bigram index does not hold, on every engine alike."""
    start = data.draw(st.integers(0, len(text) - 2))
    end = data.draw(st.integers(start + 2, len(text)))
    piece = text[start:end]
    whole, part = tokens(text), tokens(piece)
    assert part
    assert f" {' '.join(part)} " in f" {' '.join(whole)} "
    assert tsquery_literal(piece).count("'") == 2 * len(part)
    assert phrase_match(text, piece)


@given(st.text(max_size=50))
def test_query_terms_always_have_tokens(text: str) -> None:
    assert all(tokens(term) for term in query_terms(text))


@pytest.mark.django_db(transaction=True)
def test_a_write_reaches_the_index_through_the_celery_worker(celery_worker: str) -> None:
    """The commit schedules the drain; a real worker sends the case to the
    configured engine (the worker reads the same settings)."""
    backend = get_backend()
    backend.drop()
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    case = intake_create(data=make_intake_data(), actor=operator).cases[0]
    deadline = time.monotonic() + 60
    indexed: dict[int, int] = {}
    while time.monotonic() < deadline and not indexed:
        try:
            indexed = backend.versions([case.pk])
        except Exception:  # the worker may not have created the index yet
            indexed = {}
        time.sleep(0.5)
    assert indexed == {case.pk: case.version}
    backend.drop()


TEXT_PIECES = st.sampled_from(
    [
        *("假冒", "茅台", "鞋", "运动鞋", "型号", "nike", "Nike", "ＡＢＣ", "north", "face"),
        *("the", "a", "an", "is", "v2.0", "3.14", "1,000", "foo_bar", "don't", "abc.def"),
        *("12:30", "x-y", " ", " ", "，", "。", "-", ".", "_", ":", "'", ",", "1", "7", "b"),
    ]
)


@hypothesis_settings(max_examples=150, deadline=None)
@given(st.lists(TEXT_PIECES, min_size=1, max_size=12).map("".join))
def test_tokens_and_positions_are_the_nodes(opensearch_url: str, text: str) -> None:
    """The database engine's tokens equal the cjk analyzer's on the node."""
    request = urllib.request.Request(
        f"{opensearch_url}/_analyze",
        data=json.dumps({"analyzer": "cjk", "text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        analysed = json.load(response)["tokens"]
    assert positioned_tokens(text) == [(t["token"], t["position"]) for t in analysed]
