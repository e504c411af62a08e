"""The operator console and the tracking page through the Django test client,
on real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from complaints.models import Case
from complaints.services import case_transition
from core.masking import mask_phone
from core.models import Clock, Event, Office, ProblemType, ProductCategory
from core.roles import Role
from tests.cases.factories import make_consumer, make_staff, mobile, valid_credit_code
from tests.console.conftest import login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def intake_post(**overrides: Any) -> dict[str, Any]:
    category = ProductCategory.objects.get(code="food-dairy")
    problem = ProblemType.objects.get(code="substandard")
    data: dict[str, Any] = {
        "kind": "complaint",
        "channel": "phone",
        "complainant_phone": mobile(),
        "complainant_name": "李四",
        "business_name": "长沙某某乳业有限公司",
        "city": "430100",
        "region": "430102",
        "category": str(category.pk),
        "quantity": "1",
        "problem_type": str(problem.pk),
        "description": "牛奶开盒即变质。",
        "demands": "退货退款。",
    }
    data.update(overrides)
    return data


# --- Intake -----------------------------------------------------------------------


def test_intake_form_is_keyboard_first(client: Client, operator: Any) -> None:
    response = login(client, operator).get("/console/intake/", secure=True)
    assert response.status_code == 200
    html = response.content.decode()
    phone = re.search(r"<input[^>]*name=\"complainant_phone\"[^>]*>", html)
    assert phone is not None and "autofocus" in phone.group(0)
    assert 'accesskey="s"' in html
    # The caller history lookup posts: the phone number stays out of URLs.
    assert 'hx-post="/console/lookup/caller/"' in phone.group(0)
    # The operator's own city (芙蓉区 lies in Changsha) is picked, its counties listed.
    assert re.search(r'<option value="430100"[^>]*selected', html)
    assert '<option value="430102">' in html


def test_intake_registers_and_shows_the_tracking_code(client: Client, operator: Any) -> None:
    phone = mobile()
    response = login(client, operator).post(
        "/console/intake/", intake_post(complainant_phone=phone), secure=True
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(complainant_phone=f"+86{phone}")
    assert case.registered_by == operator
    assert case.events.filter(action="registered").exists()
    done = client.get(response["Location"], secure=True)
    assert done.status_code == 200
    assert f'data-tracking-code="{case.tracking_code}"' in done.content.decode()


def test_intake_with_both_kinds_reads_back_two_linked_codes(client: Client, operator: Any) -> None:
    response = login(client, operator).post(
        "/console/intake/", intake_post(kind="both"), secure=True
    )
    assert response.status_code == 302
    done = client.get(response["Location"], secure=True).content.decode()
    codes = re.findall(r'data-tracking-code="([^"]+)"', done)
    assert len(codes) == 2
    cases = list(Case.objects.filter(tracking_code__in=codes))
    assert {c.kind for c in cases} == {"complaint", "report"}
    assert cases[0].linked_case_id == cases[1].pk


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("complainant_phone", "12345"),
        ("complainant_id_number", "430102199005171230"),
        ("business_credit_code", "91430100MA4L00000X"),
        ("region", "999999"),
        ("category", "not-a-number"),
        ("quantity", "0"),
        ("price", "abc"),
        ("purchase_date", "2999-01-01"),
    ],
)
def test_bad_intake_input_is_a_400_with_the_field_message(
    client: Client, operator: Any, field: str, value: str
) -> None:
    before = Case.objects.count()
    response = login(client, operator).post(
        "/console/intake/", intake_post(**{field: value}), secure=True
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="field-{field}"' in html
    block = html.split(f'id="field-{field}"', 1)[1].split("</div>", 1)[0]
    assert 'class="errorlist"' in block
    assert Case.objects.count() == before


def test_bad_intake_input_as_json_lists_field_errors(client: Client, operator: Any) -> None:
    response = login(client, operator).post(
        "/console/intake/",
        intake_post(complainant_phone="abc", description=""),
        HTTP_ACCEPT="application/json",
        secure=True,
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"complainant_phone", "description"} <= set(errors)


def test_every_field_message_comes_in_one_round(client: Client, operator: Any) -> None:
    """A form the form layer already rejects (no category, no problem type)
    still gets the cleaning step's messages for the other fields."""
    response = login(client, operator).post(
        "/console/intake/",
        intake_post(category="", problem_type="", complainant_phone="12345", description=""),
        HTTP_ACCEPT="application/json",
        secure=True,
    )
    assert response.status_code == 400
    assert {"category", "problem_type", "complainant_phone", "description"} <= set(
        response.json()["errors"]
    )


