"""`make run` as a visitor meets it: SQLite, the in-memory channel layer,
eager Celery tasks and the database search engine (scripts/run-demo.sh).
seed_demo fills the database once, then every demo login it prints opens
the pages its role uses, and the tracking code it prints finds its case.

scripts/test.sh runs this module in its SQLite pass (marker sqlite_demo);
tests/demo/conftest.py leaves it out on other databases.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django.test import Client, TestCase
from django.urls import reverse

from complaints.management.commands.seed_demo import DEMO_USERS, SCENARIOS
from complaints.models import Case
from complaints.selectors import cases_visible_to
from supervisors.lifecycle import ReportStatus
from supervisors.models import SpotCheckResult

pytestmark = [pytest.mark.sqlite_demo, pytest.mark.django_db]

#: The console pages behind the top navigation, by URL name.
CONSOLE = {
    "intake": "complaints:intake",
    "queue": "complaints:queue",
    "search": "search:page",
    "hotspots": "hotspots:page",
}
#: What each demo login finds in the navigation (and may open); every other
#: console page answers 403. Tracking is open to everyone.
PAGES: dict[str, set[str]] = {
    "operator": {"intake", "queue"},
    "handler": {"intake", "queue"},
    "mediator": {"queue"},
    "inspector": {"queue"},
    "supervisor": set(),
    "officer": {"queue", "search", "hotspots"},
    "admin": {"intake", "queue", "search", "hotspots"},
    "consumer": set(),
}
# Lowercase Latin words on a zh-hans page are codes (status, source,
# category, ...) that should have been labels.
CODE_RE = re.compile(r"(?<![\w-])[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*(?![\w-])")


@dataclass(frozen=True)
class Demo:
    passwords: dict[str, str]
    tracking_code: str
    phone_last4: str


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Demo]:
    """seed_demo once for the module, in a transaction rolled back at the
    end so the other suites of the run never see the demo data. Work
    deferred to the commit (the search outbox drain, an eager task as in
    the demo) runs as if the seed had committed."""
    out = io.StringIO()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", stdout=out)
    try:
        printed = out.getvalue()
        passwords = dict(re.findall(r"^\s+(demo-\S+)\s+(\S+)$", printed, re.MULTILINE))
        tracking = re.search(r"with code (\S+) and phone ending (\d{4})", printed)
        assert tracking, printed
        yield Demo(passwords, tracking.group(1), tracking.group(2))
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"(?s)<[^>]*>", " ", page)))


def codes_shown(page: str, username: str) -> set[str]:
    return set(CODE_RE.findall(visible_text(page))) - {username}


def logged_in(demo: Demo, name: str) -> Client:
    """A browser session that logged in through the login page with the
    password seed_demo printed."""
    client = Client()
    username = f"demo-{name}"
    response = client.post(
        reverse("login"), {"username": username, "password": demo.passwords[username]}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    return client


def test_the_seed_prints_a_login_for_every_role(demo: Demo) -> None:
    assert set(demo.passwords) == {f"demo-{name}" for name, _role, _office in DEMO_USERS}
    assert set(PAGES) == {name for name, _role, _office in DEMO_USERS}
    assert connection.vendor == "sqlite"


@pytest.mark.parametrize("name", list(PAGES))
def test_each_demo_login_opens_the_pages_its_role_uses(demo: Demo, name: str) -> None:
    client = logged_in(demo, name)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    nav = home.content.decode().split("<nav>", 1)[1].split("</nav>", 1)[0]
    shown = {page for page, url in CONSOLE.items() if f'href="{reverse(url)}"' in nav}
    assert shown == PAGES[name]
    assert f'href="{reverse("complaints:track")}"' in nav
    for page, url in CONSOLE.items():
        response = client.get(reverse(url))
        assert response.status_code == (200 if page in PAGES[name] else 403), (page, response)
    if "queue" in PAGES[name]:
        queue = client.get(reverse("complaints:queue")).content.decode()
        case_ids = re.findall(r'href="/console/cases/(\d+)/"', queue)
        assert case_ids, "the queue lists the cases of the demo office"
        assert client.get(reverse("complaints:case-detail", args=[case_ids[0]])).status_code == 200
    assert client.get(reverse("complaints:track")).status_code == 200
    admin = client.get(reverse("admin:index"))
    if name == "consumer":
        assert admin.status_code == 302 and admin["Location"].startswith(reverse("admin:login"))
    else:
        assert admin.status_code == 200


def test_the_admin_lists_and_opens_the_demo_cases(demo: Demo) -> None:
    client = logged_in(demo, "admin")
    changelist = client.get(reverse("admin:complaints_case_changelist"))
    assert changelist.status_code == 200
    case = Case.objects.order_by("pk").first()
    assert case is not None
    change = client.get(reverse("admin:complaints_case_change", args=[case.pk]))
    assert change.status_code == 200


def test_search_finds_the_seeded_cases_with_labels(demo: Demo) -> None:
    """The eager drain filled the database engine: a seller's name finds
    every case naming it, on SQLite's token match, and the page shows
    labels and highlights."""
    term = str(SCENARIOS[0].business)
    fields = ("description", "product_model", "brand", "business_name")
    any_field = Q()
    for field in fields:
        any_field |= Q(**{f"{field}__contains": term})
    client = logged_in(demo, "officer")
    expected = set(
        cases_visible_to(user=User.objects.get(username="demo-officer")).filter(any_field)
    )
    query: dict[str, str | int] = {"q": term, "size": 100}
    response = client.get(reverse("search:page"), query)
    assert response.status_code == 200
    page = response.context["page"]
    assert page["total"] == len(expected) > 0
    assert {hit["id"] for hit in page["results"]} == {case.pk for case in expected}
    content = response.content.decode()
    assert f"<mark>{term}</mark>" in content
    assert codes_shown(content, "demo-officer") == set()


def test_the_hotspot_page_draws_from_its_api(demo: Demo) -> None:
    """The page's script reads these two endpoints; on SQLite they answer
    from the database engine's cells and term counts."""
    client = logged_in(demo, "officer")
    page = client.get(reverse("hotspots:page")).content.decode()
    api = re.search(r'data-api="([^"]+)"', page)
    cases_api = re.search(r'data-cases-api="([^"]+)"', page)
    assert api and cases_api
    data = client.get(api.group(1), {"include": "trend,map,terms"}, HTTP_ACCEPT="application/json")
    assert data.status_code == 200, data.content
    body = data.json()
    assert body["cells"], "the demo's repeated seller makes a hotspot"
    assert {"trend", "map", "emerging_terms"} <= set(body)
    cell = body["cells"][0]
    assert cell["region_name"] and cell["category_name"]
    drill = client.get(cases_api.group(1), {"cell": cell["key"]}, HTTP_ACCEPT="application/json")
    assert drill.status_code == 200, drill.content
    cases = drill.json()["cases"]
    assert 0 < len(cases) <= cell["count"]
    assert all(case["url"] for case in cases)


