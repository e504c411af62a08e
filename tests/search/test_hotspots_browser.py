"""The hotspot page in headless Chromium against a live server: the table,
the ECharts trend and county map, and the drill-down to the cases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from core.roles import Role
from search.backends import SearchBackend, get_backend
from search.selectors import status_labels
from tests.cases.factories import make_staff
from tests.search.test_hotspots import DOCS, END, query, reference_cells

pytestmark = [
    pytest.mark.browser,
    pytest.mark.services,
    # as the other committed-data tests here: the flush after each test then
    # leaves the database as the next one expects it
    pytest.mark.django_db(transaction=True),
]

WAIT_MS = 20_000


@pytest.fixture
def indexed(
    transactional_postgres: None, settings: Any, monkeypatch: Any
) -> Iterator[SearchBackend]:
    settings.SEARCH_INDEX_PREFIX = f"{django_settings.SEARCH_INDEX_PREFIX}-hotweb"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Playwright's sync API keeps an event loop on this thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    backend = get_backend()
    backend.drop()
    backend.ensure_index()
    assert backend.index_documents(DOCS).failed == 0
    backend.refresh()
    yield backend
    backend.drop()


@pytest.fixture
def page(live_server: Any, indexed: SearchBackend, browser: Any) -> Any:
    # The database work (indexed) runs before Playwright starts its event loop.
    client = Client()
    client.force_login(make_staff(Role.ENFORCEMENT_OFFICER))
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def test_the_page_draws_the_cells_charts_and_drills_down(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    page.goto(f"{live_server.url}/hotspots/")
    page.fill("input[name=end]", END.isoformat())
    page.fill("input[name=window]", "30")
    page.click("#hotspot-filters button[type=submit]")
    page.wait_for_selector("#hotspot-cells tbody tr[data-cell]", timeout=WAIT_MS)
    page.wait_for_function("document.body.dataset.hotspotsLoaded === '1'", timeout=WAIT_MS)
    expected = reference_cells(DOCS, query())
    rows = page.locator("#hotspot-cells tbody tr[data-cell]")
    assert [rows.nth(i).get_attribute("data-cell") for i in range(rows.count())] == [
        c.key for c in expected
    ]
    # ECharts drew both charts (canvas renderer).
    assert page.locator("#hotspot-trend canvas").count() >= 1
    assert page.locator("#hotspot-map canvas").count() >= 1
    page.screenshot(path=str(tmp_path / "hotspots.png"), full_page=True)

    first = expected[0]
    page.locator(f"#hotspot-cells tr[data-cell='{first.key}'] button.drill").click()
    page.wait_for_selector("#hotspot-drill:not([hidden]) tbody tr", timeout=WAIT_MS)
    assert page.locator("#hotspot-drill tbody tr").count() == first.count
    # Cells are named as people name them: places, categories and sellers,
    # never the cell key or a seller key's prefix.
    heading = page.locator("#hotspot-drill-cell").inner_text()
    assert heading and first.key not in heading
    assert not any(part in heading for part in ("name:", "uscc:", "|"))
    subjects = page.locator("#hotspot-cells tbody tr td:nth-child(4)").all_inner_texts()
    assert subjects and not any(t.startswith(("name:", "uscc:")) for t in subjects)
    # The status column shows labels, never the documents' status codes.
    shown = set(page.locator("#hotspot-drill tbody tr td:nth-child(3)").all_inner_texts())
    labels = set()
    for language in ("en", "zh-hans"):
        with translation.override(language):
            labels |= set(status_labels().values())
    assert shown and shown <= labels
    assert not any("_" in text for text in shown)
    # and on to the enforcement search with the cell's filters
    href = page.get_attribute("#hotspot-drill-search", "href") or ""
    assert f"region={first.region}" in href and f"category={first.category}" in href
    assert "seller=" in href and f"received_to={END.isoformat()}" in href


def test_bad_input_is_shown_on_the_page(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/hotspots/")
    page.wait_for_function("document.body.dataset.hotspotsLoaded", timeout=WAIT_MS)
    page.evaluate("document.querySelector('#hotspot-filters details').open = true")
    page.fill("input[name=min_signals]", "0")
    page.evaluate("document.getElementById('hotspot-filters').noValidate = true")
    page.click("#hotspot-filters button[type=submit]")
    page.wait_for_function("document.body.dataset.hotspotsLoaded === 'error'", timeout=WAIT_MS)
    assert "min_signals" in page.locator("#hotspot-errors").inner_text()
