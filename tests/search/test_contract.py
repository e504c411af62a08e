"""One contract, three engines: OpenSearch (opensearch-py), Elasticsearch (the
official client, through the compatibility proxy) and the database engine on
PostgreSQL, over the same seeded cases (issue 5, item 7).

Every engine is checked against the reference rules in tests/search/seed.py
(plain Python over the same documents), so all three return the same hit
sets in the same order, the same facets, the same pages and the same cells.
The database engine's cases also run on SQLite (marker sqlite_demo), where
`make run` uses that engine with its SQLite branches.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.utils import timezone

from search.backends import SearchBackend
from search.backends.base import CellSpec, SearchQuery
from search.sync import rebuild_index
from tests.search.conftest import ANY_DATABASE, ENGINES, engine_backend
from tests.search.seed import expected_facets, expected_ids, expected_terms

pytestmark = pytest.mark.django_db

#: The engines, the database engine also selected for the SQLite run.
ENGINE_PARAMS = [
    pytest.param(name, marks=pytest.mark.sqlite_demo) if name == "database" else name
    for name in ENGINES
]


@pytest.fixture(scope="module", params=ENGINE_PARAMS)
def engine(
    request: pytest.FixtureRequest, seeded: list[int], django_db_blocker: Any
) -> Iterator[SearchBackend]:
    backend = engine_backend(request, request.param, "contract", vendors=ANY_DATABASE)
    with django_db_blocker.unblock():
        backend.drop()
        rebuild_index(backend=backend)
        backend.refresh()
    yield backend
    with django_db_blocker.unblock():
        backend.drop()


def _queries(docs: list[dict[str, Any]]) -> dict[str, SearchQuery]:
    """Queries built from values present in the seed (no hard-coded results)."""
    by = {
        field: Counter(d[field] for d in docs if d.get(field))
        for field in docs[0]
        if not isinstance(docs[0][field], (list, dict))
    }
    brand = by["brand_key"].most_common(1)[0][0]
    seller = by["seller_key"].most_common(1)[0][0]
    county = by["region_county"].most_common(1)[0][0]
    city = by["region_city"].most_common(1)[0][0]
    today = timezone.localdate()
    return {
        "all": SearchQuery(),
        "text one word": SearchQuery(text="假冒"),
        "text two terms": SearchQuery(text="假冒 防伪码"),
        "text latin": SearchQuery(text="NIKE"),
        "text with stop words": SearchQuery(text="shoes is not original"),
        "text mixed": SearchQuery(text="the 开胶 original"),
        "text and filters": SearchQuery(text="开胶", region=(city,), source=("complaint", "12345")),
        "region city": SearchQuery(region=(city,)),
        "region county": SearchQuery(region=(county,)),
        "region province": SearchQuery(region=("430000",)),
        "category subtree": SearchQuery(category=("food",)),
        "category leaf": SearchQuery(category=("sundries-fireworks",)),
        "brand": SearchQuery(brand=(brand,)),
        "seller": SearchQuery(seller=(seller,)),
        "problem type": SearchQuery(problem_type=("fake-brand", "defect")),
        "source": SearchQuery(source=("supervisor",)),
        "status": SearchQuery(status=("accepted", "verifying")),
        "kind": SearchQuery(kind=("report",)),
        "counterfeit": SearchQuery(counterfeit=True),
        "dates": SearchQuery(
            received_from=today - dt.timedelta(days=40), received_to=today - dt.timedelta(days=3)
        ),
        "scoped and filtered": SearchQuery(scope_region="430100", source=("12345", "complaint")),
        "everything": SearchQuery(
            text="假冒",
            region=("430100", "430200"),
            category=("food",),
            source=("complaint", "12345", "report", "supervisor"),
            received_from=today - dt.timedelta(days=79),
        ),
    }


QUERY_NAMES = [
    "all",
    "text one word",
    "text two terms",
    "text latin",
    "text with stop words",
    "text mixed",
    "text and filters",
    "region city",
    "region county",
    "region province",
    "category subtree",
    "category leaf",
    "brand",
    "seller",
    "problem type",
    "source",
    "status",
    "kind",
    "counterfeit",
    "dates",
    "scoped and filtered",
    "everything",
]


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_hit_sets_and_order_agree(
    engine: SearchBackend, seeded_docs: list[dict[str, Any]], name: str
) -> None:
    query = _queries(seeded_docs)[name]
    expected = expected_ids(seeded_docs, query)
    assert expected, f"the seed should give {name!r} some hits"
    page = engine.search(dataclasses.replace(query, size=len(seeded_docs)))
    assert page.total == len(expected)
    assert [hit.id for hit in page.hits] == expected


@pytest.mark.parametrize("name", ["all", "text and filters", "brand", "status", "everything"])
def test_facets_ignore_their_own_filter(
    engine: SearchBackend, seeded_docs: list[dict[str, Any]], name: str
) -> None:
    query = _queries(seeded_docs)[name]
    page = engine.search(query)
    assert page.facets == expected_facets(seeded_docs, query)


def test_the_scope_holds_whatever_the_filters_ask(
    engine: SearchBackend, seeded_docs: list[dict[str, Any]]
) -> None:
    inside = next(d for d in seeded_docs if d["region_city"] == "430100")["region_county"]
    outside = SearchQuery(scope_region="430200", region=(inside,))
    page = engine.search(outside)
    assert page.total == 0 and not page.hits
    # The region facet ignores the region filter but never the scope.
    assert {b.key for b in page.facets["region"]} == {"430200"}
    assert page.facets == expected_facets(seeded_docs, outside)


def test_a_chosen_facet_value_still_shows_the_others(
    engine: SearchBackend, seeded_docs: list[dict[str, Any]]
) -> None:
    page = engine.search(SearchQuery(source=("supervisor",)))
    sources = {bucket.key for bucket in page.facets["source"]}
    assert "supervisor" in sources and len(sources) > 1
    assert {hit.source["source"] for hit in page.hits} == {"supervisor"}


@pytest.mark.parametrize("size", [1, 7, 20])
def test_search_after_visits_every_hit_once_in_order(
    engine: SearchBackend, seeded_docs: list[dict[str, Any]], size: int
) -> None:
    query = SearchQuery(size=size, facets=False)
    seen: list[int] = []
    pages = 0
    while True:
        page = engine.search(query)
        pages += 1
        seen += [hit.id for hit in page.hits]
        assert len(page.hits) <= size
        if page.next_cursor is None:
            break
        query = dataclasses.replace(query, search_after=page.next_cursor)
    assert seen == expected_ids(seeded_docs, SearchQuery())
    assert pages == -(-len(seen) // size)


def test_ties_on_receipt_time_break_by_id(
    engine: SearchBackend, seeded_docs: list[dict[str, Any]]
) -> None:
    moments = Counter(d["received_at"] for d in seeded_docs)
    shared, n = moments.most_common(1)[0]
    assert n > 2, "the seed shares one receipt time among several cases"
    ids = [h.id for h in engine.scan(SearchQuery()) if h.source["received_at"] == shared]
    assert ids == sorted(ids, reverse=True) and len(ids) == n


def test_highlights_mark_the_matched_text(engine: SearchBackend) -> None:
    page = engine.search(SearchQuery(text="防伪码", size=5))
    assert page.hits
    for hit in page.hits:
        fragments = hit.highlight.get("text", [])
        assert any("<mark>" in f for f in fragments)
        marked = "".join(f.split("<mark>", 1)[1].split("</mark>", 1)[0] for f in fragments)
        assert set(marked) <= set("防伪码")


def test_highlights_mark_the_words_of_a_phrase_not_its_stop_words(
    engine: SearchBackend,
) -> None:
    page = engine.search(SearchQuery(text="shoes is not original", size=5))
    assert page.hits
    for hit in page.hits:
        marked = [
            part.split("</mark>", 1)[0].lower()
            for fragment in hit.highlight.get("text", [])
            for part in fragment.split("<mark>")[1:]
        ]
        assert set(marked) == {"shoes", "original"}


def test_highlights_escape_markup_in_the_text(
    engine: SearchBackend, seeded_docs: list[dict[str, Any]]
) -> None:
    doc = {
        **seeded_docs[0],
        "id": 10**9,
        "version": 1,
        "text": '<script>alert(1)</script>买到"假货"<b>劣质</b>鞋',
    }
    engine.index_documents([doc])
    engine.refresh()
    try:
        [hit] = engine.search(SearchQuery(text="劣质")).hits
        [fragment] = hit.highlight["text"]
        assert "<script>" not in fragment and "<b>" not in fragment
        assert "&lt;b&gt;<mark>劣质</mark>" in fragment
    finally:
        engine.delete_documents([(doc["id"], 2)])
        engine.refresh()


@pytest.mark.parametrize(
    "field", ["cell_county_category_seller", "cell_city_category_brand", "cell_county_category"]
)
def test_cells_agree(engine: SearchBackend, seeded_docs: list[dict[str, Any]], field: str) -> None:
    spec = CellSpec(
        field=field, size=5, distinct=("complainant_hash", "seller_key", "region_county")
    )
    cells = engine.aggregate_cells(spec)
    grouped: dict[str, list[dict[str, Any]]] = {}
    for doc in seeded_docs:
        if doc.get(field):
            grouped.setdefault(doc[field], []).append(doc)
    ranked = sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:5]
    assert [(c.key, c.count) for c in cells] == [(k, len(v)) for k, v in ranked]
    for cell, (_key, docs) in zip(cells, ranked, strict=True):
        assert cell.weight == pytest.approx(sum(d["weight"] for d in docs), abs=1e-5)
        for name in spec.distinct:
            assert cell.distinct[name] == len({d[name] for d in docs if d.get(name)})
        assert cell.weeks == dict(sorted(Counter(d["week"] for d in docs).items()))


@pytest.mark.parametrize("field", ["words", "brand_key", "region_county"])
def test_term_counts_agree(
    engine: SearchBackend, seeded_docs: list[dict[str, Any]], field: str
) -> None:
    query = SearchQuery(counterfeit=True)
    expected = expected_terms(seeded_docs, field, query, 15)
    assert expected
    assert engine.terms(field, query, 15) == expected


def test_an_older_version_never_overwrites_a_newer_one(
    engine: SearchBackend, seeded_docs: list[dict[str, Any]]
) -> None:
    doc = seeded_docs[0]
    newer = {**doc, "version": doc["version"] + 5, "status": "closed"}
    older = {**doc, "version": doc["version"] + 1, "status": "mediating"}
    try:
        assert engine.index_documents([newer]).ok == 1
        result = engine.index_documents([older])
        assert result.conflicts == 1 and not result.errors
        engine.refresh()
        assert engine.versions([doc["id"]]) == {doc["id"]: doc["version"] + 5}
        [hit] = [h for h in engine.search(SearchQuery(status=("closed",))).hits]
        assert hit.id == doc["id"]
    finally:
        restored = {**doc, "version": doc["version"] + 10}
        engine.index_documents([restored])
        engine.refresh()


def test_a_delete_wins_only_with_a_newer_version(
    engine: SearchBackend, seeded_docs: list[dict[str, Any]]
) -> None:
    doc = seeded_docs[-1]
    stale = engine.delete_documents([(doc["id"], doc["version"])])
    assert stale.conflicts == 1 and not stale.errors
    engine.refresh()
    assert engine.versions([doc["id"]]) == {doc["id"]: doc["version"]}
    try:
        removed = engine.delete_documents([(doc["id"], doc["version"] + 1)])
        assert removed.ok == 1 and not removed.errors
        engine.refresh()
        assert engine.versions([doc["id"]]) == {}
        assert doc["id"] not in {hit.id for hit in engine.scan(SearchQuery())}
    finally:
        engine.index_documents([{**doc, "version": doc["version"] + 2}])
        engine.refresh()


@pytest.mark.parametrize("name", ENGINE_PARAMS)
def test_an_engine_never_written_to_answers_empty(
    request: pytest.FixtureRequest, name: str
) -> None:
    fresh = engine_backend(request, name, "fresh", vendors=ANY_DATABASE)
    fresh.drop()
    try:
        page = fresh.search(SearchQuery(text="假冒"))
        assert (page.total, page.hits, page.next_cursor) == (0, [], None)
        assert all(buckets == [] for buckets in page.facets.values())
        assert fresh.aggregate_cells(CellSpec(field="cell_county_category")) == []
        assert fresh.count() == 0
    finally:
        fresh.drop()


@pytest.mark.parametrize("name", ["opensearch", "elasticsearch"])
def test_drains_starting_at_once_create_one_index(
    request: pytest.FixtureRequest, name: str
) -> None:
    fresh = engine_backend(request, name, "race")
    fresh.drop()
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            names = set(pool.map(lambda _: fresh.ensure_index(), range(6)))
        assert len(names) == 1
        assert set(fresh.indices()) == names
    finally:
        fresh.drop()


def test_reindex_swaps_the_alias_to_a_new_index(
    engine: SearchBackend, seeded_docs: list[dict[str, Any]], django_db_blocker: Any
) -> None:
    before = set(engine.indices())
    with django_db_blocker.unblock():
        index, result, _fixed = rebuild_index(backend=engine)
    assert index.startswith(f"{engine.alias}-") and index not in before
    assert result.ok == len(seeded_docs) and not result.errors
    assert set(engine.indices()) == {index}
    assert engine.count() == len(seeded_docs)
    assert engine.search(SearchQuery(text="假冒")).total == len(
        expected_ids(seeded_docs, SearchQuery(text="假冒"))
    )


def test_spot_checks_and_supervisor_reports_are_hotspot_signals(
    engine: SearchBackend, seeded_docs: list[dict[str, Any]]
) -> None:
    """A non-conforming spot-check and a supervisor's report of the same
    seller count in that seller's hotspot cell beside its cases, through the
    one hotspot interface; a conforming result is no signal."""
    from search.documents_supervision import SPOT_CHECK_DOCUMENT, SUPERVISOR_REPORT_DOCUMENT
    from search.hotspots.engine import HotspotData, to_search_query
    from search.hotspots.params import Filters
    from supervisors.services import SpotCheckRow, report_file, spotcheck_upsert
    from supervisors.services.reports import ReportData
    from tests.supervisors.factories import make_supervisor

    today = timezone.localdate()
    doc = next(
        d
        for d in seeded_docs
        if d["counterfeit"]
        and d["region_county"]
        and d["seller_key"].startswith("name:")
        and "|" not in d["seller_key"]
    )
    field = "cell_county_category_seller"
    window = Filters(start=today - dt.timedelta(days=89), end=today)
    data = HotspotData(engine)
    before = {row.key: row.count for row in data.cell_rows(window, field)}

    def spot(result: str) -> int:
        row = SpotCheckRow(
            product="抽检样品",
            category=doc["category"],
            brand=doc["brand"] or "",
            model_batch=f"批次-{result}",
            producer="湖南某某酒业有限公司",
            seller=doc["seller_name"],
            region=doc["region_county"],
            items_tested="酒精度,甲醇",
            result=result,
            non_conforming_items="酒精度" if result == "不合格" else "",
            published_on=(today - dt.timedelta(days=5)).isoformat(),
        )
        return spotcheck_upsert(row=row, actor=None)[0].pk

    failing, passing = spot("不合格"), spot("合格")
    supervisor = make_supervisor(region=doc["region_county"])
    report = report_file(
        data=ReportData(
            finding="fake_brand",
            category=doc["category"],
            seller_name=doc["seller_name"],
            seller_region=doc["region_county"],
            observed_at=timezone.now() - dt.timedelta(days=1),
            brand=doc["brand"] or "",
        ),
        actor=supervisor.user,
    )
    spots = engine.for_type(SPOT_CHECK_DOCUMENT)
    reports = engine.for_type(SUPERVISOR_REPORT_DOCUMENT)
    try:
        spot_docs, errors = SPOT_CHECK_DOCUMENT.build([failing, passing])
        assert not errors and [d["id"] for d in spot_docs] == [failing]
        report_docs, errors = SUPERVISOR_REPORT_DOCUMENT.build([report.pk])
        assert not errors and len(report_docs) == 1
        assert spot_docs[0][field] == report_docs[0][field] == doc[field]
        spots.ensure_index()
        reports.ensure_index()
        assert spots.index_documents(spot_docs).failed == 0
        assert reports.index_documents(report_docs).failed == 0
        spots.refresh()
        reports.refresh()
        after = {row.key: row.count for row in data.cell_rows(window, field)}
        assert after[doc[field]] == before[doc[field]] + 2
        assert {k: v for k, v in after.items() if k != doc[field]} == {
            k: v for k, v in before.items() if k != doc[field]
        }
        cell_query = dataclasses.replace(
            to_search_query(window), seller=(doc["seller_key"],), region=(doc["region_county"],)
        )
        sources = {b.key for b in data.backend.terms("source", cell_query)}
        assert {"spot_check", "supervisor"} <= sources
        assert sources - {"spot_check", "supervisor"}  # and the cases' own sources
        # The cell's drill-down lists all three, each opening its own page.
        from search.hotspots.params import HotspotQuery
        from search.hotspots.selectors import cell_cases

        rows = cell_cases(
            HotspotQuery.default(end=today, window_days=90), cell=doc[field], backend=engine
        )
        assert any(
            row.source == "spot_check"
            and row.url.endswith(f"/supervisors/spotcheck/{failing}/change/")
            for row in rows
        )
        assert any(
            row.source == "supervisor" and row.url.endswith(f"/supervisors/reports/{report.pk}/")
            for row in rows
        )
        assert len(rows) == after[doc[field]]
    finally:
        spots.drop()
        reports.drop()


def test_the_search_finds_supervisor_reports_and_spot_checks(
    engine: SearchBackend, seeded_docs: list[dict[str, Any]]
) -> None:
    """The enforcement search reads cases, supervisors' reports and
    non-conforming spot-checks through the registry: a text matching one
    report and one spot-check finds exactly those two on every engine, with
    their source and kind in the facets, each hit linking to its own page,
    within the searching office's region only."""
    from search.documents_supervision import (
        SPOT_CHECK_DOCUMENT,
        SPOT_CHECK_KIND,
        SUPERVISOR_REPORT_DOCUMENT,
        SUPERVISOR_REPORT_KIND,
    )
    from search.selectors import facet_labels, hit_row, search_backend
    from supervisors.services import SpotCheckRow, report_file, spotcheck_upsert
    from supervisors.services.reports import ReportData
    from tests.supervisors.factories import make_supervisor

    today = timezone.localdate()
    doc = next(d for d in seeded_docs if d["region_county"])
    other_city = next(
        d["region_city"] for d in seeded_docs if d["region_city"] != doc["region_city"]
    )
    # A word none of the seeded cases holds, in both signals' text.
    word = "鼋鼍酒坊"
    assert not any(word in (d.get("text") or "") for d in seeded_docs)
    spot, _created = spotcheck_upsert(
        row=SpotCheckRow(
            product="白酒",
            category=doc["category"],
            brand="某牌",
            model_batch="批次-契约",
            producer=f"{word}有限公司",
            seller=doc["seller_name"],
            region=doc["region_county"],
            items_tested="酒精度",
            result="不合格",
            non_conforming_items="酒精度",
            published_on=(today - dt.timedelta(days=3)).isoformat(),
        ),
        actor=None,
    )
    report = report_file(
        data=ReportData(
            finding="fake_brand",
            category=doc["category"],
            seller_name=doc["seller_name"],
            seller_region=doc["region_county"],
            observed_at=timezone.now() - dt.timedelta(days=1),
            description=f"货架上摆着{word}的假酒",
        ),
        actor=make_supervisor(region=doc["region_county"]).user,
    )
    views = [(engine.for_type(SPOT_CHECK_DOCUMENT), SPOT_CHECK_DOCUMENT, spot.pk)]
    views.append(
        (engine.for_type(SUPERVISOR_REPORT_DOCUMENT), SUPERVISOR_REPORT_DOCUMENT, report.pk)
    )
    try:
        for view, doc_type, pk in views:
            built, errors = doc_type.build([pk])
            assert not errors and len(built) == 1
            view.ensure_index()
            assert view.index_documents(built).failed == 0
            view.refresh()
        backend = search_backend(engine)
        page = backend.search(SearchQuery(text=word))
        assert {(h.source["kind"], h.id) for h in page.hits} == {
            (SPOT_CHECK_KIND, spot.pk),
            (SUPERVISOR_REPORT_KIND, report.pk),
        }
        assert page.total == 2
        assert [h.id for h in page.hits] == [report.pk, spot.pk]  # newest first
        assert {(b.key, b.count) for b in page.facets["source"]} == {
            ("spot_check", 1),
            ("supervisor", 1),
        }
        assert {(b.key, b.count) for b in page.facets["kind"]} == {
            (SPOT_CHECK_KIND, 1),
            (SUPERVISOR_REPORT_KIND, 1),
        }
        labels = facet_labels()
        rows = {row["kind"]: row for row in (hit_row(h, labels) for h in page.hits)}
        assert rows[SUPERVISOR_REPORT_KIND]["url"].endswith(f"/supervisors/reports/{report.pk}/")
        assert rows[SPOT_CHECK_KIND]["url"].endswith(f"/supervisors/spotcheck/{spot.pk}/change/")
        for row in rows.values():
            for key in ("kind", "status", "source"):
                assert row[f"{key}_label"] and row[f"{key}_label"] != row[key]
        # One facet value narrows to its own documents.
        only = backend.search(SearchQuery(text=word, source=("spot_check",)))
        assert [h.id for h in only.hits] == [spot.pk]
        # The office scope applies to them as to cases.
        assert backend.search(SearchQuery(text=word, scope_region=doc["region_city"])).total == 2
        assert backend.search(SearchQuery(text=word, scope_region=other_city)).total == 0
        # The export reads the same documents.
        assert sorted(h.id for h in backend.scan(SearchQuery(text=word))) == sorted(
            [spot.pk, report.pk]
        )
        # The case index alone does not hold them.
        assert engine.search(SearchQuery(text=word)).total == 0
    finally:
        for view, _doc_type, _pk in views:
            view.drop()
