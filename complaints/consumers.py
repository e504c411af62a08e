"""Live case tracking: a consumer's page listens for status changes of one case."""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer


def tracking_group(tracking_code: str) -> str:
    return f"case.{tracking_code}"


class CaseTrackingConsumer(AsyncJsonWebsocketConsumer):
    """Sends `case.changed` messages to the browser. The tracking code is a
    public, unguessable handle; the messages carry no personal data."""

    group: str

    async def connect(self) -> None:
        code = self.scope["url_route"]["kwargs"]["tracking_code"]
        if not code.replace("-", "").isalnum() or len(code) > 20:
            await self.close(code=4400)
            return
        self.group = tracking_group(code)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def case_changed(self, event: dict[str, Any]) -> None:
        await self.send_json(event["payload"])
