"""Services and selectors beyond the transition table: duplicate links and
merges, caller history, business lookup, deadline filters, evidence limits,
token authentication."""

from __future__ import annotations

import datetime as dt
from typing import Any

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from complaints.models import Case
from complaints.selectors import (
    business_lookup,
    caller_history,
    case_list,
    duplicate_candidates,
)
from complaints.services import (
    TransitionNotAllowedError,
    case_link,
    case_merge,
    case_transition,
    intake_create,
)
from core.models import Event
from core.roles import Role
from tests.cases.factories import (
    OTHER_REGION,
    intake_payload,
    make_intake_data,
    make_staff,
    mobile,
    office_for,
    valid_credit_code,
)

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def operator() -> Any:
    return make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")


@pytest.fixture
def handler() -> Any:
    return make_staff(Role.CASE_HANDLER)


def test_linking_is_symmetric_audited_and_idempotent(operator: Any, handler: Any) -> None:
    first = intake_create(data=make_intake_data(), actor=operator).cases[0]
    second = intake_create(data=make_intake_data(), actor=operator).cases[0]
    case_link(case_id=second.pk, other_id=first.pk, actor=handler, note="same caller")
    case_link(case_id=first.pk, other_id=second.pk, actor=handler)
    assert list(first.related_cases.all()) == [second]
    assert list(second.related_cases.all()) == [first]
    links = Event.objects.filter(action="linked").order_by("owner_id")
    assert [(e.owner_id, e.data["related_case"]) for e in links] == [
        (first.pk, second.pk),
        (second.pk, first.pk),
    ]
    assert Case.objects.get(pk=first.pk).version == first.version + 1


def test_linking_to_a_closed_case_leaves_the_closed_case_untouched(
    operator: Any, handler: Any
) -> None:
    old = intake_create(data=make_intake_data(), actor=operator).cases[0]
    old = case_transition(case_id=old.pk, name="withdraw", actor=handler)
    new = intake_create(data=make_intake_data(), actor=operator).cases[0]
    case_link(case_id=new.pk, other_id=old.pk, actor=handler)
    assert list(old.related_cases.all()) == [new]
    stored = Case.objects.get(pk=old.pk)
    assert stored.version == old.version
    assert not stored.events.filter(action="linked").exists()
    assert new.events.filter(action="linked").count() == 1


def test_cases_of_another_office_cannot_be_linked(operator: Any, handler: Any) -> None:
    own = intake_create(data=make_intake_data(), actor=operator).cases[0]
    foreign = intake_create(data=make_intake_data(region=OTHER_REGION), actor=operator).cases[0]
    with pytest.raises(ValidationError) as caught:
        case_link(case_id=own.pk, other_id=foreign.pk, actor=handler)
    assert "other" in caught.value.message_dict
    assert not own.related_cases.exists()


def test_a_repeat_report_is_merged_into_the_original(operator: Any, handler: Any) -> None:
    original = intake_create(data=make_intake_data(kind="report"), actor=operator).report
    repeat = intake_create(data=make_intake_data(kind="report"), actor=operator).report
    assert original is not None and repeat is not None
    merged = case_merge(case_id=repeat.pk, into_id=original.pk, actor=handler)
    assert (merged.status, merged.merged_into_id) == ("merged", original.pk)
    assert merged.is_final
    assert not merged.clocks.filter(stopped_on=None).exists()
    event = merged.events.get(action="merge_into")
    assert event.data["original"] == original.pk
    # A merged report cannot be the original of another merge, nor change again.
    third = intake_create(data=make_intake_data(kind="report"), actor=operator).report
    assert third is not None
    with pytest.raises(ValidationError):
        case_merge(case_id=third.pk, into_id=merged.pk, actor=handler)
    with pytest.raises(TransitionNotAllowedError) as caught:
        case_transition(case_id=merged.pk, name="start_verification", actor=handler)
    assert caught.value.allowed == []


