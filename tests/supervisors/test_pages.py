"""The supervisor's phone pages and the office's page, in Chinese first,
with labels, never codes."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from supervisors.models import SupervisorReport
from tests.cases.factories import make_consumer
from tests.supervisors.factories import (
    jpeg_bytes,
    make_reviewer,
    make_supervisor,
    report_payload,
    upload,
)

pytestmark = pytest.mark.django_db
CODES = re.compile(r">\s*[a-z]+_[a-z_]+\s*<")


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_supervisor_files_from_the_phone_page_and_the_office_reviews_it() -> None:
    reviewer = make_reviewer()
    supervisor = make_supervisor(reviewer=reviewer)
    phone = client_for(supervisor.user)
    form = phone.get(reverse("supervisors:report-new"))
    assert form.status_code == 200
    assert "假冒品牌" in form.content.decode() and 'capture="environment"' in form.content.decode()
    payload = report_payload(observed_at="2026-11-30T10:15")
    sent = phone.post(
        reverse("supervisors:report-new"),
        {**payload, "photos": [upload(jpeg_bytes(gps=(28.2, 112.9)))]},
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]
    report = SupervisorReport.objects.get(supervisor=supervisor)
    assert report.photos.count() == 1

    mine = phone.get(reverse("supervisors:me")).content.decode()
    assert "已提交" in mine and not CODES.search(mine)
    assert supervisor.id_number not in mine

    office = client_for(reviewer)
    page = office.get(reverse("supervisors:office")).content.decode()
    assert "已聘任" in page and supervisor.id_number not in page and not CODES.search(page)
    url = reverse("supervisors:report-detail", args=[report.pk])
    assert office.post(url, {"action": "start_review", "version": 1}).status_code == 302
    assert office.post(url, {"action": "verify", "version": 2}).status_code == 302
    report.refresh_from_db(fields=["case", "version"])
    detail = office.get(url).content.decode()
    assert report.case is not None and report.case.tracking_code in detail
    assert "已核实" in detail and not CODES.search(detail)


def test_the_application_page_shows_field_messages() -> None:
    page = client_for(make_consumer())
    answer = page.post(reverse("supervisors:apply"), {"name": "", "phone": "123"})
    assert answer.status_code == 200
    assert 'class="errorlist"' in answer.content.decode()


def test_a_supervisor_cannot_open_another_supervisors_report_page() -> None:
    reviewer = make_reviewer()
    alice, bob = make_supervisor(reviewer=reviewer), make_supervisor(reviewer=reviewer)
    client_for(bob.user).post(
        reverse("supervisors:report-new"), report_payload(observed_at="2026-11-30T10:15")
    )
    report = SupervisorReport.objects.get(supervisor=bob)
    url = reverse("supervisors:report-detail", args=[report.pk])
    assert client_for(alice.user).get(url).status_code == 404
    assert client_for(alice.user).get(reverse("supervisors:office")).status_code == 403


def test_the_admin_pages_show_masked_supervisors_and_spot_checks() -> None:
    from django.contrib.auth import get_user_model

    from supervisors.services import SpotCheckRow, spotcheck_upsert

    supervisor = make_supervisor()
    spot, _ = spotcheck_upsert(
        row=SpotCheckRow(
            product="白酒", producer="湖南某某酒业", region="430102", result="不合格",
            published_on="2026-11-20", category="food-liquor",
        ),
        actor=None,
    )  # fmt: skip
    admin = get_user_model().objects.create_superuser("root-admin", password=None)
    client = client_for(admin)
    for url in (
        reverse("admin:supervisors_supervisor_changelist"),
        reverse("admin:supervisors_supervisor_change", args=[supervisor.pk]),
        reverse("admin:supervisors_supervisorreport_changelist"),
        reverse("admin:supervisors_spotcheck_changelist"),
        reverse("admin:supervisors_spotcheck_change", args=[spot.pk]),
        reverse("admin:supervisors_pointsrule_changelist"),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert supervisor.id_number not in page.content.decode()


def test_a_photo_is_served_only_to_who_may_see_its_report() -> None:
    reviewer = make_reviewer()
    alice, bob = make_supervisor(reviewer=reviewer), make_supervisor(reviewer=reviewer)
    client_for(alice.user).post(
        reverse("supervisors:report-new"),
        {**report_payload(observed_at="2026-11-30T10:15"), "photos": [upload(jpeg_bytes())]},
    )
    report = SupervisorReport.objects.get(supervisor=alice)
    photo = report.photos.get()
    url = reverse("supervisors:report-photo", args=[report.pk, photo.pk])
    for user in (alice.user, reviewer):
        answer = client_for(user).get(url)
        assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"
        assert answer["X-Content-Type-Options"] == "nosniff"
        assert b"".join(answer.streaming_content)[:2] == b"\xff\xd8"  # type: ignore[attr-defined]
    assert client_for(bob.user).get(url).status_code == 404


def test_an_office_records_a_supervisors_training_on_its_page() -> None:
    """The office page links each supervisor's training page; a course is
    recorded there through the service (bad input gets field messages),
    and another office's supervisor is not found."""
    from supervisors.models import TrainingRecord

    reviewer = make_reviewer()
    supervisor = make_supervisor(reviewer=reviewer)
    office = client_for(reviewer)
    url = reverse("supervisors:supervisor-training", args=[supervisor.pk])
    assert f'href="{url}"' in office.get(reverse("supervisors:office")).content.decode()
    page = office.get(url)
    assert page.status_code == 200 and supervisor.id_number not in page.content.decode()

    bad = office.post(url, {"title": "", "held_on": "2026-13-01", "hours": "0"})
    assert bad.status_code == 400 and not TrainingRecord.objects.exists()
    assert bad.content.decode().count('class="errorlist"') == 3

    sent = office.post(url, {"title": "食品标签识别", "held_on": "2026-11-20", "hours": "3.5"})
    assert sent.status_code == 302 and sent["Location"] == url
    record = TrainingRecord.objects.get(supervisor=supervisor)
    assert (record.title, str(record.held_on), str(record.hours)) == (
        "食品标签识别",
        "2026-11-20",
        "3.5",
    )
    assert record.recorded_by == reviewer
    shown = office.get(url).content.decode()
    assert "食品标签识别" in shown and "2026-11-20" in shown and not CODES.search(shown)

    stranger = client_for(make_reviewer("430202"))
    assert stranger.get(url).status_code == 404
    assert (
        stranger.post(url, {"title": "x", "held_on": "2026-11-20", "hours": "1"}).status_code == 404
    )
    assert TrainingRecord.objects.count() == 1
    assert client_for(supervisor.user).get(url).status_code == 403


