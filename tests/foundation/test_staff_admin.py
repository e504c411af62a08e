"""Every staff user belongs to an office; the admin enforces it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from core.models import Office, StaffProfile

pytestmark = pytest.mark.django_db


def _change_form(user: User, *, is_staff: bool, office: Office | None) -> dict[str, str]:
    data = {
        "username": user.username,
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
        "staff_profile-TOTAL_FORMS": "1",
        "staff_profile-INITIAL_FORMS": "0",
        "staff_profile-MIN_NUM_FORMS": "0",
        "staff_profile-MAX_NUM_FORMS": "1",
        "staff_profile-0-office": str(office.pk) if office else "",
        "staff_profile-0-display_name": "",
        "staff_profile-0-user": str(user.pk),
    }
    if is_staff:
        data["is_staff"] = "on"
    return data


@pytest.fixture
def admin_client(client: Client, settings: Any) -> Client:
    User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    client.login(username="root", password="pw-for-tests-only")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_staff_user_without_an_office_is_refused(admin_client: Client) -> None:
    user = User.objects.create_user("clerk")
    url = f"/admin/auth/user/{user.pk}/change/"
    response = admin_client.post(url, _change_form(user, is_staff=True, office=None), secure=True)
    assert response.status_code == 200  # the form comes back with the error
    assert "Every staff user belongs to an office" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_staff


def test_a_staff_user_is_saved_with_the_office(admin_client: Client) -> None:
    user = User.objects.create_user("clerk")
    office = Office.objects.get(code="amr-430181")
    url = f"/admin/auth/user/{user.pk}/change/"
    response = admin_client.post(url, _change_form(user, is_staff=True, office=office), secure=True)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert StaffProfile.objects.get(user=user).office == office
    listing = admin_client.get("/admin/auth/user/", secure=True).content.decode()
    assert "(430181)" in listing  # the office in its English name