def test_bad_intake_input_over_htmx_is_a_400(client: Client, operator: Any) -> None:
    response = login(client, operator).post(
        "/console/intake/", intake_post(complainant_phone="1"), HTTP_HX_REQUEST="true", secure=True
    )
    assert response.status_code == 400
    assert 'id="field-complainant_phone"' in response.content.decode()


def test_a_repeat_report_can_be_merged_by_a_handler_at_intake(
    client: Client, handler: Any, make_case: Any
) -> None:
    original = make_case(kind="report", anonymous=True, complainant_name="", demands="")
    login(client, handler)
    warning = client.post(
        "/console/lookup/duplicates/",
        {"business_name": original.business_name, "category": str(original.category_id)},
        secure=True,
    ).content.decode()
    assert f'name="merge_into" value="{original.pk}"' in warning
    response = client.post(
        "/console/intake/",
        intake_post(
            kind="report",
            business_name=original.business_name,
            category=str(original.category_id),
            merge_into=str(original.pk),
        ),
        secure=True,
    )
    assert response.status_code == 302
    repeat = Case.objects.latest("id")
    assert (repeat.status, repeat.merged_into_id) == ("merged", original.pk)


def test_service_rule_violations_come_back_as_field_errors(
    client: Client, operator: Any, make_case: Any
) -> None:
    make_case(channel="12345", work_order_no="WO-2026-0001")
    response = login(client, operator).post(
        "/console/intake/",
        intake_post(channel="12345", work_order_no="WO-2026-0001"),
        secure=True,
    )
    assert response.status_code == 400
    block = response.content.decode().split('id="field-work_order_no"', 1)[1].split("</div>", 1)[0]
    assert 'class="errorlist"' in block


def test_a_complaint_cannot_be_anonymous(client: Client, operator: Any) -> None:
    response = login(client, operator).post(
        "/console/intake/", intake_post(anonymous="on"), secure=True
    )
    assert response.status_code == 400


def test_evidence_upload_is_stored_and_checked(client: Client, operator: Any) -> None:
    good = SimpleUploadedFile("receipt.png", PNG, content_type="image/png")
    response = login(client, operator).post(
        "/console/intake/", {**intake_post(), "evidence": [good]}, secure=True
    )
    assert response.status_code == 302
    evidence = Case.objects.latest("id").evidence.get()
    assert evidence.content_type == "image/png"
    assert "receipt" not in (evidence.file.name or "")
    fake = SimpleUploadedFile("page.png", b"<html><script>x</script>", content_type="image/png")
    response = client.post("/console/intake/", {**intake_post(), "evidence": [fake]}, secure=True)
    assert response.status_code == 400
    assert 'id="field-evidence"' in response.content.decode()


def test_only_registering_roles_reach_the_intake(client: Client, postgres: None) -> None:
    assert client.get("/console/intake/", secure=True).status_code == 302  # to the login page
    mediator = make_staff(Role.MEDIATOR)
    assert login(client, mediator).get("/console/intake/", secure=True).status_code == 403
    assert client.post("/console/intake/", intake_post(), secure=True).status_code == 403
    assert client.post("/console/lookup/caller/", {}, secure=True).status_code == 403
    consumer = make_consumer()
    assert login(client, consumer).get("/console/intake/", secure=True).status_code == 403


def test_caller_history_is_looked_up_by_phone(
    client: Client, operator: Any, make_case: Any
) -> None:
    phone = mobile()
    earlier = make_case(complainant_phone=phone)
    login(client, operator)
    response = client.post("/console/lookup/caller/", {"complainant_phone": phone}, secure=True)
    assert response.status_code == 200
    assert earlier.tracking_code in response.content.decode()
    other = client.post("/console/lookup/caller/", {"complainant_phone": mobile()}, secure=True)
    assert earlier.tracking_code not in other.content.decode()


