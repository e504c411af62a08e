"""Throttling: sign-in lockout per account and per address on the console's
and the admin's sign-in (django-axes), with the wait in the page's language
and the lockouts listed in the admin; API throttles per user and per
anonymous address."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from core.roles import Role
from tests.cases.factories import make_staff

pytestmark = pytest.mark.usefixtures("postgres")

PASSWORD = "right-horse-battery"
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")


@pytest.fixture(autouse=True)
def _fast_hashes(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def staff_with_password(username: str) -> Any:
    user = make_staff(Role.CASE_HANDLER, username=username, is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(page: str, username: str, password: str, *, address: str = "10.0.0.1", **extra: Any):
    return Client(REMOTE_ADDR=address, **extra).post(
        page, {"username": username, "password": password}
    )


def signed_in(response: Any) -> bool:
    return response.status_code == 302


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_the_right_password_is_refused_after_the_failure_limit(settings: Any, page: str) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    staff_with_password("li.na")
    assert limit >= 3
    for attempt in range(1, limit + 1):
        response = sign_in(page, "li.na", f"wrong-{attempt}")
        assert not signed_in(response)
        assert response.status_code == (429 if attempt == limit else 200)
    refused = sign_in(page, "li.na", PASSWORD)
    assert refused.status_code == 429
    text = refused.content.decode()
    minutes = settings.AXES_COOLOFF_TIME.total_seconds() // 60
    assert f"{minutes:.0f} 分钟后再试" in text, text
    assert int(refused["Retry-After"]) > (minutes - 1) * 60
    english = sign_in(page, "li.na", PASSWORD, HTTP_COOKIE="django_language=en")
    assert english.status_code == 429
    assert f"Try again in {minutes:.0f} minutes." in english.content.decode()


def test_one_failure_short_of_the_limit_still_signs_in(settings: Any) -> None:
    staff_with_password("wang.fang")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in("/accounts/login/", "wang.fang", f"wrong-{attempt}").status_code == 200
    assert signed_in(sign_in("/accounts/login/", "wang.fang", PASSWORD))
    # A success starts the count again.
    assert AccessAttempt.objects.filter(username="wang.fang").count() == 0


def test_an_account_is_locked_whatever_address_the_guesses_come_from(settings: Any) -> None:
    staff_with_password("zhao.lei")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in("/admin/login/", "zhao.lei", "wrong", address=f"10.1.0.{attempt + 1}")
    assert sign_in("/accounts/login/", "zhao.lei", PASSWORD, address="10.2.0.1").status_code == 429


def test_an_address_is_locked_whatever_accounts_it_tries(settings: Any) -> None:
    staff_with_password("chen.jie")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in("/accounts/login/", f"guess-{attempt}", "wrong", address="10.3.0.1")
    assert sign_in("/accounts/login/", "chen.jie", PASSWORD, address="10.3.0.1").status_code == 429
    # The account itself has no failures: from elsewhere it signs in.
    assert signed_in(sign_in("/accounts/login/", "chen.jie", PASSWORD, address="10.3.0.2"))
    # A forwarded-for header the client sets does not make it another address.
    spoofed = sign_in(
        "/accounts/login/", "chen.jie", PASSWORD, address="10.3.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert spoofed.status_code == 429


def test_the_lock_ends_after_the_cool_off(settings: Any) -> None:
    staff_with_password("liu.yang")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("/accounts/login/", "liu.yang", "wrong")
    assert sign_in("/accounts/login/", "liu.yang", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=dt.datetime.now(dt.UTC) - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    )
    assert signed_in(sign_in("/accounts/login/", "liu.yang", PASSWORD))


def test_lockouts_are_listed_in_the_admin(settings: Any) -> None:
    staff_with_password("sun.li")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("/accounts/login/", "sun.li", "wrong", address="10.4.0.9")
    admin = get_user_model().objects.create_superuser("root-axes", "root@example.org", "x")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/axes/accessattempt/?locked_out=yes")
    assert page.status_code == 200
    text = page.content.decode()
    assert "sun.li" in text and "10.4.0.9" in text
    # Deleting the row lifts the lock.
    AccessAttempt.objects.filter(username="sun.li").delete()
    assert signed_in(sign_in("/accounts/login/", "sun.li", PASSWORD, address="10.4.0.9"))


# --- API ---------------------------------------------------------------------------


@pytest.fixture
def own_cache(settings: Any) -> None:
    """Throttle counts in a cache of the test's own, not the Redis other
    test runs share."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }


@pytest.mark.usefixtures("own_cache")
def test_the_api_throttles_each_user_on_their_own(settings: Any) -> None:
    settings.API_THROTTLE_RATES = {"anon": None, "user": "3/min"}
    first, second = make_staff(Role.CASE_HANDLER), make_staff(Role.CASE_HANDLER)
    client = APIClient()
    client.force_authenticate(first)
    assert [client.get("/api/v1/cases/").status_code for _ in range(3)] == [200, 200, 200]
    throttled = client.get("/api/v1/cases/", HTTP_ACCEPT_LANGUAGE="en")
    assert throttled.status_code == 429
    assert "throttled" in throttled.json()["detail"]
    assert 0 < int(throttled["Retry-After"]) <= 60
    other = APIClient()
    other.force_authenticate(second)
    assert other.get("/api/v1/cases/").status_code == 200


@pytest.mark.usefixtures("own_cache")
def test_the_api_throttles_anonymous_requests_per_address(settings: Any) -> None:
    settings.API_THROTTLE_RATES = {"anon": "2/min", "user": None}
    client = APIClient(REMOTE_ADDR="10.9.0.1")
    assert [client.get("/api/schema/").status_code for _ in range(2)] == [200, 200]
    assert client.get("/api/schema/").status_code == 429
    assert client.get("/api/schema/", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429
    assert APIClient(REMOTE_ADDR="10.9.0.2").get("/api/schema/").status_code == 200


def test_the_rates_come_from_the_environment_with_sane_defaults() -> None:
    import os
    import subprocess
    import sys

    def rates(**env: str) -> str:
        code = (
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.API_THROTTLE_RATES, settings.AXES_FAILURE_LIMIT, "
            "settings.AXES_COOLOFF_TIME.total_seconds())"
        )
        environment = {
            k: v for k, v in os.environ.items() if not k.startswith(("API_THROTTLE", "LOGIN_"))
        }
        environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
        command = [sys.executable, "-c", code]
        result = subprocess.run(command, env=environment, capture_output=True, text=True)
        return result.stdout.strip()

    assert rates() == "{'anon': '60/min', 'user': '600/min'} 5 900.0"
    assert rates(API_THROTTLE_USER="", LOGIN_FAILURE_LIMIT="8", LOGIN_LOCKOUT_MINUTES="30") == (
        "{'anon': '60/min', 'user': None} 8 1800.0"
    )
