"""A supervisor's report on a phone-sized screen, its review by the office,
the report case it becomes, and the hotspot cell whose signals come from
complaints, supervisors' reports and spot-checks together, in headless
Chromium against a live server. SCREENSHOT_DIR=docs/screenshots keeps the
pictures."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from complaints.services import intake_create
from core import documents
from core.roles import Role
from search.backends import get_backend
from search.sync import drain_outbox
from supervisors.models import Supervisor, SupervisorReport
from supervisors.services import SpotCheckRow, report_file, report_transition, spotcheck_upsert
from supervisors.services.reports import ReportData
from tests.cases.factories import make_intake_data, make_staff, mobile
from tests.console.test_browser import orm
from tests.supervisors.factories import jpeg_bytes, make_reviewer, make_supervisor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]
WAIT_MS = 20_000
SELLER = "长沙市芙蓉区好运烟酒店"
PHONE = {"width": 390, "height": 844}


def _shots(tmp_path: Path) -> Path:
    target = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture
def world(
    transactional_postgres: None, settings: Any, monkeypatch: Any
) -> Iterator[dict[str, Any]]:
    settings.SEARCH_INDEX_PREFIX = f"{django_settings.SEARCH_INDEX_PREFIX}-supweb"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    reviewer = make_reviewer()
    supervisor = make_supervisor(reviewer=reviewer)
    other = make_supervisor(reviewer=reviewer)
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    for _ in range(2):
        intake_create(
            data=make_intake_data(
                business_name=SELLER,
                brand="茅台",
                category="food-liquor",
                problem_type="fake-brand",
                complainant_phone=mobile(),
                description="买到假冒茅台，防伪码查询无效。",
            ),
            actor=operator,
        )
    spotcheck_upsert(
        row=SpotCheckRow(
            product="白酒", brand="茅台", model_batch="500ml/2026-05",
            producer="贵州某某酒业有限公司", seller=SELLER, region="430102",
            items_tested="酒精度,甲醇", result="不合格",
            non_conforming_items="酒精度", category="food-liquor",
            published_on=(timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        ),
        actor=None,
    )  # fmt: skip
    pending = report_file(
        data=ReportData(
            finding="fake_brand", category="food-liquor", brand="茅台", seller_name=SELLER,
            seller_region="430102", observed_at=timezone.now() - dt.timedelta(days=1),
            description="柜台另有两瓶同批次假冒茅台。",
        ),
        actor=type(other.user).objects.get(pk=other.user_id),
    )  # fmt: skip
    report_transition(report_id=pending.pk, action="start_review", actor=reviewer)
    officer = make_staff(Role.ENFORCEMENT_OFFICER, "amr-430000")
    backend = get_backend()
    for view in [backend.for_type(t) for t in documents.registered()]:
        view.drop()
    yield {"reviewer": reviewer, "supervisor": supervisor, "officer": officer}
    for view in [backend.for_type(t) for t in documents.registered()]:
        view.drop()


def _context(browser: Any, live_server: Any, user: Any, **options: Any) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", **options)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def test_a_report_from_the_phone_to_the_report_case_and_the_hotspot(
    world: dict[str, Any], live_server: Any, browser: Any, tmp_path: Path
) -> None:
    shots = _shots(tmp_path)
    photo = tmp_path / "shelf.jpg"
    photo.write_bytes(jpeg_bytes(gps=(28.196, 112.977), size=(640, 480)))
    phone = _context(
        browser, live_server, world["supervisor"].user, viewport=PHONE, is_mobile=True,
        has_touch=True, device_scale_factor=2,
    )  # fmt: skip
    phone.goto(f"{live_server.url}/supervisors/reports/new/")
    phone.check("input[name=finding][value=fake_brand]")
    phone.select_option("select[name=category]", "food-liquor")
    phone.fill("input[name=brand]", "茅台")
    phone.fill("input[name=product_model]", "飞天 53度 500ml")
    phone.fill("input[name=seller_name]", SELLER)
    phone.fill("input[name=seller_address]", "芙蓉区五一大道 1 号")
    phone.fill("textarea[name=description]", "货架上的飞天茅台防伪码查询无效，包装印刷模糊。")
    phone.set_input_files("input[name=photos]", str(photo))
    phone.screenshot(path=str(shots / "supervisor-report-form-phone.png"), full_page=True)
    phone.click("form#report-form button[type=submit]")
    phone.wait_for_url("**/supervisors/reports/*/", timeout=WAIT_MS)
    assert "已提交" in phone.inner_text("main")
    phone.screenshot(path=str(shots / "supervisor-report-phone.png"), full_page=True)
    report = orm(lambda: SupervisorReport.objects.get(supervisor=world["supervisor"]))
    assert report.latitude is not None  # from the photo

    office = _context(
        browser, live_server, world["reviewer"], viewport={"width": 1280, "height": 900}
    )
    office.goto(f"{live_server.url}/supervisors/reports/{report.pk}/")
    office.click("button:has-text('开始审核')")
    office.wait_for_selector("button:has-text('核实属实')", timeout=WAIT_MS)
    office.click("button:has-text('核实属实')")
    office.wait_for_selector("text=已核实", timeout=WAIT_MS)
    office.screenshot(path=str(shots / "supervisor-report-review.png"), full_page=True)
    report = orm(lambda: SupervisorReport.objects.select_related("case").get(pk=report.pk))
    assert report.case is not None and report.case.tracking_code in office.inner_text("main")
    office.click(f"a:has-text('{report.case.tracking_code}')")
    office.wait_for_url(f"**/console/cases/{report.case.pk}/", timeout=WAIT_MS)
    office.screenshot(path=str(shots / "supervisor-report-case.png"), full_page=True)

    assert orm(drain_outbox) > 0
    for view in [get_backend().for_type(t) for t in documents.registered()]:
        view.refresh()
    officer = _context(
        browser, live_server, world["officer"], viewport={"width": 1400, "height": 1000}
    )
    officer.goto(f"{live_server.url}/hotspots/")
    officer.wait_for_function("document.body.dataset.hotspotsLoaded", timeout=WAIT_MS)
    officer.evaluate("document.querySelector('#hotspot-filters details').open = true")
    officer.uncheck("input[name=patterns_only]")
    officer.click("#hotspot-filters button[type=submit]")
    cell = officer.locator("#hotspot-cells tbody tr[data-cell*='430102|food-liquor|name:']").first
    cell.wait_for(timeout=WAIT_MS)
    cell.locator("button.drill").click()
    officer.wait_for_selector("#hotspot-drill:not([hidden]) tbody tr", timeout=WAIT_MS)
    drill = officer.inner_text("#hotspot-drill")
    rows = officer.locator("#hotspot-drill tbody tr")
    sources = {rows.nth(i).locator("td").nth(3).inner_text() for i in range(rows.count())}
    # Complaints, a supervisor's report (and the report case one became) and
    # a spot-check, each under its source's label.
    assert {"投诉", "社会质量监督员", "监督抽查"} <= sources
    assert "spot_check" not in drill
    officer.screenshot(path=str(shots / "hotspot-signals.png"), full_page=True)
    assert orm(lambda: Supervisor.objects.count()) == 2