def test_complaints_are_not_merged(operator: Any, handler: Any) -> None:
    first = intake_create(data=make_intake_data(), actor=operator).cases[0]
    second = intake_create(data=make_intake_data(), actor=operator).cases[0]
    with pytest.raises(TransitionNotAllowedError):
        case_merge(case_id=second.pk, into_id=first.pk, actor=handler)


def test_caller_history_finds_every_spelling_of_a_number(operator: Any) -> None:
    number = mobile()
    mine = [
        intake_create(data=make_intake_data(complainant_phone=spelling), actor=operator).cases[0]
        for spelling in (number, f"+86 {number[:3]} {number[3:7]} {number[7:]}")
    ]
    intake_create(data=make_intake_data(), actor=operator)
    assert set(caller_history(phone=f"0086{number}")) == set(mine)
    assert list(caller_history(phone="not a phone")) == []


def test_business_lookup_by_name_prefix_or_credit_code(operator: Any) -> None:
    code = valid_credit_code("91430100MA4LXXXX1")
    for _ in range(2):
        intake_create(
            data=make_intake_data(business_name="湘江乳业有限公司", business_credit_code=code),
            actor=operator,
        )
    intake_create(data=make_intake_data(business_name="湘潭某店"), actor=operator)

    def names(query: str) -> set[str]:
        return {row["name"] for row in business_lookup(query=query, user=operator)}

    by_name = business_lookup(query="湘江", user=operator)
    assert [(row["name"], row["credit_code"], row["cases"]) for row in by_name] == [
        ("湘江乳业有限公司", code, 2)
    ]
    assert names(code[:10]) == {"湘江乳业有限公司"}
    assert names("湘") == set()  # too short
    assert names("湘江乳") == {"湘江乳业有限公司"}


def test_business_lookup_lists_only_businesses_of_visible_cases(operator: Any) -> None:
    """A business known only from another office's cases stays unknown."""
    zhuzhou_operator = make_staff(Role.HOTLINE_OPERATOR, office_for("430202"))
    intake_create(
        data=make_intake_data(business_name="株洲独有商行", region="430202"),
        actor=zhuzhou_operator,
    )
    intake_create(
        data=make_intake_data(business_name="株洲共有商行", region="430202"),
        actor=zhuzhou_operator,
    )
    intake_create(data=make_intake_data(business_name="株洲共有商行"), actor=operator)
    assert business_lookup(query="株洲独有", user=zhuzhou_operator)
    assert business_lookup(query="株洲独有", user=operator) == []
    # Counted over the cases the user sees: the other office's case is not one of them.
    (shared,) = business_lookup(query="株洲共有", user=operator)
    assert shared["cases"] == 1


def _workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def _start_with_working_days_elapsed(today: dt.date, n: int) -> dt.date:
    """The receipt date after which exactly n working days have passed by today."""
    day, seen = today, 0
    while True:
        if _workday(day):
            seen += 1
        day -= dt.timedelta(days=1)
        if seen == n and _workday(day + dt.timedelta(days=1)):
            return day


def test_overdue_and_due_soon_filters_follow_the_clocks(operator: Any, handler: Any) -> None:
    today = timezone.localdate()
    noon = dt.time(12, 0)

    def received(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, noon))

    fresh = intake_create(data=make_intake_data(), actor=operator).cases[0]
    late = intake_create(
        data=make_intake_data(received_at=received(today - dt.timedelta(days=30))),
        actor=operator,
    ).cases[0]
    # 6 of the 7 working days of the acceptance clock gone (消费者权益保护法第四十六条):
    # past the 80 % reminder mark, not yet overdue.
    soon_start = _start_with_working_days_elapsed(today, 6)
    soon = intake_create(
        data=make_intake_data(received_at=received(soon_start)), actor=operator
    ).cases[0]

    def ids(**filters: Any) -> set[int]:
        return set(case_list(user=handler, filters=filters).values_list("pk", flat=True))

    assert ids() == {fresh.pk, late.pk, soon.pk}
    assert ids(overdue="1") == {late.pk}
    assert ids(due_soon="true") == {soon.pk}
    # Requesting materials pauses the clock: a paused clock is neither.
    case_transition(case_id=late.pk, name="request_materials", actor=handler)
    assert ids(overdue="1") == set()


