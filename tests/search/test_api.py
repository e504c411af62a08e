"""Enforcement search over HTTP (issue 5, item 4): the API with its filters,
facets, cursor and 400s, the capped masked CSV export, and the page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from rest_framework.test import APIClient

from complaints.models import Case
from core.roles import Role
from search.backends import SearchBackend
from search.backends.base import SearchQuery
from search.sync import rebuild_index
from tests.cases.factories import make_staff, office_for
from tests.search.conftest import engine_backend
from tests.search.seed import expected_facets, expected_ids

pytestmark = pytest.mark.django_db
URL = "/api/v1/search/cases/"
EXPORT = "/api/v1/search/cases/export.csv"
PHONE_RE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture(scope="module", params=["opensearch", "database"])
def engine(
    request: pytest.FixtureRequest, seeded: list[int], django_db_blocker: Any
) -> Iterator[SearchBackend]:
    backend = engine_backend(request, request.param, "api")
    with django_db_blocker.unblock():
        backend.drop()
        rebuild_index(backend=backend)
    backend.refresh()
    url = getattr(backend, "url", "")
    with override_settings(
        SEARCH_ENGINE=backend.engine, SEARCH_URL=url, SEARCH_INDEX_PREFIX=backend.prefix
    ):
        yield backend
    with django_db_blocker.unblock():
        backend.drop()


@pytest.fixture
def officer(engine: SearchBackend) -> Any:
    return make_staff(Role.ENFORCEMENT_OFFICER)


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_only_roles_with_the_hotspot_permission_may_search(engine: SearchBackend) -> None:
    assert APIClient().get(URL).status_code in (401, 403)
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    assert api(operator).get(URL).status_code == 403
    assert api(operator).get(EXPORT).status_code == 403
    assert api(make_staff(Role.ENFORCEMENT_OFFICER)).get(URL).status_code == 200


def test_without_view_all_offices_search_stays_in_the_office_region(
    engine: SearchBackend, seeded_docs: list[dict[str, Any]]
) -> None:
    county = "430102"
    user = make_staff(Role.CASE_HANDLER, office_for(county))
    user.user_permissions.add(Permission.objects.get(codename="view_hotspots"))
    user = get_user_model().objects.get(pk=user.pk)
    body = api(user).get(f"{URL}?size=100").json()
    expected = expected_ids(seeded_docs, SearchQuery(region=(county,)))
    assert expected and [row["id"] for row in body["results"]] == expected
    elsewhere = api(user).get(f"{URL}?region=430200").json()
    assert elsewhere["total"] == 0
    rows = _csv(api(user).get(EXPORT))
    codes = {d["id"]: d["tracking_code"] for d in seeded_docs}
    assert [row[0] for row in rows[1:]] == [codes[i] for i in expected]


def test_filters_facets_and_the_cursor_walk_every_hit(
    officer: Any, seeded_docs: list[dict[str, Any]]
) -> None:
    query = SearchQuery(text="假冒", region=("430100", "430200"), source=("complaint", "12345"))
    expected = expected_ids(seeded_docs, query)
    assert len(expected) > 3
    url = f"{URL}?q=假冒&region=430100&region=430200&source=complaint,12345&size=3"
    seen: list[int] = []
    while url:
        body = api(officer).get(url).json()
        assert body["total"] == len(expected)
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == expected
    # Each facet counts as if its own filter were not set.
    facets = expected_facets(seeded_docs, query)
    for name, buckets in facets.items():
        assert [(b["key"], b["count"]) for b in body["facets"][name]] == [
            (b.key, b.count) for b in buckets
        ]
    assert all(b["label"] for b in body["facets"]["source"])


def test_highlights_and_masked_text(officer: Any, seeded: list[int]) -> None:
    body = api(officer).get(f"{URL}?q=联系电话&size=50").json()
    assert body["results"]
    phones = {
        p[-11:]
        for p in Case.objects.filter(pk__in=seeded).values_list("complainant_phone", flat=True)
    }
    text = str(body)
    assert not any(p in text for p in phones)
    for row in body["results"]:
        assert "****" in row["text"]
        assert any("<mark>联系电话</mark>" in f for f in row["highlight"])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("region=999999", "region"),
        ("category=no-such-thing", "category"),
        ("problem_type=nope", "problem_type"),
        ("status=bogus", "status"),
        ("source=fax", "source"),
        ("received_from=2026-02-30", "received_from"),
        ("received_from=2026-03-02&received_to=2026-03-01", "received_to"),
        ("size=1000", "size"),
        ("size=abc", "size"),
        ("cursor=not-a-cursor", "cursor"),
        ("counterfeit=perhaps", "counterfeit"),
        (f"q={'很' * 201}", "q"),
    ],
)
def test_bad_parameters_get_400_with_field_messages(officer: Any, query: str, field: str) -> None:
    for url in (URL, EXPORT):
        response = api(officer).get(f"{url}?{query}")
        assert response.status_code == 400
        assert field in response.json()


def _csv(response: Any) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_export_is_masked_and_capped(officer: Any, seeded_docs: list[dict[str, Any]]) -> None:
    expected = expected_ids(seeded_docs, SearchQuery(counterfeit=True))
    response = api(officer).get(f"{EXPORT}?counterfeit=true")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    codes = {d["id"]: d["tracking_code"] for d in seeded_docs}
    assert [row[0] for row in rows[1:]] == [codes[i] for i in expected]
    assert response["X-Export-Capped"] == "0"
    assert not any(PHONE_RE.search(cell) for row in rows for cell in row)

    with override_settings(SEARCH_EXPORT_MAX_ROWS=5):
        capped = api(officer).get(f"{EXPORT}?counterfeit=true")
        rows = _csv(capped)
    assert len(rows) == 1 + 5
    assert capped["X-Export-Capped"] == "1"
    assert capped["X-Total-Count"] == str(len(expected))


def test_the_page_renders_results_and_facets(
    officer: Any, seeded_docs: list[dict[str, Any]]
) -> None:
    client = Client()
    client.force_login(officer)
    response = client.get("/search/", {"q": "哑炮"})
    assert response.status_code == 200
    html = response.content.decode()
    expected = expected_ids(seeded_docs, SearchQuery(text="哑炮"))
    codes = {d["id"]: d["tracking_code"] for d in seeded_docs}
    assert all(codes[i] in html for i in expected[:20])
    assert "<mark>哑炮</mark>" in html and "<html" in html
    partial = client.get("/search/", {"q": "哑炮", "source": "supervisor"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    bad = client.get("/search/", {"region": "999999"})
    assert bad.status_code == 200 and "999999" in bad.content.decode()


def test_an_unreachable_engine_answers_503(officer: Any) -> None:
    with override_settings(SEARCH_ENGINE="opensearch", SEARCH_URL="http://127.0.0.1:9"):
        assert api(officer).get(URL).status_code == 503
        assert api(officer).get(EXPORT).status_code == 503


def test_reports_and_spot_checks_are_searched_within_the_office_scope(
    engine: SearchBackend, seeded_docs: list[dict[str, Any]]
) -> None:
    """The API, the page and the export find supervisors' reports and
    non-conforming spot-checks beside cases, each linking to its own page
    with its kind labelled; another office's user does not see them; the
    number of queries does not grow with the hits."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from search.documents_supervision import SPOT_CHECK_DOCUMENT, SUPERVISOR_REPORT_DOCUMENT
    from supervisors.services import SpotCheckRow, report_file, spotcheck_upsert
    from supervisors.services.reports import ReportData
    from tests.supervisors.factories import make_supervisor

    county, elsewhere = "430102", "430202"
    category = next(d["category"] for d in seeded_docs)
    word = "鼋鼍酒坊"
    spot, _created = spotcheck_upsert(
        row=SpotCheckRow(
            product="白酒",
            category=category,
            brand="某牌",
            model_batch="批次-接口",
            producer=f"{word}有限公司",
            seller="某某超市",
            region=county,
            items_tested="酒精度",
            result="不合格",
            non_conforming_items="酒精度",
            published_on=(timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        ),
        actor=None,
    )
    report = report_file(
        data=ReportData(
            finding="fake_brand",
            category=category,
            seller_name="某某超市",
            seller_region=county,
            observed_at=timezone.now(),
            description=f"{word}的假酒",
        ),
        actor=make_supervisor(region=county).user,
    )
    views = [
        (engine.for_type(SPOT_CHECK_DOCUMENT), SPOT_CHECK_DOCUMENT, spot.pk),
        (engine.for_type(SUPERVISOR_REPORT_DOCUMENT), SUPERVISOR_REPORT_DOCUMENT, report.pk),
    ]
    try:
        for view, doc_type, pk in views:
            view.ensure_index()
            assert view.index_documents(doc_type.build([pk])[0]).failed == 0
            view.refresh()

        def office_user(region: str) -> Any:
            user = make_staff(Role.CASE_HANDLER, office_for(region))
            user.user_permissions.add(Permission.objects.get(codename="view_hotspots"))
            return get_user_model().objects.get(pk=user.pk)

        local = office_user(county)
        body = api(local).get(URL, {"q": word}).json()
        rows = {row["kind"]: row for row in body["results"]}
        assert body["total"] == 2 and set(rows) == {"supervisor_report", "spot_check"}
        assert rows["supervisor_report"]["url"] == f"/supervisors/reports/{report.pk}/"
        assert rows["spot_check"]["url"] == f"/admin/supervisors/spotcheck/{spot.pk}/change/"
        for row in rows.values():
            assert row["kind_label"] != row["kind"] and row["status_label"] != row["status"]
        assert {b["key"] for b in body["facets"]["source"]} == {"supervisor", "spot_check"}
        assert all(b["label"] != b["key"] for b in body["facets"]["source"])
        # A facet value of theirs is a valid filter.
        narrowed = api(local).get(
            URL, {"q": word, "kind": "spot_check", "status": "non_conforming"}
        )
        assert [row["id"] for row in narrowed.json()["results"]] == [spot.pk]

        client = Client()
        client.force_login(local)
        html = client.get("/search/", {"q": word}).content.decode()
        assert f'href="/supervisors/reports/{report.pk}/"' in html
        assert f'href="/admin/supervisors/spotcheck/{spot.pk}/change/"' in html
        exported = _csv(api(local).get(EXPORT, {"q": word}))
        assert len(exported) == 3
        kinds = {row[1] for row in exported[1:]}
        assert kinds == {rows["supervisor_report"]["kind_label"], rows["spot_check"]["kind_label"]}

        outsider = office_user(elsewhere)
        assert api(outsider).get(URL, {"q": word}).json()["total"] == 0
        assert len(_csv(api(outsider).get(EXPORT, {"q": word}))) == 1

        def queries(params: dict[str, str]) -> int:
            with CaptureQueriesContext(connection) as captured:
                assert api(local).get(URL, params).status_code == 200
            return len(captured)

        assert queries({"q": word}) == queries({"size": "50"})
    finally:
        for view, _doc_type, _pk in views:
            view.drop()
