"""Request limits: a body over its route's limit is refused from its declared
length before it is read (Django, the ASGI application and the web server of
docker-compose), uploads stay within their limits while they are read, and
a JSON body nested too deep is a 400, never a 500."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from complaints.services import intake_create
from config.limits.parsers import json_depth_exceeds
from config.limits.policy import body_limit
from config.limits.uploads import CappedUploadHandler, RequestBodyTooLarge
from core.roles import Role
from tests.cases.factories import intake_payload, make_intake_data, make_staff

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- The limits and what they cover -------------------------------------------


def test_only_the_intake_takes_an_upload_and_it_takes_every_evidence_file(settings: Any) -> None:
    assert body_limit("/api/v1/intakes/") == settings.UPLOAD_MAX_BYTES
    assert body_limit("/console/intake/") == settings.UPLOAD_MAX_BYTES
    for path in ("/api/v1/cases/1/notices/", "/admin/login/", "/accounts/login/", "/search/"):
        assert body_limit(path) == settings.REQUEST_MAX_BYTES
    # The largest single file and every file together fit; a 120 MB body
    # does not, so it is refused from its declared length.
    assert settings.EVIDENCE_MAX_BYTES <= settings.EVIDENCE_TOTAL_MAX_BYTES
    assert settings.UPLOAD_MAX_BYTES >= settings.EVIDENCE_TOTAL_MAX_BYTES
    assert settings.UPLOAD_MAX_BYTES < 120 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.REQUEST_MAX_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE < settings.EVIDENCE_MAX_BYTES


@pytest.mark.usefixtures("postgres")
def test_django_refuses_a_declared_length_over_the_limit_before_reading(settings: Any) -> None:
    settings.REQUEST_MAX_BYTES = 1000
    handler = make_staff(Role.CASE_HANDLER)
    response = client_for(handler).generic(
        "POST", "/api/v1/cases/1/notices/", "x" * 1001, content_type="application/json"
    )
    assert response.status_code == 413
    assert "1000" in response.json()["detail"] or "1,000" in response.json()["detail"]
    page = APIClient().generic(
        "POST", "/accounts/login/", "x" * 1001, content_type="application/x-www-form-urlencoded"
    )
    assert page.status_code == 413
    assert page["Content-Type"].startswith("text/plain")
    # At the limit the request goes through to the view.
    ok = client_for(handler).generic(
        "POST", "/api/v1/cases/999999/notices/", "{}", content_type="application/json"
    )
    assert ok.status_code == 404


@pytest.mark.usefixtures("postgres")
def test_a_json_body_over_the_limit_on_the_upload_route_is_a_413(settings: Any) -> None:
    settings.REQUEST_MAX_BYTES = 2000
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    body = intake_payload(description="长" * 2000)
    response = client_for(operator).post("/api/v1/intakes/", body, format="json")
    assert response.status_code == 413, response.content


# --- Uploads ---------------------------------------------------------------------


class FakeRequest:
    path = "/api/v1/intakes/"


def upload_handler(settings: Any) -> CappedUploadHandler:
    handler = CappedUploadHandler(FakeRequest())
    handler.handle_raw_input(None, {}, 1000, b"x")
    return handler


@given(st.lists(st.integers(1, 700), min_size=1, max_size=12))
def test_a_large_file_is_not_written_past_its_limit_but_keeps_its_size(chunks: list[int]) -> None:
    from django.test import override_settings

    with override_settings(EVIDENCE_MAX_BYTES=1024, UPLOAD_MAX_BYTES=10**6):
        handler = upload_handler(None)
        handler.new_file("evidence", "photo.png", "image/png", sum(chunks))
        start = 0
        for size in chunks:
            assert handler.receive_data_chunk(b"x" * size, start) is None
            start += size
        upload: Any = handler.file_complete(start)
        on_disk = Path(upload.temporary_file_path()).stat().st_size
        assert on_disk == min(start, 1025)
        assert upload.size == start
        upload.close()


def test_the_upload_stops_once_more_than_the_limit_has_come(settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 5000
    handler = CappedUploadHandler(FakeRequest())
    with pytest.raises(RequestBodyTooLarge):
        handler.handle_raw_input(None, {}, 5001, b"x")
    handler = upload_handler(settings)
    handler.new_file("evidence", "a.png", "image/png", None)
    handler.receive_data_chunk(b"x" * 4000, 0)
    with pytest.raises(RequestBodyTooLarge):
        handler.receive_data_chunk(b"x" * 1001, 4000)


@pytest.mark.usefixtures("postgres")
def test_an_oversized_file_is_named_in_the_intake_answer(settings: Any) -> None:
    settings.EVIDENCE_MAX_BYTES = 4096
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    body: dict[str, Any] = intake_payload()
    body.pop("related_to")
    body["evidence"] = [
        SimpleUploadedFile("big.png", PNG + b"\0" * 300_000, content_type="image/png"),
        SimpleUploadedFile("small.png", PNG, content_type="image/png"),
    ]
    response = client_for(operator).post("/api/v1/intakes/", body, format="multipart")
    assert response.status_code == 400, response.content
    assert "big.png" in json.dumps(response.json(), ensure_ascii=False)
    assert "small.png" not in json.dumps(response.json(), ensure_ascii=False)


# --- JSON depth ------------------------------------------------------------------


@given(st.integers(1, 120), st.integers(1, 60))
def test_depth_is_measured_exactly(depth: int, limit: int) -> None:
    value = json.loads(nested(depth))
    assert json_depth_exceeds(value, limit) is (depth > limit)
    wrapped: Any = {"a": 1}
    for level in range(depth - 1):
        wrapped = {"k": [wrapped]} if level % 3 == 0 else [wrapped]
    assert json_depth_exceeds(wrapped, limit) is (_depth(wrapped) > limit)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


@pytest.mark.usefixtures("postgres")
@pytest.mark.parametrize("depth", [33, 1100, 100_000])
def test_deeply_nested_json_is_a_400_on_every_route_that_reads_one(
    settings: Any, depth: int
) -> None:
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    handler = make_staff(Role.CASE_HANDLER)
    case = intake_create(data=make_intake_data(), actor=operator).cases[0]
    body = nested(depth)
    for user, path in (
        (operator, "/api/v1/intakes/"),
        (handler, f"/api/v1/cases/{case.pk}/notices/"),
        (handler, f"/api/v1/cases/{case.pk}/transitions/accept/"),
        (handler, f"/api/v1/cases/{case.pk}/extensions/"),
    ):
        response = client_for(user).generic("POST", path, body, content_type="application/json")
        assert response.status_code == 400, (path, response.status_code)
        assert "32" in response.json()["detail"], response.json()
    # Nested as deep as allowed, the body reaches the view's own validation.
    response = client_for(handler).generic(
        "POST",
        f"/api/v1/cases/{case.pk}/notices/",
        json.dumps({"kind": json.loads(nested(31))}),
        content_type="application/json",
    )
    assert response.status_code == 400 and "kind" in response.json(), response.json()


# --- The ASGI application ---------------------------------------------------------


def asgi_post(path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> Any:
    """Runs one request through config.asgi's HTTP stack and returns
    (status, body, bytes the application was handed)."""
    from config.asgi import application

    handed = 0
    pending: list[dict[str, Any]] = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal handed
        if pending:
            message = pending.pop(0)
            handed += len(message["body"])
            return message
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    async_to_sync(application)(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, handed


@pytest.mark.django_db
def test_the_asgi_application_refuses_before_reading(settings: Any) -> None:
    settings.REQUEST_MAX_BYTES = 1000
    status, body, handed = asgi_post(
        "/api/v1/cases/1/notices/",
        [b"x" * 500] * 4,
        [(b"content-length", b"2000"), (b"content-type", b"application/json")],
    )
    assert (status, handed) == (413, 0)
    assert json.loads(body)["detail"]
    # Without a declared length it counts, and stops at the first chunk past it.
    status, body, handed = asgi_post(
        "/api/v1/cases/1/notices/", [b"x" * 400] * 10, [(b"content-type", b"application/json")]
    )
    assert status == 413
    assert handed == 1200


# --- The web server of docker-compose ---------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """config.server (daphne) as docker-compose runs it, on a port of its own."""
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "stdout.log"
    env = dict(os.environ, REQUEST_MAX_BYTES="100000", UPLOAD_MAX_BYTES="1000000")
    env.setdefault("DJANGO_SECRET_KEY", "test-server")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "config.server"),
                *("-b", "127.0.0.1", "-p", str(port), "config.asgi:application"),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"the server exited: {log.read_text()}")
                time.sleep(0.2)
        else:
            pytest.fail("the server did not listen within 60 s")
        yield port, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _answer(sock: socket.socket) -> bytes:
    sock.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_the_server_answers_413_from_the_headers_alone(web_server: tuple[int, Path]) -> None:
    port, _ = web_server
    for path, length in (
        ("/api/v1/cases/1/notices/", 120 * 1024 * 1024),
        ("/api/v1/intakes/", 1_000_001),
    ):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(
                f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                f"Content-Length: {length}\r\n\r\n".encode()
            )
            # Not one byte of the body has been sent.
            answer = _answer(sock)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert b'"detail"' in answer


def test_the_server_stops_a_body_without_length_at_the_limit(web_server: tuple[int, Path]) -> None:
    port, _ = web_server
    sent = 0
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /search/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"x" * 16384
        try:
            while sent < 10 * 100_000:
                sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                sent += len(chunk)
        except OSError:
            pass
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"text/plain" in answer


def test_the_access_log_masks_a_searched_phone_number(web_server: tuple[int, Path]) -> None:
    import urllib.error
    import urllib.request

    port, log = web_server
    for query in (
        "156+1234+9876",
        "%2B86%20156-1234-9876",
        "%EF%BC%91%EF%BC%95%EF%BC%96%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%99%EF%BC%98%EF%BC%97%EF%BC%96",
    ):
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/search/?q={query}", timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and log.read_text().count("GET /search/") < 3:
        time.sleep(0.2)
    text = log.read_text()
    assert text.count("GET /search/") >= 3, text
    assert text.count("156****9876") >= 3, text
    for raw in ("1234+9876", "1234-9876", "1234%20", "%EF%BC%99%EF%BC%98"):
        assert raw not in text
