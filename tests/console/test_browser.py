"""The console and the tracking page in real headless Chromium, against a
live ASGI server (daphne) on the test database. The server runs in a child
process, so the live push travels through the real Redis channel layer."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.db import connections
from django.utils import timezone, translation

from complaints.models import Case, Status
from complaints.services import intake_create
from core.models import Clock
from core.roles import Role
from tests.cases.factories import make_intake_data, make_staff, mobile

pytestmark = pytest.mark.browser
T = TypeVar("T")

PASSWORD = "pw-for-tests-only"
WAIT_MS = 20_000


def _screenshot_dir(tmp_path: Path) -> Path:
    """SCREENSHOT_DIR=docs/screenshots refreshes the pictures in the docs."""
    target = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture
def live_asgi(transactional_postgres: None, redis_url: str, settings: Any) -> Iterator[str]:
    """daphne serving config.asgi (HTTP and WebSockets, static files from the
    finders) in a forked child that inherits the test database settings."""
    from daphne.testing import DaphneProcess

    settings.ALLOWED_HOSTS = ["*"]
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    connections.close_all()
    server = DaphneProcess("127.0.0.1", _application, setup=_tag_server_sessions)
    server.start()
    try:
        if not server.ready.wait(timeout=30):
            pytest.fail("the ASGI server did not start")
        yield f"http://127.0.0.1:{server.port.value}"
    finally:
        server.terminate()
        server.join(timeout=10)
        _drop_other_sessions()


SERVER_APPLICATION_NAME = "console-live-server"


def _tag_server_sessions() -> None:
    """Runs in the server process: its database sessions carry a name."""
    options = connections["default"].settings_dict.setdefault("OPTIONS", {})
    options["application_name"] = SERVER_APPLICATION_NAME


def _drop_other_sessions() -> None:
    """Sessions of the killed server would block dropping the test database
    at the end of the run."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [SERVER_APPLICATION_NAME],
        )


def _application() -> Any:
    from channels.routing import get_default_application
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    return ASGIStaticFilesHandler(get_default_application())


def _login(browser: Any, base: str, username: str) -> Any:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{base}/")
    return page


def orm(fn: Callable[[], T]) -> T:
    """Runs database work in a worker thread that closes its connection.
    Playwright's sync API leaves an event loop marked running on the test's
    thread, where Django would keep the connection in a context of its own
    that outlives the test."""

    def run() -> T:
        try:
            return fn()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def staff(role: Role, username: str) -> Any:
    def make() -> Any:
        user = make_staff(role, username=username)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        return user

    return orm(make)