def test_oversized_evidence_is_rejected(operator: Any, settings: Any) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * 2048, "application/pdf")
    with pytest.raises(ValidationError) as caught:
        intake_create(data=make_intake_data(), evidence=[big], actor=operator)
    assert "evidence" in caught.value.message_dict
    assert not Case.objects.exists()


def test_evidence_over_the_total_is_rejected_even_when_each_file_fits(
    operator: Any, settings: Any
) -> None:
    settings.EVIDENCE_MAX_BYTES = 2048
    settings.EVIDENCE_TOTAL_MAX_BYTES = 3000
    files = [
        SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.7\n" + b"0" * 1500, "application/pdf")
        for n in range(2)
    ]
    with pytest.raises(ValidationError) as caught:
        intake_create(data=make_intake_data(), evidence=files, actor=operator)
    assert "evidence" in caught.value.message_dict
    assert not Case.objects.exists()
    # One of them alone is within both limits.
    assert intake_create(data=make_intake_data(), evidence=files[:1], actor=operator).cases


def test_both_intake_shares_evidence_between_the_pair(operator: Any) -> None:
    jpeg = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "image/jpeg")
    result = intake_create(data=make_intake_data(kind="both"), evidence=[jpeg], actor=operator)
    files = [c.evidence.get() for c in result.cases]
    assert files[0].file.name == files[1].file.name
    assert {f.content_type for f in files} == {"image/jpeg"}


def test_token_authentication_and_anonymous_requests(handler: Any) -> None:
    token = Token.objects.create(user=handler)
    client = APIClient()
    assert client.get("/api/v1/cases/").status_code in (401, 403)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/cases/").status_code == 200


def test_staff_without_the_register_permission_cannot_file(handler: Any) -> None:
    mediator = make_staff(Role.MEDIATOR)
    client = APIClient()
    client.force_authenticate(mediator)
    response = client.post("/api/v1/intakes/", {"kind": "complaint"}, format="json")
    # Shape errors come first; a well-formed intake is refused.
    assert response.status_code == 400
    response = client.post("/api/v1/intakes/", intake_payload(), format="json")
    assert response.status_code == 403
    assert office_for().cases.count() == 0


def test_staff_in_a_role_without_case_access_see_no_office_cases(operator: Any) -> None:
    intake_create(data=make_intake_data(), actor=operator)
    supervisor = make_staff(Role.SUPERVISOR)
    assert not case_list(user=supervisor, filters={}).exists()
    assert case_list(user=make_staff(Role.INSPECTOR), filters={}).count() == 1


def test_duplicate_candidates_accept_the_phone_as_typed(operator: Any) -> None:
    number = mobile()
    case = intake_create(data=make_intake_data(complainant_phone=number), actor=operator).cases[0]
    found = duplicate_candidates(
        phone=f"{number[:3]} {number[3:7]} {number[7:]}", seller_key="", category=None
    )
    assert list(found) == [case]
    assert not duplicate_candidates(phone="garbage", seller_key="", category=None).exists()


def test_a_12345_order_split_in_two_keeps_its_number_on_the_complaint(operator: Any) -> None:
    result = intake_create(
        data=make_intake_data(kind="both", channel="12345", work_order_no="WO-SPLIT-1"),
        actor=operator,
    )
    assert result.complaint is not None and result.report is not None
    assert result.complaint.work_order_no == "WO-SPLIT-1"
    assert result.report.work_order_no is None
    # Both are 12345 work orders: each may be returned as misrouted (local practice).
    for case in result.cases:
        assert case.clocks.filter(kind="return_misrouted", stopped_on=None).exists()
