"""A canary phone number and ID number, planted in a case through the
intake API in the formats people write them, must not come out whole
anywhere the platform copies case data to: the search index (on the real
search node), the CSV export, the logs (the application's, and the access
logs of the development and the production server), the Celery task
messages waiting in Redis, the channel layer's messages and the mails."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io
import json
import logging
import re
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core import mail
from rest_framework.test import APIClient

from complaints.consumers import tracking_group
from complaints.models import Case
from core.clocks.sweep import clock_sweep_run
from core.masking import MaskingFormatter
from core.roles import Role
from search.backends import get_backend
from search.sync import drain_outbox
from tests.cases.factories import intake_payload, make_staff, valid_id_number
from tests.conftest import settings_override

pytestmark = pytest.mark.usefixtures("transactional_postgres")

PHONE = "18673920451"
ID_NUMBER = valid_id_number(birth=dt.date(1987, 6, 13), serial=452)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
WRITTEN = (
    "+86 186 7392 0451",
    "186-7392-0451",
    PHONE.translate(FULL_WIDTH),
    f"ID{ID_NUMBER}",
)


def _folded(text: str) -> str:
    return "".join(str(unicodedata.digit(ch)) if ch.isdecimal() else ch for ch in text)


def _pattern(value: str) -> re.Pattern[str]:
    """The value's characters in order, with up to three others between any
    two: a number split by separators, markup or JSON still matches."""
    return re.compile(r"\D{0,3}".join(re.escape(ch) for ch in value), re.IGNORECASE)


CANARIES = {"phone": _pattern(PHONE), "id number": _pattern(ID_NUMBER)}


def hits(text: str) -> list[str]:
    folded = _folded(text)
    return [name for name, pattern in CANARIES.items() if pattern.search(folded)]


def test_the_scan_finds_the_canary_in_every_written_form() -> None:
    """The scanner itself: it must see what it is meant to catch."""
    for form in WRITTEN:
        assert hits(f"… {form} …"), form
    assert hits(json.dumps({"t": "+86 186 7392 0451"}))
    assert hits(quote_plus("186 7392 0451")) == ["phone"]
    assert hits("186****0451 430102********452X") == []


@contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """What the configured console handler writes (the masking formatter's
    output), while the block runs."""
    buffer = io.StringIO()
    handlers = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler) and isinstance(h.formatter, MaskingFormatter)
    ]
    assert handlers, "LOGGING has no masked console handler"
    previous = [h.setStream(buffer) for h in handlers]
    try:
        yield buffer
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)


def queued_messages(redis_url: str, queue: str) -> list[dict[str, Any]]:
    import redis

    client = redis.Redis.from_url(redis_url)
    raw: list[bytes] = client.lrange(queue, 0, -1)  # type: ignore[assignment]
    client.delete(queue)
    messages = []
    for item in raw:
        envelope = json.loads(item)
        envelope["decoded_body"] = base64.b64decode(envelope["body"]).decode()
        messages.append(envelope)
    return messages


def channel_messages(group: str, action: Any) -> list[dict[str, Any]]:
    """Messages the channel layer delivers to `group` while `action` runs."""
    layer = get_channel_layer()
    assert layer is not None
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    action()

    async def drain() -> list[dict[str, Any]]:
        received = []
        while True:
            try:
                received.append(await asyncio.wait_for(layer.receive(channel), timeout=2))
            except TimeoutError:
                return received

    try:
        return async_to_sync(drain)()
    finally:
        async_to_sync(layer.group_discard)(group, channel)


@pytest.fixture
def canary_settings(settings: Any, redis_url: str, opensearch_url: str) -> Iterator[str]:
    """The real search node under an index of the test's own, Celery
    sending to a Redis queue nobody consumes, mail masked into the outbox."""
    settings.SEARCH_ENGINE = "opensearch"
    settings.SEARCH_URL = opensearch_url
    settings.SEARCH_INDEX_PREFIX = f"{settings.SEARCH_INDEX_PREFIX}-canary"
    settings.EMAIL_BACKEND = "core.mail.MaskingEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    backend = get_backend()
    backend.drop()
    backend.ensure_index()
    queue = f"canary-{uuid.uuid4().hex[:8]}"
    try:
        with settings_override(CELERY_TASK_DEFAULT_QUEUE=queue):
            yield queue
    finally:
        backend.drop()


def test_the_canary_appears_nowhere(canary_settings: str, redis_url: str) -> None:
    from daphne.management.commands.runserver import Command as DevServer

    from config.server import MaskedAccessLog

    queue = canary_settings
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    handler = make_staff(Role.CASE_HANDLER)
    officer = make_staff(Role.ENFORCEMENT_OFFICER)
    api = {user: APIClient() for user in (operator, handler, officer)}
    for user, client in api.items():
        client.force_authenticate(user)
    body = intake_payload(
        complainant_phone=PHONE,
        complainant_id_number=ID_NUMBER,
        description="；".join(WRITTEN) + "，电池鼓包起火。",
        business_name=f"路边电动车店 {WRITTEN[1]}",
        product_model=WRITTEN[2],
    )
    places: dict[str, str] = {}

    with captured_logs() as logs:
        created = api[operator].post("/api/v1/intakes/", body, format="json")
        assert created.status_code == 201, created.content
        case = Case.objects.get(pk=created.json()["cases"][0]["id"])
        # The case itself keeps them whole: that is where they belong.
        assert case.complainant_phone.endswith(PHONE) and WRITTEN[0] in case.description

        # The index on the search node, and a search for the number.
        assert drain_outbox() >= 1
        backend: Any = get_backend()
        backend.refresh()
        found = backend.client.search(
            index=backend.alias, body={"query": {"match_all": {}}, "size": 50}
        )
        documents = [hit["_source"] for hit in found["hits"]["hits"]]
        assert [doc["id"] for doc in documents] == [case.pk]
        places["search index documents"] = json.dumps(documents, ensure_ascii=False)
        by_number = api[officer].get("/api/v1/search/cases/", {"q": PHONE})
        assert by_number.status_code == 200 and by_number.json()["total"] == 0
        places["search answer"] = by_number.content.decode()

        # The CSV export.
        export: Any = api[officer].get("/api/v1/search/cases/export.csv")
        assert export.status_code == 200
        csv_text = b"".join(export.streaming_content).decode("utf-8-sig")
        assert case.tracking_code in csv_text
        places["CSV export"] = csv_text

        # A change of status: the live push to the tracking page.
        pushed = channel_messages(
            tracking_group(case.tracking_code),
            lambda: api[handler].post(
                f"/api/v1/cases/{case.pk}/transitions/accept/", {}, format="json"
            ),
        )
        assert pushed, "no channel message for the change"
        places["channel messages"] = json.dumps(pushed, ensure_ascii=False, default=str)

        # The clock sweep far ahead: an escalation to the office head is
        # queued for its task.
        office = case.office
        office.head = make_staff(Role.CASE_HANDLER, office, email="head@example.org")
        office.save(update_fields=["head"])
        swept = clock_sweep_run(today=dt.date.today() + dt.timedelta(days=400))
        assert sum(swept.values()) >= 1

        # Requests for the number as the access logs write them.
        for path in (
            f"/search/?q={quote_plus(WRITTEN[0])}",
            f"/api/v1/search/cases/?q={quote(WRITTEN[2])}",
            f"/track/{ID_NUMBER}/",
        ):
            DevServer().log_action(
                "http",
                "complete",
                {
                    "method": "GET",
                    "path": path,
                    "status": 200,
                    "time_taken": 0.01,
                    "client": "127.0.0.1:5000",
                },
            )
        logging.getLogger("django.request").warning("Not Found: /track/%s/", WRITTEN[1])
    places["application and development access log"] = logs.getvalue()
    assert "GET /search/?q=" in logs.getvalue()

    production_log = io.StringIO()
    access = MaskedAccessLog(production_log)
    access(
        "http",
        "complete",
        {
            "client": "10.0.0.1:1",
            "method": "GET",
            "status": 200,
            "size": 10,
            "path": f"/search/?q={quote_plus(WRITTEN[1])}",
        },
    )
    places["production access log"] = production_log.getvalue()
    assert "/search/?q=" in production_log.getvalue()

    # The task messages waiting in Redis, then the mails their tasks send.
    messages = queued_messages(redis_url, queue)
    tasks = {m["headers"]["task"] for m in messages}
    assert {"search.tasks.drain_search_outbox", "core.tasks.clock_notify"} <= tasks, tasks
    places["Celery task messages"] = json.dumps(messages, ensure_ascii=False)
    from core.tasks import clock_notify

    for message in messages:
        if message["headers"]["task"] == "core.tasks.clock_notify":
            _args, kwargs, _embed = json.loads(message["decoded_body"])
            clock_notify.apply(kwargs=kwargs)
    places["mails"] = json.dumps(
        [[m.subject, m.body, m.to] for m in mail.outbox], ensure_ascii=False
    )

    found_in = {place: hits(text) for place, text in places.items()}
    print(
        f"\ncanary: {len(places)} places scanned, "
        f"{sum(len(h) for h in found_in.values())} hits: {json.dumps(found_in, ensure_ascii=False)}"
    )
    assert all(text for text in places.values()), [p for p, t in places.items() if not t]
    assert not any(found_in.values()), found_in
    assert mail.outbox, "the escalation sent no mail"


def test_tasks_take_ids_only() -> None:
    """Task arguments are written to the broker and its logs: every task of
    the project takes ids (and fixed codes), never case data."""
    import inspect

    from config.celery import app

    app.loader.import_default_modules()
    allowed = {"int", "list[int]", "int | None", "Task"}
    # A notification's kind, and the day a daily run stands for (ISO date).
    codes = {"action", "run_on"}
    ours = {
        name: task
        for name, task in app.tasks.items()
        if name.split(".")[0] in {"core", "complaints", "search", "arbitration", "supervisors"}
    }
    assert ours
    for name, task in ours.items():
        for parameter in inspect.signature(task.run).parameters.values():
            if parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
                continue
            annotation = parameter.annotation
            if isinstance(annotation, str):
                text = annotation
            elif isinstance(annotation, type):
                text = annotation.__name__
            else:
                text = str(annotation)
            assert text in allowed or parameter.name in codes, (name, parameter.name, text)
