"""Search documents: one denormalised dict per case (the hotspot dimensions,
docs/legal-basis.md §8).

The document carries no personal data (个人信息保护法第五十一条、第七十三条): the complainant is
a keyed hash, and phone or ID numbers in free text are masked.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math
import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

import jieba
from django.db.models import Q, QuerySet
from django.db.models.functions import Upper
from django.utils import timezone

from complaints.models import Case, Channel
from core.documents import DocumentType, register
from core.masking import complainant_hash, mask_text
from core.models import Region
from search.backends.dsl import case_mapping

logger = logging.getLogger(__name__)

#: channel -> source (the "source" dimension, docs/legal-basis.md §8); other
#: channels fall back to the case kind. Hotspot leads get a source of their own
#: so that hotspot computations can leave them out instead of counting their
#: own output.
SOURCE_BY_CHANNEL = {
    Channel.SUPERVISOR.value: "supervisor",
    Channel.HOTLINE_12345.value: "12345",
    Channel.HOTSPOT.value: "hotspot_lead",
    "random_inspection": "random_inspection",
}
SOURCES = (
    "complaint",
    "report",
    "supervisor",
    "12345",
    "random_inspection",
    "spot_check",
    "hotspot_lead",
)

#: Filings by one person within this many days before a case decide its weight.
REPEAT_FILER_WINDOW_DAYS = 365

# Function words and complaint boilerplate that would dominate every term
# count without telling one hotspot from another.
_STOPWORD_TEXT = """的 了 和 是 在 有 我 他 她 它 们 这 那 就 也 都 而 及 与 或
    一个 没有 我们 你们 他们
    因为 所以 但是 如果 已经 还是 可以 进行 要求 表示 购买 商家 投诉 举报 消费者 产品 商品
    问题 情况 现在 时候 之后 之前 一直 然后 自己 什么 这个 那个 不是 就是 还有 一下 东西
    其中 没有 不能 不会 希望 处理 反映 发现 请求 相关 部门 感觉 认为 已经 并且"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD_RE = re.compile(r"[\w\u4e00-\u9fff]")
_DIGITS_RE = re.compile(r"^[\d.\-*]+$")


def repeat_filer_weight(filings: int) -> float:
    """1 / (1 + ln n) for a person's n-th filing within the window: a first
    filing weighs 1, a tenth about 0.30, a hundredth about 0.18. Repeat
    filers count less but are never dropped (local practice, docs/legal-basis.md §8)."""
    return 1.0 / (1.0 + math.log(max(filings, 1)))


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def to_millis(moment: dt.datetime) -> int:
    """Epoch milliseconds, the resolution every engine stores dates at."""
    return int(moment.timestamp() * 1000)


