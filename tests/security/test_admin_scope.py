"""The admin keeps the office scope: staff who are not province-wide see
the cases (and what hangs off them) of their own offices only, in lists,
change pages, the admin search, related-object popups and autocompletes."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from core.roles import Role
from tests.security.world import OfficeWorld, build_world

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def world() -> dict[str, OfficeWorld]:
    return build_world()


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def row_of(case: Any) -> str:
    """The link of a case's row in a changelist (the search box echoes
    the query, so a tracking code on the page proves nothing)."""
    return reverse("admin:complaints_case_change", args=[case.pk])


def test_a_handler_lists_and_finds_only_their_offices_cases(world: dict[str, OfficeWorld]) -> None:
    changsha, zhuzhou = world["changsha"], world["zhuzhou"]
    client = as_user(changsha.users[Role.CASE_HANDLER])
    url = reverse("admin:complaints_case_changelist")
    page = text(client.get(url))
    assert changsha.case.tracking_code in page
    assert zhuzhou.case.tracking_code not in page
    # The admin search by exact phone number finds the caller's cases in
    # the user's own offices only.
    assert row_of(changsha.case) in text(client.get(url, {"q": changsha.phone}))
    assert row_of(zhuzhou.case) in text(
        as_user(zhuzhou.users[Role.CASE_HANDLER]).get(url, {"q": zhuzhou.phone})
    )
    for query in (zhuzhou.phone, zhuzhou.case.tracking_code):
        assert row_of(zhuzhou.case) not in text(client.get(url, {"q": query}))
    # The related-object popup is the same changelist.
    popup = text(client.get(url, {"_popup": "1", "_to_field": "id"}))
    assert zhuzhou.case.tracking_code not in popup


def test_another_offices_case_answers_like_a_missing_one(world: dict[str, OfficeWorld]) -> None:
    changsha, zhuzhou = world["changsha"], world["zhuzhou"]
    client = as_user(changsha.users[Role.CASE_HANDLER])
    missing = 10**9
    for view in ("change", "history"):
        own = client.get(reverse(f"admin:complaints_case_{view}", args=[changsha.case.pk]))
        assert own.status_code == 200, view
        other = client.get(reverse(f"admin:complaints_case_{view}", args=[zhuzhou.case.pk]))
        absent = client.get(reverse(f"admin:complaints_case_{view}", args=[missing]))
        assert other.status_code == absent.status_code == 302, view
        assert other["Location"] == absent["Location"] == reverse("admin:index")
    client = as_user(changsha.users["office_admin"])
    for model, obj in (("evidence", zhuzhou.evidence), ("notice", zhuzhou.notice)):
        response = client.get(reverse(f"admin:complaints_{model}_change", args=[obj.pk]))
        assert response.status_code == 302, model
        listing = text(client.get(reverse(f"admin:complaints_{model}_changelist")))
        assert zhuzhou.case.tracking_code not in listing, model
        assert changsha.case.tracking_code in listing, model


def test_autocompletes_over_cases_keep_the_scope(world: dict[str, OfficeWorld]) -> None:
    changsha, zhuzhou = world["changsha"], world["zhuzhou"]
    client = as_user(changsha.users[Role.CASE_HANDLER])

    def complete(term: str) -> list[str]:
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "complaints",
                "model_name": "evidence",
                "field_name": "case",
                "term": term,
            },
        )
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert complete(changsha.case.tracking_code) == [str(changsha.case.pk)]
    assert complete(zhuzhou.case.tracking_code) == []
    assert complete(zhuzhou.phone) == []


def test_rows_of_every_owner_are_for_province_wide_staff_only(
    world: dict[str, OfficeWorld],
) -> None:
    """Clocks, audit events and the search outbox have no office to filter
    by: an office-bound user does not get them, whatever their group grants."""
    changsha, zhuzhou = world["changsha"], world["zhuzhou"]
    user = changsha.users["office_admin"]
    assert user.has_perm("core.view_clock") and user.has_perm("core.view_event")
    client = as_user(user)
    for model in ("clock", "event", "outboxentry"):
        assert client.get(reverse(f"admin:core_{model}_changelist")).status_code == 403
    index = text(client.get(reverse("admin:index")))
    assert reverse("admin:core_clock_changelist") not in index
    assert reverse("admin:complaints_case_changelist") in index
    root = as_user(changsha.users["superuser"])
    events = text(root.get(reverse("admin:core_event_changelist")))
    assert zhuzhou.case.tracking_code in events


def test_hotspot_alerts_are_those_of_the_users_offices(world: dict[str, OfficeWorld]) -> None:
    changsha, zhuzhou = world["changsha"], world["zhuzhou"]
    user = changsha.users["office_admin"]
    assert user.has_perm("search.view_hotspotalert")
    client = as_user(user)
    listing = text(client.get(reverse("admin:search_hotspotalert_changelist")))
    assert changsha.case.tracking_code in listing
    assert zhuzhou.case.tracking_code not in listing
    other = client.get(reverse("admin:search_hotspotalert_change", args=[zhuzhou.alert.pk]))
    assert other.status_code == 302


def test_province_wide_staff_see_every_office(world: dict[str, OfficeWorld]) -> None:
    changsha, zhuzhou = world["changsha"], world["zhuzhou"]
    admin = changsha.users[Role.ADMIN]
    assert not admin.is_superuser
    client = as_user(admin)
    page = text(client.get(reverse("admin:complaints_case_changelist")))
    assert changsha.case.tracking_code in page and zhuzhou.case.tracking_code in page
    other = client.get(reverse("admin:complaints_case_change", args=[zhuzhou.case.pk]))
    assert other.status_code == 200


def test_an_office_bound_admin_sees_no_other_office_even_with_every_permission(
    world: dict[str, OfficeWorld],
) -> None:
    changsha, zhuzhou = world["changsha"], world["zhuzhou"]
    user = changsha.users["office_admin"]
    assert user.has_perm("complaints.view_case") and not user.has_perm(
        "complaints.view_all_offices"
    )
    assert Permission.objects.filter(codename="view_all_offices").exists()
    client = as_user(user)
    page = text(client.get(reverse("admin:complaints_case_changelist")))
    assert zhuzhou.case.tracking_code not in page
    assert changsha.case.tracking_code in page
