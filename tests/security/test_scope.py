"""Office scope, route by route, generated from the URL configuration.

Every route (django.urls.get_resolver) is requested by a user of every
role of core/roles.py, and by the extra principals of tests/security/world.py,
in one office, with its path, query and body filled with the *other*
office's ids, phone, business and tracking codes (tests/security/scope_rules.py).
Both directions are probed: Changsha asking for Zhuzhou's data, and
Zhuzhou asking for Changsha's. An office-bound user must find nothing of the
other office in any answer (its markers, links to its cases, its case ids in
JSON), must get no 2xx for a route naming the other office's object, and
must change nothing of it. The superuser's answers prove that the probes
reach the data they look for.

The figures (routes × principals checked, leaks) are printed at the end of
the module.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from complaints.models import Case
from core.models import Event
from supervisors.models import Supervisor, SupervisorReport
from tests.security.scope_rules import (
    ADMIN_MODEL_RULES,
    ROUTE_RULES,
    Probe,
    Rule,
    Scope,
    admin_model_routes,
)
from tests.security.world import (
    CITIES,
    PRINCIPALS,
    PROVINCE_WIDE,
    OfficeWorld,
    build_world,
    index_world,
)

#: Keys of JSON objects that refer to a case by its id.
CASE_REF_KEYS = frozenset(
    {"case", "case_id", "lead", "linked_case", "merged_into", "related_cases", "related_to"}
)
DIRECTIONS = [(home, other) for home in CITIES for other in CITIES if home != other]


# --- The routes and their rules -------------------------------------------------


def url_routes() -> dict[str, str]:
    """Route key (its name with namespaces, or `path:<pattern>` for an
    unnamed one) -> its full pattern."""
    routes: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                full = prefix + str(entry.pattern)
                key = f"{namespace}{entry.name}" if entry.name else f"path:{full}"
                routes.setdefault(key, full)

    walk(get_resolver().url_patterns, "", "")
    return routes


def all_rules() -> dict[str, Rule]:
    rules = dict(ROUTE_RULES)
    for model in admin.site._registry:
        label = model._meta.label_lower
        if label in ADMIN_MODEL_RULES:
            rules.update(admin_model_routes(label, ADMIN_MODEL_RULES[label]))
    return rules


def test_every_route_has_a_scope_rule() -> None:
    routes, rules = url_routes(), all_rules()
    missing = sorted(set(routes) - set(rules))
    assert not missing, (
        "routes without an office-scope rule (add them to tests/security/scope_rules.py: "
        f"ROUTE_RULES, or ADMIN_MODEL_RULES for an admin model): {missing}"
    )
    assert len(routes) > 200, "the walk of the URL configuration found the admin's routes"


# --- Probing --------------------------------------------------------------------


@dataclass
class Tally:
    routes: set[str] = field(default_factory=set)
    principals: set[str] = field(default_factory=set)
    #: (route, principal, direction) checked for the other office's data
    checked: int = 0
    requests: int = 0
    leaks: list[str] = field(default_factory=list)
    controls: int = 0


TALLY = Tally()


@pytest.fixture(scope="module", autouse=True)
def _print_figures(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if not TALLY.checked:
        return
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    line = (
        f"office scope: {len(TALLY.routes)} routes x {len(TALLY.principals)} principals "
        f"x {len(DIRECTIONS)} directions = {TALLY.checked} route-principal checks "
        f"({TALLY.requests} requests), {len(TALLY.leaks)} leaks; "
        f"{TALLY.controls} superuser controls saw the data"
    )
    if capture is None:
        print(line)
        return
    # Past the capture: the figures belong in the run's output.
    with capture.global_and_fixture_disabled():
        print(f"\n{line}")


def case_refs(value: Any) -> Iterator[tuple[str, Any]]:
    """(key, value) of every reference to a case by id in a JSON document."""
    if isinstance(value, dict):
        # A row with a tracking code is a case's; a search hit of a
        # supervisor's report or spot-check has none, and its id is its own.
        if value.get("tracking_code") and "id" in value:
            yield "id", value["id"]
        for key, item in value.items():
            if key in CASE_REF_KEYS:
                for ref in item if isinstance(item, list) else [item]:
                    if isinstance(ref, int) and not isinstance(ref, bool):
                        yield key, ref
            yield from case_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from case_refs(item)


@dataclass
class Answer:
    status: int
    text: str
    data: Any
    sent: str


def send(client: Client, key: str, probe: Probe, world: OfficeWorld) -> Answer:
    if probe.path is not None:
        url = probe.path(world)
    else:
        url = reverse(key, kwargs=probe.kwargs(world) or None)
    query = probe.query(world)
    body = probe.data(world) if probe.data is not None else {}
    if probe.method == "get":
        response = client.get(url, query)
    elif probe.json:
        response = client.post(
            f"{url}?{urlencode(query)}" if query else url,
            json.dumps(body),
            content_type="application/json",
        )
    else:
        response = client.post(f"{url}?{urlencode(query)}" if query else url, body)
    if getattr(response, "streaming", False):
        # Read to the end: the test client closes the response itself then.
        raw = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        raw = response.content
    text = raw.decode("utf-8", errors="replace")
    data = None
    if "json" in response.get("Content-Type", ""):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        else:
            # Django's JsonResponse escapes every non-ASCII character.
            text = json.dumps(data, ensure_ascii=False)
    headers = " ".join(unquote(str(value)) for _name, value in response.items())
    sent = " ".join(
        [url, json.dumps(query, ensure_ascii=False), json.dumps(body, ensure_ascii=False)]
    )
    return Answer(response.status_code, f"{text}\n{headers}", data, sent)


def findings(answer: Answer, other: OfficeWorld) -> list[str]:
    """What of the other office this answer shows, leaving out what the
    request itself carried (a search box echoes its query)."""
    found = [m for m in sorted(other.markers) if m in answer.text and m not in answer.sent]
    for pk in sorted(other.case_ids):
        for link in (f"/console/cases/{pk}/", f"/admin/complaints/case/{pk}/"):
            if link in answer.text and link not in answer.sent:
                found.append(link)
    if answer.data is not None:
        found += [
            f"case id {pk} under {key!r}"
            for key, pk in case_refs(answer.data)
            if pk in other.case_ids
        ]
    return found


def footprint(world: OfficeWorld) -> list[Any]:
    """What a write to the office's data would change."""
    rows: list[Any] = []
    for case in Case.objects.filter(pk__in=world.case_ids).order_by("pk"):
        rows.append((case.version, case.status, case.notices.count(), case.evidence.count()))
    for model, pk in ((Supervisor, world.supervisor.pk), (SupervisorReport, world.report.pk)):
        row = model.objects.get(pk=pk)
        rows.append((row.version, row.status))
    rows.append(Event.objects.filter(owner_id__in=world.case_ids).count())
    return rows