def _focused_name(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.name"))


def test_operator_registers_a_call_with_the_keyboard(
    live_asgi: str, browser: Any, tmp_path: Path
) -> None:
    staff(Role.HOTLINE_OPERATOR, "seat1")
    phone = mobile()
    page = _login(browser, live_asgi, "seat1")
    page.goto(f"{live_asgi}/console/intake/")
    # The phone field has the focus as the page opens.
    page.wait_for_function("document.activeElement && document.activeElement.name")
    assert _focused_name(page) == "complainant_phone"
    kb = page.keyboard
    kb.type(phone)
    page.wait_for_selector("#caller-history .muted")  # the as-you-type history lookup answered
    kb.press("Tab")
    assert _focused_name(page) == "complainant_name"
    kb.type("王小明")
    for _ in range(5):  # ID number, address, consent, anonymous, kind
        kb.press("Tab")
    assert _focused_name(page) == "kind"
    kb.press("Tab")
    assert _focused_name(page) == "channel"
    kb.press("Tab")
    kb.type("HN-2026-778899")
    kb.press("Alt+b")  # access key of the business name
    assert _focused_name(page) == "business_name"
    kb.type("长沙某某乳业有限公司")
    kb.press("Alt+r")  # city picker, preset to the operator's city (Changsha)
    assert _focused_name(page) == "city"
    assert page.input_value("#id_city") == "430100"
    page.wait_for_selector("#id_region option[value='430102']", state="attached")
    kb.press("Tab")
    assert _focused_name(page) == "region"
    kb.press("ArrowDown")  # its first county
    kb.press("Alt+c")
    assert _focused_name(page) == "category"
    for _ in range(3):
        kb.press("ArrowDown")
    kb.press("Alt+t")
    assert _focused_name(page) == "problem_type"
    kb.press("ArrowDown")
    kb.press("Alt+d")
    kb.type("牛奶开盒后发现结块变质。")
    kb.press("Tab")
    assert _focused_name(page) == "demands"
    kb.type("退货退款。")
    page.screenshot(path=str(_screenshot_dir(tmp_path) / "intake.png"), full_page=True)
    kb.press("Alt+s")
    page.wait_for_selector("[data-tracking-code]", timeout=WAIT_MS)
    code = page.get_attribute("[data-tracking-code]", "data-tracking-code")
    case = orm(lambda: Case.objects.select_related("registered_by").get(tracking_code=code))
    assert case.complainant_phone == f"+86{phone}"
    assert case.work_order_no == "HN-2026-778899"
    assert case.region_id == "430102"
    assert case.registered_by is not None and case.registered_by.username == "seat1"
    assert page.locator(".code-readback").inner_text().strip() == code


def test_bad_input_is_shown_inline_in_the_browser(live_asgi: str, browser: Any) -> None:
    staff(Role.HOTLINE_OPERATOR, "seat2")
    page = _login(browser, live_asgi, "seat2")
    page.goto(f"{live_asgi}/console/intake/")
    page.keyboard.type("12345")
    page.keyboard.press("Alt+s")
    page.wait_for_selector("#field-complainant_phone .errorlist", timeout=WAIT_MS)
    assert page.locator("#field-business_name .errorlist").count() == 1
    assert orm(Case.objects.count) == 0


def test_tracking_page_follows_the_case_live(live_asgi: str, browser: Any, tmp_path: Path) -> None:
    operator = staff(Role.HOTLINE_OPERATOR, "seat3")
    staff(Role.CASE_HANDLER, "handler-live")
    phone = mobile()
    case = orm(
        lambda: intake_create(data=make_intake_data(complainant_phone=phone), actor=operator)
    ).cases[0]

    consumer = browser.new_context(locale="zh-CN").new_page()
    consumer.goto(f"{live_asgi}/track/")
    consumer.fill("input[name=tracking_code]", case.tracking_code)
    consumer.fill("input[name=phone_last4]", phone[-4:])
    consumer.press("input[name=phone_last4]", "Enter")
    consumer.wait_for_selector("#tracking[data-live='1']", timeout=WAIT_MS)
    assert "?" not in consumer.url
    assert phone not in consumer.content()
    assert consumer.get_attribute("#status-label", "data-status") == Status.REGISTERED
    consumer.evaluate("window.__sameDocument = true")

    handler = _login(browser, live_asgi, "handler-live")
    handler.goto(f"{live_asgi}/console/cases/{case.pk}/")
    handler.click("#action-accept summary")
    handler.click("button[data-action=accept]")
    handler.wait_for_selector(".messages .success", timeout=WAIT_MS)
    handler.screenshot(path=str(_screenshot_dir(tmp_path) / "case.png"), full_page=True)

    consumer.wait_for_selector("#status-label[data-status='accepted']", timeout=WAIT_MS)
    assert consumer.evaluate("window.__sameDocument === true")  # updated in place, no reload
    with translation.override("zh-hans"):
        expected = str(Status.ACCEPTED.label)
    assert consumer.inner_text("#status-label").strip() == expected
    assert orm(lambda: Case.objects.get(pk=case.pk).status) == Status.ACCEPTED
    consumer.screenshot(path=str(_screenshot_dir(tmp_path) / "tracking.png"), full_page=True)


def test_queue_screenshot_with_deadline_badges(
    live_asgi: str, browser: Any, tmp_path: Path
) -> None:
    operator = staff(Role.HOTLINE_OPERATOR, "seat4")
    staff(Role.CASE_HANDLER, "handler-queue")

    def cases() -> list[Case]:
        made = [
            intake_create(data=make_intake_data(**extra), actor=operator).cases[0]
            for extra in (
                {},
                {"category": "appliances-small", "business_name": "芙蓉区某某电器商行"},
                {"kind": "report", "anonymous": True, "complainant_name": "", "demands": ""},
                {"channel": "12345", "work_order_no": "HN-2026-000777"},
            )
        ]
        today = timezone.localdate()
        Clock.objects.filter(case=made[0]).update(due_on=today - dt.timedelta(days=2))
        Clock.objects.filter(case=made[1]).update(
            started_on=today - dt.timedelta(days=30), due_on=today + dt.timedelta(days=1)
        )
        Clock.objects.filter(case=made[2]).update(provisional=True)
        return made

    made = orm(cases)
    page = _login(browser, live_asgi, "handler-queue")
    page.goto(f"{live_asgi}/console/cases/")
    page.wait_for_selector("#queue tbody tr")
    assert page.locator("#queue .badge.overdue").count() >= 1
    assert page.locator("#queue .badge.provisional").count() >= 1
    assert page.locator("#queue .badge.due_soon").count() >= 1
    for case in made:
        if case.complainant_phone:
            assert case.complainant_phone[-11:] not in page.inner_text("#queue")
    page.screenshot(path=str(_screenshot_dir(tmp_path) / "queue.png"), full_page=True)
