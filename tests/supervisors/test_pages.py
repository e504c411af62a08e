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