def client_for(user: Any) -> Client:
    # An address of its own: the tracking form counts failures per address
    # in a cache that concurrent test runs share.
    client = Client(REMOTE_ADDR=f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.7")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(scope="module")
def shared_world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, OfficeWorld]]:
    """The two offices, built and indexed once for the module inside a
    transaction rolled back at the end; each test's own transaction (a
    savepoint inside it) takes back whatever its probes wrote."""
    prefix = f"{django_settings.SEARCH_INDEX_PREFIX}-scope{secrets.token_hex(3)}"
    overrides = override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("scope-media")), SEARCH_INDEX_PREFIX=prefix
    )
    overrides.enable()
    views: list[Any] = []
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        with django_db_blocker.unblock():
            built = build_world()
            views = index_world(prefix)
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            for view in views:
                view.drop()
        overrides.disable()


@pytest.fixture
def world(shared_world: dict[str, OfficeWorld], postgres: None) -> dict[str, OfficeWorld]:
    return shared_world


@pytest.mark.parametrize(("home", "other"), DIRECTIONS)
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_nothing_of_the_other_office_comes_back(
    world: dict[str, OfficeWorld], principal: str, home: str, other: str
) -> None:
    here, there = world[home], world[other]
    user = here.users[principal]
    client = client_for(user)
    office_bound = principal not in PROVINCE_WIDE
    before = footprint(there)
    leaks: list[str] = []
    unreached: list[str] = []
    rules = all_rules()
    # A route without a rule fails test_every_route_has_a_scope_rule.
    for key in sorted(set(url_routes()) & set(rules)):
        rule = rules[key]
        seen: list[str] = []
        for probe in rule.probes:
            answer = send(client, key, probe, there)
            TALLY.requests += 1
            found = findings(answer, there)
            seen += found
            refused = rule.refused if probe.refused is None else probe.refused
            if office_bound and refused and 200 <= answer.status < 300:
                leaks.append(f"{key} [{probe.method}] answered {answer.status}")
            if found and (office_bound or rule.scope == Scope.NONE):
                leaks.append(f"{key} [{probe.method} {answer.status}]: {found}")
            if user is not None and "_auth_user_id" not in client.session:
                # A sign-out route signed the principal out: back in for the next.
                client.force_login(user)
        TALLY.routes.add(key)
        if office_bound or rule.scope == Scope.NONE:
            TALLY.checked += 1
        if principal == "superuser" and rule.reveals:
            if seen:
                TALLY.controls += 1
            else:
                unreached.append(key)
    TALLY.principals.add(principal)
    if office_bound:
        after = footprint(there)
        if after != before:
            leaks.append(f"the other office's cases changed: {before} -> {after}")
    TALLY.leaks += [f"{principal} in {home}: {leak}" for leak in leaks]
    assert not leaks, "\n".join(leaks)
    assert not unreached, f"probes that never reach the other office's data: {unreached}"
