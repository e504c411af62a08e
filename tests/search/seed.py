"""Seeded cases for the search tests, created through the complaint services
(intake and transitions), and a reference implementation of the search rules
over the documents in plain Python: every engine must agree with it, hence
with each other."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from complaints.models import Case
from complaints.services import case_transition, intake_create
from core.roles import Role
from search.backends.base import (
    FACET_FIELDS,
    FACET_SIZE,
    FILTER_FIELDS,
    Cursor,
    FacetBucket,
    SearchQuery,
    local_day_start_ms,
)
from search.documents import case_document, case_queryset, to_millis
from search.textmatch import phrase_match, query_terms
from tests.cases.factories import make_intake_data, make_staff, mobile, office_for

COUNTIES = ("430102", "430103", "430104", "430202", "430203")
CATEGORIES = ("food-liquor", "food-dairy", "sundries-fireworks", "textiles-shoes")
BRANDS = ("茅台", "伊利", "Nike", "")
SELLERS = (
    ("长沙市芙蓉区好运烟酒店", ""),
    ("湖南星城商贸有限公司", ""),
    ("株洲市荷塘区鑫鑫超市", ""),
    ("某电商旗舰店", "taobao"),
)
PROBLEMS = ("fake-brand", "substandard", "defect")
TEXTS = (
    "在{seller}买到假冒{brand}，包装粗糙，防伪码查询无效。",
    "{brand}产品质量不合格，喝完腹泻，联系电话{phone}。",
    "购买的烟花爆竹多个哑炮，存在安全隐患。",
    "{brand}运动鞋穿了一周就开胶，商家拒绝退换。",
    "{brand} shoes are not original，鞋底开胶，商家称是正品。",
)


def seed_cases(count: int = 48, seed: int = 20261129) -> list[int]:
    """Cases spread over regions, categories, brands, sellers, sources,
    statuses and the last 80 days; some share a receipt time (to exercise
    the id tie-break), some come from one repeat filer."""
    rng = random.Random(seed)
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    handlers = {code: make_staff(Role.CASE_HANDLER, office_for(code)) for code in COUNTIES}
    phones = [mobile() for _ in range(8)]
    now = timezone.now().replace(microsecond=0)
    shared_moment = now - dt.timedelta(days=3, hours=2)
    ids: list[int] = []
    for n in range(count):
        county = COUNTIES[n % len(COUNTIES)]
        brand = BRANDS[rng.randrange(len(BRANDS))]
        seller, platform = SELLERS[rng.randrange(len(SELLERS))]
        channel = ("phone", "12345", "supervisor", "web")[n % 4]
        kind = "report" if channel == "supervisor" or n % 7 == 0 else "complaint"
        # One person files a quarter of everything: a repeat filer.
        phone = phones[0] if n % 4 == 1 else phones[rng.randrange(1, len(phones))]
        received = (
            shared_moment
            if n % 9 == 0
            else now - dt.timedelta(days=rng.randrange(1, 80), minutes=n)
        )
        text = TEXTS[rng.randrange(len(TEXTS))].format(
            seller=seller, brand=brand or "杂牌", phone=phone[-11:]
        )
        data = make_intake_data(
            kind=kind,
            channel=channel,
            work_order_no=f"WO-SEARCH-{seed}-{n}" if channel == "12345" else "",
            complainant_phone=phone,
            complainant_name=f"投诉人{n % 5}",
            business_name=seller,
            online_platform=platform,
            shop_id=f"88{n % 2}" if platform else "",
            region=county,
            category=CATEGORIES[rng.randrange(len(CATEGORIES))],
            problem_type=PROBLEMS[rng.randrange(len(PROBLEMS))],
            brand=brand,
            description=text,
            demands="退款并赔偿。" if kind == "complaint" else "",
            received_at=received,
        )
        result = intake_create(data=data, actor=operator)
        case = result.cases[0]
        ids.append(case.pk)
        if n % 3 == 0:
            name = "accept" if case.kind == "complaint" else "start_verification"
            case_transition(case_id=case.pk, name=name, actor=handlers[county])
    return ids


def documents(ids: Iterable[int]) -> list[dict[str, Any]]:
    return [case_document(case) for case in case_queryset().filter(pk__in=list(ids))]


def delete_cases(ids: Iterable[int]) -> None:
    from core.models import Event

    id_list = list(ids)
    Case.objects.filter(pk__in=id_list).update(linked_case=None)
    Event.objects.filter(owner_id__in=id_list).delete()
    Case.objects.filter(pk__in=id_list).delete()


# --- the reference implementation -------------------------------------------
def _received_ms(doc: dict[str, Any]) -> int:
    return to_millis(dt.datetime.fromisoformat(doc["received_at"]))


def _matches_text(doc: dict[str, Any], text: str) -> bool:
    return all(phrase_match(doc["text"], term) for term in query_terms(text))


def _matches_filter(doc: dict[str, Any], name: str, values: tuple[str, ...]) -> bool:
    value = doc.get(FILTER_FIELDS[name])
    present = value if isinstance(value, list) else [value]
    return any(v in values for v in present)


def matches(doc: dict[str, Any], query: SearchQuery, *, skip: str | None = None) -> bool:
    if not _matches_text(doc, query.text):
        return False
    ms = _received_ms(doc)
    if query.received_from and ms < local_day_start_ms(query.received_from):
        return False
    if query.received_to and ms >= local_day_start_ms(query.received_to + dt.timedelta(days=1)):
        return False
    if query.counterfeit is not None and doc["counterfeit"] != query.counterfeit:
        return False
    if query.scope_region and query.scope_region not in doc["region_codes"]:
        return False
    return all(
        _matches_filter(doc, name, values)
        for name, values in query.filters().items()
        if name != skip
    )


def expected_ids(docs: list[dict[str, Any]], query: SearchQuery) -> list[int]:
    hits = [d for d in docs if matches(d, query)]
    hits.sort(key=lambda d: (_received_ms(d), d["id"]), reverse=True)
    if query.search_after:
        cursor = Cursor.decode(query.search_after)
        hits = [d for d in hits if (_received_ms(d), d["id"]) < (cursor.received_ms, cursor.id)]
    return [d["id"] for d in hits]


def expected_facets(docs: list[dict[str, Any]], query: SearchQuery) -> dict[str, list[FacetBucket]]:
    out = {}
    for facet, field in FACET_FIELDS.items():
        counter = Counter(
            d[field] for d in docs if d.get(field) is not None and matches(d, query, skip=facet)
        )
        ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE]
        out[facet] = [FacetBucket(k, n) for k, n in ranked]
    return out


def expected_terms(
    docs: list[dict[str, Any]], field: str, query: SearchQuery, size: int
) -> list[FacetBucket]:
    counter: Counter[str] = Counter()
    for d in docs:
        if matches(d, query):
            value = d.get(field)
            counter.update(value if isinstance(value, list) else [value] if value else [])
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:size]
    return [FacetBucket(k, n) for k, n in ranked]