def test_business_lookup_by_name_or_credit_code(
    client: Client, operator: Any, make_case: Any
) -> None:
    code = valid_credit_code("91430100MA4L12345")
    make_case(business_name="湘江电器商行", business_credit_code=code)
    login(client, operator)
    by_name = client.post("/console/lookup/business/", {"business_name": "湘江电"}, secure=True)
    assert code in by_name.content.decode()
    by_code = client.post(
        "/console/lookup/business/", {"business_credit_code": code[:10]}, secure=True
    )
    assert "湘江电器商行" in by_code.content.decode()
    nothing = client.post("/console/lookup/business/", {"business_name": "无此商家"}, secure=True)
    assert "湘江电器商行" not in nothing.content.decode()


def test_county_picker_follows_the_city(client: Client, operator: Any) -> None:
    login(client, operator)
    response = client.get("/console/lookup/counties/?city=430100", secure=True)
    html = response.content.decode()
    assert 'value="430102"' in html  # 芙蓉区
    assert 'value="430202"' not in html  # a county of Zhuzhou
    assert client.get("/console/lookup/counties/?city=xx", secure=True).status_code == 400


def test_duplicate_warning_offers_link_and_the_link_is_recorded(
    client: Client, operator: Any, make_case: Any
) -> None:
    phone = mobile()
    earlier = make_case(complainant_phone=phone)
    login(client, operator)
    warning = client.post(
        "/console/lookup/duplicates/", {"complainant_phone": phone}, secure=True
    ).content.decode()
    assert earlier.tracking_code in warning
    assert f'name="link_cases" value="{earlier.pk}"' in warning
    response = client.post(
        "/console/intake/",
        intake_post(complainant_phone=phone, link_cases=[str(earlier.pk)]),
        secure=True,
    )
    assert response.status_code == 302
    new = Case.objects.latest("id")
    assert list(new.related_cases.all()) == [earlier]


# --- Queue ------------------------------------------------------------------------


def test_queue_masks_phones_and_filters_by_status(
    client: Client, handler: Any, make_case: Any
) -> None:
    phone = mobile()
    registered = make_case(complainant_phone=phone)
    accepted = make_case()
    case_transition(case_id=accepted.pk, name="accept", actor=handler)
    login(client, handler)
    page = client.get("/console/cases/", secure=True).content.decode()
    assert registered.tracking_code in page and accepted.tracking_code in page
    assert phone not in page
    assert mask_phone(phone) in page
    filtered = client.get("/console/cases/?status=accepted", secure=True).content.decode()
    assert accepted.tracking_code in filtered
    assert registered.tracking_code not in filtered


def test_queue_filters_overdue_and_shows_badges(
    client: Client, handler: Any, make_case: Any
) -> None:
    late = make_case()
    on_time = make_case()
    Clock.objects.filter(case=late).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    login(client, handler)
    page = client.get("/console/cases/?deadline=overdue", secure=True).content.decode()
    assert late.tracking_code in page
    assert on_time.tracking_code not in page
    assert 'class="badge overdue"' in page
    soon = client.get("/console/cases/?deadline=due_soon", secure=True).content.decode()
    assert late.tracking_code not in soon


def test_due_soon_badge_agrees_with_the_due_soon_filter(
    client: Client, handler: Any, make_case: Any
) -> None:
    soon = make_case()
    later = make_case()
    today = timezone.localdate()
    # Most of the clock's length has run: due soon (the reminder threshold).
    Clock.objects.filter(case=soon).update(
        started_on=today - dt.timedelta(days=60), due_on=today + dt.timedelta(days=1)
    )
    Clock.objects.filter(case=later).update(started_on=today, due_on=today + dt.timedelta(days=20))
    login(client, handler)
    page = client.get("/console/cases/?deadline=due_soon", secure=True).content.decode()
    assert soon.tracking_code in page and later.tracking_code not in page
    row = page.split(soon.tracking_code, 2)[-1].split("</tr>", 1)[0]
    assert 'class="badge due_soon"' in row


