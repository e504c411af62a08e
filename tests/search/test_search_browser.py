"""The /search/ page in headless Chromium: a query, a facet toggle swapped in
by HTMX, and the cursor to the next page."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.utils import translation

from core.roles import Role
from search.backends import get_backend
from search.backends.base import SearchQuery
from search.selectors import SOURCE_LABELS
from search.sync import rebuild_index
from tests.cases.factories import make_staff
from tests.conftest import CHROMIUM_ARGS
from tests.search.seed import documents, expected_ids, seed_cases

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
WAIT_MS = 20_000
PASSWORD = "pw-for-browser-tests"


def test_search_facets_and_paging_in_the_browser(
    transactional_postgres: None, live_server: Any, chromium_path: str, settings: Any
) -> None:
    from playwright.sync_api import sync_playwright

    # No collectstatic in tests: serve from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Plain HTTP here: cookies must not be marked secure.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    settings.SEARCH_ENGINE = "database"
    settings.SEARCH_INDEX_PREFIX = f"{settings.SEARCH_INDEX_PREFIX}-browser"
    # All database work before Playwright: its sync API leaves an event loop
    # marked running on this thread, where the ORM refuses to run.
    ids = seed_cases()
    backend = get_backend()
    rebuild_index(backend=backend)
    docs = documents(ids)
    officer = make_staff(Role.ENFORCEMENT_OFFICER)
    officer.set_password(PASSWORD)
    officer.save(update_fields=["password"])
    query = SearchQuery(text="假冒")
    expected = expected_ids(docs, query)
    sources = Counter(d["source"] for d in docs if d["id"] in expected)
    source = min(sources, key=lambda key: (sources[key], key))
    # Pages speak Chinese unless the user switches language.
    with translation.override("zh-hans"):
        label = str(SOURCE_LABELS[source])
        next_label = translation.gettext("Next page")
    by_source = expected_ids(docs, SearchQuery(text="假冒", source=(source,)))
    codes = {d["id"]: d["tracking_code"] for d in docs}
    assert len(expected) > 3 and 0 < len(by_source) < len(expected)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="zh-CN")
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", officer.username)
            page.fill("input[name=password]", PASSWORD)
            page.press("input[name=password]", "Enter")
            page.wait_for_url(f"{live_server.url}/")

            response = page.goto(f"{live_server.url}/search/?size=3")
            assert response is not None and response.status == 200
            page.fill("input[name=q]", "假冒")
            page.press("input[name=q]", "Enter")
            page.wait_for_url("**q=*")
            shown = page.locator("article.hit strong").all_inner_texts()
            assert shown == [codes[i] for i in expected[:3]]
            assert page.locator("article.hit mark").count() >= 3

            page.locator(".facets a", has_text=label).first.click()
            page.wait_for_url(f"**source={source}*")
            page.wait_for_function(
                "n => document.querySelectorAll('article.hit').length === n",
                arg=min(3, len(by_source)),
            )
            shown = page.locator("article.hit strong").all_inner_texts()
            assert shown == [codes[i] for i in by_source[:3]]
            assert page.locator(".facets a.on", has_text=label).count() == 1

            page.locator(".facets a.on", has_text=label).click()
            page.wait_for_function("() => !location.search.includes('source=')")
            seen: list[str] = []
            while True:
                page.wait_for_selector("article.hit")
                seen += page.locator("article.hit strong").all_inner_texts()
                following = page.locator("nav.actionsbar a", has_text=next_label)
                if following.count() == 0:
                    break
                before = page.url
                following.click()
                page.wait_for_function("u => location.href !== u", arg=before)
            assert seen == [codes[i] for i in expected]
        finally:
            browser.close()
