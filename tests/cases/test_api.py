"""The case REST API: intake, lists with masking, detail, transitions with
their 400 / 403 / 404 / 409 answers, and the event log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.models import Case, Evidence
from complaints.services import case_transition, intake_create
from core.events import events_of
from core.models import Event, OutboxEntry, RuleSet
from core.roles import Role
from tests.cases.factories import (
    OTHER_REGION,
    intake_payload,
    make_consumer,
    make_intake_data,
    make_staff,
    mobile,
    office_for,
    valid_credit_code,
)

pytestmark = pytest.mark.usefixtures("postgres")


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def transition(client: APIClient, case_id: int, name: str, **body: Any) -> Any:
    return client.post(f"/api/v1/cases/{case_id}/transitions/{name}/", body, format="json")


@pytest.fixture
def operator() -> Any:
    return make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")


@pytest.fixture
def handler() -> Any:
    return make_staff(Role.CASE_HANDLER)


def test_intake_creates_a_routed_case_with_event_clock_and_outbox(operator: Any) -> None:
    response = client_for(operator).post("/api/v1/intakes/", intake_payload(), format="json")
    assert response.status_code == 201, response.json()
    [body] = response.json()["cases"]
    case = Case.objects.get(pk=body["id"])
    assert case.office == office_for()
    assert case.status == "registered"
    assert case.tracking_code == body["tracking_code"]
    assert case.complainant_phone.startswith("+86139")
    [event] = case.events.all()
    assert (event.action, event.to_status, event.actor) == ("registered", "registered", operator)
    assert event.rule_set == case.rule_set.code
    assert case.clocks.filter(kind="acceptance", stopped_on=None).exists()
    assert OutboxEntry.objects.filter(model="complaints.case", object_id=case.pk).exists()


def test_both_creates_a_linked_complaint_and_report_each_with_its_own_clock(
    operator: Any,
) -> None:
    """处理办法第九条: material with both is split into a linked pair."""
    result = intake_create(data=make_intake_data(kind="both"), actor=operator)
    assert result.complaint is not None and result.report is not None
    assert result.complaint.linked_case_id == result.report.pk
    assert result.report.linked_case_id == result.complaint.pk
    assert result.complaint.clocks.filter(kind="acceptance").count() == 1
    assert result.report.clocks.filter(kind="report_verification").count() == 1
    assert result.complaint.tracking_code != result.report.tracking_code


@pytest.mark.parametrize(
    ("received", "expected_effective"),
    [
        # The day before and the day of the change of rules (处理办法, from 2026-04-15).
        (dt.datetime(2026, 4, 14, 23, 30), dt.date(2019, 11, 30)),
        (dt.datetime(2026, 4, 15, 0, 10), dt.date(2026, 4, 15)),
    ],
)
def test_case_pins_the_rule_set_in_force_on_its_local_receipt_date(
    operator: Any, received: dt.datetime, expected_effective: dt.date
) -> None:
    received_at = timezone.make_aware(received)  # Asia/Shanghai local time
    result = intake_create(data=make_intake_data(received_at=received_at), actor=operator)
    assert result.cases[0].rule_set == RuleSet.objects.get(effective_from=expected_effective)


def test_bad_intake_gets_400_with_field_messages(operator: Any) -> None:
    payload = intake_payload(
        complainant_phone="12345",
        complainant_id_number="430102199005171230",
        business_credit_code="91430100MA4L00000X",
        region="999999",
        demands="",
    )
    response = client_for(operator).post(
        "/api/v1/intakes/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    body = response.json()
    assert {
        "complainant_phone",
        "complainant_id_number",
        "business_credit_code",
        "region",
        "demands",
    } <= set(body)
    assert all(isinstance(m, str) and m for messages in body.values() for m in messages)
    assert not Case.objects.exists()


def test_field_messages_follow_the_users_language(operator: Any) -> None:
    payload = intake_payload(complainant_phone="12345")
    english = client_for(operator).post(
        "/api/v1/intakes/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 400
    assert "phone" in english.json()["complainant_phone"][0].lower()


def test_a_complaint_cannot_be_anonymous_but_a_report_can(operator: Any) -> None:
    client = client_for(operator)
    complaint = client.post(
        "/api/v1/intakes/",
        intake_payload(anonymous=True, complainant_name="", complainant_phone=""),
        format="json",
    )
    assert complaint.status_code == 400
    assert "anonymous" in complaint.json()
    report = client.post(
        "/api/v1/intakes/",
        intake_payload(kind="report", anonymous=True, complainant_name="", complainant_phone=""),
        format="json",
    )
    assert report.status_code == 201, report.json()


def test_work_order_numbers_are_required_for_12345_and_unique(operator: Any) -> None:
    client = client_for(operator)
    missing = client.post("/api/v1/intakes/", intake_payload(channel="12345"), format="json")
    assert "work_order_no" in missing.json()
    first = client.post(
        "/api/v1/intakes/", intake_payload(channel="12345", work_order_no="WO-1"), format="json"
    )
    assert first.status_code == 201
    again = client.post(
        "/api/v1/intakes/", intake_payload(channel="12345", work_order_no="WO-1"), format="json"
    )
    assert again.status_code == 400
    assert "work_order_no" in again.json()


def test_evidence_is_sniffed_and_stored_under_a_random_name(operator: Any) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    upload = SimpleUploadedFile("receipt.png", png, content_type="text/html")
    payload = intake_payload()
    payload["evidence"] = [upload]
    response = client_for(operator).post("/api/v1/intakes/", payload, format="multipart")
    assert response.status_code == 201, response.json()
    evidence = Evidence.objects.get()
    assert evidence.content_type == "image/png"  # the client claimed text/html
    assert evidence.original_name == "receipt.png"
    stored_name = str(evidence.file.name)
    assert "receipt" not in stored_name
    assert stored_name.endswith(".png")


def test_evidence_that_is_not_an_allowed_type_is_rejected(operator: Any) -> None:
    script = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", "image/jpeg")
    payload = intake_payload()
    payload["evidence"] = [script]
    response = client_for(operator).post("/api/v1/intakes/", payload, format="multipart")
    assert response.status_code == 400
    assert "evidence" in response.json()
    assert not Case.objects.exists()


def test_lists_mask_phone_numbers_and_detail_shows_them(operator: Any, handler: Any) -> None:
    phone = mobile()
    case = intake_create(data=make_intake_data(complainant_phone=phone), actor=operator).cases[0]
    client = client_for(handler)
    listing = client.get("/api/v1/cases/").json()
    [row] = listing["results"]
    assert row["id"] == case.pk
    assert phone not in str(listing)
    assert row["complainant_phone"] == f"{'+86139'[1:4]}****{phone[-4:]}"
    detail = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["complainant_phone"] == f"+86{phone}"
    assert "accept" in detail["allowed_transitions"]


def test_staff_of_another_office_do_not_see_the_case(operator: Any) -> None:
    case = intake_create(data=make_intake_data(), actor=operator).cases[0]
    stranger = make_staff(Role.CASE_HANDLER, office_for(OTHER_REGION))
    client = client_for(stranger)
    assert client.get("/api/v1/cases/").json()["results"] == []
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert transition(client, case.pk, "accept").status_code == 404
    case = Case.objects.get(pk=case.pk)
    assert case.status == "registered"


def test_consumers_see_only_their_own_cases(operator: Any) -> None:
    consumer = make_consumer()
    client = client_for(consumer)
    own = client.post("/api/v1/intakes/", intake_payload(channel="phone"), format="json")
    assert own.status_code == 201, own.json()
    own_case = Case.objects.get(pk=own.json()["cases"][0]["id"])
    assert (own_case.channel, own_case.consumer) == ("web", consumer)
    other = intake_create(data=make_intake_data(), actor=operator).cases[0]
    ids = [row["id"] for row in client.get("/api/v1/cases/").json()["results"]]
    assert ids == [own_case.pk]
    assert client.get(f"/api/v1/cases/{other.pk}/").status_code == 404
    # A consumer may withdraw their own complaint, and nothing else.
    assert transition(client, own_case.pk, "accept").status_code == 403
    handler = make_staff(Role.CASE_HANDLER)
    case_transition(
        case_id=own_case.pk,
        name="request_materials",
        actor=handler,
        note="internal: check the receipt",
    )
    assert transition(client, own_case.pk, "withdraw").status_code == 200
    # Their trail shows what happened, not staff notes or names.
    trail = client.get(f"/api/v1/cases/{own_case.pk}/events/").json()
    assert [e["action"] for e in trail] == ["registered", "request_materials", "withdraw"]
    assert all("note" not in e and "actor" not in e for e in trail)
    assert "internal" not in str(trail)


def test_transition_answers_200_409_403_and_400(operator: Any, handler: Any) -> None:
    case = intake_create(data=make_intake_data(), actor=operator).cases[0]
    mediator = make_staff(Role.MEDIATOR)
    client = client_for(handler)

    # 409: not possible from "registered"; the body lists what is.
    conflict = transition(client, case.pk, "reach_agreement")
    assert conflict.status_code == 409
    assert set(conflict.json()["allowed"]) == {
        "request_materials",
        "accept",
        "decline",
        "transfer",
        "return_work_order",
        "withdraw",
    }
    # 403: possible now, but not for a mediator.
    assert transition(client_for(mediator), case.pk, "accept").status_code == 403
    # 400: a reason code that is not a ground of the pinned rule set.
    bad = transition(client, case.pk, "decline", reason_code="because")
    assert bad.status_code == 400
    assert "reason_code" in bad.json()
    assert transition(client, case.pk, "decline").json().keys() == {"reason_code"}

    ok = transition(client, case.pk, "accept", note="materials complete")
    assert ok.status_code == 200
    assert ok.json()["status"] == "accepted"
    assert ok.json()["version"] == case.version + 1
    missing = transition(client, case.pk, "start_mediation")
    assert missing.status_code == 400
    assert "mediator" in missing.json()
    started = transition(client, case.pk, "start_mediation", params={"mediator": mediator.pk})
    assert started.status_code == 200
    assert started.json()["mediator"] == mediator.pk

    events = client.get(f"/api/v1/cases/{case.pk}/events/").json()
    assert [e["action"] for e in events] == ["registered", "accept", "start_mediation"]
    assert events[1]["note"] == "materials complete"
    assert events[1]["actor"] == handler.username


def test_stale_expected_version_is_a_409(operator: Any, handler: Any) -> None:
    case = intake_create(data=make_intake_data(), actor=operator).cases[0]
    response = transition(client_for(handler), case.pk, "accept", expected_version=case.version + 5)
    assert response.status_code == 409
    assert response.json()["version"] == case.version
    assert Event.objects.filter(case=case).count() == 1


def test_transfer_moves_the_case_to_the_other_office(operator: Any, handler: Any) -> None:
    case = intake_create(data=make_intake_data(), actor=operator).cases[0]
    target = office_for(OTHER_REGION)
    response = transition(
        client_for(handler),
        case.pk,
        "transfer",
        reason_code="competent-office",
        params={"to_office": target.code},
    )
    assert response.status_code == 200, response.json()
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.office, case.status_reason) == (
        "transferred",
        target,
        "competent-office",
    )
    # Now the receiving office acts, not the sender.
    assert transition(client_for(handler), case.pk, "take_over").status_code == 404
    receiver = make_staff(Role.CASE_HANDLER, target)
    assert transition(client_for(receiver), case.pk, "take_over").status_code == 200


def test_list_filters(operator: Any, handler: Any) -> None:
    dairy = intake_create(data=make_intake_data(category="food-dairy"), actor=operator).cases[0]
    fireworks = intake_create(
        data=make_intake_data(category="sundries-fireworks"), actor=operator
    ).cases[0]
    transition(client_for(handler), fireworks.pk, "accept")
    client = client_for(handler)

    def ids(**params: Any) -> set[int]:
        return {row["id"] for row in client.get("/api/v1/cases/", params).json()["results"]}

    assert ids(category="food") == {dairy.pk}
    assert ids(category="sundries") == {fireworks.pk}
    assert ids(status="accepted") == {fireworks.pk}
    assert ids(status="registered,accepted") == {dairy.pk, fireworks.pk}
    assert ids(region="430100") == {dairy.pk, fireworks.pk}
    assert ids(region="430200") == set()
    assert ids(q=dairy.tracking_code) == {dairy.pk}
    acceptance_due = dairy.clocks.get(kind="acceptance").due_on
    assert dairy.pk in ids(due_before=acceptance_due.isoformat())
    assert dairy.pk not in ids(due_before=(acceptance_due - dt.timedelta(days=1)).isoformat())
    assert client.get("/api/v1/cases/", {"due_before": "soon"}).status_code == 400


def test_duplicates_are_reported_at_intake_and_can_be_linked(operator: Any) -> None:
    phone = mobile()
    credit = valid_credit_code()
    first = intake_create(
        data=make_intake_data(complainant_phone=phone, business_credit_code=credit), actor=operator
    ).cases[0]
    same_caller = intake_create(
        data=make_intake_data(complainant_phone=phone, category="sundries-fireworks"),
        actor=operator,
    )
    assert [c.pk for c in same_caller.duplicates] == [first.pk]
    same_business = intake_create(
        data=make_intake_data(business_credit_code=credit), actor=operator
    )
    assert first.pk in [c.pk for c in same_business.duplicates]
    unrelated = intake_create(data=make_intake_data(category="textiles"), actor=operator)
    assert unrelated.duplicates == []

    response = client_for(operator).post(
        "/api/v1/intakes/", intake_payload(related_to=[first.pk]), format="json"
    )
    assert response.status_code == 201
    linked = Case.objects.get(pk=response.json()["cases"][0]["id"])
    assert list(linked.related_cases.all()) == [first]
    assert list(first.related_cases.all()) == [linked]
    # The existing case records the link in its own trail, with a new version.
    reread = Case.objects.get(pk=first.pk)
    [event] = events_of(reread).filter(action="linked")
    assert (event.version, event.data["related_case"]) == (reread.version, linked.pk)
    assert reread.version == first.version + 1


def test_schema_documents_the_case_api(handler: Any) -> None:
    schema = client_for(handler).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/cases/{id}/transitions/{name}/" in schema["paths"]
    post = schema["paths"]["/api/v1/cases/{id}/transitions/{name}/"]["post"]
    assert {"200", "403", "409"} <= set(post["responses"])


def test_notices_are_logged_with_channel_and_proof(operator: Any, handler: Any) -> None:
    """Every notice is logged with time, channel and proof (docs/legal-basis.md §4)."""
    case = intake_create(data=make_intake_data(), actor=operator).cases[0]
    client = client_for(handler)
    url = f"/api/v1/cases/{case.pk}/notices/"
    created = client.post(
        url, {"kind": "acceptance", "via": "sms", "proof": "SMS receipt 8812"}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert client.get(url).json() == [created.json()]
    stored = Case.objects.get(pk=case.pk)
    assert stored.version == case.version + 1
    event = stored.events.get(action="notice")
    assert (event.data["kind"], event.data["via"], event.note) == (
        "acceptance",
        "sms",
        "SMS receipt 8812",
    )
    bad = client.post(url, {"kind": "telepathy", "via": "pigeon"}, format="json")
    assert bad.status_code == 400
    assert {"kind", "via"} <= set(bad.json())
    early = client.post(
        url, {"kind": "hearing", "via": "phone", "sent_at": "2001-01-01T00:00:00Z"}, format="json"
    )
    assert early.status_code == 400
    assert "sent_at" in early.json()
    assert client_for(operator).post(url, {"kind": "hearing", "via": "sms"}).status_code == 403


def test_a_notice_after_closing_leaves_the_final_state_and_records_one_event(
    operator: Any, handler: Any
) -> None:
    case = intake_create(data=make_intake_data(), actor=operator).cases[0]
    client = client_for(handler)
    assert transition(client, case.pk, "withdraw").status_code == 200
    final = Case.objects.get(pk=case.pk)
    response = client.post(
        f"/api/v1/cases/{case.pk}/notices/", {"kind": "result", "via": "letter"}, format="json"
    )
    assert response.status_code == 201
    after = Case.objects.get(pk=case.pk)
    assert (after.status, after.closed_at) == (final.status, final.closed_at)
    # The notice is one more event of the case, numbered with its next version.
    last = after.events.order_by("id").last()
    assert last is not None and last.action == "notice"
    assert (after.version, last.version) == (final.version + 1, final.version + 1)