def test_queue_marks_provisional_deadlines(client: Client, handler: Any, make_case: Any) -> None:
    case = make_case()
    Clock.objects.filter(case=case).update(provisional=True)
    page = login(client, handler).get("/console/cases/", secure=True).content.decode()
    assert 'class="badge provisional"' in page


def test_queue_filters_by_office_and_category(
    client: Client, make_case: Any, operator: Any
) -> None:
    chief = make_staff(Role.ENFORCEMENT_OFFICER)  # sees every office
    dairy = make_case(category="food-dairy")
    liquor = make_case(category="food-liquor")
    elsewhere = make_case(region="430103")
    login(client, chief)
    furong = Office.objects.get(code="amr-430102")
    page = client.get(f"/console/cases/?office={furong.pk}", secure=True).content.decode()
    assert dairy.tracking_code in page and elsewhere.tracking_code not in page
    cat = ProductCategory.objects.get(code="food-liquor")
    page = client.get(f"/console/cases/?category={cat.pk}", secure=True).content.decode()
    assert liquor.tracking_code in page and dairy.tracking_code not in page


def test_queue_lists_the_earliest_deadline_first(
    client: Client, handler: Any, make_case: Any
) -> None:
    today = timezone.localdate()
    cases = [make_case() for _ in range(3)]
    for case, days in zip(cases, (9, 1, 5), strict=True):
        Clock.objects.filter(case=case).update(due_on=today + dt.timedelta(days=days))
    login(client, handler)
    page = client.get("/console/cases/", secure=True).content.decode()
    order = sorted(cases, key=lambda c: page.index(c.tracking_code))
    assert order == [cases[1], cases[2], cases[0]]
    newest = client.get("/console/cases/?order=received", secure=True).content.decode()
    assert newest.index(cases[2].tracking_code) < newest.index(cases[0].tracking_code)


def test_queue_rejects_bad_filters_with_400(client: Client, handler: Any) -> None:
    login(client, handler)
    assert client.get("/console/cases/?due_before=yesterday", secure=True).status_code == 400
    assert client.get("/console/cases/?status=nonsense", secure=True).status_code == 400


def test_queue_paginates(client: Client, handler: Any, make_case: Any) -> None:
    for _ in range(27):
        make_case()
    login(client, handler)
    first = client.get("/console/cases/", secure=True).content.decode()
    second = client.get("/console/cases/?page=2", secure=True).content.decode()
    assert first.count('href="/console/cases/') - second.count('href="/console/cases/') > 0
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_queue_is_for_staff_only(client: Client, postgres: None) -> None:
    consumer = make_consumer()
    assert login(client, consumer).get("/console/cases/", secure=True).status_code == 403


# --- Case page ----------------------------------------------------------------------


def test_case_page_masks_personal_data_until_the_user_handles_it(
    client: Client, handler: Any, make_case: Any
) -> None:
    phone = mobile()
    case = make_case(complainant_phone=phone)
    login(client, handler)
    before = client.get(f"/console/cases/{case.pk}/", secure=True).content.decode()
    assert phone not in before and mask_phone(phone) in before
    case_transition(case_id=case.pk, name="accept", actor=handler)
    after = client.get(f"/console/cases/{case.pk}/", secure=True).content.decode()
    assert f"+86{phone}" in after


def test_case_page_shows_only_the_actions_this_user_may_take(
    client: Client, handler: Any, operator: Any, make_case: Any
) -> None:
    case = make_case()
    handler_page = login(client, handler).get(f"/console/cases/{case.pk}/", secure=True)
    actions = set(re.findall(r'data-action="([a-z_]+)"', handler_page.content.decode()))
    assert {"accept", "decline", "transfer"} <= actions
    assert "close" not in actions and "reach_agreement" not in actions
    # The decline form offers the rule set's grounds as reason codes.
    assert 'name="decline-reason_code"' in handler_page.content.decode()
    operator_page = login(client, operator).get(f"/console/cases/{case.pk}/", secure=True)
    assert re.findall(r'data-action="([a-z_]+)"', operator_page.content.decode()) == []