def test_the_hotspot_page_shows_labels_not_codes(demo: Demo) -> None:
    client = logged_in(demo, "officer")
    page = client.get(reverse("hotspots:page")).content.decode()
    assert codes_shown(page, "demo-officer") == set()


def test_the_hotspot_drill_down_shows_status_labels(demo: Demo) -> None:
    """The drill-down's rows are drawn by the page's script from the cell
    API; their status column shows the label the page carries for each
    status (cases', supervisors' reports' and spot-checks' alike), never a
    raw code."""
    client = logged_in(demo, "officer")
    page = client.get(reverse("hotspots:page")).content.decode()
    i18n = re.search(r'<script id="hotspot-i18n" type="application/json">(.*?)</script>', page)
    cases_api = re.search(r'data-cases-api="([^"]+)"', page)
    assert i18n and cases_api
    statuses = json.loads(i18n.group(1))["statuses"]
    cells = client.get(
        reverse("hotspots-api"), {"patterns_only": "false"}, HTTP_ACCEPT="application/json"
    ).json()["cells"]
    rows = [
        row
        for cell in cells
        for row in client.get(
            cases_api.group(1), {"cell": cell["key"], "patterns_only": "false"}
        ).json()["cases"]
    ]
    assert rows
    # The page can label a report's or spot-check's row too.
    assert {*ReportStatus.values, *SpotCheckResult.values} <= set(statuses)
    for row in rows:
        label = statuses.get(row["status"], "")
        assert label, row["status"]
        assert codes_shown(f"<td>{label}</td>", "demo-officer") == set(), label


def test_a_consumer_tracks_the_printed_case(demo: Demo) -> None:
    client = Client()
    response = client.post(
        reverse("complaints:track"),
        {"tracking_code": demo.tracking_code, "phone_last4": demo.phone_last4},
    )
    status_url = reverse("complaints:track-status", args=[demo.tracking_code])
    assert response.status_code == 302 and response["Location"] == status_url
    status = client.get(status_url)
    assert status.status_code == 200
    case = Case.objects.get(tracking_code=demo.tracking_code)
    content = status.content.decode()
    assert case.complainant_phone not in content and demo.phone_last4 in content


def test_healthz_reports_the_embedded_defaults(demo: Demo) -> None:
    assert Client().get(reverse("healthz")).json() == {"status": "ok"}
    # The checks behind the verdict are for staff.
    response = logged_in(demo, "operator").get(reverse("healthz"))
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["database"]["vendor"] == "sqlite"
    assert checks["search"]["engine"] == "database"
    assert checks["redis"]["mode"].startswith("embedded")
    assert checks["celery"]["mode"].startswith("eager")
