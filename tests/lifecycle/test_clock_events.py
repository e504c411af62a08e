"""Clock changes recorded as events of their owner: approved extensions,
the termination notice that stops its clock, and recalculation on a newly
loaded calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from complaints.models import Case
from complaints.services import (
    case_clock_extend,
    case_notice_record,
    case_transition,
    intake_create,
)
from core.clocks.calendar import WorkCalendar, add_days
from core.clocks.recalculate import clocks_recalculate
from core.models import Clock, Event
from core.roles import Role
from tests.cases.factories import make_intake_data, make_staff, office_for

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def operator() -> Any:
    return make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")


@pytest.fixture
def handler() -> Any:
    return make_staff(Role.CASE_HANDLER)


@pytest.fixture
def head() -> Any:
    user = make_staff(Role.CASE_HANDLER)
    office = office_for()
    office.head = user
    office.save(update_fields=["head"])
    return user


def _report(operator: Any) -> Any:
    report = intake_create(data=make_intake_data(kind="report"), actor=operator).report
    assert report is not None
    return report


def test_an_extension_moves_the_deadline_with_one_event(operator: Any, head: Any) -> None:
    report = _report(operator)
    base = report.clocks.get(kind="report_verification", stopped_on__isnull=True)
    before = report.version
    extension = case_clock_extend(
        case_id=report.pk, clock="report_verification", reason="需要抽样检验", actor=head
    )
    calendar = WorkCalendar.load()
    assert extension.kind == "report_verification_extension"
    assert extension.started_on == base.due_on
    assert (
        extension.due_on
        == add_days(start=base.due_on, amount=15, unit="working", calendar=calendar).due_on
    )
    base.refresh_from_db()
    assert base.stopped_on is not None
    report = Case.objects.get(pk=report.pk)
    event = report.events.get(action="clock_extended")
    assert report.version == before + 1 == event.version
    assert event.note == "需要抽样检验"
    assert event.data["approver"] == head.pk
    assert event.data["old_due_on"] == base.due_on.isoformat()
    assert event.data["due_on"] == extension.due_on.isoformat()
    # Granted once only.
    with pytest.raises(ValidationError) as again:
        case_clock_extend(case_id=report.pk, clock="report_verification", reason="再延", actor=head)
    assert "clock" in again.value.message_dict


def test_only_the_office_head_approves_and_a_reason_is_required(
    operator: Any, handler: Any, head: Any
) -> None:
    report = _report(operator)
    with pytest.raises(PermissionDenied):
        case_clock_extend(case_id=report.pk, clock="report_verification", reason="x", actor=handler)
    with pytest.raises(ValidationError) as missing:
        case_clock_extend(case_id=report.pk, clock="report_verification", reason=" ", actor=head)
    assert "reason" in missing.value.message_dict
    with pytest.raises(ValidationError) as wrong:
        case_clock_extend(case_id=report.pk, clock="acceptance", reason="x", actor=head)
    assert "clock" in wrong.value.message_dict
    assert not Event.objects.filter(case=report, action="clock_extended").exists()


def test_the_extension_api_answers_400_with_field_messages(operator: Any, head: Any) -> None:
    report = _report(operator)
    client = APIClient()
    client.force_authenticate(head)
    url = f"/api/v1/cases/{report.pk}/extensions/"
    bad = client.post(url, {"clock": "report_verification"}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()
    ok = client.post(url, {"clock": "report_verification", "reason": "需要检验"}, format="json")
    assert ok.status_code == 200
    kinds = {c["kind"] for c in ok.json()["clocks"]}
    assert "report_verification_extension" in kinds


def test_the_termination_notice_stops_its_clock(operator: Any, handler: Any) -> None:
    mediator = make_staff(Role.MEDIATOR)
    case = intake_create(data=make_intake_data(), actor=operator).cases[0]
    case_transition(case_id=case.pk, name="accept", actor=handler)
    case_transition(
        case_id=case.pk, name="start_mediation", actor=handler, params={"mediator": mediator.pk}
    )
    case_transition(
        case_id=case.pk,
        name="terminate_mediation",
        actor=mediator,
        reason_code="agreement-impossible",
    )
    clock = Clock.objects.get(case=case, kind="termination_notice")
    assert clock.stopped_on is None
    # Another kind of notice leaves it running.
    case_notice_record(case_id=case.pk, kind="hearing", via="sms", actor=mediator)
    clock.refresh_from_db()
    assert clock.stopped_on is None
    case_notice_record(case_id=case.pk, kind="termination", via="letter", actor=mediator)
    clock.refresh_from_db()
    assert clock.stopped_on is not None
    event = case.events.filter(action="notice").last()
    assert event is not None and event.data["clocks"] == ["termination_notice"]


def test_recalculation_records_an_event_per_deadline_it_moves(operator: Any) -> None:
    case = intake_create(data=make_intake_data(), actor=operator).cases[0]
    clock = case.clocks.get(kind="acceptance")
    # Pretend the deadline was counted weekends-only past a calendar not yet
    # loaded, one day too early.
    wrong = clock.due_on - dt.timedelta(days=1)
    Clock.objects.filter(pk=clock.pk).update(due_on=wrong, provisional=True)
    case = Case.objects.get(pk=case.pk)
    before = case.version
    calendar = WorkCalendar.load()
    assert clocks_recalculate(before=calendar, after=calendar) == 1
    clock.refresh_from_db()
    case = Case.objects.get(pk=case.pk)
    assert clock.due_on != wrong and not clock.provisional
    event = case.events.get(action="clock_recalculated")
    assert (event.data["old_due_on"], event.data["due_on"]) == (
        wrong.isoformat(),
        clock.due_on.isoformat(),
    )
    assert case.version == before + 1 == event.version
    # Nothing left to move: no further event.
    assert clocks_recalculate(before=calendar, after=calendar) == 0
    assert case.events.filter(action="clock_recalculated").count() == 1


def test_the_office_head_extends_a_deadline_from_the_case_page(
    operator: Any, handler: Any, head: Any
) -> None:
    from django.test import Client
    from django.urls import reverse

    report = _report(operator)
    page_url = reverse("complaints:case-detail", args=[report.pk])
    post_url = reverse("complaints:case-extension", args=[report.pk])
    as_head, as_handler = Client(), Client()
    as_head.force_login(head)
    as_handler.force_login(handler)
    # Only the head is offered the form, and only for a clock with an extension rule.
    assert 'id="extend-report_verification"' in as_head.get(page_url, secure=True).content.decode()
    assert 'data-action="extend"' not in as_handler.get(page_url, secure=True).content.decode()

    # A refusal comes back to the case page with the reason; nothing changes.
    refused = as_handler.post(
        post_url, {"clock": "report_verification", "reason": "x"}, secure=True, follow=True
    )
    assert refused.redirect_chain[-1][0] == page_url
    assert not Clock.objects.filter(owner_id=report.pk, kind__endswith="_extension").exists()
    no_reason = as_head.post(
        post_url, {"clock": "report_verification", "reason": " "}, secure=True, follow=True
    )
    assert [m.level_tag for m in no_reason.context["messages"]] == ["error"]

    done = as_head.post(
        post_url,
        {"clock": "report_verification", "reason": "需要抽样检验", "version": report.version},
        secure=True,
        follow=True,
    )
    assert done.redirect_chain[-1][0] == page_url
    extension = Clock.objects.get(owner_id=report.pk, kind="report_verification_extension")
    assert extension.due_on.isoformat() in done.content.decode()
    # Granted: the form is gone for that clock.
    assert 'id="extend-report_verification"' not in done.content.decode()