def test_case_page_shows_the_timeline(client: Client, handler: Any, make_case: Any) -> None:
    case = make_case()
    case_transition(case_id=case.pk, name="accept", actor=handler, note="材料齐全")
    page = login(client, handler).get(f"/console/cases/{case.pk}/", secure=True).content.decode()
    timeline = page.split('class="timeline"', 1)[1].split("</ol>", 1)[0]
    assert "材料齐全" in timeline
    assert timeline.index('data-from="" data-to="registered"') < timeline.index(
        'data-from="registered" data-to="accepted"'
    )


def test_case_of_another_office_is_not_found(
    client: Client, other_office_handler: Any, make_case: Any
) -> None:
    case = make_case()
    login(client, other_office_handler)
    missing = client.get(f"/console/cases/{case.pk + 10_000}/", secure=True)
    page = client.get(f"/console/cases/{case.pk}/", secure=True)
    # The same answer as for a case that does not exist: no existence oracle.
    assert page.status_code == missing.status_code == 404
    assert page.content == missing.content
    assert case.tracking_code.encode() not in page.content
    response = client.post(f"/console/cases/{case.pk}/transitions/accept/", {}, secure=True)
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).status == "registered"


def test_transition_through_the_case_page(client: Client, handler: Any, make_case: Any) -> None:
    case = make_case()
    login(client, handler)
    response = client.post(
        f"/console/cases/{case.pk}/transitions/accept/",
        {"accept-version": str(case.version), "accept-note": "受理"},
        secure=True,
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.status == "accepted"
    assert Event.objects.filter(case=case, action="accept", note="受理").count() == 1


def test_transition_outcomes_409_403_400(
    client: Client, handler: Any, operator: Any, make_case: Any
) -> None:
    case = make_case()
    login(client, handler)
    illegal = client.post(f"/console/cases/{case.pk}/transitions/close/", {}, secure=True)
    assert illegal.status_code == 409
    assert 'class="error"' in illegal.content.decode()
    stale = client.post(
        f"/console/cases/{case.pk}/transitions/accept/",
        {"accept-version": str(case.version + 5)},
        secure=True,
    )
    assert stale.status_code == 409
    missing_reason = client.post(f"/console/cases/{case.pk}/transitions/decline/", {}, secure=True)
    assert missing_reason.status_code == 400
    block = missing_reason.content.decode().split('id="field-decline-reason_code"', 1)[1]
    assert 'class="errorlist"' in block.split("</div>", 1)[0]
    login(client, operator)
    forbidden = client.post(f"/console/cases/{case.pk}/transitions/accept/", {}, secure=True)
    assert forbidden.status_code == 403
    case = Case.objects.get(pk=case.pk)
    assert case.status == "registered"
    assert not case.events.exclude(action="registered").exists()


def test_transfer_needs_a_target_office(client: Client, handler: Any, make_case: Any) -> None:
    case = make_case()
    login(client, handler)
    reason = case.rule_set.grounds.filter(kind="transfer").first()
    assert reason is not None
    target = Office.objects.get(code="amr-430103")
    no_office = client.post(
        f"/console/cases/{case.pk}/transitions/transfer/",
        {"transfer-reason_code": reason.code},
        secure=True,
    )
    assert no_office.status_code == 400
    done = client.post(
        f"/console/cases/{case.pk}/transitions/transfer/",
        {"transfer-reason_code": reason.code, "transfer-to_office": str(target.pk)},
        secure=True,
    )
    assert done.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.office_id) == ("transferred", target.pk)


# --- Evidence -----------------------------------------------------------------------


def test_evidence_downloads_as_an_attachment_for_allowed_staff_only(
    client: Client, operator: Any, handler: Any, other_office_handler: Any
) -> None:
    login(client, operator).post(
        "/console/intake/",
        {**intake_post(), "evidence": [SimpleUploadedFile("发票.png", PNG)]},
        secure=True,
    )
    case = Case.objects.latest("id")
    evidence = case.evidence.get()
    url = f"/console/cases/{case.pk}/evidence/{evidence.pk}/"
    response = login(client, handler).get(url, secure=True)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]
    assert login(client, other_office_handler).get(url, secure=True).status_code == 404
    assert login(client, make_consumer()).get(url, secure=True).status_code == 403
    wrong_case = f"/console/cases/{case.pk + 1000}/evidence/{evidence.pk}/"
    assert login(client, handler).get(wrong_case, secure=True).status_code == 404


