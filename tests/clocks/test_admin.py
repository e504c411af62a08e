"""The complaints admin: every model is listed, identity is masked in lists
(个人信息保护法第五十一条), and an administrator can add a year's calendar exceptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from complaints.clocks import add_days, clocks_on_intake
from complaints.models import Case
from core.models import CalendarDay, CalendarYear


@pytest.fixture
def admin_client_(postgres: None) -> Client:
    user = get_user_model().objects.create_superuser(
        username="root", email="root@example.org", password="pw-for-tests-only"
    )
    client = Client()
    client.force_login(user)
    # Messages are asserted in English; the admin's default language is Chinese.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_every_complaints_model_is_registered() -> None:
    from django.apps import apps

    models = set(apps.get_app_config("complaints").get_models())
    missing = {m.__name__ for m in models if m not in admin.site._registry}
    assert missing == set()


def test_changelists_open_and_never_show_whole_phone_or_id_numbers(
    admin_client_: Client, make_case: Callable[..., Case]
) -> None:
    phone, id_number = "13912345678", "430102199003077736"
    case = make_case(complainant_phone=phone, complainant_id_number=id_number)
    clocks_on_intake(case=case, on=case.received_at.date())
    from django.apps import apps

    for model in apps.get_app_config("complaints").get_models():
        if model not in admin.site._registry:
            continue
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = admin_client_.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert phone not in body and id_number not in body, url
    detail = admin_client_.get(reverse("admin:complaints_case_change", args=[case.pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert phone not in text and id_number not in text
    assert "139****5678" in text
    # Searching by the exact phone finds the case without showing the number.
    found = admin_client_.get(reverse("admin:complaints_case_changelist"), {"q": phone})
    assert case.tracking_code in found.content.decode()


def test_cases_cannot_be_edited_in_the_admin(
    admin_client_: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    url = reverse("admin:complaints_case_change", args=[case.pk])
    response = admin_client_.post(url, {"business_name": "changed"})
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).business_name != "changed"


def add_year(client: Client, year: int, exceptions: str) -> Any:
    return client.post(
        reverse("admin:core_calendaryear_add"),
        {"year": str(year), "source": "国办发明电 test", "exceptions": exceptions},
    )


def test_admin_adds_a_year_with_its_exceptions(admin_client_: Client) -> None:
    start = dt.date(2027, 9, 30)
    assert add_days(start=start, amount=3, unit="working").provisional
    response = add_year(
        admin_client_,
        2027,
        "2027-10-01,false,国庆节\n2027-10-04,false,国庆节\n2027-10-09,true,国庆节 (调休)\n",
    )
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists()
    assert CalendarDay.objects.filter(date__year=2027).count() == 3
    deadline = add_days(start=start, amount=3, unit="working")
    assert not deadline.provisional
    # Fri 10-01 off; weekend; Mon 10-04 off; Tue 10-05 (1), Wed (2), Thu 10-07 (3).
    assert deadline.due_on == dt.date(2027, 10, 7)


def test_admin_year_form_reports_bad_lines(admin_client_: Client) -> None:
    response = add_year(
        admin_client_, 2027, "2027-10-01,false,国庆节\n2027-10-32,false,x\n2028-01-03,false,元旦"
    )
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors["exceptions"])
    assert "line 2:" in errors and "2027-10-32" in errors
    assert not CalendarYear.objects.filter(year=2027).exists()
    response = add_year(admin_client_, 2027, "2027-10-01,false,国庆节\n2028-01-03,false,元旦")
    errors = str(response.context["adminform"].form.errors["exceptions"])
    assert "line 2:" in errors and "2028-01-03" in errors
    assert not CalendarDay.objects.filter(date__year__gte=2027).exists()
