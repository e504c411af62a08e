"""GET /api/v1/hotspots/ and the hotspot page: permission, parameters
(400 with field messages), thresholds per request, drill-down."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from core.roles import Role
from search.backends import SearchBackend, get_backend
from search.hotspots.scoring import Pattern
from tests.cases.factories import make_consumer, make_staff, office_for
from tests.search.test_hotspots import DOCS, END, matches, query, reference_cells, summary

URL = "/api/v1/hotspots/"
CASES_URL = "/api/v1/hotspots/cases/"
SELLER_A = "430102|food-liquor|seller-a"


@pytest.fixture(scope="module")
def api_backend(django_db_setup: Any, django_db_blocker: Any) -> Iterator[SearchBackend]:
    """The configured engine, on an index of its own holding the test documents."""
    with django_db_blocker.unblock():
        backend = get_backend(prefix=f"{settings.SEARCH_INDEX_PREFIX}-hotapi")
        backend.drop()
        backend.ensure_index()
        assert backend.index_documents(DOCS).failed == 0
        backend.refresh()
    yield backend
    with django_db_blocker.unblock():
        backend.drop()


@pytest.fixture
def officer(db: None, settings: Any, api_backend: SearchBackend, client: Client) -> Client:
    settings.SEARCH_INDEX_PREFIX = api_backend.prefix
    client.force_login(make_staff(Role.ENFORCEMENT_OFFICER))
    return client


def get(client: Client, url: str = URL, **params: Any) -> Any:
    return client.get(url, {"end": END.isoformat(), "window": 30, **params})


def test_the_api_returns_the_ranking(officer: Client) -> None:
    response = get(officer, patterns_only="false", include="trend,map,terms")
    assert response.status_code == 200, response.content
    body = response.json()
    expected = reference_cells(DOCS, query(patterns_only=False))
    assert [
        (
            c["key"],
            c["count"],
            c["distinct_complainants"],
            c["weeks_present"],
            c["weighted_count"],
            c["previous_count"],
            c["score"],
            tuple(c["patterns"]),
        )
        for c in body["cells"]
    ] == summary(expected)
    assert [c["rank"] for c in body["cells"]] == list(range(1, len(expected) + 1))
    assert body["window"] == {
        "start": (END - dt.timedelta(days=29)).isoformat(),
        "end": END.isoformat(),
        "days": 30,
    }
    assert len(body["trend"]["weeks"]) == len(body["trend"]["total"])
    assert sum(p["count"] for p in body["map"]) == sum(
        1 for d in DOCS if matches(d, query().window)
    )
    assert all(
        {"term", "count", "background_count", "score"} <= set(t) for t in body["emerging_terms"]
    )


@pytest.mark.parametrize("people, flagged", [(4, True), (5, False)])
def test_thresholds_are_overridable_per_request(
    officer: Client, people: int, flagged: bool
) -> None:
    """seller-a has 4 distinct complainants in the window (docs/legal-basis.md §8)."""
    body = get(officer, min_distinct_complainants=people, patterns_only="false").json()
    cell = next(c for c in body["cells"] if c["key"] == SELLER_A)
    assert (Pattern.REPEAT_COMPLAINANTS in cell["patterns"]) is flagged
    assert body["thresholds"]["min_distinct_complainants"] == people


@pytest.mark.parametrize(
    "params, field",
    [
        ({"window": 0}, "window"),
        ({"window": "thirty"}, "window"),
        ({"window": 400}, "window"),
        ({"level": "planet"}, "level"),
        ({"dimension": "colour"}, "dimension"),
        ({"category": "no-such-category"}, "category"),
        ({"region": "999999"}, "region"),
        ({"problem_type": "nope"}, "problem_type"),
        ({"source": "rumour"}, "source"),
        ({"end": "yesterday"}, "end"),
        ({"growth_factor": 0.5}, "growth_factor"),
        ({"min_signals": -1}, "min_signals"),
        ({"baseline_weeks": "x"}, "baseline_weeks"),
        ({"limit": 0}, "limit"),
        ({"include": "everything"}, "include"),
    ],
)
def test_bad_parameters_are_400_with_field_messages(
    officer: Client, params: dict[str, Any], field: str
) -> None:
    response = get(officer, **params)
    assert response.status_code == 400
    assert field in response.json()
    assert all(isinstance(m, str) and m for m in response.json()[field])


def test_a_window_ending_in_the_future_is_refused(officer: Client) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = officer.get(URL, {"end": tomorrow.isoformat()})
    assert response.status_code == 400
    assert "end" in response.json()


def test_only_hotspot_viewers_may_ask(db: None, client: Client) -> None:
    assert client.get(URL).status_code in (401, 403)
    client.force_login(make_staff(Role.HOTLINE_OPERATOR))
    assert client.get(URL).status_code == 403
    client.force_login(make_consumer())
    assert client.get(URL).status_code == 403
    assert client.get("/hotspots/").status_code == 403


def test_drill_down_lists_the_cells_cases(officer: Client) -> None:
    response = get(officer, CASES_URL, cell=SELLER_A)
    assert response.status_code == 200, response.content
    ids = {c["id"] for c in response.json()["cases"]}
    assert ids == {
        d["id"]
        for d in DOCS
        if matches(d, query().window) and d["cell_county_category_seller"] == SELLER_A
    }
    assert get(officer, CASES_URL, cell="no-pipes").status_code == 400
    assert get(officer, CASES_URL).status_code == 400


def test_the_page_renders_for_officers(officer: Client) -> None:
    response = officer.get("/hotspots/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/echarts.min.js" in html and "js/hotspots.js" in html
    assert 'data-api="/api/v1/hotspots/"' in html


@pytest.mark.parametrize("engine", ["opensearch", "elasticsearch"])
def test_an_unreachable_search_node_is_a_503(officer: Client, settings: Any, engine: str) -> None:
    # Nothing listens on port 9 (discard) on loopback: the real client fails
    # to connect, as when the node is down.
    settings.SEARCH_ENGINE = engine
    settings.SEARCH_URL = "http://127.0.0.1:9"
    response = get(officer)
    assert response.status_code == 503
    assert response.json()["detail"]


@pytest.fixture
def county_user(db: None, settings: Any, api_backend: SearchBackend, client: Client) -> Client:
    """A county office's user allowed to see hotspots but not every office."""
    from django.contrib.auth.models import Permission

    settings.SEARCH_INDEX_PREFIX = api_backend.prefix
    user = make_staff(Role.CASE_HANDLER, office_for("430102"))
    user.user_permissions.add(Permission.objects.get(codename="view_hotspots"))
    client.force_login(user)
    return client


def test_a_county_office_sees_its_own_county_only(county_user: Client) -> None:
    body = get(county_user, patterns_only="false").json()
    assert body["cells"], "the county has cells in the test documents"
    assert {c["region"] for c in body["cells"]} == {"430102"}
    assert get(county_user, region="430102").status_code == 200
    outside = get(county_user, region="430202")
    assert outside.status_code == 400
    assert "region" in outside.json()


def test_the_drill_down_keeps_the_office_scope(county_user: Client) -> None:
    """A cell key names its region, but the drill-down answers from the
    searcher's area: another county's cell lists nothing."""
    window = query().window
    outside = sorted(
        {
            d["cell_county_category_seller"]
            for d in DOCS
            if matches(d, window)
            and d["cell_county_category_seller"]
            and "430102" not in d["region_codes"]
        }
    )
    inside = SELLER_A
    assert outside, "the test documents have cells in other counties"
    for cell in outside:
        response = get(county_user, CASES_URL, cell=cell, patterns_only="false")
        assert response.status_code == 200, response.content
        assert response.json()["cases"] == [], cell
    own = get(county_user, CASES_URL, cell=inside).json()["cases"]
    assert own and all(c["url"] for c in own)