# --- Tracking -----------------------------------------------------------------------


def test_tracking_needs_the_code_and_the_phone_digits(client: Client, make_case: Any) -> None:
    phone = mobile()
    case = make_case(complainant_phone=phone)
    assert client.get(f"/track/{case.tracking_code}/", secure=True)["Location"] == "/track/"
    wrong = client.post(
        "/track/", {"tracking_code": case.tracking_code, "phone_last4": "0000"}, secure=True
    )
    unknown = client.post(
        "/track/", {"tracking_code": "C-0000-0000-0000", "phone_last4": phone[-4:]}, secure=True
    )
    assert wrong.status_code == unknown.status_code == 400
    # The same message either way: the page does not reveal which codes exist.
    message = "No case matches"
    assert message in wrong.content.decode() or "没有" in wrong.content.decode()
    assert _errors(wrong) == _errors(unknown)
    ok = client.post(
        "/track/", {"tracking_code": case.tracking_code, "phone_last4": phone[-4:]}, secure=True
    )
    assert ok.status_code == 302
    assert phone[-4:] not in ok["Location"].replace(case.tracking_code, "")
    page = client.get(ok["Location"], secure=True).content.decode()
    assert phone not in page and mask_phone(phone) in page
    assert f'data-tracking-code="{case.tracking_code}"' in page
    assert case.complainant_name not in page
    assert case.business_name not in page


def _errors(response: Any) -> list[str]:
    return re.findall(r'<li class="error">(.*?)</li>', response.content.decode())


def test_tracking_form_rejects_malformed_input(client: Client, postgres: None) -> None:
    response = client.post("/track/", {"tracking_code": "", "phone_last4": "12a4"}, secure=True)
    assert response.status_code == 400
    assert json.dumps("phone_last4")[1:-1] in response.content.decode()


def test_tracking_stops_guessing_after_repeated_failures(
    client: Client, make_case: Any, redis_url: str
) -> None:
    from django.core.cache import cache

    case = make_case()
    cache.delete("track-fail:127.0.0.1")
    statuses = [
        client.post(
            "/track/",
            {"tracking_code": case.tracking_code, "phone_last4": f"{n:04d}"},
            secure=True,
            REMOTE_ADDR="127.0.0.1",
        ).status_code
        for n in range(12)
    ]
    assert statuses[-1] == 429
    assert 400 in statuses
    cache.delete("track-fail:127.0.0.1")


# --- Language -----------------------------------------------------------------------


PO = Path(__file__).resolve().parents[2] / "complaints/locale/zh_Hans/LC_MESSAGES/django.po"


def test_every_message_of_the_app_has_a_chinese_translation() -> None:
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first is the header
    assert entries
    untranslated = [e for e in entries if re.search(r'^msgstr(\[0\])? ""$', e, re.M)]
    assert untranslated == []
    assert "#, fuzzy" not in text
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime - 5


def test_console_speaks_chinese_first_and_its_own_words_win(
    client: Client, handler: Any, make_case: Any
) -> None:
    case = make_case()
    login(client, handler)
    queue = client.get("/console/cases/", secure=True).content.decode()
    assert "筛选" in queue  # not the admin's "过滤器"
    assert "已登记" in queue
    page = client.get(f"/console/cases/{case.pk}/", secure=True).content.decode()
    assert ">受理</button>" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
    english = client.get(f"/console/cases/{case.pk}/", secure=True).content.decode()
    assert ">Accept</button>" in english


def test_home_page_counts_cases_by_status_in_words(
    client: Client, handler: Any, make_case: Any
) -> None:
    make_case()
    page = login(client, handler).get("/", secure=True).content.decode()
    assert "<td>已登记</td><td>1</td>" in page
