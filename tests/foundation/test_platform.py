"""Roles, offices, i18n, the admin and the WebSocket route."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group, User
from django.test import Client

from complaints.consumers import tracking_group
from core.models import Office, StaffProfile
from core.roles import ROLE_PERMISSIONS, Role


@pytest.mark.django_db
def test_every_role_is_a_group_with_its_permissions() -> None:
    for role, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role.value)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert set(perms) <= granted
    admin_perms = Group.objects.get(name=Role.ADMIN).permissions
    assert admin_perms.filter(codename="handle_case").exists()
    assert admin_perms.filter(content_type__app_label="search").exists()


@pytest.mark.django_db
def test_a_staff_user_acts_through_role_permissions() -> None:
    office = Office.objects.get(code="amr-430102")
    user = User.objects.create_user("handler1", password="x", is_staff=True)
    StaffProfile.objects.create(user=user, office=office)
    user.groups.add(Group.objects.get(name=Role.CASE_HANDLER))
    assert user.has_perm("complaints.handle_case")
    assert not user.has_perm("complaints.mediate_case")
    assert user.staff_profile.office.region.parent_id == "430100"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hans", "站点管理"), ("en", "Site administration")]
)
def test_admin_speaks_chinese_first_and_english_on_request(
    client: Client, language: str, expected: str
) -> None:
    User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    client.login(username="root", password="pw-for-tests-only")
    if language == "en":
        client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"}, secure=True)
    response = client.get("/admin/", secure=True)
    assert response.status_code == 200
    assert expected in response.content.decode()
    regions = client.get("/admin/core/region/?q=浏阳", secure=True)
    assert regions.status_code == 200
    assert "430181" in regions.content.decode()


@pytest.mark.django_db
def test_pages_speak_chinese_even_to_an_english_browser(client: Client) -> None:
    response = client.get("/", secure=True, headers={"accept-language": "en-US,en;q=0.9"})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
    assert client.get("/", secure=True).headers["Content-Language"] == "en"


@pytest.mark.django_db
def test_the_api_answers_in_the_language_the_client_asks_for(client: Client) -> None:
    english = client.get("/api/v1/cases/", secure=True, headers={"accept-language": "en"})
    chinese = client.get("/api/v1/cases/", secure=True, headers={"accept-language": "zh-hans"})
    assert english.status_code == chinese.status_code == 403
    assert english.json()["detail"] == "Authentication credentials were not provided."
    assert english.json()["detail"] != chinese.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_case_tracking_websocket_delivers_group_messages(redis_url: str) -> None:
    """Through the real ASGI routing and the Redis channel layer."""
    from config.asgi import application

    async def scenario() -> dict[str, object]:
        communicator = WebsocketCommunicator(
            application, "/ws/track/260101-ABCDEF/", headers=[(b"origin", b"http://localhost")]
        )
        connected, _ = await communicator.connect()
        assert connected
        layer = get_channel_layer()
        assert layer is not None
        assert type(layer).__module__.startswith("channels_redis")
        await layer.group_send(
            tracking_group("260101-ABCDEF"),
            {"type": "case.changed", "payload": {"status": "accepted", "version": 2}},
        )
        message = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return message

    assert asyncio.run(scenario()) == {"status": "accepted", "version": 2}


@pytest.mark.django_db(transaction=True)
def test_case_tracking_websocket_rejects_a_malformed_code() -> None:
    from config.asgi import application

    async def scenario() -> bool:
        communicator = WebsocketCommunicator(
            application, "/ws/track/not..valid/", headers=[(b"origin", b"http://localhost")]
        )
        connected, _ = await communicator.connect()
        await sync_to_async(lambda: None)()
        return connected

    assert asyncio.run(scenario()) is False
