"""After a transition commits, the case's tracking group gets a `case.changed`
message through the real Redis channel layer, without personal data; a
transition that fails sends nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from complaints.consumers import tracking_group
from complaints.services import TransitionNotAllowedError, case_transition, intake_create
from core.roles import Role
from tests.cases.factories import make_intake_data, make_staff

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("transactional_postgres"),
]


async def _subscribe(group: str) -> str:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    return channel


async def _receive(channel: str, timeout: float) -> dict[str, Any] | None:
    layer = get_channel_layer()
    try:
        return await asyncio.wait_for(layer.receive(channel), timeout)
    except TimeoutError:
        return None


def test_committed_transition_pushes_case_changed(redis_url: str) -> None:
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    handler = make_staff(Role.CASE_HANDLER)
    phone = "13912345678"
    case = intake_create(
        data=make_intake_data(complainant_phone=phone, complainant_name="李四"), actor=operator
    ).cases[0]
    channel = async_to_sync(_subscribe)(tracking_group(case.tracking_code))

    with pytest.raises(TransitionNotAllowedError):
        case_transition(case_id=case.pk, name="decide", actor=handler)
    case_transition(case_id=case.pk, name="accept", actor=handler)

    message = async_to_sync(_receive)(channel, 10)
    assert message is not None
    assert message["type"] == "case.changed"
    payload = message["payload"]
    assert payload["status"] == "accepted"
    assert payload["version"] == case.version + 1
    assert payload["tracking_code"] == case.tracking_code
    assert payload["updated_at"]
    text = str(payload)
    assert phone[-8:] not in text and "李四" not in text
    # The failed attempt sent nothing: the accept push was the only one.
    assert async_to_sync(_receive)(channel, 0.5) is None
