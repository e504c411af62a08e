"""search_reindex and search_status against the configured engine."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import override_settings

from complaints.models import Case
from complaints.services import intake_create
from core.models import OutboxEntry
from core.roles import Role
from search.backends import SearchBackend, dsl, get_backend
from search.backends.remote import DslBackend
from tests.cases.factories import make_intake_data, make_staff
from tests.search.conftest import ENGINES, engine_backend

pytestmark = pytest.mark.django_db


@pytest.fixture(params=ENGINES)
def configured(request: pytest.FixtureRequest, postgres: None) -> Iterator[SearchBackend]:
    backend = engine_backend(request, request.param, "commands")
    backend.drop()
    url = getattr(backend, "url", "")
    with override_settings(
        SEARCH_ENGINE=backend.engine, SEARCH_URL=url, SEARCH_INDEX_PREFIX=backend.prefix
    ):
        assert get_backend() is backend
        yield backend
    backend.drop()


def _cases(n: int) -> list[Case]:
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    return [
        intake_create(
            data=make_intake_data(description=f"第{i}批次牛奶变质"), actor=operator
        ).cases[0]
        for i in range(n)
    ]


def test_reindex_builds_a_new_index_and_status_compares_it(configured: SearchBackend) -> None:
    cases = _cases(4)
    out, err = io.StringIO(), io.StringIO()
    call_command("search_reindex", stdout=out, stderr=err)
    first = configured.ensure_index()
    assert configured.count() == Case.objects.count()
    assert f"-> {first}" in out.getvalue()
    call_command("search_reindex", "--no-progress", stdout=io.StringIO())
    second = configured.ensure_index()
    assert second != first and set(configured.indices()) == {second}

    status = io.StringIO()
    call_command("search_status", "--verify", stdout=status)
    text = status.getvalue()
    assert f"index {second}: {Case.objects.count()} documents (+0 vs database)" in text
    assert f"outbox: {OutboxEntry.objects.count()} pending" in text
    assert "verify: 0 cases missing or stale" in text

    Case.objects.filter(pk=cases[0].pk).update(version=cases[0].version + 1)
    status = io.StringIO()
    call_command("search_status", "--verify", stdout=status)
    assert "verify: 1 cases missing or stale" in status.getvalue()


def test_status_reports_the_backlog(configured: SearchBackend) -> None:
    _cases(2)
    pending = OutboxEntry.objects.count()
    assert pending >= 2
    oldest = OutboxEntry.objects.order_by("id").first()
    assert oldest is not None
    OutboxEntry.objects.filter(pk=oldest.pk).update(
        attempts=3, last_error="ConnectionError: refused"
    )
    out = io.StringIO()
    call_command("search_status", stdout=out)
    assert f"outbox: {pending} pending" in out.getvalue()
    assert "max attempts 3" in out.getvalue() and "ConnectionError: refused" in out.getvalue()


def test_the_admin_lists_the_outbox_read_only(postgres: None) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    _cases(1)
    entry = OutboxEntry.objects.order_by("-id").first()
    assert entry is not None
    admin_user = get_user_model().objects.create_superuser("search-admin", password="x-test-only")
    client = Client()
    client.force_login(admin_user)
    listing = client.get(reverse("admin:core_outboxentry_changelist"))
    assert listing.status_code == 200 and str(entry.object_id) in listing.content.decode()
    assert client.get(reverse("admin:core_outboxentry_add")).status_code == 403
    assert client.get("/admin/search/searchalias/").status_code == 200


@pytest.fixture(params=["opensearch", "elasticsearch"])
def remote(request: pytest.FixtureRequest) -> Iterator[DslBackend]:
    backend = engine_backend(request, request.param, "mapping")
    assert isinstance(backend, DslBackend)
    backend.drop()
    with override_settings(
        SEARCH_ENGINE=backend.engine, SEARCH_URL=backend.url, SEARCH_INDEX_PREFIX=backend.prefix
    ):
        yield backend
    backend.drop()


def test_status_tells_when_the_index_predates_the_mapping(
    postgres: None, remote: DslBackend
) -> None:
    body = dsl.index_body(remote.alias)
    body["mappings"]["_meta"] = {"mapping_digest": "built-by-an-older-release"}
    remote._client_create_index(f"{remote.alias}-{'0' * 20}", body)
    assert not remote.mapping_current()
    out = io.StringIO()
    call_command("search_status", stdout=out)
    assert "older mapping; run search_reindex" in out.getvalue()
    call_command("search_reindex", "--no-progress", stdout=io.StringIO())
    assert remote.mapping_current()
    out = io.StringIO()
    call_command("search_status", stdout=out)
    assert "older mapping" not in out.getvalue()
