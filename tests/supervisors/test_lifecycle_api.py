"""The supervisor and report lifecycles through the API, against the real
services: application, appointment, a report with a photo, its review, and
the report case it becomes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.models import Case, Channel
from core.events import events_of
from core.models import Clock
from core.models.outbox import OutboxEntry
from supervisors.models import PointsEntry, Supervisor, SupervisorReport
from supervisors.services import supervisor_terms_sweep
from tests.cases.factories import OTHER_REGION, make_consumer, mobile, valid_id_number
from tests.supervisors.factories import (
    CATEGORY,
    jpeg_bytes,
    make_reviewer,
    make_supervisor,
    report_payload,
    upload,
)

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_supervisor_lifecycle_through_the_api() -> None:
    reviewer = make_reviewer()
    applicant = make_consumer()
    me = client_for(applicant)
    office = reviewer.staff_profile.office
    answer = me.post(
        reverse("api-supervisor-apply"),
        {
            "name": "王监督",
            "phone": mobile(),
            "id_number": valid_id_number(),
            "office": office.code,
            "region": office.region_id,
            "categories": [CATEGORY],
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["status"] == "applied" and "*" in body["id_number"]
    pk = body["id"]

    # Filing before the appointment is refused.
    refused = me.post(reverse("api-supervisor-report-list"), report_payload())
    assert refused.status_code == 403

    staff = client_for(reviewer)
    appointed = staff.post(
        reverse("api-supervisor-transition", args=[pk, "appoint"]), {"version": 1}, format="json"
    )
    assert appointed.status_code == 200, appointed.json()
    data = appointed.json()
    assert data["status"] == "appointed" and data["number"]
    assert dt.date.fromisoformat(data["term_ends_on"]) > dt.date.today() + dt.timedelta(days=700)
    training = staff.post(
        reverse("api-supervisor-trainings", args=[pk]),
        {"title": "假冒伪劣识别", "held_on": "2026-11-20", "hours": "3.5"},
        format="json",
    )
    assert training.status_code == 201

    # A fresh user object, as the next request loads: permissions are cached per object.
    me = client_for(type(applicant).objects.get(pk=applicant.pk))
    filed = me.post(
        reverse("api-supervisor-report-list"),
        {**report_payload(), "photos": [upload(jpeg_bytes(gps=(28.19, 112.98)))]},
        format="multipart",
    )
    assert filed.status_code == 201, filed.json()
    report_id = filed.json()["id"]
    assert filed.json()["latitude"] is not None  # from the photo's EXIF

    def step(client: APIClient, name: str, **data: Any) -> dict[str, Any]:
        response = client.post(
            reverse("api-supervisor-report-transition", args=[report_id, name]), data
        )
        assert response.status_code == 200, response.json()
        return dict(response.json())

    assert step(staff, "start_review")["status"] == "under_review"
    assert step(staff, "request_info", reason="请补充货架照片")["status"] == "info_requested"
    supplemented = step(
        me, "supplement", description="补充：店内另有三箱", photos=[upload(jpeg_bytes())]
    )
    assert supplemented["status"] == "under_review" and len(supplemented["photos"]) == 2
    verified = step(staff, "verify")
    assert verified["status"] == "verified" and verified["case_tracking_code"].startswith("R-")
    assert verified["points"] == 15

    case = Case.objects.get(pk=verified["case"])
    assert (case.kind, case.channel) == ("report", Channel.SUPERVISOR)
    assert Clock.objects.filter(owner_id=case.pk, kind="report_verification").exists()
    report = SupervisorReport.objects.get(pk=report_id)
    actions = list(events_of(report).order_by("version").values_list("action", "version"))
    assert actions == [
        ("submitted", 1), ("start_review", 2), ("request_info", 3), ("supplement", 4),
        ("verify", 5),
    ]  # fmt: skip
    # The report is counted through its case now; its own document goes.
    assert OutboxEntry.objects.filter(model="supervisors.supervisorreport", object_id=report_id)

    mine = me.get(reverse("api-supervisor-me")).json()
    assert mine["points"] == 15 and [r["id"] for r in mine["reports"]] == [report_id]

    activity = staff.get(reverse("api-supervisor-activity")).json()
    [row] = [r for r in activity if r["supervisor"]["id"] == pk]
    assert (row["reports"], row["verified"], row["verified_rate"]) == (1, 1, 1.0)

    dismissed = staff.post(reverse("api-supervisor-transition", args=[pk, "dismiss"]), {})
    assert dismissed.status_code == 400 and "reason" in dismissed.json()


def test_a_verified_report_can_link_an_existing_case_and_earns_points_once() -> None:
    reviewer = make_reviewer()
    supervisor = make_supervisor(reviewer=reviewer)
    me, staff = client_for(supervisor.user), client_for(reviewer)
    first = me.post(reverse("api-supervisor-report-list"), report_payload()).json()["id"]
    staff.post(reverse("api-supervisor-report-transition", args=[first, "start_review"]))
    case_id = staff.post(
        reverse("api-supervisor-report-transition", args=[first, "verify"])
    ).json()["case"]
    second = me.post(reverse("api-supervisor-report-list"), report_payload()).json()["id"]
    staff.post(reverse("api-supervisor-report-transition", args=[second, "start_review"]))
    linked = staff.post(
        reverse("api-supervisor-report-transition", args=[second, "verify"]),
        {"link_case": case_id},
    ).json()
    assert linked["case"] == case_id and linked["points"] == 10
    again = staff.post(reverse("api-supervisor-report-transition", args=[second, "verify"]))
    assert again.status_code == 400
    assert PointsEntry.objects.filter(supervisor=supervisor).count() == 3


def test_an_expired_term_blocks_filing() -> None:
    supervisor = make_supervisor()
    me = client_for(supervisor.user)
    assert me.post(reverse("api-supervisor-report-list"), report_payload()).status_code == 201
    assert supervisor.term_ends_on is not None
    result = supervisor_terms_sweep(today=supervisor.term_ends_on + dt.timedelta(days=1))
    assert result["expired"] == 1
    assert Supervisor.objects.get(pk=supervisor.pk).status == "expired"
    refused = client_for(type(supervisor.user).objects.get(pk=supervisor.user_id)).post(
        reverse("api-supervisor-report-list"), report_payload()
    )
    assert refused.status_code == 403
    assert SupervisorReport.objects.filter(supervisor=supervisor).count() == 1
    # Sweeping again changes nothing.
    assert supervisor_terms_sweep(today=supervisor.term_ends_on + dt.timedelta(days=2)) == {
        "expired": 0,
        "reminded": 0,
    }


def test_the_term_reminder_goes_out_once() -> None:
    supervisor = make_supervisor()
    assert supervisor.term_ends_on is not None
    day = supervisor.term_ends_on - dt.timedelta(days=10)
    assert supervisor_terms_sweep(today=day)["reminded"] == 1
    assert supervisor_terms_sweep(today=day + dt.timedelta(days=1))["reminded"] == 0
    assert Supervisor.objects.get(pk=supervisor.pk).status == "appointed"


def test_a_supervisor_sees_only_their_own_reports() -> None:
    reviewer = make_reviewer()
    alice, bob = make_supervisor(reviewer=reviewer), make_supervisor(reviewer=reviewer)
    alices = client_for(alice.user).post(reverse("api-supervisor-report-list"), report_payload())
    bobs = client_for(bob.user).post(reverse("api-supervisor-report-list"), report_payload())
    alice_id, bob_id = alices.json()["id"], bobs.json()["id"]
    as_alice = client_for(alice.user)
    listed = as_alice.get(reverse("api-supervisor-report-list")).json()["results"]
    assert [r["id"] for r in listed] == [alice_id]
    assert as_alice.get(reverse("api-supervisor-report-detail", args=[bob_id])).status_code == 404
    steal = as_alice.post(reverse("api-supervisor-report-transition", args=[bob_id, "supplement"]))
    assert steal.status_code == 404
    # Nor review it, nor see the other supervisor's record.
    assert as_alice.get(reverse("api-supervisor-detail", args=[bob.pk])).status_code == 404
    # Office staff see their office's reports, another office's staff none.
    office_list = client_for(reviewer).get(reverse("api-supervisor-report-list")).json()
    assert {r["id"] for r in office_list["results"]} == {alice_id, bob_id}
    outsider = client_for(make_reviewer(OTHER_REGION))
    assert outsider.get(reverse("api-supervisor-report-list")).json()["results"] == []
    assert outsider.get(reverse("api-supervisor-report-detail", args=[alice_id])).status_code == 404
    moved = outsider.post(
        reverse("api-supervisor-transition", args=[alice.pk, "suspend"]), {"reason": "x"}
    )
    assert moved.status_code == 404


def test_bad_input_is_a_400_with_field_messages() -> None:
    supervisor = make_supervisor()
    me = client_for(supervisor.user)
    answer = me.post(
        reverse("api-supervisor-report-list"),
        report_payload(
            finding="nonsense",
            category="no-such",
            seller_region="999999",
            seller_credit_code="123",
            observed_at="2999-01-01T00:00:00+08:00",
        ),
    )
    assert answer.status_code == 400
    assert {"finding"} <= set(answer.json())
    answer = me.post(
        reverse("api-supervisor-report-list"),
        report_payload(category="no-such", seller_region="999999", seller_credit_code="123",
                       observed_at="2999-01-01T00:00:00+08:00"),
    )  # fmt: skip
    assert answer.status_code == 400
    assert {"category", "seller_region", "seller_credit_code", "observed_at"} <= set(answer.json())
    photo = me.post(
        reverse("api-supervisor-report-list"),
        {**report_payload(), "photos": [upload(b"MZ\x90\x00not an image", "x.jpg")]},
        format="multipart",
    )
    assert photo.status_code == 400 and "photos" in photo.json()
    assert not SupervisorReport.objects.filter(supervisor=supervisor).exists()
    applied = client_for(make_consumer()).post(
        reverse("api-supervisor-apply"), {"categories": ["x"]}, format="json"
    )
    assert applied.status_code == 400 and {"name", "phone", "id_number"} <= set(applied.json())


def test_the_office_page_counts_with_a_fixed_number_of_queries() -> None:
    reviewer = make_reviewer()
    for _ in range(3):
        supervisor = make_supervisor(reviewer=reviewer)
        client_for(supervisor.user).post(reverse("api-supervisor-report-list"), report_payload())
    staff = client_for(reviewer)
    with CaptureQueriesContext(connection) as three:
        staff.get(reverse("api-supervisor-activity"))
    make_supervisor(reviewer=reviewer)
    with CaptureQueriesContext(connection) as four:
        staff.get(reverse("api-supervisor-activity"))
    assert len(four) == len(three)