def iso_millis(moment: dt.datetime) -> str:
    return (
        moment.astimezone(dt.UTC)
        .replace(microsecond=moment.microsecond // 1000 * 1000)
        .isoformat(timespec="milliseconds")
    )


def segment_words(text: str) -> list[str]:
    """jieba words worth counting: two or more characters, not numbers, not
    stopwords; each once, in order of first use."""
    seen: dict[str, None] = {}
    for token in jieba.lcut(text):
        word = token.strip().lower()
        if len(word) < 2 or word in STOPWORDS or _DIGITS_RE.match(word):
            continue
        if not _WORD_RE.search(word):
            continue
        seen.setdefault(word, None)
    return list(seen)


@cache
def _region_table() -> dict[str, tuple[str, str | None]]:
    """code -> (level, parent code) for every region; reference data is small
    and changes only with a migration."""
    return {
        code: (level, parent)
        for code, level, parent in Region.objects.values_list("code", "level", "parent_id")
    }


def region_levels(code: str) -> tuple[str | None, str | None, str | None]:
    """(province, city, county) codes of a region at any level."""
    table = _region_table()
    if code not in table:
        _region_table.cache_clear()
        table = _region_table()
    levels: dict[str, str] = {}
    node: str | None = code
    while node is not None and node in table:
        level, parent = table[node]
        levels[level] = node
        node = parent
    return (
        levels.get(Region.Level.PROVINCE),
        levels.get(Region.Level.CITY),
        levels.get(Region.Level.COUNTY),
    )


def _cell(region: str | None, category: str, key: str | None) -> str | None:
    if not region or not key:
        return None
    return f"{region}|{category}|{key}"


def _identity_filter(case: Case) -> Q | None:
    """The cases filed by the same person, by the same basis as the hash."""
    if case.anonymous:
        return None
    if case.complainant_id_number:
        return Q(complainant_id_number__iexact=case.complainant_id_number)
    if case.complainant_phone:
        return Q(complainant_phone=case.complainant_phone)
    return None


def filings_before(case: Case) -> int:
    """How many cases the same person filed in the window up to this one
    (this one included). Depends only on earlier filings, so a document's
    weight does not change when the person files again later. A filing
    entered back-dated changes the weight of that person's later cases; the
    index keeps their old weight (their version did not change) until the
    next `manage.py search_reindex`."""
    identity = _identity_filter(case)
    if identity is None:
        return 1
    since = case.received_at - dt.timedelta(days=REPEAT_FILER_WINDOW_DAYS)
    return (
        Case.objects.filter(identity)
        .filter(received_at__gte=since)
        .filter(
            Q(received_at__lt=case.received_at) | Q(pk__lte=case.pk, received_at=case.received_at)
        )
        .count()
    )


def case_source(case: Case) -> str:
    return SOURCE_BY_CHANNEL.get(case.channel, case.kind)


def _masked_key(key: str) -> str:
    """A seller key built from a name can hold a phone number typed into the
    business name; a credit code identifies a business, not a person, and
    stays whole so that sellers keep apart."""
    return key if key.startswith("uscc:") else mask_text(key)


def case_document(case: Case, *, filings: int | None = None) -> dict[str, Any]:
    """The search document of one case (select_related region, category and
    problem_type to avoid extra queries)."""
    province, city, county = region_levels(case.region_id)
    category = case.category
    path = category.path.split("/")
    brand_key = mask_text(case.brand_key) or None
    seller_key = _masked_key(case.seller_key) or None
    received_local = timezone.localtime(case.received_at)
    text = mask_text(
        "\n".join(
            part
            for part in (case.description, case.product_model, case.brand, case.business_name)
            if part
        )
    )
    region = case.region
    location = (
        {"lat": region.latitude, "lon": region.longitude}
        if region.latitude is not None and region.longitude is not None
        else None
    )
    hashed = (
        None
        if case.anonymous
        else complainant_hash(
            case.complainant_phone, case.complainant_id_number, case.complainant_name
        )
        or None
    )
    if filings is None:
        filings = filings_before(case)
    leaf = category.code
    return {
        "id": case.pk,
        "kind": case.kind,
        "source": case_source(case),
        "status": case.status,
        "tracking_code": case.tracking_code,
        "received_at": iso_millis(case.received_at),
        "week": monday_of(received_local.date()).isoformat(),
        "region_province": province,
        "region_city": city,
        "region_county": county,
        "region_codes": [code for code in (province, city, county) if code],
        "category": leaf,
        "category_path": path,
        "brand": mask_text(case.brand) or None,
        "brand_key": brand_key,
        "seller_key": seller_key,
        "seller_name": mask_text(case.business_name) or None,
        "problem_type": case.problem_type.code,
        "counterfeit": bool(case.problem_type.counterfeit_signal),
        "complainant_hash": hashed,
        "weight": round(repeat_filer_weight(filings), 6),
        "location": location,
        "text": text,
        "words": segment_words(text),
        "cell_county_category_brand": _cell(county, leaf, brand_key),
        "cell_county_category_seller": _cell(county, leaf, seller_key),
        "cell_city_category_brand": _cell(city, leaf, brand_key),
        "cell_city_category_seller": _cell(city, leaf, seller_key),
        "cell_province_category_brand": _cell(province, leaf, brand_key),
        "cell_province_category_seller": _cell(province, leaf, seller_key),
        "cell_county_category": _cell(county, leaf, leaf) and f"{county}|{leaf}",
        "cell_city_category": _cell(city, leaf, leaf) and f"{city}|{leaf}",
        "version": case.version,
    }


def case_queryset() -> QuerySet[Case]:
    return Case.objects.select_related("region", "category", "problem_type")


def _before(row: tuple[int, dt.datetime], case: Case, since: dt.datetime) -> bool:
    pk, received = row
    return since <= received and (
        received < case.received_at or (received == case.received_at and pk <= case.pk)
    )


def filings_for(cases: list[Case]) -> dict[int, int]:
    """filings_before for many cases with one query instead of one each."""
    window = dt.timedelta(days=REPEAT_FILER_WINDOW_DAYS)
    named = [c for c in cases if _identity_filter(c) is not None]
    out = {c.pk: 1 for c in cases}
    if not named:
        return out
    id_numbers = {c.complainant_id_number.upper() for c in named if c.complainant_id_number}
    phones = {c.complainant_phone for c in named if not c.complainant_id_number}
    rows = (
        Case.objects.annotate(id_upper=Upper("complainant_id_number"))
        .filter(Q(id_upper__in=id_numbers) | Q(complainant_phone__in=phones))
        .filter(
            received_at__gte=min(c.received_at for c in named) - window,
            received_at__lte=max(c.received_at for c in named),
        )
        .values_list("pk", "received_at", "id_upper", "complainant_phone")
    )
    by_id: dict[str, list[tuple[int, dt.datetime]]] = {}
    by_phone: dict[str, list[tuple[int, dt.datetime]]] = {}
    for pk, received, id_upper, phone in rows:
        if id_upper:
            by_id.setdefault(id_upper, []).append((pk, received))
        by_phone.setdefault(phone, []).append((pk, received))
    for case in named:
        pool = (
            by_id.get(case.complainant_id_number.upper(), [])
            if case.complainant_id_number
            else by_phone.get(case.complainant_phone, [])
        )
        since = case.received_at - window
        out[case.pk] = sum(1 for row in pool if _before(row, case, since))
    return out


def case_documents(cases: Iterable[Case], chunk_size: int = 1000) -> Iterator[dict[str, Any]]:
    """Documents of many cases, the repeat-filer counts fetched per chunk."""
    iterator = iter(cases)
    while chunk := list(itertools.islice(iterator, chunk_size)):
        filings = filings_for(chunk)
        for case in chunk:
            yield case_document(case, filings=filings[case.pk])


def iter_all_case_documents(chunk_size: int = 1000) -> Iterator[dict[str, Any]]:
    """Every case's document, streamed from the database in primary-key order."""
    yield from case_documents(
        case_queryset().order_by("pk").iterator(chunk_size=chunk_size), chunk_size
    )


def build_case_documents(ids: list[int]) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Documents of the cases with these ids (ids that are gone are left
    out), and the error of each case whose document could not be built: a
    bad row must not hold up the others."""
    cases = case_queryset().in_bulk(ids)
    filings = filings_for(list(cases.values()))
    docs: list[dict[str, Any]] = []
    errors: dict[int, str] = {}
    for pk, case in cases.items():
        try:
            docs.append(case_document(case, filings=filings[pk]))
        except Exception as exc:  # recorded on its outbox entry, not raised
            logger.exception("search document of case %s failed", pk)
            errors[pk] = f"{type(exc).__name__}: {exc}"[:1000]
    return docs, errors


#: Cases go to `<prefix>-cases`, the index every search and hotspot reads.
CASE_DOCUMENT = DocumentType(
    model="complaints.case",
    index="cases",
    build=build_case_documents,
    mapping=case_mapping,
    iter_all=lambda: iter_all_case_documents(),
)


def register_document_types() -> None:
    register(CASE_DOCUMENT)