def test_a_business_spot_check_record_is_linked_from_its_search_hits() -> None:
    """The page lists a business's results by its credit code, as producer
    or as seller, with labels; a hit whose business has a credit code links
    to it; a malformed code is not found and a consumer may not look."""
    from core.roles import Role
    from search.backends.base import Hit
    from search.selectors import facet_labels, hit_row
    from supervisors.services import SpotCheckRow, spotcheck_upsert
    from tests.cases.factories import make_staff, valid_credit_code

    code, other = valid_credit_code(), valid_credit_code("91430100MA4L000010")
    assert code != other
    for batch, producer_code, result in (
        ("A1", code, "不合格"),
        ("A2", code, "合格"),
        ("B1", other, "不合格"),
    ):
        spotcheck_upsert(
            row=SpotCheckRow(
                product="白酒",
                category="food-liquor",
                brand="某牌",
                model_batch=batch,
                producer="湖南某某酒业有限公司",
                producer_credit_code=producer_code,
                region="430102",
                items_tested="酒精度",
                result=result,
                non_conforming_items="酒精度" if result == "不合格" else "",
                published_on="2026-11-01",
            ),
            actor=None,
        )
    officer = client_for(make_staff(Role.ENFORCEMENT_OFFICER))
    url = reverse("supervisors:business-spotchecks", args=[code])
    page = officer.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "A1" in html and "A2" in html and "B1" not in html
    assert "不合格" in html and not CODES.search(html)

    row = hit_row(
        Hit(
            id=1,
            source={
                "tracking_code": "X",
                "kind": "complaint",
                "source": "complaint",
                "status": "registered",
                "received_at": "2026-11-01T00:00:00.000+08:00",
                "category": "food-liquor",
                "problem_type": "fake_brand",
                "counterfeit": True,
                "seller_key": f"uscc:{code}",
            },
        ),
        facet_labels(),
    )
    assert row["business_url"] == url
    assert (
        officer.get(reverse("supervisors:business-spotchecks", args=["NOT-A-CODE"])).status_code
        == 404
    )
    assert client_for(make_consumer()).get(url).status_code == 403
