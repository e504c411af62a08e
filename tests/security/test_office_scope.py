"""The one office-scope rule (core.scope) and the places that read it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from complaints.selectors import cases_visible_to
from complaints.services import intake_create
from core.models import Office
from core.roles import Role
from core.scope import EVERYTHING, NOTHING, NOWHERE, office_scope
from search.params import search_scope
from tests.cases.factories import make_consumer, make_intake_data, make_staff

pytestmark = pytest.mark.usefixtures("postgres")


def offices(*codes: str) -> set[int]:
    return set(Office.objects.filter(code__in=codes).values_list("pk", flat=True))


def test_a_city_office_sees_itself_and_its_counties_only() -> None:
    user = make_staff(Role.CASE_HANDLER, "amr-430100")
    scope = office_scope(user)
    changsha = set(Office.objects.filter(code__startswith="amr-4301").values_list("pk", flat=True))
    assert scope.office_ids == changsha
    assert len(changsha) > 5
    assert not scope.office_ids & offices("amr-430200", "amr-430202", "amr-430000")
    assert scope.search_region == search_scope(user) == "430100"
    assert scope.covers_region(["430102", "430100", "430000"])
    assert not scope.covers_region(["430202", "430200", "430000"])


def test_a_county_office_sees_no_sibling() -> None:
    scope = office_scope(make_staff(Role.MEDIATOR, "amr-430102"))
    assert scope.office_ids == offices("amr-430102")
    assert scope.search_region == "430102"


def test_province_wide_roles_and_superusers_see_everything() -> None:
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root-scope", password=None)
    for user in (make_staff(Role.ENFORCEMENT_OFFICER, "amr-430200"), root):
        assert office_scope(user) == EVERYTHING
        assert search_scope(user) == ""


def test_an_office_without_an_area_searches_nothing() -> None:
    """The provincial 12345 centre sits at the province's region code but
    regulates no area: its users see their own registrations, nothing else."""
    scope = office_scope(make_staff(Role.HOTLINE_OPERATOR, "hotline-12345"))
    assert scope.office_ids == offices("hotline-12345")
    assert scope.search_region == NOWHERE


def test_consumers_and_visitors_see_no_office() -> None:
    assert office_scope(make_consumer()) == NOTHING
    assert office_scope(AnonymousUser()) == NOTHING
    inactive = make_staff(Role.ENFORCEMENT_OFFICER, is_active=False)
    assert office_scope(inactive) == NOTHING


def test_the_scope_is_computed_once_per_user_object(django_assert_num_queries: Any) -> None:
    user = make_staff(Role.CASE_HANDLER, "amr-430100")
    office_scope(user)
    with django_assert_num_queries(0):
        office_scope(user)
        search_scope(user)


def test_cases_follow_the_scope_plus_the_users_own() -> None:
    changsha = make_staff(Role.HOTLINE_OPERATOR, "amr-430100")
    zhuzhou = make_staff(Role.HOTLINE_OPERATOR, "amr-430200")
    in_changsha = intake_create(data=make_intake_data(region="430102"), actor=zhuzhou).cases[0]
    in_zhuzhou = intake_create(data=make_intake_data(region="430202"), actor=zhuzhou).cases[0]
    mine = intake_create(data=make_intake_data(region="430202"), actor=changsha).cases[0]
    assert set(cases_visible_to(user=changsha)) == {in_changsha, mine}
    assert set(cases_visible_to(user=zhuzhou)) == {in_changsha, in_zhuzhou, mine}
    assert set(cases_visible_to(user=make_staff(Role.SUPERVISOR, "amr-430100"))) == set()


def test_the_start_page_counts_only_the_cases_the_user_sees(client: Any) -> None:
    zhuzhou = make_staff(Role.HOTLINE_OPERATOR, "amr-430200")
    for _ in range(3):
        intake_create(data=make_intake_data(region="430202"), actor=zhuzhou)
    intake_create(data=make_intake_data(region="430102"), actor=zhuzhou)
    client.force_login(make_staff(Role.CASE_HANDLER, "amr-430100"))
    rows = client.get("/").context["status_counts"]
    assert [(row["status"], row["n"]) for row in rows] == [("registered", 1)]
    client.force_login(zhuzhou)
    assert [row["n"] for row in client.get("/").context["status_counts"]] == [4]
